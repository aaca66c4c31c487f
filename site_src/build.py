"""The pipeline, end to end: content/ → papers → topics → site → files → build/."""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from site_src.config import load_config
from site_src.errors import BuildWarning, DigestError
from site_src.files.limits import PAGES_LIMIT, site_size
from site_src.outputs import OUTPUTS

if TYPE_CHECKING:
    from site_src.outputs.forked import Forked


@dataclass
class BuildReport:
    papers: int = 0
    entries: int = 0
    digests: int = 0
    topics: int = 0
    areas: int = 0
    pages: int = 0
    rendered: int = 0  # pages rendered anew; the rest were kept from the last build (render_memo)
    files: int = 0
    feeds: int = 0
    notes: list[str] = field(default_factory=list)  # what the outputs tell the curator once (outputs.Made.notes)
    topic_params: dict = field(default_factory=dict)
    curation: str = ""  # what content/curation.yaml changed, in words
    lock_written: bool = False
    stages: dict[str, float] = field(default_factory=dict)
    search_bytes: int = 0  # the search index and its store, as written
    site_bytes: int = 0  # every file of build/, as written (files/limits.py warns as it nears the host's limit)
    warnings: list[BuildWarning] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())


# Every stage in the order it starts ("read" runs three times: dumps, pages, curation.yaml; the outputs not
# linked from pages run while the render workers render, a forked one from the assembled site on, timed in its own
# process). A build answered from the cache runs only "cache".
STAGES = (
    "read", "topics", "curate", "assemble", *(o.name for o in OUTPUTS if o.forked), *(o.name for o in OUTPUTS if o.linked),
    "charts", "render", *(o.name for o in OUTPUTS if not o.linked and not o.forked), "write",
)


class _Stages:
    """Times each stage of the build into the report, and gathers its warnings."""

    def __init__(self, report: BuildReport, on_stage: Callable[[str], None], on_warning: Callable[[BuildWarning], None]):
        self.report = report
        self.on_stage = on_stage
        self.on_warning = on_warning

    def run(self, name: str, step: Callable, *args):
        self.on_stage(name)
        start = time.perf_counter()
        result = step(*args)
        self.report.stages[name] = self.report.stages.get(name, 0.0) + time.perf_counter() - start
        return result

    def start(self, name: str, fork: bool, step: Callable, *args) -> Forked:
        """A stage run in a process of its own from now on (forked.py; without `fork`, in this one once its result is
        asked for); `took` records its own seconds."""
        from site_src.outputs.forked import Forked  # multiprocessing: not imported by a build the cache answers

        self.on_stage(name)
        self.report.stages.setdefault(name, 0.0)
        return Forked(step, *args, fork=fork)

    def took(self, name: str, seconds: float) -> None:
        self.report.stages[name] += seconds

    def warn(self, warnings) -> None:
        """Hand each warning on as it is found; a strict build fails on them before anything is written."""
        for warning in warnings:
            self.on_warning(warning)
        self.report.warnings.extend(warnings)


def _cache_folder(out_dir: Path, name: str, cache: bool) -> Path | None:
    """The folder of .digest-cache/ an output may keep work in between builds; None for a build without a cache."""
    from site_src.files import cache as build_cache

    return build_cache.cache_path(out_dir, name) if cache else None


def _workers() -> int:
    """Processes to render in: the cores this process may use, at most 4."""
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:  # not on Linux
        return max(1, min(4, os.cpu_count() or 1))


def build(
    content_dir: Path,
    out_dir: Path,
    base_url: str | None = None,
    strict: bool = False,
    lock: bool = True,
    on_warning: Callable[[BuildWarning], None] = lambda w: None,
    cache: bool = True,
    on_stage: Callable[[str], None] = lambda name: None,
    drafts: bool = False,
    wait: bool | str = False,
    on_wait: Callable[[str], None] = lambda message: None,
    size_limit: int = PAGES_LIMIT,
    role: str = "",
) -> BuildReport:
    """Build the site from content_dir into out_dir; bad input raises DigestError and leaves out_dir as it was.

    With `lock`, topics are named after content_dir/topics.lock.json, which is then updated.
    With `cache`, a build whose inputs and output are as the last build left them returns at once (build_cache).
    With `strict`, every warning is still reported, then the build fails with their count before it writes.
    `on_stage` hears the name of each stage (see STAGES) as it starts, for a progress display.
    With `drafts`, Markdown pages marked `draft: true` are built too.
    One build at a time per out_dir (files.lock): another is an error, or with `wait` waited for (`on_wait` hears why);
    `wait="serve"` waits only for `digest serve`'s rebuilds, which build with `role="serve"`.
    A site past 80% of `size_limit` bytes (GitHub Pages' 1 GB) is a warning (files/limits.py).
    """
    from site_src.files.lock import held

    with held(out_dir, wait=wait, on_wait=on_wait, role=role):
        try:
            return _build(content_dir, out_dir, base_url, strict, lock, on_warning, cache, on_stage, drafts, size_limit)
        finally:
            gc.unfreeze()  # _build froze its site: `digest serve` lives on, and the next build's garbage is collected
            shared = sys.modules.get("site_src.topics.term_counts")
            if shared is not None:  # the tokens the topic stage offered the later stages
                shared.forget_shared()


def _build(content_dir, out_dir, base_url, strict, lock, on_warning, cache, on_stage, drafts, size_limit) -> BuildReport:
    from site_src.files import cache as build_cache
    from site_src.files.source import check_links
    from site_src.files.write import is_build_folder

    project = content_dir.absolute().parent
    check_links([content_dir, project / "templates"], project)  # before anything is read through one
    options = {
        "base_url": base_url, "strict": strict, "lock": lock, "out": str(out_dir.absolute()), "drafts": drafts,
        "size_limit": size_limit,
    }
    if cache:
        start = time.perf_counter()
        # Hashed before anything is read: an edit made while this build runs makes the next build a miss.
        hashes = build_cache.input_hashes(content_dir)
        cached = build_cache.lookup(out_dir, build_cache.input_key(hashes, options), BuildReport)
        if cached is not None and is_build_folder(out_dir):  # a hit needs the marker, as well as the listing
            for warning in cached.warnings:
                on_warning(warning)
            cached.stages["cache"] = time.perf_counter() - start
            return cached
    # Imported here so `digest --help` stays fast: these pull in numpy, scipy and Jinja.
    from site_src import assemble, curation, ingest, render, topics
    from site_src.files import cache as build_cache, write
    from site_src.ingest import pages
    from site_src.outputs.forked import Forked
    from site_src.outputs.search import search_names
    from site_src.render import charts, memo as render_memo
    from site_src.topics import term_counts

    # The site the last build replaced is deleted while this one reads and groups (deleting tens of
    # thousands of folders takes seconds on many disks); joined before any worker process is forked.
    trash = build_cache.cache_path(out_dir, "trash") if cache else None
    emptying = write.empty_trash(trash, out_dir) if trash else None
    report = BuildReport()
    stages = _Stages(report, on_stage, on_warning)

    # Gather: every output of the site, in memory.
    config = load_config(content_dir / "site.yaml").with_base_url(base_url)
    parsed_dumps = build_cache.cache_path(out_dir, "dumps") if cache else None  # parsed once per content hash
    corpus, warnings = stages.run("read", ingest.read_corpus, content_dir / "dumps", config, parsed_dumps)
    markdown_pages = stages.run("read", pages.read_pages, content_dir / "pages", drafts)
    curator = stages.run("read", curation.read_curation, content_dir / curation.CURATION_NAME)
    stages.warn(warnings)
    lock_path = content_dir / topics.LOCK_NAME
    topic_cache = build_cache.cache_path(out_dir, term_counts.FOLDER) if cache else None  # the papers' term counts
    named = stages.run("topics", topics.group, corpus.papers, config.topics, topics.read_lock(lock_path) if lock else None, topic_cache)
    # Applied to the model's grouping on every build, never kept in the lock: so it survives refits and a deleted lock.
    curated = stages.run("curate", curation.apply, curator, corpus, named)
    stages.warn(curated.warnings)
    site = stages.run("assemble", assemble.assemble, config, curated, markdown_pages)
    # The papers, topics and site live until the build ends: the garbage collector need not walk them again on
    # every full collection of what the outputs allocate (at 34,000 papers that walk cost the search stage seconds).
    gc.freeze()
    workers = _workers()
    if emptying:
        emptying.join()  # before any process is forked
    forked = {
        o.name: stages.start(o.name, workers > 1, o.make, site, project, _cache_folder(out_dir, o.name, cache))
        for o in OUTPUTS if o.forked
    }
    # The lock's JSON (1.8 MB at 3,956 papers, 0.17 s in json's pure-Python encoder) is made beside the outputs too.
    locking = Forked(topics.lock_bytes, named.lock, fork=workers > 1) if lock else None
    made, pending = {}, None
    try:
        for output in OUTPUTS:
            if output.linked:  # pages link these (a topic's feeds): made before the pages render
                made[output.name] = stages.run(output.name, output.make, site, project, _cache_folder(out_dir, output.name, cache))
        site_charts = stages.run("charts", charts.build_charts, site)
        memo_path = render_memo.memo_path(out_dir)
        memo = render_memo.load(memo_path) if cache else None
        dirs = render.template_dirs(project)
        pending = stages.run(
            "render", render.start_render, site, dirs, search_names(), made.get("feeds"), site_charts, memo,
            out_dir if cache else None, workers,
        )
        for output in OUTPUTS:  # while the pages render
            if not output.linked and not output.forked:
                made[output.name] = stages.run(output.name, output.make, site, project, _cache_folder(out_dir, output.name, cache))
        for name, running in forked.items():
            made[name], seconds = running.result()
            stages.took(name, seconds)
        lock_data = locking.result()[0] if locking else None
    except BaseException:  # no worker left behind (digest serve lives on after a failed build)
        for running in [pending, locking, *forked.values()]:
            if running is not None:
                running.close()
        raise
    made = {o.name: made[o.name] for o in OUTPUTS}  # in the table's order, as the notes are said
    rendered = stages.run("render", pending.result)
    files = dict(rendered.files)
    for result in made.values():
        stages.warn(result.warnings)
        files.update(result.files)
    size = site_size(files, rendered.kept, out_dir)  # before a strict build decides: nearing the host's limit warns
    stages.warn([w for w in [size.warning(out_dir, size_limit)] if w])
    if strict and report.warnings:
        count = len(report.warnings)
        raise DigestError(f"aborted with {count} warning{'s' * (count != 1)} in strict mode; nothing was written", content_dir)

    # Write: build/ replaced whole, then the lock and the caches.
    output = stages.run("write", write.write_site, files, out_dir, rendered.kept, trash, config.base_url, cache)
    if cache:
        render_memo.save(memo_path, rendered.memo, out_dir)
    if lock:  # only after the site is safely out: a failed build changes nothing in content/
        try:
            report.lock_written = topics.write_lock(lock_path, lock_data)
        except DigestError as error:  # content/ read-only or full: the site is out, so the build did succeed; say so
            stages.warn([BuildWarning(f"{error.message}; the site was built, but without the lock its topic names "
                                      "and URLs may change with the next build", lock_path)])
            lock_data = None

    report.papers = len(curated.corpus.papers)  # as shown: without the papers the curator hid
    report.entries = sum(len(d.entries) for d in corpus.digests)
    report.digests = len(corpus.digests)
    report.topics = len(curated.named.grouping.topics)
    report.areas = len(site.areas)
    report.pages = sum(1 for name in files if name.endswith(".html")) + len(rendered.kept)
    report.files = len(files) + len(rendered.kept) + 1
    report.rendered = report.pages - len(rendered.kept)
    report.topic_params = named.grouping.params
    report.curation = curated.summary
    report.feeds = len(made["feeds"].files)
    report.notes = [note for result in made.values() for note in result.notes]
    report.search_bytes = made["search"].size
    report.site_bytes = size.bytes
    if cache:  # the inputs as this build read them, with the lock file as this build wrote it
        hashes = build_cache.with_file(hashes, lock_path, lock_data)
        build_cache.store(out_dir, build_cache.input_key(hashes, options), report, output)
    return report


__all__ = ["build", "BuildReport", "DigestError", "STAGES"]
