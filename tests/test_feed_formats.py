"""JSON Feed 1.1 beside every RSS and Atom feed, the OPML file of every feed, the Feeds page, and the site feed's reach.

Checked by readers that are not ours: feedparser (RSS, Atom and JSON Feed), a JSON Schema transcribed from the
JSON Feed 1.1 spec (tests/fixtures/jsonfeed-1.1.schema.json), lxml for OPML 2.0. On four real API days.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from pathlib import Path

import feedparser
import jsonschema
import lxml.html
import pytest
from lxml import etree

from site_src.build import build
from site_src.config import load_config
from site_src.errors import DigestError
from tests.conftest import READING_DAYS, READING_BASE, reading_content

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "jsonfeed-1.1.schema.json").read_text(encoding="utf-8"))
FEED_NAMES = ("feed.xml", "atom.xml", "feed.json")


def _feeds(site: Path, name: str) -> list[Path]:
    return sorted(site.rglob(name))


def test_every_json_feed_validates_against_json_feed_1_1(reading_build):
    feeds = _feeds(reading_build, "feed.json")
    assert len(feeds) == len(_feeds(reading_build, "feed.xml")) >= 8  # beside every RSS feed: site, 3 top, topics
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path in feeds:
        document = json.loads(path.read_bytes())
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == [], path
        assert document["feed_url"] == READING_BASE + path.relative_to(reading_build).as_posix()


def test_the_schema_rejects_what_the_spec_forbids():
    """The transcribed schema is strict where the spec is: a feed without items, an item without content or with a number id."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    good = {"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{"id": "1", "content_text": "x"}]}
    assert validator.is_valid(good)
    for bad in ({**good, "items": None}, {**good, "items": [{"id": "1"}]}, {**good, "items": [{"id": 1, "content_text": "x"}]},
                {**good, "version": "https://jsonfeed.org/version/1"}, {**good, "authors": [{}]}):
        assert not validator.is_valid(bad)


def test_feedparser_reads_every_feed_without_errors_and_the_formats_agree(reading_build):
    """feedparser 6.0 reads RSS and Atom (its JSON Feed support is unreleased): JSON Feed is read as JSON, checked above."""
    for folder in sorted({p.parent for p in _feeds(reading_build, "feed.xml")}):
        parsed = {}
        for name in ("feed.xml", "atom.xml"):
            if (folder / name).is_file():
                result = feedparser.parse((folder / name).read_bytes())
                assert result.bozo == 0, (folder / name, result.get("bozo_exception"))
                parsed[name] = [(e.link, e.title) for e in result.entries]
        parsed["feed.json"] = [(i["url"], i["title"]) for i in json.loads((folder / "feed.json").read_bytes())["items"]]
        # JSON Feed carries what RSS does, in its order; Atom the dated ones (here: all) in the same order.
        assert parsed["feed.json"] == parsed["feed.xml"] == parsed["atom.xml"], folder
        assert parsed["feed.json"], folder


def test_json_feed_items_carry_their_dates_authors_and_arxiv_link(reading_build):
    document = json.loads((reading_build / "top" / "week" / "feed.json").read_bytes())
    first = document["items"][0]  # Kwai Keye-VL, 91 upvotes, listed on 3 July 2025
    assert first["title"] == "Kwai Keye-VL Technical Report"
    assert first["date_published"] == "2025-07-03T00:00:00Z"
    assert first["external_url"] == "https://arxiv.org/abs/2507.01949"
    assert first["id"] == first["url"] and first["url"].startswith(READING_BASE + "papers/")
    assert first["authors"][0]["name"].startswith("Kwai Keye Team")


def test_site_feed_reaches_feed_days_back_from_the_newest_digest(tmp_path):
    """feed_items 2 would hold one day; feed_days 7 makes the site feeds hold every paper of 1-7 July (13)."""
    week = {i for p in sorted(READING_DAYS.glob("2025-07-0*.json")) for i in (e["paper"]["id"] for e in json.loads(p.read_bytes()))}
    for days, expected in ((7, len(week)), (0, 2)):
        out = tmp_path / f"build-{days}"
        build(reading_content(tmp_path / f"content-{days}", feed_items=2, feed_days=days), out, base_url=READING_BASE, lock=False)
        assert len(json.loads((out / "feed.json").read_bytes())["items"]) == expected, days
        for name in ("feed.xml", "atom.xml"):
            entries = feedparser.parse((out / name).read_bytes()).entries
            assert len(entries) == expected, (days, name)
        topic = next(p for p in sorted((out / "topics").glob("*/feed.xml")))
        assert len(feedparser.parse(topic.read_bytes()).entries) <= 2  # topics keep feed_items


@pytest.mark.parametrize("key, bad", [("feed_days", "-1"), ("feed_days", "seven"), ("top_pages", "3"), ("top_pages", "'no'")])
def test_reading_settings_are_checked_with_their_line(tmp_path, key, bad):
    path = tmp_path / "site.yaml"
    path.write_text(f"title: T\n{key}: {bad}\n", encoding="utf-8")
    with pytest.raises(DigestError, match=key) as error:
        load_config(path)
    assert error.value.line == 2


def test_opml_lists_every_rss_feed_of_the_site_grouped(reading_build):
    opml = etree.parse(str(reading_build / "feeds.opml")).getroot()
    assert opml.tag == "opml" and opml.get("version") == "2.0"
    assert opml.findtext("head/title") == 'Every feed of Daily <Papers> & "Co"'
    groups = {o.get("text"): [c.get("xmlUrl") for c in o.findall("outline")] for o in opml.findall("body/outline")}
    assert list(groups) == ["This site", "Top papers", "Areas", "Topics"]
    listed = sorted(url for urls in groups.values() for url in urls)
    on_disk = sorted(READING_BASE + p.relative_to(reading_build).as_posix() for p in _feeds(reading_build, "feed.xml"))
    assert listed == on_disk
    topics = sorted(p.name for p in (reading_build / "topics").iterdir() if (p / "feed.xml").is_file())
    assert groups["Topics"] == [f"{READING_BASE}topics/{slug}/feed.xml" for slug in topics] or sorted(groups["Topics"]) == [
        f"{READING_BASE}topics/{slug}/feed.xml" for slug in topics
    ]
    for outline in opml.iter("outline"):
        if outline.get("xmlUrl"):
            assert outline.get("type") == "rss" and outline.get("htmlUrl").startswith(READING_BASE)


def test_feeds_page_links_every_feed_file_and_the_opml(reading_build):
    page = lxml.html.fromstring((reading_build / "feeds" / "index.html").read_bytes())
    hrefs = {posixpath.normpath(posixpath.join("feeds", h)) for h in page.xpath("//main//a/@href")}
    every = {p.relative_to(reading_build).as_posix() for name in (*FEED_NAMES, "feeds.opml") for p in _feeds(reading_build, name)}
    assert every <= hrefs
    home = lxml.html.fromstring((reading_build / "index.html").read_bytes())
    assert "feeds/" in home.xpath("//main//p[@class='feeds']/a/@href")
    digest = lxml.html.fromstring((reading_build / "digests" / "2025-07-03" / "index.html").read_bytes())
    assert "../../feeds/" in digest.xpath("//footer//a/@href")


def test_hostile_text_stays_text_in_json_feed_and_opml(tmp_path):
    """A real day with its first title, author and summary replaced by markup: JSON keeps the text, never a raw </script>."""
    content = reading_content(tmp_path / "content")
    day = content / "dumps" / "2025-07-07.json"
    data = json.loads(day.read_text(encoding="utf-8"))
    hostile = 'Evil </script><script>alert(1)</script> & "quotes" \U0001f9ea\x01'
    data[0]["paper"]["title"] = data[0]["title"] = hostile
    data[0]["paper"]["ai_summary"] = "<img src=x onerror=alert(2)>"
    data[0]["paper"]["authors"][0]["name"] = "</script> O'Brien"
    day.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "build"
    build(content, out, base_url=READING_BASE, lock=False)
    raw = (out / "feed.json").read_text(encoding="utf-8")
    assert "</script" not in raw and "<img" not in raw.replace("&lt;img", "")
    items = {i["title"]: i for i in json.loads(raw)["items"]}
    assert hostile.replace("\x01", "") in items
    assert feedparser.parse((out / "feed.xml").read_bytes()).bozo == 0
    digest = (out / "digests" / "2025-07-07" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in digest and "&lt;img src=x onerror=alert(2)&gt;" in digest
    for page in ("top/week/index.html", "top/all/index.html", "feeds/index.html"):
        text = (out / page).read_text(encoding="utf-8")
        assert "<script>alert" not in text and "</script><script>" not in text, page
    assert "Evil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in (out / "top" / "week" / "index.html").read_text(encoding="utf-8")
    opml = etree.parse(str(out / "feeds.opml"))  # still well-formed, the site title's markup escaped
    assert opml.findtext("head/title") == 'Every feed of Daily <Papers> & "Co"'
    bib = next((out / "papers").glob("evil-*/*.bib")).read_text(encoding="utf-8")
    assert r"\textless{}" not in bib and "{Evil </script><script>alert(1)</script> \\& \"quotes\" \U0001f9ea}" in bib


def test_new_outputs_are_byte_identical_across_two_builds(reading_build, tmp_path):
    out = tmp_path / "build"
    build(reading_content(tmp_path / "content"), out, base_url=READING_BASE, lock=False)
    names = ("feed.json", "feeds.opml", "*.bib", "top/*/index.html", "topics/*/*/index.html", "digests/*/*/index.html")
    made = sorted(p.relative_to(out).as_posix() for name in names for p in out.glob(f"**/{name}" if "/" not in name else name))
    assert len(made) > 50
    assert [p for p in made if (out / p).read_bytes() != (reading_build / p).read_bytes()] == []
