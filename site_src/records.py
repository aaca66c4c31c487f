"""The plain, frozen data that flows between the pipeline's stages.

A paper's own facts (title, abstract, ids, authors, ...) are declared once, in `PaperFacts`, with the rule
that merges them when the same paper is listed in several dumps; `Entry` (one listing), `Paper` (the merged
paper) and the site's `PaperView` all derive from it, and `facts_of` carries them from one to the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path


def _first(values):
    """The first listing's value that is known."""
    return next((v for v in values if v), None)


def _longest(values):
    return max(values, key=len)


def _most(values):
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _fact(default, merge):
    return field(default=default, metadata={"merge": merge})


@dataclass(frozen=True, kw_only=True)
class PaperFacts:
    """What a listing says about a paper; `merge` is how several listings of one paper become one value."""

    title: str = _fact("", lambda values: values[0])  # the first listing's title
    abstract: str = _fact("", _longest)
    arxiv_id: str | None = _fact(None, _first)
    authors: tuple[str, ...] = _fact((), _longest)
    upvotes: int | None = _fact(None, _most)
    github_url: str | None = _fact(None, _first)
    project_url: str | None = _fact(None, _first)
    ai_summary: str = _fact("", _longest)  # Hugging Face's machine-written summary, never part of the abstract
    ai_keywords: tuple[str, ...] = _fact((), _longest)
    published: dt.date | None = _fact(None, _first)  # arXiv publication day, when the dump says


FACTS = tuple(f.name for f in fields(PaperFacts))


def facts_of(paper: PaperFacts) -> dict:
    """A paper's facts by name, to build the next stage's record from."""
    return {name: getattr(paper, name) for name in FACTS}


def merged_facts(listings: list[PaperFacts]) -> dict:
    """One value per fact from every listing of a paper, each by its own merge rule."""
    return {f.name: f.metadata["merge"]([getattr(e, f.name) for e in listings]) for f in fields(PaperFacts)}


@dataclass(frozen=True, kw_only=True)
class Entry(PaperFacts):
    """One listing of a paper in one dump, as read, before merging."""

    line: int  # where the title stands in the dump (1-based)


@dataclass(frozen=True)
class Digest:
    """One dump: a day's (or a page's) listing of papers, in page order."""

    id: str  # sanitized slug from the file name; names the page digests/<id>/
    source: Path
    title: str
    date: dt.date | None  # None: undated, shown as such
    heading: str | None  # the page's own date header ("Mar 12"), when it has one
    entries: tuple[Entry, ...]


@dataclass(frozen=True, kw_only=True)
class Paper(PaperFacts):
    """A distinct paper, merged from every dump it appeared in."""

    key: str  # identity used for merging (normalized title, or arXiv id)
    slug: str
    digests: tuple[str, ...]  # digest ids, in build order


@dataclass(frozen=True)
class Corpus:
    """Everything read from content/dumps: the digests and the merged papers."""

    digests: tuple[Digest, ...]
    papers: tuple[Paper, ...]
    listings: dict[str, tuple[str, ...]]  # digest id -> paper slugs in page order, each once
