"""Reader for JSON Feeds (version 1 and 1.1) of the Hugging Face Papers page.

Each item is a paper: the arXiv id sits in its `url` (or `id`), `https://huggingface.co/papers/<id>`.
Scraped feeds put the page text in `content_text`: the AI summary, the page's `AI-generated summary`
label, then the abstract. The two are split apart; the abstract is never glued to the summary.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from site_src.errors import DigestError, BuildWarning
from site_src.records import Entry
from site_src.ingest.dump import Dump, LineFinder, arxiv_id, iso_day, unwrap

VERSIONS = ("https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1")
# The failure item the scraper writes when it got no papers.
SENTINEL = "Something is wrong - no hf papers feed generated"
AI_LABEL = "AI-generated summary"
# `[^<>]`, not `[^>]`: a run of `<` without `>` would make the scan quadratic (minutes for a few MB).
_TAG = re.compile(r"<[^<>]*>")


def is_json_feed(data: object) -> bool:
    return isinstance(data, dict) and str(data.get("version", "")).startswith("https://jsonfeed.org/version/")


def split_content(text: str) -> tuple[str, str]:
    """(AI summary, abstract) of an item's page text; without the label it is all abstract."""
    # A plain split: a regex with `\s*` around the label took quadratic time on long runs of spaces.
    summary, label, abstract = text.partition(AI_LABEL)
    if label:
        return unwrap(summary), unwrap(abstract)
    return "", unwrap(text)


def _content(item: dict) -> str:
    for key in ("content_text", "summary"):
        if isinstance(item.get(key), str) and item[key].strip():
            return item[key]
    if isinstance(item.get("content_html"), str):
        return html.unescape(_TAG.sub(" ", item["content_html"]))
    return ""


def _authors(item: dict) -> tuple[str, ...]:
    # 1.1 has `authors` (a list); 1.0 has `author` (one object).
    people = item.get("authors") if isinstance(item.get("authors"), list) else [item.get("author")]
    return tuple(unwrap(p["name"]) for p in people if isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"].strip())


def _is_sentinel(item: dict) -> bool:
    return unwrap(str(item.get("title", ""))) == SENTINEL


def _entry(item: dict, index: int, path: Path, lines: LineFinder) -> Entry:
    link = next((v for v in (item.get("url"), item.get("id"), item.get("external_url")) if isinstance(v, str) and v), "")
    line = lines.line_of(json.dumps(link)[1:-1] if link else "")
    title = unwrap(item["title"]) if isinstance(item.get("title"), str) else ""
    if not title:
        raise DigestError(f"item {index}: a feed item without a title", path, line)
    ai_summary, abstract = split_content(_content(item))
    return Entry(title=title, abstract=abstract, line=line, arxiv_id=arxiv_id(link), authors=_authors(item), ai_summary=ai_summary)


def parse_json_feed(path: Path, text: str, data: dict) -> Dump:
    """Entries of one feed, each paper once; the digest's date is that of its newest item."""
    version = data.get("version")
    if version not in VERSIONS:
        raise DigestError(f"JSON Feed version {version!r} is not supported (expected one of {', '.join(VERSIONS)})", path)
    items = data.get("items")
    if not isinstance(items, list):
        raise DigestError("JSON Feed without an `items` list", path)
    if items and all(isinstance(i, dict) and _is_sentinel(i) for i in items):
        raise DigestError(
            f"the feed holds only its failure item {SENTINEL!r}: the scraper got no papers that day; remove the file", path
        )
    lines = LineFinder(text)
    entries: dict[str, Entry] = {}
    warnings = []
    days = []
    for index, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise DigestError(f"item {index}: should be an object, found {type(item).__name__}", path)
        if _is_sentinel(item):
            warnings.append(BuildWarning(f"item {index}: skipped the feed's failure item {SENTINEL!r}", path))
            continue
        entry = _entry(item, index, path, lines)
        entries.setdefault(entry.arxiv_id or entry.title, entry)
        days.append(iso_day(item.get("date_published")))
    if not entries:
        warnings.append(BuildWarning("empty feed: no items", path))
    date = max((d for d in days if d), default=None)
    return Dump(entries=tuple(entries.values()), date=date, warnings=tuple(warnings))
