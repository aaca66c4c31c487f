"""Render: Jinja2 templates (autoescaped, curator-overridable) turn the assembled site into HTML pages.

It returns pages and the theme's assets as bytes; it writes nothing, and the other outputs (feeds, search,
sitemap, data/papers.json) are other stages'. Pages whose inputs did not change since the last build are
kept, not rendered (memo.py). Pages render in forked worker processes while the caller goes on with other
work: `start_render` returns at once, `PendingRender.result()` waits (build.py builds the search index
meanwhile).
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from pathlib import Path

from site_src.outputs.feeds import Feeds
from site_src.assemble import Page, Site, site_pages
from site_src.assemble.urls import NOT_FOUND, index_file, relative_root
from site_src.files.source import PACKAGE
from site_src.render import memo as render_memo
from site_src.render.environment import asset_files, environment, inline_assets, render_page, template_dirs
from site_src.render.topic_map import layout

FORK_FROM = 200  # fewer pages render faster in this process than the fork costs


@dataclass(frozen=True)
class Rendered:
    """The rendered site: new files by path, the pages kept as the last build wrote them, and the memo to save."""

    files: dict[str, bytes]
    kept: frozenset[str]
    memo: render_memo.RenderMemo


@dataclass(frozen=True)
class _Job:
    """Everything a worker needs to render its share of the pages (inherited by fork, never pickled)."""

    env: object
    shared: dict
    log: render_memo.Log
    pages: list[Page]
    memo: render_memo.RenderMemo | None
    out_dir: Path | None
    reads: render_memo.Reads
    templates: str


_WORKER_JOB: _Job | None = None  # set in each forked worker by its initializer, never in the building process


def _set_worker_job(job: _Job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _worker_share(share: int, shares: int) -> list:
    return _render_share(_WORKER_JOB, share, shares)


def _render_share(job: _Job, share: int, shares: int) -> tuple[list[tuple[str, bytes | None, str | None, list]], dict]:
    """Every `shares`-th page from `share` on: (file name, HTML or None when kept, page hash, reads), and what each
    read of those pages gives now (its hash, for the memo): worked out here, in the workers, not before they fork (a
    digest page's reads are its papers: 4,000 hashes at 3,956 papers)."""
    keys: dict[tuple, str] = {}
    done = []
    for page in job.pages[share::shares]:
        name = index_file(page.path)
        page_hash = render_memo.value_hash(page) if job.out_dir is not None else None  # no out_dir: nothing to remember
        if render_memo.keepable(job.memo, job.templates, job.out_dir, name, page_hash, job.reads):
            done.append((name, None, page_hash, job.memo.pages[name]["reads"]))
            continue
        job.log.reads = set()
        html = render_page(job.env, page, job.shared, relative_root(page.path))
        reads, job.log.reads = render_memo.grouped(job.log.reads), None
        done.append((name, html, page_hash, sorted(keys.get(r) or keys.setdefault(r, render_memo.read_key(r)) for r in reads)))
    hashes = {key: job.reads.hash(key) for _, _, page_hash, reads in done if page_hash is not None for key in reads}
    return done, hashes


class PendingRender:
    """Pages rendering in worker processes (or, for a small site, rendered when the result is asked for)."""

    def __init__(self, job: _Job, dirs: list[Path], workers: int):
        self._job, self._dirs = job, dirs
        self._pool = self._pending = None
        if workers > 1 and len(job.pages) >= FORK_FROM:
            shares = workers * 4  # small shares even out pages of unequal cost
            self._pool = multiprocessing.get_context("fork").Pool(workers, initializer=_set_worker_job, initargs=(job,))
            self._pending = self._pool.starmap_async(_worker_share, [(i, shares) for i in range(shares)])

    def close(self) -> None:
        """Stop the workers (their pages are not wanted: the build failed meanwhile)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()

    def result(self) -> Rendered:
        job = self._job
        if self._pool is None:
            parts = [_render_share(job, 0, 1)]
        else:
            try:
                parts = self._pending.get()
            finally:
                self.close()
        done = [item for part, _ in parts for item in part]
        for _, hashes in parts:
            job.reads.known.update(hashes)
        files = asset_files(self._dirs)
        new_memo = render_memo.RenderMemo(job.templates)
        kept = set()
        for name, html, page_hash, reads in sorted(done):
            if html is None:
                kept.add(name)
            else:
                files[name] = html
            if page_hash is not None:
                new_memo.pages[name] = {"page": page_hash, "reads": reads}
        for key in sorted({key for entry in new_memo.pages.values() for key in entry["reads"]}):
            new_memo.reads[key] = job.reads.hash(key)
        # GitHub Pages serves 404.html at any missing URL, so it links root-absolute, from the base URL's path;
        # without a base URL that path is unknown, so the page carries its stylesheet and icon inside.
        site = job.shared["site"]
        standalone = {} if site.config.base_url else inline_assets(files)
        page = Page(NOT_FOUND, "404.html", "Page not found", standalone)
        files[NOT_FOUND] = render_page(job.env, page, job.shared, site.config.base_path)
        return Rendered(files, frozenset(kept), new_memo)


def start_render(
    site: Site,
    dirs: list[Path],
    search=None,
    feeds: Feeds = Feeds(),
    charts=None,
    memo: render_memo.RenderMemo | None = None,
    out_dir: Path | None = None,
    workers: int = 1,
) -> PendingRender:
    """Start rendering every page of the site; `.result()` gives them as bytes by path in build/.

    `search` (SearchFiles) names the index files; `feeds` are linked from the pages; `charts` (Charts) are drawn.
    With the last build's `memo` and its `out_dir`, pages whose inputs did not change are kept, not rendered;
    without `out_dir` the returned memo is empty (nothing to keep pages in). `workers` > 1 renders in that
    many forked processes.
    """
    env = environment(dirs)
    objects = {"site": site, "config": site.config, "feeds": feeds, "topic_map": layout(site.topics, site.areas)}
    if search is not None:
        objects["search"] = search
    if charts is not None:
        objects["charts"] = charts
    log = render_memo.Log()
    shared = {name: render_memo.Watched(name, value, log) for name, value in objects.items()}
    templates = render_memo.tree_hash(dirs + [PACKAGE], lambda: repr(sorted(shared)).encode())
    memo = memo if out_dir is not None and memo is not None and memo.templates == templates else None
    reads_now = render_memo.Reads(objects)  # each worker works out the reads its pages need (_render_share)
    job = _Job(env, shared, log, site_pages(site), memo, out_dir, reads_now, templates)
    return PendingRender(job, dirs, workers)


def render_site(site: Site, dirs: list[Path], **options) -> Rendered:
    """Every page of the site rendered (start_render, then its result)."""
    return start_render(site, dirs, **options).result()


__all__ = ["Rendered", "PendingRender", "render_site", "start_render", "template_dirs"]
