"""Markdown pages from content/pages/*.md, with YAML front matter, rendered with raw HTML disabled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from ..config import yaml_load
from ..errors import DigestError
from ..slugs import slugify
from ..source import read_text

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


@dataclass(frozen=True)
class MarkdownPage:
    slug: str
    title: str
    html: str  # rendered by markdown-it with raw HTML disabled: safe to insert as is
    source: Path


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


def read_page(path: Path) -> MarkdownPage:
    meta, body, _ = split_front_matter(path, read_text(path))
    unknown = set(meta) - {"title"}
    if unknown:
        raise DigestError(f"unknown front matter key {sorted(unknown)[0]!r} (known: title)", path, 2)
    title = meta.get("title", path.stem.replace("-", " ").title())
    if not isinstance(title, str):
        raise DigestError("front matter title must be text", path, 2)
    return MarkdownPage(slugify(path.stem, fallback="page"), title, _markdown.render(body), path)


def read_pages(pages_dir: Path) -> list[MarkdownPage]:
    """Every page in content/pages, by file name."""
    if not pages_dir.is_dir():
        return []
    pages = [read_page(p) for p in sorted(pages_dir.glob("*.md")) if not p.name.startswith(".")]
    seen: dict[str, Path] = {}
    for page in pages:
        if page.slug in seen:
            raise DigestError(f"same page name as {seen[page.slug].name}", page.source)
        seen[page.slug] = page.source
    return pages
