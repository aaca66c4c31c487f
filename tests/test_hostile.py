"""Hostile and broken input: clear errors, nothing lost, nothing injected, nothing written outside build/.

One hostile site is built from dumps, site.yaml, a Markdown page, a topic lock and file names that carry
script tags, attribute breakouts, `javascript:` URLs, Jinja syntax, `]]>` and direction overrides; every
output is then checked as text, as parsed HTML/XML/JSON, and in Chromium.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from site_src.build import build
from site_src.config import load_config
from site_src.errors import DigestError
from site_src.ingest import read_digests
from site_src.config import SiteConfig
from site_src.files.write import MARKER
from site_src.ingest.pages import read_page

from .conftest import http_server

SCRIPT = "<script>window.__pwned=1;alert(1)</script>"
BREAKOUT = '"><img src=x onerror="window.__pwned=1;alert(1)">'
JINJA = "{{ 7*7 }} {% raw %}{% endraw %}"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
EVIL = f"Zyxwvut {SCRIPT} {BREAKOUT} {JINJA} ]]> {RLO}fdp.exe javascript:alert(1)"
CAPTURE_TITLE = f"Capture {EVIL}"
CAPTURE_ABSTRACT = f"We inject {SCRIPT} and {BREAKOUT} here. Also {JINJA} and ]]> and {RLO}. See javascript:alert(1) now. Done."
API_TITLE = f"Api {EVIL}"
API_ABSTRACT = f"Abstract {EVIL}. A link https://example.org/a\"onmouseover=\"alert(1) stays text. More words here."
FEED_TITLE = f"Feed {EVIL}"
SITE_TITLE = f"Site {SCRIPT} {JINJA}"
SITE_DESCRIPTION = f"About {BREAKOUT} ]]> {RLO}"
DIGEST_TITLE = f"Digest {SCRIPT} {BREAKOUT}"
PAGE_TITLE = f"Page {SCRIPT} {JINJA}"
TOPIC_LABEL = f"Old {SCRIPT} {BREAKOUT}"
# Titles that must still give short, unique, safe slugs.
PATH_TITLES = [
    "../../etc/passwd", "..\\..\\windows\\system32", "CON", "nul", "W" * 600, "深度学习中的注意力机制",
    "Внимание к деталям", "?!…—", "Café Attention", "Cafe Attention", "/absolute/path", "~/home", "a\x00b",
]
CAPTURE_NAME = f'2024-06-01 <b>"evil"<\b> {RLO} & {{{{x}}}}.txt'
API_NAME = "2024-06-02 ..api'name..json"
FEED_NAME = "feed ]]> `x`.json"
SAFE_PART = re.compile(r"[a-z0-9][a-z0-9._-]*")
WORDS = "attention transformer model language training data results method"


def _abstract(number: int) -> str:
    return f"Paper {number} studies {WORDS} in depth. It reports results on benchmarks. The method is simple."


def write_hostile_content(content: Path) -> None:
    """A content folder where every curator-controlled input carries hostile text."""
    dumps = content / "dumps"
    dumps.mkdir(parents=True)
    (dumps / CAPTURE_NAME).write_text(
        "\ufeffnew\r\n\r\nSubscribe\r\nJun 1\r\n\r\n" + f"{CAPTURE_TITLE}\r\n\r\n{CAPTURE_ABSTRACT}\r\n\r\n"
        + "".join(f"Filler Paper {n}\n{_abstract(n)}\r" for n in range(4)),
        encoding="utf-8",
    )
    papers = [{"paper": {"id": "2406.00001", "title": API_TITLE, "summary": API_ABSTRACT,
                         "authors": [{"name": f"Author {SCRIPT}"}], "upvotes": 7,
                         "githubRepo": "javascript:alert(1)", "projectPage": BREAKOUT,
                         "ai_summary": f"Summary {SCRIPT}", "ai_keywords": [BREAKOUT]}}]
    papers += [{"paper": {"id": f"2406.{n:05d}", "title": title, "summary": _abstract(n)}}
               for n, title in enumerate(PATH_TITLES, 10)]
    (dumps / API_NAME).write_text(json.dumps(papers, indent=1), encoding="utf-8")
    feed = {"version": "https://jsonfeed.org/version/1.1", "items": [
        {"url": "https://huggingface.co/papers/2406.00002", "title": FEED_TITLE,
         "content_html": f"<p>{_abstract(2)} &lt;script&gt;alert(1)&lt;/script&gt;</p>", "date_published": "2024-06-03"}]}
    (dumps / FEED_NAME).write_text(json.dumps(feed), encoding="utf-8")
    (content / "site.yaml").write_text(
        f"title: {json.dumps(SITE_TITLE)}\ndescription: {json.dumps(SITE_DESCRIPTION)}\n"
        f"dumps:\n  {json.dumps(CAPTURE_NAME)}:\n    title: {json.dumps(DIGEST_TITLE)}\n",
        encoding="utf-8",
    )
    (content / "pages").mkdir()
    (content / "pages" / "evil <page>.md").write_text(
        f"---\ntitle: {json.dumps(PAGE_TITLE)}\n---\n# Heading {JINJA}\n\n{SCRIPT}\n\n<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1)) [data](data:text/html,x) ![pic](javascript:alert(1))\n\n"
        f"Text with ]]> and {RLO} and {JINJA}.\n",
        encoding="utf-8",
    )


def write_hostile_lock(content: Path, paper_slugs: list[str]) -> None:
    """A remembered topic holding every paper, with a hostile label the new biggest topic takes over,
    and a retired topic whose redirect page names it."""
    (content / "topics.lock.json").write_text(json.dumps({
        "version": 1, "fingerprint": "none",
        "topics": [{"slug": "evil-topic", "label": [TOPIC_LABEL], "position": [0.5, 0.5], "terms": {},
                    "papers": paper_slugs, "primary": len(paper_slugs), "related": []}],
        "retired": [{"slug": "old-topic", "label": ["Old"], "successor": "evil-topic"}],
    }), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path]:
    """(content, build) of the hostile site, built once with a base URL so feeds and the sitemap exist."""
    top = tmp_path_factory.mktemp("hostile")
    write_hostile_content(top / "content")
    build(top / "content", top / "build", lock=False)
    write_hostile_lock(top / "content", sorted(r["slug"] for r in records(top / "build").values()))
    build(top / "content", top / "build", base_url="https://example.org/digest/")
    return top / "content", top / "build"


def html_pages(out: Path) -> dict[str, Path]:
    return {p.relative_to(out).as_posix(): p for p in sorted(out.rglob("*.html"))}


def records(out: Path) -> dict[str, dict]:
    return {r["title"]: r for r in json.loads((out / "data" / "papers.json").read_text(encoding="utf-8"))}


# --- nothing injected: static checks of every output ---------------------------------------------------------


def test_hostile_site_has_every_page_kind(hostile):
    _, out = hostile
    pages = html_pages(out)
    kinds = {"index.html", "topics/index.html", "digests/index.html", "search/index.html", "404.html",
             "topics/old-topic/index.html"}
    assert kinds <= set(pages)
    assert any(re.fullmatch(r"topics/[^/]+/index\.html", p) and p != "topics/old-topic/index.html" for p in pages)
    assert any(p.startswith("papers/") for p in pages) and any(p.startswith("digests/") and p.count("/") == 2 for p in pages)
    assert any(re.fullmatch(r"evil-page(-[0-9a-f]+)?/index\.html", p) for p in pages)


def test_no_page_has_a_script_an_event_handler_or_a_code_url(hostile):
    _, out = hostile
    for name, path in html_pages(out).items():
        tree = lxml.html.fromstring(path.read_bytes())
        for script in tree.iter("script"):
            # only the theme's own files: the search widget, and the recommendation modules (assets/recommend/)
            own = re.search(r"assets/(search/widget|recommend/[a-z-]+)\.js$", script.get("src", ""))
            assert own and not (script.text or "").strip(), name
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute, value in element.attrib.items():
                assert not attribute.lower().startswith("on"), (name, element.tag, attribute)
                if attribute in ("href", "src", "action", "content") and element.get("http-equiv") is None:
                    assert not value.strip().lower().startswith(("javascript:", "data:text", "vbscript:")), (name, value)
        assert tree.xpath("count(//img)") == 0, name
        text = path.read_text(encoding="utf-8")
        assert "<script>window" not in text and "<img src=x" not in text, name


def test_every_page_sends_a_csp_that_allows_no_inline_script(hostile):
    _, out = hostile
    for name, path in html_pages(out).items():
        tree = lxml.html.fromstring(path.read_bytes())
        metas = tree.xpath('//meta[translate(@http-equiv, "CSP", "csp")="content-security-policy"]/@content')
        assert len(metas) == 1, name
        policy = {d.split()[0]: d.split()[1:] for d in metas[0].split(";") if d.strip()}
        assert policy["script-src"] == ["'self'"] and policy["object-src"] == ["'none'"], name
        assert policy["default-src"] == ["'self'"] and policy["base-uri"] == ["'none'"], name
        assert "'unsafe-inline'" not in metas[0] and "'unsafe-eval'" not in metas[0], name


def _texts(path: Path, xpath: str) -> list[str]:
    return [node.text_content() for node in lxml.html.fromstring(path.read_bytes()).xpath(xpath)]


def test_hostile_text_is_shown_literally_on_every_page_kind(hostile):
    _, out = hostile
    papers = records(out)
    api, capture, feed = papers[API_TITLE], papers[CAPTURE_TITLE], papers[FEED_TITLE]
    paper_page = out / api["url"] / "index.html"
    assert _texts(paper_page, "//h1") == [API_TITLE]
    assert _texts(paper_page, "//p[@class='abstract']") == [API_ABSTRACT]
    assert _texts(paper_page, "//p[@class='authors']") == [f"Author {SCRIPT}"]
    assert _texts(paper_page, "//p[@class='ai-summary']") == [f"Summary {SCRIPT}"]
    assert _texts(paper_page, "//p[@class='keywords']") == [f"Keywords: {BREAKOUT}"]
    # the abstract's http URL is a link up to the quote, and the quote and handler stay text
    assert lxml.html.fromstring(paper_page.read_bytes()).xpath("//p[@class='abstract']/a/@href") == ["https://example.org/a"]
    assert api["links"] == {"arxiv": "https://arxiv.org/abs/2406.00001", "hf": "https://huggingface.co/papers/2406.00001",
                            "pdf": "https://arxiv.org/pdf/2406.00001"}  # javascript: and the breakout are no links
    assert _texts(out / capture["url"] / "index.html", "//h1") == [CAPTURE_TITLE]
    assert _texts(out / feed["url"] / "index.html", "//h1") == [FEED_TITLE]
    digest = out / "digests" / capture["digests"][0] / "index.html"
    assert _texts(digest, "//h1") == [DIGEST_TITLE]
    assert CAPTURE_TITLE in _texts(digest, "//a[@class='title']")
    for name, path in html_pages(out).items():
        if name != "404.html":
            assert _texts(path, "//header//a[@class='brand']") == [SITE_TITLE], name
    home = out / "index.html"
    assert _texts(home, "/html/head/title") == [SITE_TITLE] and _texts(home, "//h1") == [SITE_TITLE]
    assert _texts(home, "//p[@class='lead']") == [SITE_DESCRIPTION]
    assert lxml.html.fromstring(home.read_bytes()).xpath("//meta[@name='description']/@content") == [SITE_DESCRIPTION]
    assert _texts(out / "topics" / "old-topic" / "index.html", "//main//a") == [TOPIC_LABEL]
    assert TOPIC_LABEL in _texts(out / "topics" / "evil-topic" / "index.html", "//h1")


def test_titles_of_every_paper_kind_appear_in_some_topic_page(hostile):
    _, out = hostile
    listed = set()
    for path in (out / "topics").glob("*/index.html"):
        listed.update(_texts(path, "//a[@class='title']"))
    assert {API_TITLE, CAPTURE_TITLE, FEED_TITLE} <= listed


def test_markdown_page_shows_raw_html_and_jinja_as_text_and_links_no_code(hostile):
    _, out = hostile
    path = next(out.glob("evil-page*/index.html"))
    tree = lxml.html.fromstring(path.read_bytes())
    article = tree.xpath("//article")[0]
    assert [h.text_content() for h in article.xpath(".//h1")] == [PAGE_TITLE, f"Heading {JINJA}"]
    assert SCRIPT in article.text_content() and "<img src=x onerror=alert(1)>" in article.text_content()
    assert f"Text with ]]> and {RLO} and {JINJA}." in article.text_content()
    assert not article.xpath(".//script|.//img[@src='x']") and "49" not in article.text_content()
    assert all(not href.startswith(("javascript", "data")) for href in article.xpath(".//a/@href"))
    assert PAGE_TITLE in _texts(out / "index.html", "//nav//a")


def test_feeds_papers_json_and_search_store_hold_the_text_unchanged(hostile):
    _, out = hostile
    papers = records(out)
    assert {API_TITLE, CAPTURE_TITLE, FEED_TITLE} <= set(papers)
    assert papers[API_TITLE]["abstract"] == API_ABSTRACT and papers[CAPTURE_TITLE]["abstract"] == CAPTURE_ABSTRACT
    assert papers[API_TITLE]["authors"] == [f"Author {SCRIPT}"] and papers[API_TITLE]["ai_keywords"] == [BREAKOUT]
    store = [record for chunk in sorted((out / "search" / "store").glob("*.json")) for record in json.loads(chunk.read_text(encoding="utf-8"))]
    assert {record["t"] for record in store} >= {API_TITLE, CAPTURE_TITLE, FEED_TITLE}
    rss = lxml.etree.parse(str(out / "feed.xml"))
    assert rss.findtext("channel/title") == SITE_TITLE and rss.findtext("channel/description") == SITE_DESCRIPTION
    items = {item.findtext("title"): item for item in rss.iter("item")}
    assert {API_TITLE, CAPTURE_TITLE, FEED_TITLE} <= set(items)
    description = items[API_TITLE].findtext("description")
    assert lxml.html.fragment_fromstring(description, create_parent="div").xpath("p")[0].text_content() == API_ABSTRACT  # then links out
    atom = lxml.etree.parse(str(out / "atom.xml"))
    atom_titles = {e.text for e in atom.iter("{http://www.w3.org/2005/Atom}title")}
    assert {SITE_TITLE, API_TITLE, CAPTURE_TITLE} <= atom_titles


# --- the same, in a real browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(hostile, tmp_path_factory):
    _, out = hostile
    top = tmp_path_factory.mktemp("served")
    shutil.copytree(out, top / "digest")
    with http_server(top) as url:
        yield f"{url}/digest/"


@pytest.fixture
def tab(browser):
    """A tab that records dialogs, page errors and CSP violations; `window.__pwned` must never be set."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("""document.addEventListener('securitypolicyviolation', e =>
      (window.__csp = window.__csp || []).push(e.violatedDirective));""")
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def _visit(tab, url: str) -> None:
    tab.goto(url)
    tab.wait_for_load_state("load")
    assert tab.evaluate("window.__pwned") is None, url
    assert tab.evaluate("window.__csp || []") == [], url
    assert tab.evaluate("document.querySelectorAll('img').length") == 0, url


def test_browser_opens_every_page_kind_without_running_any_hostile_script(hostile, hostile_server, tab):
    _, out = hostile
    papers = records(out)
    capture = papers[CAPTURE_TITLE]
    urls = {
        "home": "", "topics": "topics/", "digests": "digests/", "search": "search/", "redirect": "topics/old-topic/",
        "topic": f"topics/{capture['topics'][0]}/", "digest": f"digests/{capture['digests'][0]}/",
        "page": next(out.glob("evil-page*")).name + "/", "missing": "no/such/page/",
    }
    urls.update({f"paper {title[:4]}": papers[title]["url"] for title in (API_TITLE, CAPTURE_TITLE, FEED_TITLE)})
    for kind, path in urls.items():
        if kind == "redirect":  # the refresh moves on at once to the topic that took over; still nothing ran
            tab.goto(hostile_server + path)
            tab.wait_for_url(re.compile(r"/topics/evil-topic/$"))
            _visit(tab, tab.url)
            assert tab.inner_text("h1") == TOPIC_LABEL
            continue
        _visit(tab, hostile_server + path)
        if kind.startswith("paper"):
            title = next(t for t in (API_TITLE, CAPTURE_TITLE, FEED_TITLE) if t.startswith(kind[6:]))
            assert tab.inner_text("h1") == title.replace("  ", " ")
            assert tab.title().startswith(title)
        if kind == "page":
            assert SCRIPT in tab.inner_text("article")
    assert tab.dialogs == [] and tab.errors == []


def test_browser_search_for_the_hostile_paper_shows_its_title_as_text(hostile_server, tab):
    _visit(tab, hostile_server + "search/?q=zyxwvut")
    tab.wait_for_selector("#search-page-results li")
    titles = tab.eval_on_selector_all("#search-page-results li a.title", "links => links.map(a => a.textContent)")
    assert sorted(titles) == sorted([API_TITLE, CAPTURE_TITLE, FEED_TITLE])
    assert tab.evaluate("document.querySelectorAll('#search-page-results script, #search-page-results img').length") == 0
    # the header box on another page, typed into
    _visit(tab, hostile_server)
    tab.fill("#search-box", "zyxwvut")
    tab.wait_for_selector("#search-box-results li")
    shown = tab.eval_on_selector_all("#search-box-results a.title", "links => links.map(a => a.textContent)")
    assert API_TITLE in shown
    assert tab.evaluate("window.__pwned") is None and tab.dialogs == [] and tab.errors == []


# --- paths: short, unique, safe names, nothing outside build/ -----------------------------------------------


def test_every_written_path_is_inside_the_output_folder_and_made_of_safe_characters(hostile):
    _, out = hostile
    written = [p for p in out.rglob("*")]
    assert len(written) > 20
    for path in written:
        assert path.resolve().is_relative_to(out.resolve()) and not path.is_symlink(), path
        parts = path.relative_to(out).parts
        assert all(SAFE_PART.fullmatch(part) or part == MARKER for part in parts), path
    siblings = sorted(p.name for p in out.parent.iterdir())
    assert siblings == [".digest-cache", "build", "content"]  # the build cache is documented in docs/benchmarks.md


def test_odd_titles_give_short_unique_safe_slugs(hostile):
    _, out = hostile
    slugs = {r["title"]: r["slug"] for r in records(out).values()}
    assert len(set(slugs.values())) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) and len(s) <= 70 for s in slugs.values())
    assert slugs["../../etc/passwd"] == "etc-passwd"
    assert slugs["CON"].startswith("con-") and slugs["nul"].startswith("nul-")
    assert len(slugs["W" * 600]) <= 60
    assert slugs["深度学习中的注意力机制"].startswith("paper-") and slugs["?!…—"].startswith("paper-")
    assert {slugs["Café Attention"], slugs["Cafe Attention"]} >= {"cafe-attention"}


def test_odd_dump_file_names_give_safe_digest_ids(hostile):
    content, out = hostile
    digests, _ = read_digests(content / "dumps", load_config(content / "site.yaml"))
    ids = {d.source.name: d.id for d in digests}
    assert set(ids) == {CAPTURE_NAME, API_NAME, FEED_NAME}
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids.values())
    assert all((out / "digests" / i / "index.html").is_file() for i in ids.values())


def test_a_lock_file_with_a_path_for_a_slug_is_refused(hostile, tmp_path):
    content, _ = hostile
    copy = tmp_path / "content"
    shutil.copytree(content, copy)
    lock = json.loads((copy / "topics.lock.json").read_text(encoding="utf-8"))
    lock["retired"].append({"slug": "../../escape", "label": ["x"], "successor": ""})
    (copy / "topics.lock.json").write_text(json.dumps(lock), encoding="utf-8")
    with pytest.raises(DigestError, match="damaged lock file: '../../escape' is not a slug"):
        build(copy, tmp_path / "build")
    assert not (tmp_path / "build").exists() and not (tmp_path.parent / "escape").exists()


# --- encodings ----------------------------------------------------------------------------------------------

CAPTURE = "new\n\nSubscribe\n\nMar 12\n\nA\tTitle\u00a0With  Odd Spaces\n\nAn abstract. It has\u00a0sentences. Three of them.\n\nSecond Title\nSecond abstract. More text here. And here.\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.replace("\n", "\r").encode("utf-8"),
        lambda t: "".join(line + ("\r\n", "\n", "\r")[i % 3] for i, line in enumerate(t.split("\n"))).encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf-8", "bom", "crlf", "cr", "mixed", "bom-crlf"],
)
def test_capture_reads_the_same_with_bom_crlf_mixed_endings_tabs_and_nbsp(tmp_path, encode):
    (tmp_path / "day.txt").write_bytes(encode(CAPTURE))
    [digest], _ = read_digests(tmp_path, SiteConfig())
    assert [(e.title, e.line) for e in digest.entries] == [("A Title With Odd Spaces", 7), ("Second Title", 11)]
    assert digest.entries[0].abstract == "An abstract. It has sentences. Three of them."
    assert digest.heading == "Mar 12"


def _api(title: str) -> str:
    return json.dumps([{"paper": {"id": "2401.00001", "title": title, "summary": "An\u00a0abstract.\r\nWrapped\tline."}}], indent=1)


def _feed(title: str) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1", "items": [
        {"url": "https://huggingface.co/papers/2401.00001", "title": title, "content_text": "An\u00a0abstract.\r\nWrapped\tline."}]}, indent=1)


@pytest.mark.parametrize("make", [_api, _feed], ids=["api", "feed"])
def test_json_dumps_read_the_same_with_bom_crlf_tabs_and_nbsp(tmp_path, make):
    text = make("A\tTitle\u00a0Here")
    (tmp_path / "day.json").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    [digest], _ = read_digests(tmp_path, SiteConfig())
    [entry] = digest.entries
    assert (entry.title, entry.abstract) == ("A Title Here", "An abstract. Wrapped line.")


BAD_BYTE = b"\xff\xfe"


@pytest.mark.parametrize(
    "name, text",
    [("day.txt", CAPTURE), ("day.json", _api("Café")), ("feed.json", _feed("Café")), ("noext", CAPTURE)],
)
def test_invalid_utf8_in_any_dump_names_file_and_byte_offset(tmp_path, name, text):
    data = text.encode("utf-8")
    offset = data.index(b"A\tTitle" if name.endswith("txt") or "." not in name else b"Caf")
    (tmp_path / name).write_bytes(data[:offset] + BAD_BYTE + data[offset:])
    with pytest.raises(DigestError) as raised:
        read_digests(tmp_path, SiteConfig())
    line = data[:offset].count(b"\n") + 1
    assert raised.value.path == tmp_path / name
    assert str(raised.value) == f"{tmp_path / name}:{line}: not valid UTF-8 at byte offset {offset}"


def test_invalid_utf8_in_site_yaml_and_a_page_names_file_and_byte_offset(tmp_path):
    (tmp_path / "site.yaml").write_bytes(b"title: ok\ndescription: caf\xe9\n")
    with pytest.raises(DigestError, match=r"site\.yaml:2: not valid UTF-8 at byte offset 26"):
        load_config(tmp_path / "site.yaml")
    (tmp_path / "about.md").write_bytes(b"# About\n\n\xc3(\n")
    with pytest.raises(DigestError, match=r"about\.md:3: not valid UTF-8 at byte offset 9"):
        read_page(tmp_path / "about.md")


# --- nothing lost -------------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_changes_nothing_in_content_but_the_topic_lock(content_copy, tmp_path):
    (content_copy / "topics.lock.json").unlink()
    before = snapshot(content_copy)
    build(content_copy, tmp_path / "build")
    after = snapshot(content_copy)
    assert set(after) - set(before) == {"topics.lock.json"}
    assert {name: data for name, data in after.items() if name != "topics.lock.json"} == before
    assert sorted(p.name for p in content_copy.parent.iterdir()) == [".digest-cache", "build", "content"]


def test_a_build_failing_after_reading_leaves_build_content_and_lock_as_they_were(content_copy, tmp_path):
    out = tmp_path / "build"
    build(content_copy, out)
    site_before, content_before = snapshot(out), snapshot(content_copy)
    (content_copy / "pages" / "search.md").write_text("# Mine\n", encoding="utf-8")  # fails in assemble, after topics
    content_before["pages/search.md"] = b"# Mine\n"
    (content_copy / "dumps" / "2030-01-01-new.txt").write_text(f"New Paper Title\n{_abstract(1)}\n", encoding="utf-8")
    content_before["dumps/2030-01-01-new.txt"] = f"New Paper Title\n{_abstract(1)}\n".encode()

    with pytest.raises(DigestError, match="page name 'search' is taken by the site itself"):
        build(content_copy, out)

    assert snapshot(out) == site_before
    assert snapshot(content_copy) == content_before  # the lock is only written after a build succeeds
    assert sorted(p.name for p in tmp_path.iterdir()) == [".digest-cache", "build", "content"]
