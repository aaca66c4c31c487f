"""The orders a reader can put a list of papers in, and the "top papers" lists: both from upvotes and dates.

A list page (a topic, a digest) keeps its own order at its URL and gets one more page per other order
(urls.ordered: topics/x/by-upvotes/), so the order is in the URL and needs no JavaScript. An order is offered
only where it differs from the page's own (a digest Hugging Face already listed by upvotes gets no second page).
Every sort ends on the list's own position, so equal papers keep the curator's order and builds stay identical.

"Top papers" count back from the newest digest, never from the clock: the same content gives the same pages.
A paper's date is the day of the first dated digest it appeared in (`seen`); a paper only in undated digests
is in the all-time list alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from site_src.assemble import urls

# The words a sort control shows, by order ("" is the list's own order; its words depend on the list).
ORDER_NAMES = {"upvotes": "most upvoted", "newest": "newest"}
TOP_DAYS = {"week": 7, "month": 30, "all": None}
TOP_TITLES = {"week": "Top papers of the week", "month": "Top papers of the month", "all": "Top papers of all time"}
TOP_MOST = 50  # papers on a top page and in its feeds


@dataclass(frozen=True)
class Order:
    """One order a list can be read in: its key ("" for the list's own), its words and its page's URL."""

    key: str
    text: str
    url: str


@dataclass(frozen=True)
class TopView:
    """The most upvoted papers first seen in a period that ends on the newest digest's day (all time: no start)."""

    period: str  # week, month, all
    url: str
    title: str
    papers: tuple[str, ...]  # paper slugs, most upvoted first
    since: dt.date | None = None  # the first day counted; None for all time
    until: dt.date | None = None  # the newest digest's day


def _day(paper) -> dt.date | None:
    """A paper's date for "newest": its arXiv publication day where the listing gives it, else the day it was first
    listed (so the papers of one day's digest can still be told apart)."""
    return paper.published or paper.seen


def _votes(paper) -> int:
    return paper.upvotes if paper.upvotes is not None else -1


def ordered(slugs, papers: dict, order: str) -> tuple[str, ...]:
    """`slugs` in `order`: "upvotes" (most first), "newest" (latest `_day` first, undated last) or "" (as given)."""
    position = {slug: i for i, slug in enumerate(slugs)}
    if order == "upvotes":
        return tuple(sorted(slugs, key=lambda s: (-_votes(papers[s]), position[s])))
    if order == "newest":
        return tuple(sorted(slugs, key=lambda s: (_day(papers[s]) is None, -(_day(papers[s]) or dt.date.min).toordinal(), position[s])))
    return tuple(slugs)


def list_orders(page_url: str, slugs, papers: dict, own: str, candidates: tuple[str, ...]) -> tuple[Order, ...]:
    """The orders a list page offers: its own (named `own`), then each candidate that differs from it; none if none does."""
    own_order = tuple(slugs)
    others = [Order(key, ORDER_NAMES[key], urls.ordered(page_url, key)) for key in candidates if ordered(slugs, papers, key) != own_order]
    return (Order("", own, page_url), *others) if others else ()


def top_views(papers: dict, newest: dt.date | None, most: int = TOP_MOST) -> tuple[TopView, ...]:
    """The top pages that have papers: the week's and month's need dates, all time needs upvotes alone."""
    voted = [p for p in papers.values() if p.upvotes]
    views = []
    for period, days in TOP_DAYS.items():
        since = newest - dt.timedelta(days=days - 1) if days and newest else None
        if days and not since:
            continue
        chosen = [p for p in voted if since is None or (p.seen and since <= p.seen <= newest)]
        chosen.sort(key=lambda p: (-p.upvotes, -(p.seen or dt.date.min).toordinal(), p.slug))
        if chosen:
            views.append(TopView(period, urls.top(period), TOP_TITLES[period], tuple(p.slug for p in chosen[:most]), since, newest))
    return tuple(views)
