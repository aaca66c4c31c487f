"""Ingest: read every dump in content/dumps into digests, then merge them into distinct papers."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from ..config import SiteConfig
from ..errors import DigestError, Warning
from ..model import Corpus, Digest, Entry, Paper
from ..slugs import unique_slugs
from ..source import read_text
from .text import header_month_day, parse_text_dump

_FILE_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def dump_files(dumps_dir: Path) -> list[Path]:
    """The dump files, by name; hidden files and folders are not dumps."""
    if not dumps_dir.is_dir():
        raise DigestError("dumps folder not found", dumps_dir)
    return sorted(p for p in dumps_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def read_entries(path: Path, text: str) -> tuple[str | None, tuple[Entry, ...]]:
    """Pick the reader by content; return the page's date header (if any) and its entries."""
    if text.lstrip()[:1] in ("[", "{"):
        raise DigestError("looks like JSON; JSON dumps are not supported by this version", path)
    dump = parse_text_dump(path, text)
    return dump.heading, dump.entries


def digest_date(path: Path, heading: str | None, config: SiteConfig) -> dt.date | None:
    """site.yaml's date, else a YYYY-MM-DD in the file name, else the header plus site.yaml's year."""
    meta = config.dumps.get(path.name)
    if meta and meta.date:
        return meta.date
    match = _FILE_DATE.search(path.name)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            raise DigestError(f"the file name holds an impossible date {match.group(0)!r}", path) from None
    if heading and config.year:
        month, day = header_month_day(heading)
        try:
            return dt.date(config.year, month, day)
        except ValueError:
            raise DigestError(f"date header {heading!r} is not a day of {config.year}", path) from None
    return None


def _digest_title(path: Path, date: dt.date | None, heading: str | None, config: SiteConfig) -> str:
    meta = config.dumps.get(path.name)
    if meta and meta.title:
        return meta.title
    if date:
        return f"{date.day} {date:%B %Y}"
    return heading or path.stem


def read_digests(dumps_dir: Path, config: SiteConfig) -> tuple[list[Digest], list[Warning]]:
    """One Digest per dump file, in chronological order (undated ones last, by file name)."""
    files = dump_files(dumps_dir)
    ids = unique_slugs(((p.name, p.stem) for p in files), fallback="digest")
    digests = []
    for path in files:
        text = read_text(path)
        heading, entries = read_entries(path, text)
        date = digest_date(path, heading, config)
        title = _digest_title(path, date, heading, config)
        digests.append(Digest(ids[path.name], path, title, date, heading, entries))
    warnings = [
        Warning(f"dumps.{name}: no such file in {dumps_dir}", config.source)
        for name in sorted(set(config.dumps) - {p.name for p in files})
    ]
    digests.sort(key=lambda d: (d.date is None, d.date or dt.date.min, d.source.name))
    return digests, warnings


def paper_key(title: str) -> str:
    """Identity of a paper for merging: its title, case, accents and punctuation folded."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.findall(r"\w+", folded))


def entry_key(entry: Entry) -> str:
    return entry.arxiv_id or paper_key(entry.title)


def merge_papers(digests: list[Digest]) -> list[Paper]:
    """The same paper in several digests becomes one Paper listing each digest; longest abstract wins."""
    groups: dict[str, list[tuple[Digest, Entry]]] = {}
    for digest in digests:
        for entry in digest.entries:
            groups.setdefault(entry_key(entry), []).append((digest, entry))
    slugs = unique_slugs(((key, seen[0][1].title) for key, seen in groups.items()), fallback="paper")
    papers = []
    for key, seen in groups.items():
        first = seen[0][1]
        abstract = max((entry.abstract for _, entry in seen), key=len)
        digest_ids = tuple(dict.fromkeys(digest.id for digest, _ in seen))
        authors = next((entry.authors for _, entry in seen if entry.authors), ())
        papers.append(Paper(key, slugs[key], first.title, abstract, digest_ids, first.arxiv_id, authors))
    papers.sort(key=lambda p: p.slug)
    return papers


def read_corpus(dumps_dir: Path, config: SiteConfig) -> tuple[Corpus, list[Warning]]:
    """Read and merge every dump."""
    digests, warnings = read_digests(dumps_dir, config)
    papers = merge_papers(digests)
    slug_of = {paper.key: paper.slug for paper in papers}
    listings = {d.id: tuple(dict.fromkeys(slug_of[entry_key(e)] for e in d.entries)) for d in digests}
    return Corpus(tuple(digests), tuple(papers), listings), warnings
