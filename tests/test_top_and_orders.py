"""Upvotes in lists, the orders a list page offers, and the "top papers" pages, on four real API days.

What is right is read straight from the fixture JSON (tests/fixtures/reading: upvotes, arXiv ids, the listing day
from the file name), never from the site's own records, so the pages are checked against the API's answer.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from pathlib import Path

import lxml.html
import pytest

from site_src.build import build
from tests.conftest import READING_DAYS, READING_BASE, reading_content

NEWEST = dt.date(2025, 7, 7)


def _api() -> dict[str, dict]:
    """Per arXiv id: upvotes, the listing day, the title, the arXiv day, and the AI summary, from the fixture files."""
    found = {}
    for path in sorted(READING_DAYS.glob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8")):
            paper = entry["paper"]
            found[paper["id"]] = {
                "upvotes": paper["upvotes"],
                "day": dt.date.fromisoformat(path.stem),
                "published": dt.date.fromisoformat(paper["publishedAt"][:10]),
                "ai_summary": paper.get("ai_summary", ""),
            }
    return found


API = _api()


def _page(site: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / url / "index.html").read_bytes())


def _ids_by_url(site: Path) -> dict[str, str]:
    return {p["url"]: p["arxiv_id"] for p in json.loads((site / "data" / "papers.json").read_text(encoding="utf-8"))}


def _listed(site: Path, url: str) -> list[str]:
    """The arXiv ids a page lists, in order (links resolved against the page's own folder)."""
    ids = _ids_by_url(site)
    depth = url.count("/")
    hrefs = _page(site, url).xpath("//main//ol[contains(@class, 'papers')]/li/a[@class='title']/@href")
    return [ids[href[3 * depth:]] for href in hrefs]


def test_every_list_shows_each_papers_upvotes(reading_build):
    ids = _ids_by_url(reading_build)
    pages = ["", "digests/2025-07-03/", "top/week/", *[f"topics/{p.name}/" for p in sorted((reading_build / "topics").iterdir()) if p.is_dir()]]
    for url in pages:
        depth = url.count("/")
        items = _page(reading_build, url).xpath("//main//ol[contains(@class, 'papers')]/li")
        assert items, url
        for li in items:
            paper = ids[li.xpath("a[@class='title']/@href")[0][3 * depth:]]
            shown = li.xpath("span[@class='upvotes']")[0].text_content()
            assert shown == f"▲ {API[paper]['upvotes']} upvote{'' if API[paper]['upvotes'] == 1 else 's'}", (url, paper)


def test_the_ai_summary_is_the_snippet_where_the_api_gives_one_and_is_marked(reading_build):
    ids = _ids_by_url(reading_build)
    items = _page(reading_build, "digests/2025-07-03/").xpath("//main//ol[contains(@class, 'papers')]/li")
    marked = 0
    for li in items:
        paper = ids[li.xpath("a[@class='title']/@href")[0][6:]]
        snippet = li.xpath("p[contains(@class, 'summary')]")[0]
        if API[paper]["ai_summary"]:
            marked += 1
            assert snippet.xpath("span[@class='ai-mark']/text()") == ["AI summary"]
            assert " ".join(API[paper]["ai_summary"].split()) in " ".join(snippet.text_content().split())
        else:
            assert not snippet.xpath("span[@class='ai-mark']")
    assert marked == 1 and len(items) == 10  # one AI summary among the ten papers of that day


@pytest.mark.parametrize("period, since", [("week", dt.date(2025, 7, 1)), ("month", dt.date(2025, 6, 8)), ("all", None)])
def test_top_pages_list_the_most_upvoted_papers_first_listed_in_their_period(reading_build, period, since):
    expected = sorted(
        (i for i, p in API.items() if p["upvotes"] and (since is None or since <= p["day"] <= NEWEST)),
        key=lambda i: -API[i]["upvotes"],
    )
    listed = _listed(reading_build, f"top/{period}/")
    assert sorted(listed) == sorted(expected)
    assert [API[i]["upvotes"] for i in listed] == [API[i]["upvotes"] for i in expected]  # most upvoted first
    assert {"week": 13, "month": 17, "all": 20}[period] == len(listed)  # 0-upvote RE-IMAGINE is in none


def test_home_links_every_top_page_and_each_has_its_feeds(reading_build):
    home = _page(reading_build, "")
    assert home.xpath("//nav[@class='top-links']/a/@href") == ["top/week/", "top/month/", "top/all/"]
    for period in ("week", "month", "all"):
        head = _page(reading_build, f"top/{period}/").xpath("//head/link[@rel='alternate']/@href")
        assert {f"../../top/{period}/{name}" for name in ("feed.xml", "atom.xml", "feed.json")} <= set(head)


def test_the_curator_can_turn_the_top_pages_off(tmp_path):
    out = tmp_path / "build"
    build(reading_content(tmp_path / "content", top_pages="false"), out, base_url=READING_BASE, lock=False)
    assert not (out / "top").exists()
    assert not _page(out, "").xpath("//nav[@class='top-links']")
    assert b"top/" not in (out / "feeds.opml").read_bytes()


def _orders(site: Path, url: str) -> dict[str, str]:
    """The sort control of a page: its links by words, and which one is marked current."""
    nav = _page(site, url).xpath("//nav[@class='sort']")
    return {a.text_content(): a.get("href") + ("*" if a.get("aria-current") else "") for a in nav[0].xpath("a")} if nav else {}


def test_every_order_a_list_offers_is_its_own_page_with_the_same_papers_in_that_order(reading_build):
    checked = 0
    for url in [f"topics/{p.name}/" for p in sorted((reading_build / "topics").iterdir()) if p.is_dir()] + [
        f"digests/{p.name}/" for p in sorted((reading_build / "digests").iterdir()) if p.is_dir()
    ]:
        own = _listed(reading_build, url)
        for words, href in _orders(reading_build, url).items():
            target = posixpath.normpath(posixpath.join(url, href.rstrip("*"))) + "/"
            papers = _listed(reading_build, target)
            assert sorted(papers) == sorted(own), target
            assert _orders(reading_build, target)[words].endswith("*")  # the page marks its own order
            if words == "most upvoted":
                assert [API[i]["upvotes"] for i in papers] == sorted((API[i]["upvotes"] for i in papers), reverse=True)
                checked += 1
            if words == "newest":
                assert [API[i]["published"] for i in papers] == sorted((API[i]["published"] for i in papers), reverse=True)
                checked += 1
    assert checked >= 5


def test_other_orders_stay_out_of_the_sitemap(reading_build):
    sitemap = (reading_build / "sitemap.xml").read_text(encoding="utf-8")
    assert f"{READING_BASE}digests/2025-07-03/<" in sitemap
    assert "/newest/" not in sitemap and "/by-upvotes/" not in sitemap


@pytest.fixture(scope="module")
def reading_days_served(reading_build):
    from tests.conftest import http_server

    with http_server(reading_build) as url:
        yield url + "/"


@pytest.mark.parametrize("scheme, device", [("light", "desktop"), ("dark", "desktop"), ("light", "phone")])
def test_new_pages_have_no_axe_violations(browser, reading_days_served, reading_build, scheme, device):
    from tests.test_accessibility import AXE, audit

    sorted_topic = next(p for p in sorted(reading_build.glob("topics/*/by-upvotes/index.html")))
    pages = {
        "home with top links": "",
        "top of the week": "top/week/",
        "topic, most upvoted": sorted_topic.parent.relative_to(reading_build).as_posix() + "/",
        "digest with AI summaries": "digests/2025-06-20/",
        "digests by month": "digests/",
        "feeds": "feeds/",
    }
    found, _ = audit(browser, AXE, reading_days_served, pages, scheme, device)
    assert found == {}


def test_every_page_of_the_api_days_site_is_under_the_page_weight_budget(reading_build):
    from tests.test_page_weight import BUDGET, page_weights

    sizes = page_weights(reading_build)
    assert len(sizes) > 40 and max(sizes.values()) < BUDGET


def test_search_result_orders_module_passes_its_node_tests():
    """templates/assets/orders.js, the sort the search widget hooks into (tests/js/orders.test.mjs, real API days)."""
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; the search result orders need it")
    root = Path(__file__).resolve().parent.parent
    run = subprocess.run([node, "--test", "tests/js/orders.test.mjs"], cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# pass 4" in run.stdout


def test_the_seed_demo_says_the_order_its_lists_really_have(seed_build):
    """The seed captures carry no year: the lists run last file first and say so; no page says "year not known"."""
    home = lxml.html.fromstring((seed_build / "index.html").read_bytes())
    caption = home.xpath("//section[@aria-labelledby='glance']//figcaption")[0].text_content()
    assert caption.startswith("Papers per digest, last file first (no digest has a known date)")
    assert "newest" not in caption
    index = lxml.html.fromstring((seed_build / "digests" / "index.html").read_bytes())
    assert "last file first" in index.xpath("//main/p[@class='lead']")[0].text_content()
    assert not [p for p in seed_build.rglob("*.html") if "year not known" in p.read_text(encoding="utf-8")]
    assert home.xpath("//footer//p")[0].text_content().startswith(f"{len(list((seed_build / 'papers').iterdir())):,} papers in")


def test_every_count_a_template_prints_has_thousands_separators():
    """3,956 papers, not 3956: the templates print every length through the `count` filter."""
    import re

    from site_src.render.environment import environment

    templates = Path(__file__).resolve().parent.parent / "templates"
    assert environment([templates]).filters["count"](3956) == "3,956"
    bare = [(t.name, m.group(0)) for t in sorted(templates.glob("*.html"))
            for m in re.finditer(r"\| length( - \w+)? \}\}", t.read_text(encoding="utf-8"))]
    assert bare == []


@pytest.mark.parametrize("name", ["top", "feeds"])
def test_a_curators_page_may_not_take_the_top_or_feeds_urls(tmp_path, name):
    from site_src.errors import DigestError

    content = reading_content(tmp_path / "content")
    (content / "pages").mkdir()
    (content / "pages" / f"{name}.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(DigestError, match=f"page name '{name}' is taken by the site itself"):
        build(content, tmp_path / "build", base_url=READING_BASE, lock=False)
