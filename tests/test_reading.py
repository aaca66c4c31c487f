"""Reading the site as a reader does, in Chromium: links out of every paper, math shown as text, long lists
that stay short, nothing said twice, and a header that fits a phone.

Most checks use the seed site; the rest a "reading" site: the seeds, a capture (the newest day) whose paper writes
LaTeX, five days of the daily-papers API (committed in tests/fixtures/api/) and four Markdown pages.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import lxml.html
import pytest

from site_src.build import build
from site_src.text.latex import readable

from .conftest import CONTENT, api_day, http_server

BASE = "https://example.org/digest/"
API_DAYS = [api_day(f"2025-06-0{d}") for d in range(2, 7)]
LATEX_TITLE = r"$\pi^3$: Scalable Permutation-Equivariant Visual Geometry Learning"
LATEX_ABSTRACT = (
    r"We cut the error by 20-60\% and run in $O(n^2)$ time, where $\alpha$ is learned from S$^2$R data. "
    r"Prices such as $5 and 50% off stay as written, and so does \method, a macro of the paper's own."
)
SHOWN_TITLE = "π³: Scalable Permutation-Equivariant Visual Geometry Learning"
SHOWN_ABSTRACT = (
    "We cut the error by 20-60% and run in O(n²) time, where α is learned from S²R data. "
    r"Prices such as $5 and 50% off stay as written, and so does \method, a macro of the paper's own."
)


@pytest.mark.parametrize(
    "latex, text",
    [
        (r"by 20-60\%", "by 20-60%"),
        (r"$\pi^3$", "π³"),
        (r"$O(n^2)$", "O(n²)"),
        (r"$\mathcal{O}(n\log n)$", "𝒪(n log n)"),
        (r"$f$-Divergence and $k$-means", "f-Divergence and k-means"),
        (r"\textbf{Uni-Instruct} and {\em leakage}", "Uni-Instruct and leakage"),
        (r"360{\deg} views, 2.3\times faster, S\&R, \#1, \$32,000", "360° views, 2.3× faster, S&R, #1, $32,000"),
        (r"10^{26} parameters and 1024^3 voxels", "10²⁶ parameters and 1024³ voxels"),
        (r"at \url{https://github.com/x/y_z}", "at https://github.com/x/y_z"),
        (r"(\eg" + "\n" + r"parallel)", "(e.g.\nparallel)"),
    ],
)
def test_latex_fragments_become_readable_text(latex, text):
    assert readable(latex) == text


@pytest.mark.parametrize(
    "plain",
    ["$1 Million for $200k, 1$", "50% off", r"C:\Users\me", "we introduce \\method to", "<think> tags", "a_b and x^y"],
)
def test_text_that_is_not_latex_stays_as_written(plain):
    assert readable(plain) == plain


@pytest.fixture(scope="module")
def reading_site(tmp_path_factory) -> Path:
    """The reading site built with a base URL (so with feeds); its folder holds build/ and content/."""
    top = tmp_path_factory.mktemp("reading")
    content = top / "content"
    shutil.copytree(CONTENT, content)
    (content / "dumps" / "2025-06-07-latex.txt").write_text(f"new\n\nSubscribe\n\n{LATEX_TITLE}\n\n{LATEX_ABSTRACT}\n", encoding="utf-8")
    for day in API_DAYS:
        shutil.copy(day, content / "dumps" / day.name)
    for name in ("reading-list", "method", "contact"):
        (content / "pages" / f"{name}.md").write_text(f"---\ntitle: {name.replace('-', ' ').title()}\n---\nText.\n", encoding="utf-8")
    build(content, top / "build", base_url=BASE, lock=False)
    return top / "build"


@pytest.fixture(scope="module")
def reading_served(reading_site):
    with http_server(reading_site) as url:
        yield url


def _papers(site: Path) -> list[dict]:
    return json.loads((site / "data" / "papers.json").read_text(encoding="utf-8"))


# Every paper page, fetched and parsed by Chromium itself: its links out, as [href, text] pairs.
_LINKS_OUT = """async urls => Promise.all(urls.map(async url => {
  const page = new DOMParser().parseFromString(await (await fetch(url)).text(), 'text/html');
  return [...page.querySelectorAll('ul.external a')].map(a => [a.getAttribute('href'), a.textContent]);
}))"""


def test_every_paper_page_links_out_to_arxiv_and_hugging_face(browser, served, seed_build):
    """The seed captures carry no arXiv ids: every page links a title search, labelled as one."""
    papers = _papers(seed_build)
    assert len(papers) == 340
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.goto(f"{served}/paper-digest/")
    found = tab.evaluate(_LINKS_OUT, [paper["url"] for paper in papers])
    for paper, links in zip(papers, found):
        assert {href.split("/")[2] for href, _ in links} == {"arxiv.org", "huggingface.co"}, paper["url"]
        assert all(text.startswith("Search ") and text.endswith(" for this title") for _, text in links), links
        query = parse_qs(urlsplit(links[0][0]).query)
        assert query["searchtype"] == ["title"] and query["query"] == [paper["title"]]  # seed titles hold no LaTeX
    for paper in papers[::40]:  # and on screen: on a phone, above the abstract, within the first screen
        tab.goto(f"{served}/paper-digest/{paper['url']}")
        link = tab.locator("ul.external a").first
        assert link.is_visible() and link.bounding_box()["y"] < min(844, tab.locator("p.abstract").bounding_box()["y"])
    context.close()


def test_a_paper_with_an_arxiv_id_links_the_paper_itself(browser, reading_served, reading_site):
    papers = [p for p in _papers(reading_site) if p["arxiv_id"]]
    tab = browser.new_page()
    tab.goto(f"{reading_served}/{papers[0]['url']}")
    hrefs = tab.eval_on_selector_all("ul.external a", "links => links.map(a => a.href)")
    tab.close()
    arxiv = papers[0]["arxiv_id"]
    assert f"https://arxiv.org/abs/{arxiv}" in hrefs and f"https://arxiv.org/pdf/{arxiv}" in hrefs
    assert f"https://huggingface.co/papers/{arxiv}" in hrefs and not [h for h in hrefs if "search" in h]


def test_latex_in_a_title_and_abstract_is_shown_as_text_on_pages_in_feeds_and_search(browser, reading_served, reading_site):
    paper = next(p for p in _papers(reading_site) if p["title"] == SHOWN_TITLE)
    assert paper["abstract"] == SHOWN_ABSTRACT
    tab = browser.new_page()
    tab.goto(f"{reading_served}/{paper['url']}")
    assert tab.locator("h1").inner_text() == SHOWN_TITLE
    assert tab.locator("p.abstract").inner_text() == SHOWN_ABSTRACT
    assert tab.title().startswith(SHOWN_TITLE)
    tab.goto(f"{reading_served}/search/?q=permutation equivariant")
    tab.wait_for_selector("#search-page-results li")
    assert SHOWN_TITLE in tab.locator("#search-page-results").inner_text()
    tab.close()
    entry = next(e for e in feedparser.parse((reading_site / "feed.xml").read_bytes()).entries if e.title == SHOWN_TITLE)
    assert lxml.html.fragment_fromstring(entry.description, create_parent="div").xpath("p")[0].text_content() == SHOWN_ABSTRACT


def test_long_lists_show_fifty_and_open_the_rest_on_the_same_page(browser, served, seed_build):
    digest = max((p for p in (seed_build / "digests").iterdir() if p.is_dir()), key=lambda p: (p / "index.html").stat().st_size)
    tab = browser.new_page(viewport={"width": 390, "height": 844})
    tab.goto(f"{served}/paper-digest/digests/{digest.name}/")
    shown = tab.locator("main li.paper:visible")
    total = int(tab.locator("p.meta").inner_text().split(" · ")[-1].split()[0])
    assert total == 197 and shown.count() == 50
    summary = tab.locator("details.more summary")
    assert summary.inner_text() == "Show the other 147 papers"
    url = tab.url
    summary.click()
    assert shown.count() == 197 and tab.url == url  # one URL per list
    assert tab.locator("details.more ol").get_attribute("start") == "51"
    tab.close()


def test_a_topic_page_does_not_repeat_its_own_chip(seed_build):
    for page in (seed_build / "topics").glob("*/index.html"):
        tree = lxml.html.fromstring(page.read_bytes())
        own = f"../../topics/{page.parent.name}/"
        assert not tree.xpath(f"//ol[contains(@class, 'papers')]//a[@class='chip'][@href='{own}']"), page


def test_dates_are_said_once_and_chart_and_lists_agree_on_order(reading_site):
    home = lxml.html.fromstring((reading_site / "index.html").read_bytes())
    latest = home.xpath("//section[@aria-labelledby='latest']")[0]
    heading, meta = latest.xpath("h2")[0].text_content(), latest.xpath("p[@class='meta']")[0].text_content()
    date_words = [w for w in heading.split() if w.isdigit() and len(w) == 4]  # "Latest digest: 6 June 2025"
    assert not date_words or not any(word in meta for word in date_words), (heading, meta)
    listed = [a.text_content() for a in home.xpath("//section[@aria-labelledby='digests']//li/a")]
    charted = [t.rsplit(": ", 1)[0].split(" (")[0] for t in home.xpath("(//svg[contains(@class, 'chart')])[1]//rect/title/text()")]
    assert charted == listed[: len(charted)] and len(charted) >= 4
    index = lxml.html.fromstring((reading_site / "digests" / "index.html").read_bytes())
    assert [a.text_content() for a in index.xpath("//ul[@class='digests']/li/a")][: len(listed)] == listed
    assert listed[0] == latest.xpath("h2/a")[0].text_content()  # the latest digest leads the list


def test_phone_header_stays_short_with_four_pages_and_desktop_header_lines_up(browser, reading_served):
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = phone.new_page()
    tab.goto(f"{reading_served}/")
    assert tab.locator("header.site nav a").count() == 6  # topics, digests, four pages
    height = tab.locator("header.site").bounding_box()["height"]
    assert height <= 120, height
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390  # the links scroll, not the page
    phone.close()
    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = desktop.new_page()
    tab.goto(f"{reading_served}/")
    brand, title = tab.locator("header.site .brand").bounding_box(), tab.locator("main h1").bounding_box()
    desktop.close()
    assert abs(brand["x"] - title["x"]) <= 1, (brand, title)
