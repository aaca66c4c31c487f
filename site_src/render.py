"""Render: Jinja2 templates (autoescaped, curator-overridable) turn the assembled site into files."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import multiprocessing
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup, escape

from . import render_memo
from .errors import DigestError
from .source import BUILTIN_TEMPLATES, PACKAGE
from .feeds import Feeds
from .site import Page, Site, papers_json, relative_root, site_pages
from .sitemap import sitemap_files

_URL = re.compile(r"https?://[^\s<>\"'`]+")
_TRAILING = ".,;:!?)]}'\""


def template_dirs(project_dir: Path) -> list[Path]:
    """The curator's templates/ first, then the built-in theme for anything it leaves out."""
    dirs = [project_dir / "templates", BUILTIN_TEMPLATES]
    unique = list(dict.fromkeys(d.resolve() for d in dirs if d.is_dir()))
    if not unique:
        raise DigestError("no templates folder found", project_dir / "templates")
    return unique


def linkify(text: str) -> Markup:
    """Escape text and turn the http(s) URLs in it into links."""
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        parts += [escape(text[last : match.start()]), Markup('<a href="%s" rel="nofollow">%s</a>') % (url, url)]
        last = end
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def format_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else "undated"


class _Log:
    """The reads of the page now rendering (None between pages)."""

    reads: set | None = None


class _Watched:
    """A site-wide object as templates see it: each attribute read or method call is noted (render_memo)."""

    __slots__ = ("_name", "_target", "_log")

    def __init__(self, name: str, target, log: _Log):
        self._name, self._target, self._log = name, target, log

    def __getattr__(self, attribute: str):
        value = getattr(self._target, attribute)
        reads = self._log.reads
        if reads is not None:
            if inspect.ismethod(value):
                return _RecordedCall(reads, self._name, attribute, value)
            reads.add((self._name, attribute))
        return value


class _RecordedCall:
    """A site-wide object's method, called from a template: the call and its arguments are a read."""

    def __init__(self, reads: set, name: str, attribute: str, method):
        self.reads, self.name, self.attribute, self.method = reads, name, attribute, method

    def __call__(self, *args, **kwargs):
        repeatable = not kwargs and all(isinstance(a, (str, int, float, bool, type(None))) for a in args)
        self.reads.add((self.name, self.attribute, tuple(args)) if repeatable else (self.name, "\0"))
        return self.method(*args, **kwargs)


def environment(dirs: list[Path]) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in dirs]),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # one build renders from one set of templates; no stat() per page
    )
    env.filters["linkify"] = linkify
    env.filters["date"] = format_date
    return env


def asset_files(dirs: list[Path]) -> dict[str, bytes]:
    """Files under templates/assets/, the curator's replacing the built-in ones of the same name."""
    files: dict[str, bytes] = {}
    for base in reversed(dirs):
        assets = base / "assets"
        if assets.is_dir():
            for path in sorted(p for p in assets.rglob("*") if p.is_file() and not p.name.startswith(".")):
                files["assets/" + path.relative_to(assets).as_posix()] = path.read_bytes()
    return files


def _render(env: Environment, page: Page, shared: dict, root: str) -> bytes:
    try:
        html = env.get_template(page.template).render(shared, page=page, root=root, **page.context)
    except TemplateError as exc:
        name = getattr(exc, "filename", None) or page.template
        raise DigestError(f"template error: {exc.message}", name, getattr(exc, "lineno", None)) from None
    return html.encode("utf-8")


@dataclass(frozen=True)
class Rendered:
    """The rendered site: new files by path, the pages kept as the last build wrote them, and the memo to save."""

    files: dict[str, bytes]
    kept: frozenset[str]
    memo: render_memo.RenderMemo
    alongside: object = None  # what render_site's `alongside` returned


# A forked worker renders its share of the pages from this, set just before the workers start.
_JOB: dict = {}


def _render_share(share: int, shares: int) -> list[tuple[str, bytes | None, str | None, list]]:
    """Every `shares`-th page from `share` on: (file name, HTML or None when kept, page hash, reads)."""
    job = _JOB
    env, shared, pages, memo, out_dir = job["env"], job["shared"], job["pages"], job["memo"], job["out_dir"]
    reads_now, log = job["reads"], job["log"]
    keys: dict[tuple, str] = {}
    done = []
    for page in pages[share::shares]:
        name = page.path + "index.html"
        page_hash = render_memo.value_hash(page) if out_dir is not None else None  # no out_dir: nothing to remember
        if render_memo.keepable(memo, job["templates"], out_dir, name, page_hash, reads_now):
            done.append((name, None, page_hash, memo.pages[name]["reads"]))
            continue
        log.reads = set()
        html = _render(env, page, shared, relative_root(page.path))
        reads, log.reads = log.reads, None
        done.append((name, html, page_hash, sorted(keys.get(r) or keys.setdefault(r, render_memo.read_key(r)) for r in reads)))
    return done


def _run_shares(workers: int, alongside: Callable[[], object] | None) -> tuple[list, object]:
    """The rendered shares; `alongside` runs in this process meanwhile (it would only wait otherwise)."""
    if workers <= 1 or len(_JOB["pages"]) < 200:
        return _render_share(0, 1), alongside() if alongside else None
    context = multiprocessing.get_context("fork")
    shares = workers * 4  # small shares even out pages of unequal cost
    with context.Pool(workers) as pool:
        pending = pool.starmap_async(_render_share, [(i, shares) for i in range(shares)])
        extra = alongside() if alongside else None
        parts = pending.get()
    return [item for part in parts for item in part], extra


def render_site(
    site: Site,
    dirs: list[Path],
    search=None,
    feeds: Feeds = Feeds(),
    charts=None,
    memo: render_memo.RenderMemo | None = None,
    out_dir: Path | None = None,
    workers: int = 1,
    alongside: Callable[[], object] | None = None,
) -> Rendered:
    """Every output file of the site as bytes, by its path in build/.

    `search` (SearchFiles) names the index files; `feeds` are linked from the pages; `charts` (Charts) are drawn.
    With the last build's `memo` and its `out_dir`, pages whose inputs did not change are kept, not rendered;
    without `out_dir` the returned memo is empty (nothing to keep pages in).
    `workers` > 1 renders in that many forked processes, while this one runs `alongside` (its result is
    Rendered.alongside): work that needs no page, such as the search index.
    """
    env = environment(dirs)
    objects = {"site": site, "config": site.config, "feeds": feeds}
    if search is not None:
        objects["search"] = search
    if charts is not None:
        objects["charts"] = charts
    log = _Log()
    shared = {name: _Watched(name, value, log) for name, value in objects.items()}
    templates = render_memo.tree_hash(dirs + [PACKAGE], lambda: repr(sorted(shared)).encode())
    pages = site_pages(site)
    memo = memo if out_dir is not None and memo is not None and memo.templates == templates else None
    reads_now = render_memo.Reads(objects)
    for key in memo.reads if memo else ():  # once here, not once per worker
        reads_now.hash(key)
    _JOB.update(env=env, shared=shared, log=log, pages=pages, memo=memo, out_dir=out_dir, reads=reads_now, templates=templates)
    try:
        done, extra = _run_shares(workers, alongside)
    finally:
        _JOB.clear()
    files = asset_files(dirs)
    new_memo = render_memo.RenderMemo(templates)
    kept = set()
    for name, html, page_hash, reads in sorted(done):
        if html is None:
            kept.add(name)
        else:
            files[name] = html
        if page_hash is not None:
            new_memo.pages[name] = {"page": page_hash, "reads": reads}
    for key in sorted({key for entry in new_memo.pages.values() for key in entry["reads"]}):
        new_memo.reads[key] = reads_now.hash(key)
    files["data/papers.json"] = (json.dumps(papers_json(site), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    # GitHub Pages serves 404.html at any missing URL, so it links root-absolute, from the base URL's path.
    files["404.html"] = _render(env, Page("404.html", "404.html", "Page not found"), shared, site.config.base_path)
    files.update(sitemap_files(site))
    return Rendered(files, frozenset(kept), new_memo, extra)
