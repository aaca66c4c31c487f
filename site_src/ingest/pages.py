"""Markdown pages from content/pages/*.md, with YAML front matter, rendered with raw HTML disabled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from site_src.config.reading import yaml_load
from site_src.errors import DigestError
from site_src.text.slugs import slugify
from site_src.files.source import read_text

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def markdown_html(text: str) -> str:
    """Curator's Markdown as HTML, raw HTML disabled (shown as text): safe to insert as is."""
    return _markdown.render(text)


@dataclass(frozen=True)
class MarkdownPage:
    slug: str
    title: str
    html: str  # rendered by markdown-it with raw HTML disabled: safe to insert as is
    source: Path
    draft: bool = False  # built only by `digest serve` and `digest build --drafts`
    order: int | None = None  # place in the header: ordered pages first, by this number, then the rest by file name
    nav: bool = True  # False: built, but not linked from the header


# Front matter keys: their type, and the word an error uses for it.
_FRONT_MATTER = {"title": (str, "text"), "draft": (bool, "true or false"), "order": (int, "a whole number"), "nav": (bool, "true or false")}


def split_front_matter(path: Path, text: str) -> tuple[dict, str, int]:
    """(front matter, body, line where the body starts); no front matter gives {}."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    for number, line in enumerate(lines[1:], 2):
        if line.strip() in ("---", "..."):
            try:
                meta = yaml_load("".join(lines[1 : number - 1])) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                raise DigestError(f"invalid front matter: {getattr(exc, 'problem', exc)}", path, mark.line + 2 if mark else 1) from None
            if not isinstance(meta, dict):
                raise DigestError("front matter must be a mapping (key: value lines)", path, 2)
            return meta, "".join(lines[number:]), number + 1
    raise DigestError("front matter opened with --- but never closed", path, 1)


def _key_line(text: str, key) -> int:
    """The line of a front matter key (2 where it cannot be told)."""
    lines = text.splitlines()[1:]
    return next((n for n, line in enumerate(lines, 2) if line.startswith(f"{key}:")), 2)


def read_page(path: Path) -> MarkdownPage:
    text = read_text(path)
    meta, body, _ = split_front_matter(path, text)
    for key, value in meta.items():
        if key not in _FRONT_MATTER:
            raise DigestError(f"unknown front matter key {key!r} (known: {', '.join(_FRONT_MATTER)})", path, _key_line(text, key))
        kind, words = _FRONT_MATTER[key]
        if not isinstance(value, kind) or kind is int and isinstance(value, bool):
            raise DigestError(f"front matter {key} must be {words}, got {value!r}", path, _key_line(text, key))
    title = meta.get("title", path.stem.replace("-", " ").title())
    return MarkdownPage(
        slugify(path.stem, fallback="page"), title, _markdown.render(body), path,
        meta.get("draft", False), meta.get("order"), meta.get("nav", True),
    )


def read_pages(pages_dir: Path, drafts: bool = False) -> list[MarkdownPage]:
    """Every page in content/pages (drafts only when asked), in header order: by `order`, then by file name."""
    if not pages_dir.is_dir():
        return []
    pages = [read_page(p) for p in sorted(pages_dir.glob("*.md")) if not p.name.startswith(".") and not p.is_dir()]
    seen: dict[str, Path] = {}
    for page in pages:
        if page.slug in seen:
            raise DigestError(f"same page name as {seen[page.slug].name}", page.source)
        seen[page.slug] = page.source
    pages = [page for page in pages if drafts or not page.draft]
    return sorted(pages, key=lambda page: (page.order is None, page.order or 0))  # stable: file name order within
