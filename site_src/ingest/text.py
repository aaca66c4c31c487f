"""Reader for plain-text captures of Hugging Face Papers listing pages.

A capture is page chrome (`new`, `Subscribe`, ...), an optional date header (`Mar 12`), then
title and abstract lines in turn, either separated by blank lines or back to back.
"""

from __future__ import annotations

import re
from pathlib import Path

from site_src.errors import DigestError
from site_src.records import Entry
from site_src.ingest.dump import Dump, unwrap

CHROME = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "byAK and the research community",
    }
)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DATE_HEADER = re.compile(r"^(%s)[a-z]*\.? (\d{1,2})$" % "|".join(m.title() for m in MONTHS))
_SENTENCE_BREAK = re.compile(r"[.!?]\s+\S")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
TITLE_MAX = 400  # longer lines are paragraphs, not titles


def header_month_day(heading: str) -> tuple[int, int]:
    """(month, day) of a date header such as `Mar 12`."""
    match = DATE_HEADER.match(heading)
    assert match, heading
    return MONTHS.index(match.group(1).lower()) + 1, int(match.group(2))


def _looks_like_abstract(line: str) -> bool:
    return len(line) > TITLE_MAX or len(_SENTENCE_BREAK.findall(line)) >= 3


def _looks_like_title(line: str) -> bool:
    return len(line) < 250 and not _SENTENCE_BREAK.search(line)


def _content_lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers, white space folded (tabs, NBSP, CR)."""
    # Only LF, CRLF and CR end a line, as in editors: str.splitlines() would also split at \x0b, \x0c,
    # \x1c-\x1e, \x85 and U+2028 inside a title, pairing titles with the wrong abstracts.
    return [(n, unwrap(raw)) for n, raw in enumerate(_LINE_BREAK.split(text), 1) if raw.strip()]


def _skip_header(lines: list[tuple[int, str]]) -> tuple[str | None, int]:
    """Drop the page chrome; return the date header and the index of the first title."""
    heading = None
    subscribe_seen = False
    for index, (number, line) in enumerate(lines):
        if line in CHROME:
            subscribe_seen = subscribe_seen or line == "Subscribe"
        elif heading is None and DATE_HEADER.match(line):
            heading = line
        else:
            if not subscribe_seen and line.startswith("Subscribe") and len(line) > len("Subscribe"):
                # The capture glued the button onto the first title: "SubscribeChipNeMo: ..."
                lines[index] = (number, line[len("Subscribe") :].lstrip())
            return heading, index
    return heading, len(lines)


def parse_text_dump(path: Path, text: str) -> Dump:
    """Parse one capture; a title with no abstract, or text that is not a capture, is an error."""
    lines = _content_lines(text)
    heading, start = _skip_header(lines)
    body = lines[start:]
    if not body:
        raise DigestError("no papers found: this is not a Hugging Face Papers capture (expected title and abstract lines)", path)
    entries = []
    for index in range(0, len(body), 2):
        title_line, title = body[index]
        if _looks_like_abstract(title):
            raise DigestError(
                f"expected a paper title, found a paragraph of {len(title)} characters "
                "(a title missing above this abstract, or an abstract missing below the title before it?)",
                path,
                title_line,
            )
        if index + 1 == len(body):
            raise DigestError(f"title line without an abstract (the file ends after {title[:60]!r})", path, title_line)
        abstract_line, abstract = body[index + 1]
        if _looks_like_title(abstract):
            raise DigestError(
                f"title line without an abstract: the next line ({abstract_line}) looks like another title",
                path,
                title_line,
            )
        entries.append(Entry(title=title, abstract=abstract, line=title_line))
    return Dump(entries=tuple(entries), heading=heading)
