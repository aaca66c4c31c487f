"""Search: an index of every paper, cut into shards by term, and the store its results show.

This package builds the search files (index.py counts every term in every field of every paper, shards.py cuts
the counts and the store into files loaded on demand); the browser side is templates/assets/search/ (ES modules,
one per job), which scores papers when a query runs. It reads only the assembled site; it renders no page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from site_src.assemble import Site, urls
from site_src.assemble.orders import paper_day
from site_src.outputs.made import Made
from site_src.outputs.search import kept, shards

# Title words decide what a paper is about; topic labels, authors and keywords are short, so a hit there counts
# more than one among the abstract's hundreds of words. Reviewed with make bench-search (MRR@10 over 250 queries):
# keywords 3 → 1 loses 0.005, topics 3 → 1 changes nothing, title 10 → 5 gains 0.002 (one query): kept.
# The arXiv id (as a reader pastes it, from an arXiv or Hugging Face URL too: the page reads the id out) names one
# paper: found there, that paper comes first. Last, so the many terms not in it store nothing for it (shards.py).
FIELDS = {"title": 10, "abstract": 1, "topics": 3, "authors": 3, "keywords": 3, "arxiv": 10}  # field: boost
PHRASE_FIELDS = ("title", "abstract")  # where a quoted phrase must stand (shards.py: position shards)
# Where a query word counts as found. A topic label is the site's summary of many papers, so it may rank a paper
# that has the words higher, but never lets in one that lacks a word (bench/search_relevance.md: with the label
# as a field of its own, topic queries find more of their theme than without it, or with the label matching).
WORD_FIELDS = ("title", "abstract", "authors", "keywords", "arxiv")


@dataclass(frozen=True)
class SearchFiles(Made):
    """What search adds to build/: the files, and the site-relative paths pages load them from."""

    manifest: str = urls.SEARCH_MANIFEST  # search/manifest.json: the fields, the shard and store files by key (content-hashed names)

    @property
    def size(self) -> int:
        """Bytes of the index shards, store chunks and manifest."""
        return sum(len(data) for name, data in self.files.items() if name.startswith(urls.SEARCH_INDEX))


def numbered(site: Site) -> list:
    """The papers in the order the index numbers them: by the first digest that lists them (date, then id), then
    slug. A new day's papers come last, so every other paper keeps its number and a new day leaves the entries of
    the terms it does not bring as they were (shards.py)."""
    first = {d.id: (d.date or dt.date.min, d.id) for d in site.digests}
    never = (dt.date.max, "")  # listed by no digest: after every listed paper
    return sorted(site.papers.values(), key=lambda p: (min((first[link.id] for link in p.digests if link.id in first), default=never), p.slug))


def documents(site: Site, papers: list | None = None) -> list[dict]:
    """One document per paper, in index order (numbered; `papers`: numbered(site) where the caller has it); a
    paper's position here is its number in the index."""
    phrases = {t.slug: "   ".join(t.phrases) for t in site.topics}
    return [
        {
            "slug": p.slug,
            "title": p.title,
            "abstract": p.abstract,
            "topics": " ".join(phrases[link.id] for link in p.topics),
            "authors": ", ".join(p.authors),
            "keywords": ", ".join(p.ai_keywords),
            "arxiv": p.arxiv_id or "",
        }
        for p in papers or numbered(site)
    ]


def store(site: Site, papers: list | None = None) -> list[dict]:
    """What a result shows, by paper number: title, url, topic labels, the abstract's first sentence and the upvotes
    where the listing gives them ("v", left out where it gives none)."""
    return [
        {"t": p.title, "u": p.url, "k": [link.text for link in p.topics], "s": p.summary} | ({"v": p.upvotes} if p.upvotes is not None else {})
        for p in papers or numbered(site)
    ]


EPOCH = dt.date(1970, 1, 1)  # days are written as days since, as the page's Date counts them


def facts(site: Site, papers: list | None = None) -> dict[str, list]:
    """What the search page's orders sort every result by, one list per fact by paper number: "v" the upvotes, "d" the
    day "newest" goes by (orders.paper_day: the arXiv day, else the first listing's) in days since EPOCH; null where
    unknown. Each is a file of its own that the page fetches only when a reader picks the order that needs it, so a
    first search loads neither (the paper number alone is the first listing's day, not the arXiv day the list pages
    sort by)."""
    papers = papers or numbered(site)
    days = [paper_day(p) for p in papers]
    return {"v": [p.upvotes for p in papers], "d": [(day - EPOCH).days if day else None for day in days]}


def search_files(site: Site, project_dir: Path, cache: Path | None = None) -> SearchFiles:
    """The manifest, the index shards and the store chunks (content-hashed names but the manifest's); with the work
    the last build kept in `cache` (kept.py; None: no cache)."""
    papers = numbered(site)  # once: sorting 34,000 papers by their first digest takes a quarter of a second
    files = {urls.SEARCH_INDEX + name: data for name, data in index_files(documents(site, papers), store(site, papers), facts(site, papers), cache).items()}
    return dataclasses.replace(search_names(), files=files)


def search_names() -> SearchFiles:
    """Where pages find search (fixed names), before the index exists: so pages can render while it is built."""
    return SearchFiles({}, manifest=urls.SEARCH_MANIFEST)


def index_files(docs: list[dict], shown: list[dict], sorted_by: dict[str, list] | None = None, cache: Path | None = None) -> dict[str, bytes]:
    """manifest.json and the shard, position, store and fact files it names, by path under search/ (see shards.py);
    the papers' tokens and the terms' entries kept in `cache` between builds (kept.py; None: none kept)."""
    lengths, entries, at_entries = kept.index_entries(list(FIELDS), "slug", docs, PHRASE_FIELDS, cache)
    return shards.index_files(tuple(FIELDS), entries, at_entries, lengths, shown, tuple(FIELDS.values()), PHRASE_FIELDS,
                              WORD_FIELDS, sorted_by or {})
