"""Feeds: RSS 2.0 and Atom 1.0 (feed_xml.py) and JSON Feed 1.1 (json_feed.py) for the whole site, each top page,
each area and each topic, and the OPML file that lists them all (opml.py), from the assembled site. This module plans
them: which papers each feed lists, newest first.

The XML is built as an lxml element tree, never by pasting strings, so every title and abstract
is escaped by the serializer. Dates come only from dated digests; nothing here reads the clock. An item's
authors are one element (readers show one whole, and feedparser keeps only the last of several), and its
links out (arXiv, PDF, code, or a title search) follow the abstract. A paper is in the site's feeds
and in its topics' feeds: its RSS item and Atom entry are built and serialized once, in one tree that holds
every item of the format, and each feed is its own head with those items' bytes joined in (a pretty-printed
item's bytes depend only on the item, its depth and the namespaces declared above it, the same in every feed
of a format). At 3,956 real papers, 122 feeds: 0.82 s when every feed copied and serialized its items, 0.45 s.
"""

from __future__ import annotations

import datetime as dt
import heapq
import html
import re
from dataclasses import dataclass
from pathlib import Path


from site_src.errors import BuildWarning
from site_src.assemble import Site, urls
from site_src.outputs.made import Made
from site_src.text.project import DISTRIBUTION

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
JSON_TYPE = "application/feed+json"
MEDIA_TYPES = {"rss": RSS_TYPE, "atom": ATOM_TYPE, "json": JSON_TYPE}
LABELS = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERATOR = DISTRIBUTION
MOST_AUTHORS = 30  # a 3,000-author report would otherwise put 50 KB of names in every feed that lists it
# Characters XML 1.0 does not allow (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF): removed.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class FeedItem:
    """One paper as a feed entry; `url` is its permalink and also its id."""

    url: str
    title: str
    abstract: str  # whole, in every format's HTML content
    date: dt.date | None  # of the digest the paper first appeared in; None when that one is undated
    categories: tuple[str, ...]
    authors: tuple[str, ...]
    html: str = ""  # the curator's note or a digest's introduction (safe HTML, curation.py), shown before the abstract
    links: tuple[tuple[str, str], ...] = ()  # (text, URL) out of the site: arXiv, PDF, code, or a title search
    # The abstract's first sentence: Atom's and JSON Feed's `summary`, the short excerpt a reader's timeline shows.
    # The whole abstract there as well held each abstract twice, 40% of those files (tests/test_feeds.py).
    summary: str = ""


@dataclass(frozen=True)
class FeedLink:
    """What a page needs to link a feed: not its items, so a page does not change when only the items do."""

    path: str
    format: str
    title: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def label(self) -> str:
        return LABELS[self.format]


@dataclass(frozen=True)
class Feed(FeedLink):
    description: str
    page: str  # site-relative URL of the HTML page the feed follows: "" (home) or "topics/x/"
    items: tuple[FeedItem, ...]  # newest first
    updated: dt.date | None = None  # its newest item's date (lastBuildDate, Atom's updated); never the clock
    group: str = ""  # where the Feeds page and the OPML file list it: "This site", "Top papers", "Areas", "Topics"
    name: str = ""  # the page it follows, in words


@dataclass(frozen=True)
class Feeds(Made):
    """The site's feeds, their files, and what the build should tell the curator about them."""

    feeds: tuple[Feed, ...] = ()

    def for_page(self, page: str) -> tuple[FeedLink, ...]:
        """Links to the feeds that follow one page ("" for home, "topics/x/" for a topic)."""
        return tuple(FeedLink(f.path, f.format, f.title) for f in self.feeds if f.page == page)

    @property
    def any(self) -> bool:
        """Whether the site has feeds (every page asks; the answer, not the feeds, is what its memo keeps)."""
        return bool(self.feeds)

    def groups(self) -> list[tuple[str, list[tuple[str, str, tuple[FeedLink, ...]]]]]:
        """Every page with feeds, by group in site order: (group, [(page URL, its name, its feed links)])."""
        found: dict[str, dict[str, tuple[str, list]]] = {}
        for f in self.feeds:
            found.setdefault(f.group, {}).setdefault(f.page, (f.name, []))[1].append(FeedLink(f.path, f.format, f.title))
        return [(group, [(page, name, tuple(links)) for page, (name, links) in pages.items()]) for group, pages in found.items()]


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: the control characters it forbids are removed, everything else kept."""
    if text.isascii() and text.isprintable():  # the common case, tested in C: nothing to remove
        return text
    return _NOT_XML.sub("", text)


def _first_appearance(site: Site) -> dict[str, tuple]:
    """Per paper slug: (date, sort key newest first) from the earliest dated digest it is in."""
    index = {d.id: i for i, d in enumerate(site.digests)}
    appearance = {}
    for slug, paper in site.papers.items():
        digests = [site.digests[index[link.id]] for link in paper.digests]
        first = next((d for d in digests if d.date), digests[0])
        position = first.papers.index(slug)
        # Dated first, newest date first; then the later digest; then page order.
        day = -first.date.toordinal() if first.date else 0
        appearance[slug] = (first.date, (first.date is None, day, -index[first.id], position, slug))
    return appearance


def _items(
    site: Site, slugs, appearance: dict[str, tuple], limit: int, intros: bool = False, ranked: bool = False
) -> tuple[list[FeedItem], list[str]]:
    """The newest `limit` items (with `intros`, each introduced digest's item just before its papers; `ranked`: the
    first `limit` of `slugs` as given), and the URL of every undated one. Only the items shown are made: the site's
    feed would otherwise make one for every paper."""
    base = site.config.base_url
    keyed = [((False, i) if ranked else appearance[slug][1], slug) for i, slug in enumerate(slugs)]
    for index, digest in enumerate(site.digests if intros else ()):
        if digest.intro:
            day = -digest.date.toordinal() if digest.date else 0
            keyed.append(((digest.date is None, day, -index, -1, ""), digest))
    items = []
    for _, what in heapq.nsmallest(limit, keyed, key=lambda pair: pair[0]):  # as sorted(...)[:limit], without the sort
        if isinstance(what, str):
            paper = site.papers[what]
            items.append(FeedItem(
                url=base + paper.url,
                title=paper.title,
                abstract=paper.abstract,
                summary=paper.summary if paper.abstract else "",
                date=appearance[what][0],
                categories=tuple(t.text for t in paper.topics),
                authors=paper.authors,
                html=paper.note,
                links=tuple((link.text, link.url) for link in paper.links),
            ))
        else:
            items.append(FeedItem(base + what.url, what.title, "", what.date, (), (), what.intro))
    undated = [base + (site.papers[what].url if isinstance(what, str) else what.url) for key, what in keyed if key[0]]
    return items, undated


def _site_limit(site: Site, appearance: dict[str, tuple]) -> int:
    """Items in the site's feeds: `feed_items`, or more where that many would not reach `feed_days` back from the
    newest digest (at 50 papers a day, 50 items are one day: a weekly reader would miss papers)."""
    config = site.config
    if not site.updated or not config.feed_days:
        return config.feed_items
    since = site.updated - dt.timedelta(days=config.feed_days - 1)
    recent = sum(1 for day, _ in appearance.values() if day and day >= since)
    recent += sum(1 for d in site.digests if d.intro and d.date and d.date >= since)  # intros are items too
    return max(config.feed_items, recent)


def plan_feeds(site: Site) -> tuple[tuple[Feed, ...], tuple[str, ...]]:
    """Which feeds the site gets and their items; Atom only for papers with a date (RFC 4287 requires one)."""
    config = site.config
    appearance = _first_appearance(site)
    # (page, its name, feed title, description, papers, how many items, group, ranked: in the given order)
    streams = [("", config.title, config.title, config.description or f"Papers from {config.title}", list(site.papers),
                _site_limit(site, appearance), "This site", False)]
    for top in site.top:
        streams.append((top.url, top.title, f"{config.title}: {top.title}", f"{top.title}, most upvoted first, from {config.title}",
                        top.papers, len(top.papers), "Top papers", True))
    for area in site.areas:
        streams.append((area.url, area.label, f"{config.title}: {area.label}", f"Papers in the area {area.label} from {config.title}",
                        area.papers, config.feed_items, "Areas", False))
    for topic in site.topics:
        streams.append((topic.url, topic.label, f"{config.title}: {topic.label}", f"Papers on {topic.label} from {config.title}",
                        topic.papers, config.feed_items, "Topics", False))
    feeds, undated = [], set()
    for page, name, title, description, slugs, limit, group, ranked in streams:
        items, undated_urls = _items(site, slugs, appearance, limit, intros=not page, ranked=ranked)
        # Undated items sort last, so the newest `limit` dated ones are the dated ones among the newest `limit`.
        dated = [item for item in items if item.date]
        # A feed is dated by its newest item: a topic no new paper joined keeps its feeds' bytes (not rewritten,
        # and a reader polling it is told it has not changed). A ranked feed (the top papers of a week, a month)
        # changes with the days whatever its items' dates, and a feed without dated items has no newest item:
        # those take the newest digest's date.
        updated = site.updated if ranked else max((item.date for item in dated), default=site.updated)
        made = {"description": description, "page": page, "updated": updated, "group": group, "name": name}
        feeds.append(Feed(urls.feed(page, "rss"), "rss", title, items=tuple(items), **made))
        undated.update(undated_urls)
        if dated:
            feeds.append(Feed(urls.feed(page, "atom"), "atom", title, items=tuple(dated), **made))
        # JSON Feed allows undated items, so it carries every item RSS does.
        feeds.append(Feed(urls.feed(page, "json"), "json", title, items=tuple(items), **made))
    notes = []
    if undated:
        notes.append(
            f"{len(undated)} undated papers are in the RSS feeds only: Atom requires a date "
            "(give their dumps a date under dumps: in site.yaml)"
        )
    return tuple(feeds), tuple(notes)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.timezone.utc)


def author_line(authors: tuple[str, ...], most: int = MOST_AUTHORS) -> str:
    """Every author in one string, as feed readers show one author element whole (feedparser keeps only the last
    of several); past `most` names, the first ones and how many more."""
    if len(authors) > most:
        return f"{', '.join(authors[:most])} and {len(authors) - most:,} more"
    return ", ".join(authors)


def item_html(item: FeedItem) -> str:
    """The curator's note (safe HTML), the abstract, then the links out, escaped: what RSS descriptions and Atom content carry."""
    body = item.html + (f"<p>{html.escape(xml_text(item.abstract), quote=False)}</p>" if item.abstract else "")
    if item.links:
        links = " · ".join(f'<a href="{html.escape(url)}">{html.escape(text, quote=False)}</a>' for text, url in item.links)
        body += f"<p>{links}</p>"
    return body


def build_feeds(site: Site, cache: Path | None = None) -> Feeds:
    """Every feed of the site as bytes by its path in build/; none, with a warning, without a base URL. `cache`: this
    stage's folder of .digest-cache/, where the items' bytes are kept between builds (feed_kept.py; None: none kept)."""
    if not site.config.base_url:
        warning = BuildWarning(
            "feeds not written: they need the site's public URL; set base_url in site.yaml or pass --base-url",
            site.config.source,
        )
        return Feeds(warnings=(warning,))
    from site_src.outputs import feed_kept
    from site_src.outputs.feed_xml import _Entries, atom_bytes, rss_bytes  # they build on this module's items
    from site_src.outputs.json_feed import item_text, json_feed_bytes
    from site_src.outputs.opml import opml_bytes

    feeds, notes = plan_feeds(site)
    kept = feed_kept.load(cache)
    items = {format: {item.url: item for feed in feeds if feed.format == format for item in feed.items} for format in feed_kept.FORMATS}
    keys = {url: feed_kept.item_key(item) for url, item in (items["rss"] | items["atom"]).items()}  # json's are rss's
    entries = {format: _Entries(format) for format in ("rss", "atom")}
    for format, made in entries.items():  # every item of a format not kept built in one tree, serialized once
        made.made.update((url, kept[format][keys[url]]) for url in items[format] if keys[url] in kept[format])
        made.make(items[format].values())
    texts = {url: kept["json"][keys[url]].decode("utf-8") for url in items["json"] if keys[url] in kept["json"]}
    texts.update((url, item_text(item)) for url, item in items["json"].items() if url not in texts)
    writers = {"rss": rss_bytes, "atom": atom_bytes, "json": json_feed_bytes}
    shared = {**entries, "json": texts}
    files = {feed.path: writers[feed.format](feed, site.config, shared[feed.format]) for feed in feeds}
    files[urls.OPML] = opml_bytes(feeds, site.config, site.updated)
    made = {format: {keys[url]: entries[format].made[url] for url in items[format]} for format in ("rss", "atom")}
    feed_kept.save(cache, {**made, "json": {keys[url]: text.encode("utf-8") for url, text in texts.items()}})
    # A retired topic's (or area's) feeds keep working: they carry its successor's items.
    for redirect in site.redirects:
        for format in urls.FEED_NAMES:
            if redirect.target.url != urls.TOPICS and urls.feed(redirect.target.url, format) in files:
                files[urls.feed(redirect.path, format)] = files[urls.feed(redirect.target.url, format)]
    return Feeds(files=files, notes=notes, feeds=feeds)
