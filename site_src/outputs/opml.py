"""feeds.opml: every feed of the site in one OPML 2.0 file (http://opml.org/spec2.opml), for a feed reader to import.

One outline per page with feeds, in its RSS form (every reader reads RSS, and one format per page keeps the
import free of duplicates), grouped as the Feeds page groups them: this site, the top papers, the topics.
Built with lxml, so titles are escaped by the serializer. `dateModified` is the newest digest's day, never the
clock, so builds stay identical.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

from lxml import etree

from site_src.config import SiteConfig
from site_src.outputs.feeds import Feed, midnight, xml_text


def opml_bytes(feeds: tuple[Feed, ...], config: SiteConfig, updated: dt.date | None = None) -> bytes:
    """The OPML file of the feeds; `updated` (the newest digest's day) is its dateModified, none without."""
    base = config.base_url
    opml = etree.Element("opml", {"version": "2.0"})
    head = etree.SubElement(opml, "head")
    etree.SubElement(head, "title").text = xml_text(f"Every feed of {config.title}")
    if updated:
        etree.SubElement(head, "dateModified").text = format_datetime(midnight(updated))
    body = etree.SubElement(opml, "body")
    groups: dict[str, etree._Element] = {}
    for feed in feeds:
        if feed.format != "rss":
            continue
        if feed.group not in groups:
            groups[feed.group] = etree.SubElement(body, "outline", {"text": xml_text(feed.group)})
        attributes = {"type": "rss", "text": xml_text(feed.name), "title": xml_text(feed.title), "xmlUrl": base + feed.path, "htmlUrl": base + feed.page}
        etree.SubElement(groups[feed.group], "outline", attributes)
    return etree.tostring(opml, xml_declaration=True, encoding="utf-8", pretty_print=True)
