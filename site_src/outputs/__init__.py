"""Outputs: every file of build/ besides the HTML pages, each made from the assembled site. One row each.

Adding an output is adding a row to OUTPUTS (and its URLs to assemble/urls.py): the build runs every row,
times it under its name, gathers its warnings and notes, and writes its files with the pages. A row marked
`linked` is made before the pages render, because pages link what it made (a feed that exists or not);
the others are made while the pages render in worker processes. A row marked `forked` is made in a process of
its own from the moment the site is assembled, where the build has more than one core (forked.py). Each row
imports its module only when it runs, so `digest --help` and a build answered from the cache stay fast. A row
may keep work between builds in its own folder of `.digest-cache/` (named after the row; None when the build runs without a cache).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from site_src.outputs.made import Made

if TYPE_CHECKING:  # the assembled site's module pulls in the topic core: not needed to list the outputs
    from site_src.assemble import Site


@dataclass(frozen=True)
class Output:
    name: str  # the build stage it is timed under (`digest build -v`, make bench)
    make: Callable[[Site, Path, Path | None], Made]  # (the assembled site, the project folder, its cache folder) → its files
    doc: str
    linked: bool = False  # pages link what it made: made before they render, handed to them under `name`
    forked: bool = False  # made in a forked process from the assembled site on, beside everything else (forked.py)


def _feeds(site: Site, project: Path, cache: Path | None) -> Made:
    from site_src.outputs.feeds import build_feeds

    return build_feeds(site, cache)


def _search(site: Site, project: Path, cache: Path | None) -> Made:
    from site_src.outputs.search import search_files

    return search_files(site, project, cache)


def _sitemap(site: Site, project: Path, cache: Path | None) -> Made:
    from site_src.outputs.sitemap import sitemap_files

    return sitemap_files(site)


def _data(site: Site, project: Path, cache: Path | None) -> Made:
    from site_src.outputs.data import data_files

    return data_files(site)


def _recommend(site: Site, project: Path, cache: Path | None) -> Made:
    from site_src.outputs.recommend import recommend_files

    return Made(recommend_files(site, cache))


def _bibtex(site: Site, project: Path, cache: Path | None) -> Made:
    from site_src.outputs.bibtex import bibtex_files

    return bibtex_files(site)


OUTPUTS = (
    Output(
        "feeds", _feeds,
        "RSS 2.0, Atom 1.0 and JSON Feed 1.1 of the site, every top page and every topic, and feeds.opml listing them",
        linked=True,
    ),
    Output("search", _search, "the sharded search index, its store and manifest", forked=True),
    Output("sitemap", _sitemap, "sitemap.xml and robots.txt"),
    Output("data", _data, "data/papers.json: every paper as a record, for other tools"),
    Output(
        "recommend", _recommend, "data/recommend/: compact paper vectors and similar papers, for For you and More like this",
        forked=True,
    ),
    Output("bibtex", _bibtex, "BibTeX: a .bib per paper with an arXiv id, and papers.bib per topic and digest"),
)
