"""Ingest: read every dump in content/dumps into digests, then merge them into distinct papers.

Each reader (a row of readers.READERS: text capture, API JSON, JSON Feed) turns one file into entries; this module
dates the digest and merges papers. It knows nothing of topics or pages; it reads and never writes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

from site_src.config import SiteConfig
from site_src.errors import DigestError, BuildWarning
from site_src.records import Corpus, Digest, Entry, Paper, merged_facts
from site_src.text.slugs import unique_slugs
from site_src.files.source import DUMP_LIMIT, check_regular, read_text
from site_src.ingest.readers import read_entries
from site_src.ingest.text import header_month_day

_FILE_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


FETCH_HINT = "`digest fetch` fills it with the daily-papers API's answers (or save Hugging Face Papers pages there)"


def dump_files(dumps_dir: Path) -> list[Path]:
    """The dump files, by name; hidden files and folders are not dumps. A FIFO, device or dangling link is an error."""
    if not dumps_dir.is_dir():
        raise DigestError(f"dumps folder not found; {FETCH_HINT}", dumps_dir)
    files = sorted(p for p in dumps_dir.iterdir() if not p.name.startswith(".") and not p.is_dir())
    for path in files:
        check_regular(path)
    return files


def unread_folders(dumps_dir: Path) -> list[BuildWarning]:
    """A warning for each subfolder of dumps/ that holds files: only dumps/ itself is read."""
    warnings = []
    for folder in sorted(p for p in dumps_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        count = sum(len([n for n in names if not n.startswith(".")]) for _, _, names in os.walk(folder))
        if count:
            warnings.append(BuildWarning(
                f"{count} file{'s' * (count != 1)} in this subfolder {'are' if count != 1 else 'is'} not read: dumps are read "
                f"only from {dumps_dir} itself (move {'them' if count != 1 else 'it'} up to build {'them' if count != 1 else 'it'})", folder))
    return warnings


def digest_date(
    path: Path, heading: str | None, config: SiteConfig, content_date: dt.date | None = None
) -> dt.date | None:
    """site.yaml's date, else a YYYY-MM-DD in the file name, else the content's own date
    (an API response's listing day, a feed's newest item), else the header plus site.yaml's year."""
    meta = config.dumps.get(path.name)
    if meta and meta.date:
        return meta.date
    match = _FILE_DATE.search(path.name)
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            raise DigestError(f"the file name holds an impossible date {match.group(0)!r}", path) from None
    if content_date:
        return content_date
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


# Characters in one paper's title and abstract. A title is repeated on many pages (its own, its topics',
# its digests', its related papers'), so a huge one would multiply; real ones stay under 300 and 5,000.
TITLE_LIMIT = 1_000
ABSTRACT_LIMIT = 100_000


def _check_sizes(path: Path, entries) -> None:
    for entry in entries:
        for field, limit in (("title", TITLE_LIMIT), ("abstract", ABSTRACT_LIMIT)):
            size = len(getattr(entry, field))
            if size > limit:
                raise DigestError(f"a paper {field} of {size:,} characters; the most is {limit:,}", path, entry.line)


def read_digests(dumps_dir: Path, config: SiteConfig) -> tuple[list[Digest], list[BuildWarning]]:
    """One Digest per dump file, in chronological order (undated ones last, by file name)."""
    files = dump_files(dumps_dir)
    ids = unique_slugs(((p.name, p.stem) for p in files), fallback="digest")
    digests = []
    warnings = unread_folders(dumps_dir)
    if not files:
        warnings.append(BuildWarning(f"no dumps yet, so the site lists no papers; {FETCH_HINT}", dumps_dir))
    for path in files:
        text = read_text(path, DUMP_LIMIT)
        dump = read_entries(path, text)
        _check_sizes(path, dump.entries)
        warnings += dump.warnings
        if not dump.entries:  # an empty day (the reader warned): no digest page
            continue
        heading = dump.heading
        date = digest_date(path, heading, config, dump.date)
        title = _digest_title(path, date, heading, config)
        digests.append(Digest(ids[path.name], path, title, date, heading, dump.entries))
    warnings += [
        BuildWarning(f"dumps.{name}: no such file in {dumps_dir}", config.source)
        for name in sorted(set(config.dumps) - {p.name for p in files})
    ]
    digests.sort(key=lambda d: (d.date is None, d.date or dt.date.min, d.source.name))
    return digests, warnings


def paper_key(title: str) -> str:
    """Identity of a paper for merging: its title, case, accents and punctuation folded."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(re.findall(r"\w+", folded))


def title_ids(digests: list[Digest]) -> dict[str, str]:
    """Normalized title → arXiv id, for each title that exactly one arXiv id carries."""
    ids: dict[str, set[str]] = {}
    for digest in digests:
        for entry in digest.entries:
            if entry.arxiv_id:
                ids.setdefault(paper_key(entry.title), set()).add(entry.arxiv_id)
    return {title: next(iter(found)) for title, found in ids.items() if len(found) == 1}


def entry_key(entry: Entry, titles: dict[str, str] | None = None) -> str:
    """Merge identity: the arXiv id; without one, the id that entries of the same title carry, else the title.

    So a text capture (titles only) and an API response (ids) of the same paper merge into one.
    """
    if entry.arxiv_id:
        return entry.arxiv_id
    key = paper_key(entry.title)
    return (titles or {}).get(key, key)


def _richest(key: str, slug: str, seen: list[tuple[Digest, Entry]]) -> Paper:
    """One Paper from every listing of it, each fact by its merge rule (model.PaperFacts)."""
    facts = merged_facts([entry for _, entry in seen])
    return Paper(key=key, slug=slug, digests=tuple(dict.fromkeys(digest.id for digest, _ in seen)), **facts)


def merge_papers(digests: list[Digest], titles: dict[str, str] | None = None) -> list[Paper]:
    """The same paper in several digests (of any kind) becomes one Paper listing each digest."""
    titles = title_ids(digests) if titles is None else titles
    groups: dict[str, list[tuple[Digest, Entry]]] = {}
    for digest in digests:
        for entry in digest.entries:
            groups.setdefault(entry_key(entry, titles), []).append((digest, entry))
    slugs = unique_slugs(((key, seen[0][1].title) for key, seen in groups.items()), fallback="paper")
    papers = [_richest(key, slugs[key], seen) for key, seen in groups.items()]
    papers.sort(key=lambda p: p.slug)
    return papers


def two_titles(digests: list[Digest]) -> list[BuildWarning]:
    """A warning for each arXiv id listed under two different titles (the site shows it once, under one of them)."""
    first: dict[str, tuple[str, Path, int | None]] = {}
    warned: set[str] = set()
    warnings = []
    for digest in digests:
        for entry in digest.entries:
            if not entry.arxiv_id:
                continue
            seen = first.setdefault(entry.arxiv_id, (entry.title, digest.source, entry.line))
            if paper_key(seen[0]) != paper_key(entry.title) and entry.arxiv_id not in warned:
                warned.add(entry.arxiv_id)
                where = f"{seen[1]}:{seen[2]}" if seen[2] else str(seen[1])
                warnings.append(BuildWarning(
                    f"arXiv {entry.arxiv_id} is listed under two titles: {seen[0]!r} ({where}) and {entry.title!r}; "
                    "the site shows it once, as one paper", digest.source, entry.line))
    return warnings


def read_corpus(dumps_dir: Path, config: SiteConfig) -> tuple[Corpus, list[BuildWarning]]:
    """Read and merge every dump."""
    digests, warnings = read_digests(dumps_dir, config)
    titles = title_ids(digests)
    papers = merge_papers(digests, titles)
    slug_of = {paper.key: paper.slug for paper in papers}
    listings = {d.id: tuple(dict.fromkeys(slug_of[entry_key(e, titles)] for e in d.entries)) for d in digests}
    where = {entry_key(e, titles): (d.source, e.line) for d in reversed(digests) for e in d.entries}
    warnings += [BuildWarning(f"paper without an abstract: {p.title!r}", *where[p.key]) for p in papers if not p.abstract]
    warnings += two_titles(digests)
    return Corpus(tuple(digests), tuple(papers), listings), warnings
