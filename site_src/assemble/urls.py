"""The site's URL scheme, declared once: every site-relative URL of a page, feed and data file comes from here.

Python builds every link and output path with these; templates get this module as `urls` (render/environment).
All are relative to the site root (the base URL's path, `/my-digest/` on GitHub Pages), so the site works
under any sub-path; a page's own `root` (`../../`) leads back to it. Slugs and digest ids are sanitized
(text/slugs.py) before they reach a URL.
"""

from __future__ import annotations

HOME = ""
TOPICS = "topics/"
AREAS = "areas/"  # areas/<slug>/: an area and its topics; the topics index lists the areas, so this folder has no page
DIGESTS = "digests/"
SEARCH = "search/"
FOR_YOU = "for-you/"  # the recent papers ranked by the reader's stars (outputs/recommend)
STARRED = "starred/"  # the reader's stars, to export and import
PAPERS_JSON = "data/papers.json"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
SEARCH_INDEX = "search/"  # the index shards, store chunks and their manifest (outputs/search/shards.py) stand here
SEARCH_MANIFEST = SEARCH_INDEX + "manifest.json"
RECOMMEND = "data/recommend/"  # the vectors and similar papers the browser ranks from (outputs/recommend)
RECOMMEND_MANIFEST = RECOMMEND + "manifest.json"
RECOMMEND_RECENT = RECOMMEND + "recent.json"
RSS = "feed.xml"  # a page's feeds stand in its folder: feed.xml, atom.xml, feed.json
ATOM = "atom.xml"
JSON_FEED = "feed.json"
FEED_NAMES = {"rss": RSS, "atom": ATOM, "json": JSON_FEED}
FEEDS = "feeds/"  # the page that lists every feed of the site
OPML = "feeds.opml"  # every feed of the site in one file a feed reader imports
TOP = "top/"
TOP_PERIODS = ("week", "month", "all")  # top/week/, top/month/, top/all/: the most upvoted papers (assemble/top.py)
BIB = "papers.bib"  # a topic's or a digest's papers as BibTeX, in its folder
# A list page in another order stands in a folder under it (topics/x/by-upvotes/), so the order is in the URL
# and the page works without JavaScript; the page's own order has no folder.
ORDERS = {"upvotes": "by-upvotes/", "newest": "newest/"}

# First path parts the site uses itself: a curator's Markdown page may not take them.
RESERVED = frozenset({"papers", "topics", "areas", "digests", "data", "assets", "search", "index", "404", "for-you", "starred", "feeds", "top"})


def paper(slug: str) -> str:
    return f"papers/{slug}/"


def recommend_vectors(bucket: int | str) -> str:
    """The vectors of one bucket of papers (by a hash of their slugs); the browser fills `{}` in itself."""
    return f"{RECOMMEND}papers/{bucket}.json"


def recommend_like(bucket: int | str) -> str:
    """"More like this" for the papers of one bucket."""
    return f"{RECOMMEND}like/{bucket}.json"


def topic(slug: str) -> str:
    return f"topics/{slug}/"


def area(slug: str) -> str:
    """An area's page: the broad level that holds whole topics."""
    return f"{AREAS}{slug}/"


def digest(digest_id: str) -> str:
    return f"digests/{digest_id}/"


def page(slug: str) -> str:
    """A curator's Markdown page (content/pages/about.md → about/)."""
    return f"{slug}/"


def top(period: str) -> str:
    """A "top papers" page: `week`, `month` or `all` (TOP_PERIODS)."""
    return f"{TOP}{period}/"


def ordered(page_url: str, order: str) -> str:
    """A list page (topic, digest) in another order: `upvotes` or `newest` (ORDERS); "" is the page itself."""
    return page_url + ORDERS[order] if order else page_url


def paper_bib(slug: str) -> str:
    """One paper's BibTeX entry, beside its page."""
    return f"papers/{slug}/{slug}.bib"


def bib(page_url: str) -> str:
    """The BibTeX file of a topic's or a digest's papers."""
    return page_url + BIB


def feed(page_url: str, format: str) -> str:
    """The feed of one format ("rss", "atom", "json") that follows a page ("" for the site, "topics/x/" for a topic)."""
    return page_url + FEED_NAMES[format]


def asset(name: str) -> str:
    """A file of the theme's assets/ folder (style.css, favicon.svg, search scripts)."""
    return f"assets/{name}"


def index_file(page_url: str) -> str:
    """The file in build/ a page's folder URL is served from."""
    return page_url + "index.html"


def relative_root(page_url: str) -> str:
    """From a page's folder URL back to the site root: `papers/x/` → `../../`."""
    return "../" * page_url.count("/")
