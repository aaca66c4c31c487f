"""What every reader returns, and the small text rules the JSON readers share."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from site_src.errors import BuildWarning
from site_src.records import Entry

# New-style arXiv ids (YYMM.NNNNN), the only kind Hugging Face Papers lists; a version suffix is dropped.
ARXIV_ID = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\w.])")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_SPACES = re.compile(r"\s+")
_STRADDLE = re.compile(r"  +")


@dataclass(frozen=True)
class Dump:
    """One dump as read: its entries, plus what the digest's date and title need."""

    entries: tuple[Entry, ...]
    heading: str | None = None  # a text capture's date header ("Mar 12")
    date: dt.date | None = None  # the date the content itself gives (after site.yaml and the file name)
    warnings: tuple[BuildWarning, ...] = ()


def unwrap(text: str, chunk: int = 1 << 20) -> str:
    """Runs of white space (arXiv's hard line wraps, tabs, NBSP) as single spaces, ends trimmed.

    A long text is folded a chunk at a time, since folding a 50 MB line at once makes ten million
    word strings (800 MB). Regex white space is exactly str.isspace().
    """
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text  # already folded (most author names, many titles): tested in C without splitting
    if len(text) <= chunk:
        return " ".join(text.split())
    folded = "".join(_SPACES.sub(" ", text[i : i + chunk]) for i in range(0, len(text), chunk))
    return _STRADDLE.sub(" ", folded).strip(" ")  # a run that straddled chunks left a few spaces: rare, cheap


def arxiv_id(text: str) -> str | None:
    """The arXiv id in an id or URL (`https://huggingface.co/papers/2506.14965`), else None."""
    match = ARXIV_ID.search(text)
    return match.group(1) if match else None


def iso_day(value: object) -> dt.date | None:
    """The day of an ISO timestamp (`2025-06-20T07:55:47Z`, with or without zone); None if it is not one."""
    match = _ISO_DAY.match(value) if isinstance(value, str) else None
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


class LineFinder:
    """1-based line numbers of items in a JSON text, found by searching forward for a string each holds."""

    def __init__(self, text: str):
        self.text = text
        self.position = 0
        self.line = 1

    def line_of(self, needle: str) -> int:
        found = self.text.find(needle, self.position) if needle else -1
        if found < 0:
            return self.line
        self.line += self.text.count("\n", self.position, found)
        self.position = found
        return self.line
