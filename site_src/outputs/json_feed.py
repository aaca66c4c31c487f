"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) beside each RSS and Atom feed: the same items, as JSON.

Built as a dict and written by json.dumps, which escapes what JSON needs; `ensure_ascii=False` keeps titles
readable, and "</" is written "<\\/" so the text can never close a <script> a reader embeds it in. Every item
has `content_html` (the spec asks for it or `content_text`), the same escaped HTML the RSS description holds.
An undated paper has no `date_published` (optional in JSON Feed, unlike Atom), so no date is made up.
"""

from __future__ import annotations

import json

from site_src.config import SiteConfig
from site_src.outputs.feeds import LANGUAGE_TAG, Feed, FeedItem, author_line, item_html, midnight, xml_text

VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json"


def _item(item: FeedItem) -> dict:
    entry = {"id": item.url, "url": item.url, "title": xml_text(item.title), "content_html": item_html(item)}
    if item.summary:
        entry["summary"] = xml_text(item.summary)
    if item.date:
        entry["date_published"] = midnight(item.date).isoformat().replace("+00:00", "Z")
    if item.authors:
        entry["authors"] = [{"name": xml_text(author_line(item.authors))}]
    if item.categories:
        entry["tags"] = [xml_text(label) for label in item.categories]
    arxiv = next((url for text, url in item.links if text == "arXiv"), None)
    if arxiv:
        entry["external_url"] = arxiv
    return entry


def item_text(item: FeedItem) -> str:
    """One item as json_feed_bytes writes it among the items (indented two levels deeper), before "</" is escaped."""
    return json.dumps(_item(item), ensure_ascii=False, indent=1).replace("\n", "\n  ")  # JSON writes a line break in a string as \n


def json_feed_bytes(feed: Feed, config: SiteConfig, texts: dict[str, str] | None = None) -> bytes:
    """A JSON Feed 1.1 document: title, home page, its own URL, the site as author, and the items in feed order.

    `texts`: item_text by item URL, shared by the feeds of a build (an item is encoded once); those missing are added."""
    base = config.base_url
    document = {
        "version": VERSION,
        "title": xml_text(feed.title),
        "home_page_url": base + feed.page,
        "feed_url": base + feed.path,
        "description": xml_text(feed.description),
        "authors": [{"name": xml_text(config.title)}],
        "items": [],
    }
    if LANGUAGE_TAG.fullmatch(config.language):
        document["language"] = config.language
    text = json.dumps(document, ensure_ascii=False, indent=1)
    if feed.items:  # joined in as json.dumps would write them; only the key can read `"items": []` (a string's quotes are escaped)
        texts = {} if texts is None else texts
        items = ",\n  ".join(texts.get(item.url) or texts.setdefault(item.url, item_text(item)) for item in feed.items)
        text = text.replace('"items": []', '"items": [\n  ' + items + "\n ]", 1)
    return (text.replace("</", "<\\/") + "\n").encode("utf-8")
