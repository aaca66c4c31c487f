"""The feeds' kept items (outputs/feed_kept.py): a new day encodes only the items it does not find, and gives the bytes
of a build without them; a damaged or foreign file is only a miss. Also: a JSON feed's items, encoded once and joined
in, are the bytes of the feed encoded whole."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from site_src.build import build
from site_src.config import SiteConfig
from site_src.outputs import feed_kept, feed_xml
from site_src.outputs.feeds import Feed, FeedItem
from site_src.outputs.json_feed import _item, json_feed_bytes

from .conftest import CONTENT

BASE = "https://example.org/digest/"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "json"


def _feeds(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name in ("feed.xml", "atom.xml", "feed.json", "feeds.opml")}


def _built_items(monkeypatch) -> list:
    """Every RSS item and Atom entry built from here on (not taken from the kept file)."""
    built = []
    for name in ("_rss_item", "_atom_entry"):
        original = getattr(feed_xml, name)
        monkeypatch.setattr(feed_xml, name, lambda parent, item, original=original: built.append(item) or original(parent, item))
    return built


def test_a_new_day_encodes_only_its_new_items_and_gives_the_feeds_of_a_build_without(tmp_path, monkeypatch):
    content = tmp_path / "site" / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "site" / "build"
    build(content, out, base_url=BASE)
    assert (out.parent / ".digest-cache" / "feeds" / feed_kept.ITEMS_FILE).is_file()
    shutil.copy(FIXTURES / "2025-08-07.json", content / "dumps")
    lock = (content / "topics.lock.json").read_bytes()
    built = _built_items(monkeypatch)
    build(content, out, base_url=BASE)
    new_day = {item.url for item in built}
    assert built and len(new_day) < 30, len(new_day)  # the day's papers and those whose item changed, not all 340
    cold_content = tmp_path / "cold" / "content"
    shutil.copytree(content, cold_content)
    (cold_content / "topics.lock.json").write_bytes(lock)
    build(cold_content, tmp_path / "cold" / "build", base_url=BASE, cache=False)
    assert _feeds(out) == _feeds(tmp_path / "cold" / "build")


@pytest.mark.parametrize("spoil", ["flip", "salt", "truncate"])
def test_a_spoiled_kept_file_is_a_miss_never_an_error_or_a_wrong_feed(tmp_path, spoil, monkeypatch):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    out = tmp_path / "build"
    build(content, out, base_url=BASE)
    before = _feeds(out)
    kept = tmp_path / ".digest-cache" / "feeds" / feed_kept.ITEMS_FILE
    data = bytearray(kept.read_bytes())
    if spoil == "flip":  # inside the last item's bytes
        data[-10] ^= 1
    elif spoil == "salt":
        monkeypatch.setattr(feed_kept, "VERSION", feed_kept.VERSION + 1)
    else:
        data = data[: len(data) // 2]
    kept.write_bytes(bytes(data))
    assert all(found == {} for found in feed_kept.load(kept.parent).values())
    (content / "site.yaml").write_text((content / "site.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    built = _built_items(monkeypatch)
    build(content, out, base_url=BASE)
    assert built  # nothing was taken from the spoiled file
    assert _feeds(out) == before


def test_kept_items_are_found_by_every_field_of_the_item():
    item = FeedItem(BASE + "papers/x/", "A title", "An abstract.", dt.date(2024, 1, 2), ("Vision",), ("Ada",))
    keys = {feed_kept.item_key(item)}
    for change in ({"title": "A title."}, {"date": dt.date(2024, 1, 3)}, {"categories": ("Vision", "Speech")},
                   {"authors": ("Ada", "Bo")}, {"links": (("arXiv", "https://arxiv.org/abs/1"),)}, {"summary": "An"}):
        keys.add(feed_kept.item_key(FeedItem(**{**item.__dict__, **change})))
    assert len(keys) == 7
    assert feed_kept.item_key(FeedItem(**item.__dict__)) in keys


def test_a_json_feed_joined_from_its_items_is_the_feed_encoded_whole():
    config = SiteConfig(title="Digest </script> & Co", base_url=BASE)
    hostile = FeedItem(BASE + "papers/x/", 'A "items": [] title </p>', "Line one.\nLine two </script>", dt.date(2024, 1, 2),
                       ("Vision · Language",), ("Ada Lovelace", "Émilie du Châtelet"), "<p>Note</p>",
                       (("arXiv", "https://arxiv.org/abs/2401.00001"),), "Line one.")
    plain = FeedItem(BASE + "papers/y/", "Other", "", None, (), ())
    for items in ((hostile, plain), (plain,), ()):
        feed = Feed("feed.json", "json", 'The "items": [] feed', 'About "items": []', "", items, dt.date(2024, 1, 2))
        document = {
            "version": "https://jsonfeed.org/version/1.1", "title": feed.title, "home_page_url": BASE, "feed_url": BASE + feed.path,
            "description": feed.description, "authors": [{"name": config.title}], "items": [_item(i) for i in items],
            "language": config.language,
        }
        whole = (json.dumps(document, ensure_ascii=False, indent=1).replace("</", "<\\/") + "\n").encode("utf-8")
        texts: dict[str, str] = {}
        assert json_feed_bytes(feed, config) == json_feed_bytes(feed, config, texts) == json_feed_bytes(feed, config, texts) == whole
        assert set(texts) == {i.url for i in items}
        assert json.loads(whole)["items"] == json.loads(json.dumps([_item(i) for i in items]))


def test_the_kept_file_holds_each_item_once_per_format(tmp_path):
    folder = tmp_path / "feeds"
    made = {"rss": {b"k" * 16: b"<item/>"}, "atom": {b"k" * 16: b"<entry/>", b"j" * 16: b""}, "json": {}}
    feed_kept.save(folder, made)
    assert feed_kept.load(folder) == made
    feed_kept.save(None, made)  # a build without a cache keeps nothing, and says nothing
