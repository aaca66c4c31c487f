"""Reader for saved Hugging Face daily-papers API responses (`/api/daily_papers?date=YYYY-MM-DD`).

The body is a JSON list; each element's `paper` holds the arXiv id, title, abstract (`summary`),
authors, upvotes and, depending on the day the API was asked, `ai_summary`, `ai_keywords`,
`githubRepo` and `projectPage`. Fields come and go over time; absent ones are simply omitted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from site_src.errors import BuildWarning, DigestError
from site_src.records import Entry
from site_src.text.links import safe_url
from site_src.ingest.dump import Dump, LineFinder, arxiv_id, iso_day, unwrap


def looks_like_api(data: object) -> bool:
    """A non-empty list whose elements are objects with a `paper` object: the API's shape."""
    return isinstance(data, list) and bool(data) and all(isinstance(e, dict) and "paper" in e for e in data)


def _text(value: object, what: str, path: Path, line: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DigestError(f"{what} should be a string, found {type(value).__name__}", path, line)
    return unwrap(value)


def _url(value: object) -> str | None:
    """An http(s) URL from the data, else None: a `javascript:` code link is dropped here already."""
    return safe_url(value.strip()) if isinstance(value, str) else None


def _authors(paper: dict, what: str, path: Path, line: int) -> tuple[str, ...]:
    people = paper.get("authors") or ()
    if not isinstance(people, (list, tuple)):
        raise DigestError(f"{what} should be a list, found {type(people).__name__}", path, line)
    names = (a.get("name") for a in people if isinstance(a, dict))
    return tuple(unwrap(n) for n in names if isinstance(n, str) and n.strip())


def _keywords(paper: dict) -> tuple[str, ...]:
    words = paper.get("ai_keywords") or ()
    return tuple(dict.fromkeys(unwrap(w) for w in words if isinstance(w, str) and w.strip())) if isinstance(words, list) else ()


def _entry(element: dict, index: int, path: Path, lines: LineFinder) -> Entry:
    paper = element["paper"]
    if not isinstance(paper, dict):
        raise DigestError(f"item {index}: `paper` should be an object, found {type(paper).__name__}", path, lines.line)
    raw_id = paper.get("id")
    line = lines.line_of(json.dumps(raw_id) if isinstance(raw_id, str) else "")
    paper_id = arxiv_id(raw_id) if isinstance(raw_id, str) else None
    title = _text(paper.get("title") or element.get("title"), f"item {index}: title", path, line)
    if not title:
        raise DigestError(f"item {index} ({raw_id}): paper without a title", path, line)
    upvotes = paper.get("upvotes")
    return Entry(
        title=title,
        abstract=_text(paper.get("summary") or element.get("summary"), f"item {index}: summary", path, line),
        line=line,
        arxiv_id=paper_id,
        authors=_authors(paper, f"item {index}: authors", path, line),
        upvotes=upvotes if isinstance(upvotes, int) and not isinstance(upvotes, bool) else None,
        github_url=_url(paper.get("githubRepo")),
        project_url=_url(paper.get("projectPage")),
        ai_summary=_text(paper.get("ai_summary"), f"item {index}: ai_summary", path, line),
        ai_keywords=_keywords(paper),
        published=iso_day(paper.get("publishedAt")),
    )


def listing_date(data: list) -> dt.date | None:
    """The day the papers were listed, from `paper.submittedOnDailyAt` (the most common one; ties: earliest).

    The top-level `publishedAt` is not the listing day (it is hours to days off), so it is never used.
    """
    days = Counter(iso_day(e["paper"].get("submittedOnDailyAt")) for e in data if isinstance(e.get("paper"), dict))
    days.pop(None, None)
    return min(days, key=lambda day: (-days[day], day)) if days else None


def parse_api_json(path: Path, text: str, data: list) -> Dump:
    """Entries of one API response, each paper once (the API sometimes lists a paper twice in a day)."""
    lines = LineFinder(text)
    entries: dict[str, Entry] = {}
    warnings = []
    for index, element in enumerate(data, 1):
        entry = _entry(element, index, path, lines)
        # A repeat within one response is the API's quirk, not the curator's: keep the first, silently,
        # unless it carries another title (then which one is right is the curator's call).
        kept = entries.setdefault(entry.arxiv_id or entry.title, entry)
        if kept is not entry and " ".join(kept.title.split()).casefold() != " ".join(entry.title.split()).casefold():
            warnings.append(BuildWarning(
                f"arXiv {entry.arxiv_id} is listed under two titles: {kept.title!r} (line {kept.line}) and {entry.title!r}; "
                "the site shows it once, as the first", path, entry.line))
    return Dump(entries=tuple(entries.values()), date=listing_date(data), warnings=tuple(warnings))
