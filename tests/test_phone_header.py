"""On a phone, a long site title never pushes the header's links off screen: it is cut, and the links' row shows it scrolls."""

from __future__ import annotations

import pytest

from site_src.build import build
from tests.conftest import http_server

LONG_TITLE = "The Extremely Thorough Weekly Digest of Machine Learning Papers for the Reading Group"


@pytest.mark.parametrize("width", [320, 390])
def test_a_long_title_leaves_the_header_links_on_screen_and_scrollable(browser, content_copy, tmp_path, width):
    site = content_copy / "site.yaml"
    site.write_text("\n".join(line for line in site.read_text(encoding="utf-8").splitlines() if not line.startswith("title:"))
                    + f"\ntitle: {LONG_TITLE}\n", encoding="utf-8")
    build(content_copy, tmp_path / "build", lock=False)

    with http_server(tmp_path / "build") as url:
        context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=2, is_mobile=True)
        tab = context.new_page()
        tab.goto(url + "/")
        shape = tab.evaluate("""() => {
          const nav = document.querySelector('header.site nav'), brand = document.querySelector('header.site .brand');
          const box = nav.getBoundingClientRect(), first = nav.querySelector('a').getBoundingClientRect();
          return {navLeft: box.left, navRight: box.right, navWidth: box.width, firstRight: first.right,
                  brandRight: brand.getBoundingClientRect().right, brandTitle: brand.title,
                  scrolls: nav.scrollWidth > nav.clientWidth, mask: getComputedStyle(nav).maskImage || getComputedStyle(nav).webkitMaskImage,
                  pageScrolls: document.documentElement.scrollWidth > innerWidth, sameRow: Math.abs(brand.getBoundingClientRect().top - first.top) < 30};
        }""")
        context.close()

    assert not shape["pageScrolls"]  # nothing sticks out of the page
    assert shape["brandRight"] <= shape["navLeft"] + 1 and shape["navRight"] <= width + 1
    assert shape["navWidth"] >= 7.5 * 16 - 1 and shape["firstRight"] <= width  # the first link shows whole
    assert shape["sameRow"]
    assert shape["scrolls"] and "linear-gradient" in shape["mask"]  # the row scrolls, and its faded edge says so
    assert shape["brandTitle"] == LONG_TITLE  # the whole title on a long press
