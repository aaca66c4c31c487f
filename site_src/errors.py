"""Errors and warnings the curator can act on: each names the file, and the line where there is one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def _where(path: Path | str | None, line: int | None) -> str:
    if path is None:
        return ""
    return f"{path}:{line}: " if line else f"{path}: "


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
class Warning:
    """Something odd but survivable; `--strict` turns it into an error."""

    message: str
    path: Path | str | None = None
    line: int | None = None

    def __str__(self) -> str:
        return f"{_where(self.path, self.line)}{self.message}"

    def as_error(self) -> DigestError:
        return DigestError(self.message, self.path, self.line)
