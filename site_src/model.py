"""The plain, frozen data that flows between the pipeline's stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    """One listing of a paper in one dump, as read, before merging."""

    title: str
    abstract: str
    line: int  # where the title stands in the dump (1-based)
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    upvotes: int | None = None
    github_url: str | None = None
    project_url: str | None = None
    ai_summary: str = ""  # Hugging Face's machine-written summary, never part of the abstract
    ai_keywords: tuple[str, ...] = ()
    published: dt.date | None = None  # arXiv publication day, when the dump says


@dataclass(frozen=True)
class Digest:
    """One dump: a day's (or a page's) listing of papers, in page order."""

    id: str  # sanitized slug from the file name; names the page digests/<id>/
    source: Path
    title: str
    date: dt.date | None  # None: undated, shown as such
    heading: str | None  # the page's own date header ("Mar 12"), when it has one
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Paper:
    """A distinct paper, merged from every dump it appeared in."""

    key: str  # identity used for merging (normalized title, or arXiv id)
    slug: str
    title: str
    abstract: str
    digests: tuple[str, ...]  # digest ids, in build order
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)
    upvotes: int | None = None
    github_url: str | None = None
    project_url: str | None = None
    ai_summary: str = ""
    ai_keywords: tuple[str, ...] = ()
    published: dt.date | None = None


@dataclass(frozen=True)
class Corpus:
    """Everything read from content/dumps: the digests and the merged papers."""

    digests: tuple[Digest, ...]
    papers: tuple[Paper, ...]
    listings: dict[str, tuple[str, ...]]  # digest id -> paper slugs in page order, each once
