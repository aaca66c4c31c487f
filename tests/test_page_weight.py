"""Page weight: every page of the seed site, with what it loads, under 100 KB transferred.

"Transferred" is measured as gzip (level 6, what static hosts such as GitHub Pages serve) of the HTML plus
every same-site file the page loads: stylesheet, icon, scripts, and the modules they import (search imports
most of its modules on first use).
The search index and store are left out: they are data, fetched only when someone searches.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path, PurePosixPath

import lxml.html

BUDGET = 100_000  # bytes
IMPORT = re.compile(r'(?:from\s*|import\(\s*)"(\./[^"]+\.js)"')  # an ES module's static and dynamic imports


def _gzip_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def _loaded(page: Path, site: Path) -> list[Path]:
    """Files under `site` the page loads by itself (or on the first search), resolved from their relative URLs."""
    tree = lxml.html.fromstring(page.read_bytes())
    urls = tree.xpath("//link[@rel='stylesheet' or @rel='icon']/@href | //script/@src")
    files = []
    for url in urls:
        assert "://" not in url and not url.startswith("//"), f"{page}: loads {url} from another host"
        target = (page.parent / PurePosixPath(url.split("#")[0].split("?")[0])).resolve()
        assert target.is_relative_to(site.resolve()) and target.is_file(), f"{page}: {url} is not in the site"
        files.append(target)
    for script in files:  # grows as imports are found
        if script.suffix == ".js":
            files += [m for m in ((script.parent / name).resolve() for name in IMPORT.findall(script.read_text("utf-8"))) if m not in files]
    return sorted(set(files))


def page_weights(site: Path) -> dict[str, int]:
    """Bytes transferred (gzip) per HTML page of the built site, assets included."""
    sizes = {}
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue  # links root-absolute, from the base path; weighed below
        sizes[page.relative_to(site).as_posix()] = _gzip_size(page.read_bytes()) + sum(
            _gzip_size(f.read_bytes()) for f in _loaded(page, site)
        )
    return sizes


def test_every_page_of_the_seed_site_is_under_100_kb_transferred(seed_build):
    sizes = page_weights(seed_build)
    assert len(sizes) > 300  # every page: home, topics, papers, digests, search, about, redirects
    heavy = {name: size for name, size in sizes.items() if size > BUDGET}
    assert heavy == {}
    # The heaviest page (the 197-paper digest) is still well within budget; raw HTML of it is past 100 KB.
    assert max(sizes.values()) < BUDGET


def test_404_page_is_light_too(seed_build):
    html = (seed_build / "404.html").read_bytes()
    css = (seed_build / "assets" / "style.css").read_bytes()
    assert _gzip_size(html) + _gzip_size(css) < 20_000


def test_nothing_is_loaded_from_other_hosts(seed_build):
    for page in sorted(seed_build.rglob("index.html")):
        tree = lxml.html.fromstring(page.read_bytes())
        for url in tree.xpath("//link[@rel!='canonical' and @rel!='alternate']/@href | //script/@src | //img/@src"):
            assert "://" not in url and not url.startswith("//"), f"{page}: {url}"
