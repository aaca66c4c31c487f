"""Check a built site: every internal link, asset and fragment in its HTML resolves to a file in the folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.sax.saxutils import unescape

from site_src.errors import DigestError
from site_src.files.source import read_bytes

# Attributes that hold a URL the browser follows or fetches.
_URL_ATTRIBUTES = {"href", "src", "action", "poster", "data"}
_EXTERNAL_SCHEMES = {"http", "https", "mailto", "tel", "data", "javascript", "ftp"}
_LOC = re.compile(r"<loc>([^<]*)</loc>")
_ORIGIN = "http://site.invalid"  # a stand-in origin: only paths matter when resolving links
# GitHub Pages serves 404.html at any missing address, so its links are checked as if it stood deep in an unknown folder.
_NOT_FOUND_AT = "no-such-folder/no-such-page/"


@dataclass(frozen=True)
class BrokenLink:
    page: str  # path of the file holding the link, relative to the site folder
    url: str  # the link as written
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.url} ({self.reason})"


class _PageParser(HTMLParser):
    """The URLs a page links to or loads, and the ids its fragments may point at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _URL_ATTRIBUTES:
                self.urls.append(value.strip())
            elif name == "srcset":
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
            elif name == "id" or name == "name" and tag == "a":
                self.ids.add(value)


PAGE_LIMIT = 50_000_000  # bytes of one page read; a build writes none this large


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    try:  # a regular file only: a FIFO would block the check for ever
        text = read_bytes(path, PAGE_LIMIT).decode("utf-8", errors="replace")
    except DigestError:
        text = ""  # reported as a broken page by check_site
    parser.feed(text)
    parser.close()
    return parser


class _Site:
    """A site folder served under base_path, with each page parsed at most once."""

    def __init__(self, folder: Path, base_path: str):
        self.folder = folder.resolve()
        self.base_path = base_path
        self.parsed: dict[Path, _PageParser] = {}
        self.targets: dict[str, tuple[Path | None, str]] = {}

    def page(self, path: Path) -> _PageParser:
        if path not in self.parsed:
            self.parsed[path] = _parse(path)
        return self.parsed[path]

    def target(self, url_path: str) -> tuple[Path | None, str]:
        """The file a root-absolute URL path serves, or None and why not."""
        if url_path not in self.targets:
            self.targets[url_path] = self._find(url_path)
        return self.targets[url_path]

    def _find(self, url_path: str) -> tuple[Path | None, str]:
        if not url_path.startswith(self.base_path):
            return None, f"outside the site's base path {self.base_path} (built with another base URL?)"
        relative = unquote(url_path[len(self.base_path) :])
        path = (self.folder / relative).resolve()
        if path != self.folder and self.folder not in path.parents:
            return None, "outside the site folder"
        if path.is_dir():  # servers answer a folder URL with its index.html
            path = path / "index.html"
        if not path.is_file():
            return None, "no such file"
        return path, ""

    def check(self, file: Path, location: str, url: str) -> BrokenLink | None:
        page = file.relative_to(self.folder).as_posix()
        parts = urlsplit(url)
        if parts.scheme.lower() in _EXTERNAL_SCHEMES or parts.netloc or not url or url == "#":
            return None
        resolved = urlsplit(urljoin(_ORIGIN + location, url))
        if not parts.path and not parts.query:  # `#id`: a fragment of this very page
            target, reason = file, ""
        else:
            target, reason = self.target(resolved.path)
        if target is None:
            return BrokenLink(page, url, reason)
        fragment = unquote(resolved.fragment)
        if fragment and target.suffix == ".html" and fragment not in self.page(target).ids:
            return BrokenLink(page, url, f"no element with id {fragment!r} in {target.relative_to(self.folder).as_posix()}")
        return None


def check_site(folder: Path, base_url: str | None = None) -> list[BrokenLink]:
    """Every broken internal link, asset or fragment in the HTML (and sitemap.xml) under folder, sorted by page."""
    base_url = base_url.rstrip("/") + "/" if base_url else None
    site = _Site(folder, urlsplit(base_url).path if base_url else "/")
    broken: list[BrokenLink] = []
    for file in sorted(site.folder.rglob("*.html")):
        relative = file.relative_to(site.folder).as_posix()
        if not file.is_file() or file.is_symlink():
            broken.append(BrokenLink(relative, relative, "not a regular file (a FIFO, a device or a link); a built site holds only files"))
            continue
        location = site.base_path + (_NOT_FOUND_AT if relative == "404.html" else relative)
        for url in site.page(file).urls:
            problem = site.check(file, location, url)
            if problem:
                broken.append(problem)
    broken += _check_sitemap(site, base_url)
    return sorted(set(broken), key=lambda b: (b.page, b.url, b.reason))


def _check_sitemap(site: _Site, base_url: str | None) -> list[BrokenLink]:
    sitemap = site.folder / "sitemap.xml"
    if not sitemap.is_file():
        return []
    broken = []
    for url in map(unescape, _LOC.findall(sitemap.read_text(encoding="utf-8"))):
        if not base_url or not url.startswith(base_url):
            broken.append(BrokenLink("sitemap.xml", url, f"not under the base URL {base_url}"))
            continue
        target, reason = site.target(site.base_path + url[len(base_url) :])
        if target is None:
            broken.append(BrokenLink("sitemap.xml", url, reason))
    return broken


def run(content: Path, out: Path, base_url: str | None) -> None:
    """`digest check`: list each broken link of OUT, under the base URL it was built for; exit 1 when any is."""
    import sys

    import click

    from site_src.config import load_config
    from site_src.errors import DigestError
    from site_src.files.write import built_for

    if not out.is_dir():
        raise DigestError("no built site here; run `digest build` first", out)
    recorded, built = built_for(out)
    # a build made before the marker recorded its base URL: site.yaml's, as before
    base_url = base_url or (built if recorded else load_config(content / "site.yaml").base_url)
    broken = check_site(out, base_url)
    for link in broken:
        click.echo(f"{out / link.page}: broken link {link.url} ({link.reason})", err=True)
    if broken:
        click.echo(f"{len(broken)} broken links in {out}", err=True)
        sys.exit(1)
    click.echo(f"checked {out}: no broken links")
