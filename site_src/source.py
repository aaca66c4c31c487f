"""Reading the curator's files: one UTF-8 rule for dumps, pages and site.yaml."""

from __future__ import annotations

from pathlib import Path

from .errors import DigestError


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is allowed); anything else is an error naming the byte offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DigestError(f"not valid UTF-8 at byte offset {exc.start}", path, line) from None


def read_text(path: Path) -> str:
    try:
        return decode(path, path.read_bytes())
    except OSError as exc:
        raise DigestError(f"cannot read: {exc.strerror}", path) from None
