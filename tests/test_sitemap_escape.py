"""sitemap.xml escapes what XML text may not hold as it is: a base URL may carry &, < and > (site.yaml allows any
printable URL), and every location must still parse back to the URL itself."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

from site_src.build import build
from tests.conftest import CONTENT, api_day

HOSTILE_BASE = "https://example.org/a&amp;b<loc>x</loc>&c'\"/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_a_base_url_with_xml_characters_stays_text_in_the_sitemap(tmp_path):
    content = tmp_path / "content"
    (content / "dumps").mkdir(parents=True)
    shutil.copy(CONTENT / "site.yaml", content / "site.yaml")
    shutil.copy(api_day("2024-12-18"), content / "dumps")
    out = tmp_path / "build"

    build(content, out, base_url=HOSTILE_BASE, lock=False, cache=False)

    data = (out / "sitemap.xml").read_bytes()
    locations = [loc.text for loc in ET.fromstring(data).findall("s:url/s:loc", SITEMAP_NS)]
    assert len(locations) > 20  # every paper's page and the site's own
    assert all(url.startswith(HOSTILE_BASE) for url in locations)
    assert f"{HOSTILE_BASE}index.html" in locations or HOSTILE_BASE in locations
    assert b"<loc>x</loc>" not in data and b"&amp;amp;b&lt;loc&gt;" in data
