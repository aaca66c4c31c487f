"""The Jinja2 environment: the curator's templates over the built-in theme, autoescaped, with the site's filters.

Only template lookup, filters and rendering one page; which pages exist is the assemble stage's.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError
from markupsafe import Markup, escape

from site_src.errors import DigestError
from site_src.assemble import Page, urls
from site_src.files.source import BUILTIN_TEMPLATES

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
    env.filters["count"] = "{:,}".format  # 3,956 papers: every count a page shows has thousands separators
    env.globals["urls"] = urls  # the site's URL scheme (assemble/urls.py): templates spell no URL of their own
    return env


def asset_files(dirs: list[Path]) -> dict[str, bytes]:
    """Files under templates/assets/, the curator's replacing the built-in ones of the same name."""
    files: dict[str, bytes] = {}
    for base in reversed(dirs):
        assets = base / "assets"
        if assets.is_dir():
            for path in sorted(p for p in assets.rglob("*") if p.is_file() and not p.name.startswith(".")):
                files[urls.asset(path.relative_to(assets).as_posix())] = path.read_bytes()
    return files


def inline_assets(files: dict[str, bytes]) -> dict:
    """For a 404 page built without a base URL (so served at depths it cannot know): the stylesheet inlined, with
    the hash its Content-Security-Policy allows it by, the icon as a data: URL, and no search (its script could not
    be found). Nothing when the stylesheet could not sit inside <style>."""
    css = files.get(urls.asset("style.css"), b"").decode("utf-8", "replace")
    if not css or "</" in css:
        return {}
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    icon = "data:image/svg+xml;base64," + base64.b64encode(files.get(urls.asset("favicon.svg"), b"")).decode("ascii")
    return {"inline_style": {"css": Markup(css), "hash": f"sha256-{digest}", "icon": icon}, "search": None}


def render_page(env: Environment, page: Page, shared: dict, root: str) -> bytes:
    try:
        html = env.get_template(page.template).render(shared, page=page, root=root, **page.context)
    except TemplateError as exc:
        name = getattr(exc, "filename", None) or page.template
        raise DigestError(f"template error: {exc.message}", name, getattr(exc, "lineno", None)) from None
    return html.encode("utf-8")
