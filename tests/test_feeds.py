"""Feeds: RSS 2.0 and Atom 1.0 built from the real seed dumps, checked by feedparser and the RFC 4287 schema."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import feedparser
import lxml.html
import pytest
import yaml
from lxml import etree

from site_src.build import build
from site_src.config import SiteConfig, load_config
from site_src.errors import DigestError
from site_src.outputs.feed_xml import _atom_entry, _Entries, _rss_item, atom_bytes, rss_bytes
from site_src.outputs.feeds import Feed, FeedItem, author_line
from site_src.ingest import paper_key
from site_src.ingest.text import parse_text_dump
from site_src.text.slugs import slugify

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = "https://example.org/digest/"
ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"atom": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/elements/1.1/"}
# Dates a curator would give the seed captures in site.yaml; 001 has no date header and stays undated.
DATES = {
    "000_9e4e85290f684f28.txt": dt.date(2024, 5, 30),
    "002_d0a1b90939778342.txt": dt.date(2024, 3, 12),
    "003_e7d9a4a7239a3bcf.txt": dt.date(2024, 3, 14),
}
UNDATED = "001_e016dad873a756eb.txt"


def date_dumps(content: Path, **settings) -> None:
    """Give the seed dumps their dates in site.yaml, plus any other top-level settings."""
    path = content / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, day in DATES.items():
        data["dumps"].setdefault(name, {})["date"] = day.isoformat()
    data.update(settings)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def feed_paths(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.xml") if p.name in ("feed.xml", "atom.xml"))


def rss_items(path: Path) -> list[etree._Element]:
    return etree.parse(str(path)).findall("channel/item")


def atom_entries(path: Path) -> list[etree._Element]:
    return etree.parse(str(path)).findall(f"{ATOM}entry")


@pytest.fixture(scope="module")
def dated_content(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("dated") / "content"
    shutil.copytree(CONTENT, content)
    date_dumps(content, feed_items=1000)  # every paper in every feed
    return content


@pytest.fixture(scope="module")
def dated_build(dated_content, tmp_path_factory) -> Path:
    """The seed site with three of its four dumps dated, built with a base URL; feeds hold every paper."""
    out = tmp_path_factory.mktemp("dated-out") / "build"
    build(dated_content, out, base_url=BASE)
    return out


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(FIXTURES / "atom-rfc4287.rng")))


def schematron_failures(schema_path: Path, document: etree._ElementTree) -> list[str]:
    """RFC 4287's Schematron rules (RELAX NG validators skip them), checked as the XPath they are."""
    schema = etree.parse(str(schema_path))
    failures = []
    for rule in schema.iter("{http://www.ascc.net/xml/schematron}rule"):
        for node in document.xpath("//" + rule.get("context"), namespaces=NS):
            for check in rule.iter("{http://www.ascc.net/xml/schematron}assert"):
                if not node.xpath(check.get("test"), namespaces=NS):
                    failures.append(" ".join(check.text.split()))
    return failures


def assert_valid_atom(data: bytes, schema: etree.RelaxNG) -> None:
    document = etree.ElementTree(etree.fromstring(data))
    assert schema.validate(document), schema.error_log
    assert schematron_failures(FIXTURES / "atom-rfc4287.rng", document) == []


def test_site_and_every_topic_get_rss_and_atom_when_dated(dated_build):
    """Every topic has an RSS feed; an Atom feed too unless all its papers are undated."""
    topics = sorted(p for p in (dated_build / "topics").iterdir() if p.is_dir())
    assert (dated_build / "feed.xml").is_file() and (dated_build / "atom.xml").is_file()
    for topic in topics:
        dated = any(item.find("pubDate") is not None for item in rss_items(topic / "feed.xml"))
        assert (topic / "atom.xml").is_file() == dated, topic
    assert sum((t / "atom.xml").is_file() for t in topics) > len(topics) // 2


def test_every_feed_parses_with_feedparser_without_bozo(dated_build):
    for path in feed_paths(dated_build):
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
        assert parsed.version == ("rss20" if path.name == "feed.xml" else "atom10")
        assert parsed.entries, path
        for entry in parsed.entries:
            assert entry.id == entry.link and entry.link.startswith(BASE + "papers/")
            assert entry.title and entry.summary and entry.tags


def test_atom_and_json_feed_hold_the_abstract_once_and_its_first_sentence_as_summary(dated_build):
    """The content holds the whole abstract; `summary`, what a reader's timeline shows, only its first sentence, so
    a feed does not carry every abstract twice (it did: 40% of the 34,000-paper site's Atom and JSON Feed bytes)."""
    entries, shorter = 0, 0
    for path in feed_paths(dated_build):
        if path.name == "atom.xml":
            pairs = [(e.findtext(f"{ATOM}summary"), e.findtext(f"{ATOM}content")) for e in atom_entries(path)]
        elif path.name == "feed.json":
            pairs = [(i.get("summary"), i["content_html"]) for i in json.loads(path.read_text(encoding="utf-8"))["items"]]
        else:
            continue
        for summary, content in pairs:
            abstract = lxml.html.fragment_fromstring(content, create_parent="div").xpath("p[not(a)]")[-1].text_content()
            assert summary and abstract.startswith(summary.removesuffix("…")), (path, summary)
            entries += 1
            shorter += len(summary) < len(abstract)
    assert entries > 100 and shorter > 0.9 * entries  # the seed abstracts have several sentences


def test_atom_feeds_validate_against_rfc4287_schema(dated_build, atom_schema):
    atoms = [p for p in feed_paths(dated_build) if p.name == "atom.xml"]
    assert len(atoms) > 1
    for path in atoms:
        assert_valid_atom(path.read_bytes(), atom_schema)


def test_schema_check_rejects_an_atom_feed_without_updated(dated_build, atom_schema):
    document = etree.parse(str(dated_build / "atom.xml"))
    root = document.getroot()
    root.remove(root.find(f"{ATOM}updated"))
    assert not atom_schema.validate(document)


def expected_order(content: Path) -> list[str]:
    """Paper titles newest first, by hand: the earliest dated digest a paper is in, then page order there."""
    dumps = sorted((content / "dumps").iterdir())
    first_seen: dict[str, tuple] = {}
    title_of: dict[str, str] = {}
    for path in sorted((p for p in dumps if p.name in DATES), key=lambda p: DATES[p.name]):
        for position, entry in enumerate(parse_text_dump(path, path.read_text(encoding="utf-8")).entries):
            key = paper_key(entry.title)
            title_of.setdefault(key, entry.title)
            first_seen.setdefault(key, (-DATES[path.name].toordinal(), position))
    return [title_of[key] for key in sorted(first_seen, key=first_seen.get)]


def test_items_are_newest_first_by_digest_date_then_page_order(dated_build, dated_content):
    titles = [item.findtext("title") for item in rss_items(dated_build / "feed.xml")]
    dated = expected_order(dated_content)
    assert len(dated) > 100 and titles[: len(dated)] == dated  # undated papers follow
    dates = [entry.findtext(f"{ATOM}updated") for entry in atom_entries(dated_build / "atom.xml")]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2024-05-30T00:00:00Z"


def test_item_date_is_the_digest_where_the_paper_first_appeared(dated_build, dated_content):
    papers = json.loads((dated_build / "data" / "papers.json").read_text(encoding="utf-8"))
    digest_dates = {slugify(Path(name).stem): day for name, day in DATES.items()}
    first, in_several = {}, set()
    for paper in papers:
        dated = [digest_dates[d] for d in paper["digests"] if d in digest_dates]
        first[BASE + paper["url"]] = min(dated) if dated else None
        if len(set(dated)) > 1:
            in_several.add(BASE + paper["url"])
    checked = set()
    for path in feed_paths(dated_build):
        for entry in atom_entries(path) if path.name == "atom.xml" else []:
            paper = entry.findtext(f"{ATOM}id")
            assert entry.findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}published") == f"{first[paper]}T00:00:00Z"
            checked.add(paper)
    assert checked & in_several  # papers listed on two dated days take the earlier one


def test_undated_papers_get_no_date_and_stay_out_of_atom(dated_build):
    """Papers only in the undated dump: in RSS without pubDate, never in Atom (which requires a date)."""
    papers = json.loads((dated_build / "data" / "papers.json").read_text(encoding="utf-8"))
    undated = {BASE + p["url"] for p in papers if p["digests"] == [slugify(Path(UNDATED).stem)]}
    assert undated
    seen_undated = 0
    for path in feed_paths(dated_build):
        if path.name == "feed.xml":
            for item in rss_items(path):
                has_date = item.find("pubDate") is not None
                assert has_date == (item.findtext("guid") not in undated)
                seen_undated += not has_date
        else:
            assert not {e.findtext(f"{ATOM}id") for e in atom_entries(path)} & undated
    assert seen_undated


def test_undated_seed_site_has_rss_without_any_date_and_no_atom(tmp_path):
    out = tmp_path / "build"
    build(CONTENT, out, base_url=BASE, lock=False)
    feeds = feed_paths(out)
    assert feeds and all(p.name == "feed.xml" for p in feeds)
    for path in feeds:
        assert feedparser.parse(path.read_bytes()).bozo == 0
        channel = etree.parse(str(path)).find("channel")
        assert channel.find("lastBuildDate") is None and channel.find("pubDate") is None
        assert all(item.find("pubDate") is None for item in channel.findall("item"))
    head = lxml.html.parse(str(out / "index.html")).findall(".//head/link[@rel='alternate']")
    # No Atom without dates; JSON Feed allows undated items, and the OPML file lists the feeds there are.
    assert [link.get("type") for link in head] == ["application/rss+xml", "application/feed+json", "text/x-opml"]


def test_without_base_url_feeds_are_skipped_and_strict_fails(seed_build, tmp_path):
    assert feed_paths(seed_build) == []
    assert lxml.html.parse(str(seed_build / "index.html")).findall(".//link[@rel='alternate']") == []
    heard = []
    with pytest.raises(DigestError, match="aborted with 1 warning in strict mode"):
        build(CONTENT, tmp_path / "build", strict=True, lock=False, on_warning=heard.append)
    assert any("base_url" in str(w) for w in heard)
    assert not (tmp_path / "build").exists()


def feed_ids(out: Path) -> dict[str, dict[str, str]]:
    """Per feed kind: item id → link, from the site RSS and Atom feeds."""
    rss = {i.findtext("guid"): i.findtext("link") for i in rss_items(out / "feed.xml")}
    atom = {
        e.findtext(f"{ATOM}id"): e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in atom_entries(out / "atom.xml")
    }
    return {"rss": rss, "atom": atom}


def test_ids_and_links_stay_the_same_when_a_dump_is_added(content_copy, tmp_path, dated_build):
    """The first three seed dumps, then all four (dated_build): the same papers keep id and link."""
    date_dumps(content_copy, feed_items=1000)
    (content_copy / "dumps" / "003_e7d9a4a7239a3bcf.txt").unlink()
    build(content_copy, tmp_path / "three", base_url=BASE)
    three, four = feed_ids(tmp_path / "three"), feed_ids(dated_build)
    for kind in ("rss", "atom"):
        assert three[kind] and len(four[kind]) > len(three[kind])
        assert set(three[kind]) <= set(four[kind])  # every earlier paper is still there, under the same id
        for guid, link in three[kind].items():
            assert four[kind][guid] == link == guid


def test_feeds_are_byte_identical_across_two_builds(dated_build, dated_content, tmp_path):
    """The second build runs in a fresh process with another hash seed."""
    out = tmp_path / "again"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, "-m", "site_src", "build", "--content", str(dated_content), "--out", str(out)]
    subprocess.run([*command, "--base-url", BASE], check=True, capture_output=True, env=env, cwd=ROOT)
    first = {p.relative_to(dated_build): p.read_bytes() for p in feed_paths(dated_build)}
    second = {p.relative_to(out): p.read_bytes() for p in feed_paths(out)}
    assert first and first == second


def resolve(page: str, href: str) -> str:
    """A relative href from a page folder (`topics/x/`) to a path in build/."""
    parts = list(PurePosixPath(page).parts)
    for part in PurePosixPath(href).parts:
        if part == "..":
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


SITE_FEEDS = {"feed.xml": "application/rss+xml", "atom.xml": "application/atom+xml", "feed.json": "application/feed+json", "feeds.opml": "text/x-opml"}
FEED_FILES = {"feed.xml", "atom.xml", "feed.json"}


def test_every_page_links_the_site_feeds_and_topic_pages_their_own(dated_build):
    """Every page links the site feeds; an area's, topic's or top page's also its own."""
    pages = sorted(dated_build.rglob("index.html"))
    assert len(pages) > 300
    for path in pages:
        folder = path.parent.relative_to(dated_build).as_posix().replace(".", "")
        links = lxml.html.parse(str(path)).findall(".//head/link[@rel='alternate']")
        targets = {resolve(folder, link.get("href")): link.get("type") for link in links}
        assert all((dated_build / target).is_file() for target in targets), path
        assert targets.items() >= SITE_FEEDS.items(), path
        # An area's, a topic's or a top page's feeds stand in its folder; its pages in other orders (topics/x/by-upvotes/)
        # link them too. A retired topic's page only sends readers on: it links the site's feeds alone.
        owner = dated_build.joinpath(*folder.split("/")[:2]) if folder.startswith(("areas/", "topics/", "top/")) and not _redirects(path) else None
        own = {f.relative_to(dated_build).as_posix() for f in owner.iterdir() if f.name in FEED_FILES} if owner else set()
        assert set(targets) == own | set(SITE_FEEDS), path
        if owner:  # RSS and JSON Feed always; Atom where the topic has dated papers
            assert {f.rsplit("/", 1)[1] for f in own} >= {"feed.xml", "feed.json"}, path


def _redirects(page) -> bool:
    return bool(lxml.html.parse(str(page)).xpath("//head/meta[@http-equiv='refresh']"))


@pytest.mark.parametrize("page", ["", "topics/*/"])
def test_home_and_topic_pages_show_a_visible_feed_link(dated_build, page):
    for path in sorted(dated_build.glob(page + "index.html")):
        if _redirects(path):  # a retired topic (the seed lock keeps one): its page sends readers to its successor
            continue
        folder = path.parent.relative_to(dated_build).as_posix().replace(".", "")
        anchors = lxml.html.parse(str(path)).findall(".//main//a[@type]")
        targets = {resolve(folder, a.get("href")) for a in anchors if a.get("type").endswith("xml")}
        own = {p.relative_to(dated_build).as_posix() for p in feed_paths(path.parent) if p.parent == path.parent}
        assert len(own) >= 1 and targets == own, path


HOSTILE_TITLE = "Breaking ]]> CDATA & <script>alert(\"x\")</script> 'quoted' \U0001f9ea emoji\x01 bell\x07 esc\x1b vt\x0bend"
HOSTILE_ABSTRACT = (
    "We study what happens when text holds ]]> and &amp; and <b>tags</b> and \"double\" or 'single' quotes. "
    "It also holds emoji \U0001f680\U0001f9ec and a family \U0001f468\u200d\U0001f469\u200d\U0001f467 of them. "
    "Control characters\x01 like\x02 these\x08 and\x0b this\x0c one\x1f must not break the feed. "
    "Nothing here may be lost beyond the characters XML 1.0 cannot hold at all."
)


def test_hostile_text_comes_out_intact_and_well_formed(content_copy, tmp_path, atom_schema):
    """XML 1.0 forbids C0 controls other than tab, LF and CR: the feeds remove them (\\x01 \\x02 \\x07
    \\x08 \\x1b). The reader already folds the white-space ones (\\x0b \\x0c \\x1f) into one space,
    as it does tabs. Everything else (`]]>`, `&`, `<`, `>`, quotes, emoji) comes out as written."""
    date_dumps(content_copy)
    hostile = content_copy / "dumps" / "2024-06-01-hostile.txt"
    hostile.write_text(f"new\n\nSubscribe\n\n{HOSTILE_TITLE}\n\n{HOSTILE_ABSTRACT}\n", encoding="utf-8")
    out = tmp_path / "build"
    build(content_copy, out, base_url=BASE)

    title = HOSTILE_TITLE.replace("\x01", "").replace("\x07", "").replace("\x1b", "").replace("\x0b", " ")
    abstract = HOSTILE_ABSTRACT
    for removed in "\x01\x02\x08":
        abstract = abstract.replace(removed, "")
    abstract = " ".join(abstract.split())  # \x0b \x0c \x1f are white space: folded with their neighbours

    rss = rss_items(out / "feed.xml")[0]  # the newest digest, so the first item
    assert rss.findtext("title") == title
    assert rss.findtext("description").startswith(f"<p>{html.escape(abstract, quote=False)}</p><p><a ")  # then links out
    atom = atom_entries(out / "atom.xml")[0]
    assert atom.findtext(f"{ATOM}title") == title
    first_sentence = abstract[: abstract.index(". ") + 1]  # the summary: the whole abstract is in the content
    assert atom.findtext(f"{ATOM}summary") == first_sentence
    assert atom.findtext(f"{ATOM}content").startswith(f"<p>{html.escape(abstract, quote=False)}</p>")
    assert_valid_atom((out / "atom.xml").read_bytes(), atom_schema)

    parsed_rss = feedparser.parse((out / "feed.xml").read_bytes())
    parsed_atom = feedparser.parse((out / "atom.xml").read_bytes())
    assert parsed_rss.bozo == 0 and parsed_atom.bozo == 0
    assert parsed_rss.entries[0].title == parsed_atom.entries[0].title == title
    assert parsed_atom.entries[0].summary == first_sentence
    shown = lxml.html.fragment_fromstring(rss.findtext("description"), create_parent="div")
    assert shown.xpath("p")[0].text_content() == abstract and not shown.xpath("//script")


def test_authors_are_one_element_a_reader_shows_whole_and_links_out_follow_the_abstract():
    """The text captures carry no authors; readers that do reach the feeds through FeedItem.authors."""
    config = SiteConfig(title="Digest & Co", base_url=BASE)
    item = FeedItem(
        url=BASE + "papers/x/",
        title="A <paper>",
        abstract="About it.",
        date=dt.date(2024, 1, 2),
        categories=("Vision · Language",),
        authors=("Ada Lovelace", "Émilie du Châtelet"),
        links=(("arXiv", "https://arxiv.org/abs/2401.00001"), ("PDF", "https://arxiv.org/pdf/2401.00001")),
    )
    newest_digest = dt.date(2024, 2, 9)  # later than the item: a newer digest without papers of this feed
    feed = Feed("feed.xml", "rss", "Digest & Co", "All papers", "", (item,), newest_digest)
    rss_data = rss_bytes(feed, config)
    rss = etree.fromstring(rss_data)
    assert rss.xpath("channel/item/dc:creator/text()", namespaces=NS) == ["Ada Lovelace, Émilie du Châtelet"]
    assert rss.findtext("channel/item/pubDate") == "Tue, 02 Jan 2024 00:00:00 +0000"
    assert rss.findtext("channel/lastBuildDate") == "Fri, 09 Feb 2024 00:00:00 +0000"
    atom_data = atom_bytes(Feed("atom.xml", "atom", "Digest & Co", "All papers", "", (item,), newest_digest), config)
    atom = etree.fromstring(atom_data)
    assert atom.xpath("atom:entry/atom:author/atom:name/text()", namespaces=NS) == ["Ada Lovelace, Émilie du Châtelet"]
    assert atom.xpath("atom:author/atom:name/text()", namespaces=NS) == ["Digest & Co"]
    assert atom.findtext(f"{ATOM}updated") == "2024-02-09T00:00:00Z"
    assert atom.xpath("atom:entry/atom:category/@term", namespaces=NS) == ["Vision · Language"]
    for data in (rss_data, atom_data):  # what a reader shows: the whole author list, the links under the abstract
        entry = feedparser.parse(data).entries[0]
        assert feedparser.parse(data).bozo == 0 and entry.author == "Ada Lovelace, Émilie du Châtelet"
        shown = lxml.html.fragment_fromstring(entry.get("content", [entry])[0]["value"] if "content" in entry else entry.description, create_parent="div")
        assert shown.xpath("//a/@href") == ["https://arxiv.org/abs/2401.00001", "https://arxiv.org/pdf/2401.00001"]
        assert shown.xpath("//a/text()") == ["arXiv", "PDF"] and shown.xpath("//p/text()")[0] == "About it."
    related = atom.xpath("atom:entry/atom:link[@rel='related']/@href", namespaces=NS)
    assert related == ["https://arxiv.org/abs/2401.00001", "https://arxiv.org/pdf/2401.00001"]


def test_a_long_author_list_is_cut_with_a_count():
    authors = tuple(f"Author {i}" for i in range(3303))
    line = author_line(authors)
    assert line.startswith("Author 0, Author 1, ") and line.endswith("Author 29 and 3,273 more")


def test_every_feed_is_updated_on_its_newest_item_and_seed_items_link_a_title_search(dated_build):
    """A feed's date is that of its newest item, as feedparser reads both: so a topic whose papers all came in
    earlier digests is dated then, not on the newest digest."""
    newest, earlier = max(DATES.values()), 0
    for path in feed_paths(dated_build):
        parsed = feedparser.parse(path.read_bytes())
        stamps = [entry.get("published_parsed") or entry.get("updated_parsed") for entry in parsed.entries]
        latest = max((dt.date(*stamp[:3]) for stamp in stamps if stamp), default=newest)
        said = parsed.feed.get("updated_parsed")
        assert said is not None and dt.date(*said[:3]) == latest, path
        earlier += latest < newest
        if path.name == "feed.xml":
            for item in rss_items(path):
                links = lxml.html.fragment_fromstring(item.findtext("description"), create_parent="div").xpath("//a/@href")
                assert [url.split("?")[0] for url in links] == ["https://arxiv.org/search/", "https://huggingface.co/papers"]
    assert earlier > 0  # some topics got no paper of the newest digest: their feeds keep an earlier date


def test_a_new_day_leaves_the_feeds_of_topics_it_adds_nothing_to_byte_for_byte(dated_content, tmp_path):
    """The seed site without its newest dump, then with it (the topics placed on the lock, as a daily build does):
    a topic feed whose items did not change keeps its bytes, one whose items did has new ones."""
    content = tmp_path / "content"
    shutil.copytree(dated_content, content)
    newest = max(DATES, key=DATES.get)
    held = tmp_path / newest
    shutil.move(content / "dumps" / newest, held)
    build(content, tmp_path / "before", base_url=BASE)
    shutil.move(held, content / "dumps" / newest)
    build(content, tmp_path / "after", base_url=BASE)
    same, changed = 0, 0
    for path in sorted((tmp_path / "after" / "topics").rglob("*")):
        if path.name not in ("feed.xml", "atom.xml", "feed.json"):
            continue
        old = tmp_path / "before" / path.relative_to(tmp_path / "after")
        if not old.exists():
            continue
        items = lambda data: [entry.get("id") or entry.get("link") for entry in feedparser.parse(data).entries]  # noqa: E731
        if path.name == "feed.json":
            items = lambda data: [item["id"] for item in json.loads(data)["items"]]  # noqa: E731
        if items(old.read_bytes()) == items(path.read_bytes()):
            assert old.read_bytes() == path.read_bytes(), path
            same += 1
        else:
            changed += 1
    assert same > 0 and changed > 0, (same, changed)


def _as_one_tree(make, build_item, feed: Feed, config: SiteConfig) -> bytes:
    """The feed built as one lxml tree, its items made in place and the whole serialized at once."""
    empty = make(Feed(feed.path, feed.format, feed.title, feed.description, feed.page, (), feed.updated), config)
    root = etree.fromstring(empty, etree.XMLParser(remove_blank_text=True))
    parent = root.find("channel") if feed.format == "rss" else root
    for item in feed.items:
        build_item(parent, item)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def test_items_serialized_once_and_joined_give_the_bytes_of_one_tree_per_feed():
    """build_feeds serializes each paper's item once and joins its bytes into the site's feed and its topics' feeds."""
    config = SiteConfig(title="Digest & Co", base_url=BASE)
    shared = FeedItem(BASE + "papers/x/", "A <paper> \x01 <item>", "About & it.\n    <item>\n", dt.date(2024, 1, 2),
                      ("Vision · Language",), ("Ada Lovelace", "Émilie du Châtelet"), "<p>Note</p>",
                      (("arXiv", "https://arxiv.org/abs/2401.00001"),))
    alone = FeedItem(BASE + "papers/y/", "Other", "More.", dt.date(2024, 1, 1), (), ())
    for make, build_item, fmt in ((rss_bytes, _rss_item, "rss"), (atom_bytes, _atom_entry, "atom")):
        entries = _Entries(fmt)
        entries.make([shared, alone])
        for items in ((shared, alone), (shared,), (alone, shared), ()):
            feed = Feed("feed.xml", fmt, "Digest & Co", "All papers", "", items, dt.date(2024, 1, 2))
            assert make(feed, config, entries) == make(feed, config) == _as_one_tree(make, build_item, feed, config)
        assert len(entries.made) == 2


def test_feed_items_defaults_to_50_and_must_be_a_whole_number_of_at_least_1(tmp_path):
    assert load_config(CONTENT / "site.yaml").feed_items == 50
    path = tmp_path / "site.yaml"
    path.write_text("title: T\nfeed_items: 7\n", encoding="utf-8")
    assert load_config(path).feed_items == 7
    for bad in ("0", "-3", "ten", "2.5", "true"):
        path.write_text(f"title: T\nfeed_items: {bad}\n", encoding="utf-8")
        with pytest.raises(DigestError, match="feed_items") as error:
            load_config(path)
        assert error.value.line == 2 and error.value.path == path


def test_feed_items_keeps_the_newest_papers_of_every_feed(content_copy, tmp_path, dated_build):
    date_dumps(content_copy, feed_items=3, feed_days=0)  # feed_days 0: the site feed keeps feed_items alone
    out = tmp_path / "build"
    build(content_copy, out, base_url=BASE)
    for path in feed_paths(out):
        items = rss_items if path.name == "feed.xml" else atom_entries
        short = [etree.tostring(item, with_tail=False) for item in items(path)]
        full = [etree.tostring(item, with_tail=False) for item in items(dated_build / path.relative_to(out))]
        assert short == full[:3], path
