"""Errors and warnings the curator can act on: each names the file, and the line where there is one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Control characters (a file name may hold ESC sequences or newlines), direction overrides, and the
# surrogates that stand for the bytes of a file name that is not UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for a byte that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """text safe to print on a terminal, on one line: control characters and the like written as escapes."""
    return _UNPRINTABLE.sub(_escape, text)


def _where(path: Path | str | None, line: int | None) -> str:
    if path is None:
        return ""
    return f"{printable(str(path))}:{line}: " if line else f"{printable(str(path))}: "


class DigestError(Exception):
    """Bad input: printed as `FILE:LINE: message`, never with a traceback."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return f"{_where(self.path, self.line)}{self.message}"

    def __reduce__(self):  # keeps file and line when a worker process hands the error back
        return (type(self), (self.message, self.path, self.line))


@dataclass(frozen=True)
class BuildWarning:
    """Something odd but survivable; `--strict` turns it into an error."""

    message: str
    path: Path | str | None = None
    line: int | None = None

    def __str__(self) -> str:
        return f"{_where(self.path, self.line)}{self.message}"

    def as_error(self) -> DigestError:
        return DigestError(self.message, self.path, self.line)
