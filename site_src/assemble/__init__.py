"""Assemble the whole site in memory: every page, its URL and the links between them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from site_src.config import SiteConfig
from site_src.curation import Curated
from site_src.errors import DigestError
from site_src.ingest.pages import MarkdownPage
from site_src.text.latex import readable
from site_src.records import Corpus, Paper, PaperFacts, facts_of
from site_src.topics import NamedGrouping
from site_src.text.links import safe_url
from site_src.assemble import urls
from site_src.assemble.orders import Order, TopView, list_orders, ordered, top_views

_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s+[A-Z(\[\"'])", re.DOTALL)


@dataclass(frozen=True)
class Link:
    """Something a page links to: its site-relative URL (`papers/x/`), its text, and what it is.

    `id` is the slug or digest id of what it links to, so no later stage parses it back out of the URL;
    `kind` names an external link's kind (arxiv, hf, pdf, code, project).
    """

    url: str
    text: str
    kind: str = ""
    id: str = ""


@dataclass(frozen=True, kw_only=True)
class PaperView(PaperFacts):
    """A paper as its pages show it: its facts (model.PaperFacts) and the links to and from it."""

    slug: str
    url: str
    summary: str = ""  # the abstract's first sentence
    topics: tuple[Link, ...] = ()
    related: tuple[Link, ...] = ()
    digests: tuple[Link, ...] = ()
    links: tuple[Link, ...] = ()  # external: arXiv, PDF, code, ...
    note: str = ""  # the curator's note as HTML (curation.py), shown on its page, in listings and feeds
    area: Link | None = None  # the area of its own topic
    seen: dt.date | None = None  # the day of the first dated digest it appeared in: its date in lists and feeds


@dataclass(frozen=True)
class TopicView:
    slug: str
    url: str
    label: str
    phrases: tuple[str, ...]
    papers: tuple[str, ...]  # paper slugs: its own, most central first, then those it is a second topic of
    related: tuple[Link, ...] = ()
    own: int = 0  # how many of `papers` have this as their own (first) topic
    position: tuple[float, float] = (0.5, 0.5)  # on the topic map
    orders: tuple[Order, ...] = ()  # the orders its page can be read in (assemble/orders.py); none: no choice
    citable: int = 0  # its papers with an arXiv id: the entries of its BibTeX file (none: no file)
    area: Link | None = None  # the area that holds it


@dataclass(frozen=True)
class AreaView:
    """An area: whole topics, the papers of those topics (each paper under the area of its own topic), and papers that
    have no topic of their own (a grab-bag's that write neither its heading nor another's: topics/split.sort_out)."""

    slug: str
    url: str
    label: str
    number: int  # its place among the areas, from 0: its colour on the map and the topics index
    topics: tuple[str, ...]  # topic slugs, largest first
    papers: tuple[str, ...]  # paper slugs: its topics' own papers, topic by topic, most central first, then `loose`
    loose: tuple[str, ...] = ()  # paper slugs of its papers without a topic, closest to the topic they left first


@dataclass(frozen=True)
class Redirect:
    """An old topic URL that now leads to the topic that took over its papers."""

    path: str  # "topics/old-slug/"
    target: Link


@dataclass(frozen=True)
class DigestView:
    id: str
    url: str
    title: str
    date: dt.date | None
    heading: str | None
    papers: tuple[str, ...]  # paper slugs in page order
    previous: Link | None = None
    next: Link | None = None
    intro: str = ""  # the curator's introduction as HTML (curation.py)
    orders: tuple[Order, ...] = ()  # the orders its page can be read in (assemble/orders.py); none: no choice
    citable: int = 0  # its papers with an arXiv id: the entries of its BibTeX file (none: no file)

    @property
    def date_in_title(self) -> bool:
        """The title already says when ("6 June 2025"; "Listing of Mar 12" for the heading Mar 12): pages don't repeat it."""
        if self.date:
            return f"{self.date.day} {self.date:%B %Y}" in self.title
        return bool(self.heading) and self.heading in self.title


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where it goes, with which template and data."""

    path: str  # site-relative folder URL, "" for home
    template: str
    title: str
    context: dict = field(default_factory=dict)
    listed: bool = True  # in sitemap.xml; drafts and removed papers are not


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    papers: dict[str, PaperView]  # by slug, in slug order
    topics: tuple[TopicView, ...]
    digests: tuple[DigestView, ...]  # chronological, undated last
    pages: tuple[MarkdownPage, ...]
    grouping_params: dict
    redirects: tuple[Redirect, ...] = ()
    featured: tuple[str, ...] = ()  # paper slugs: the curator's picks on the home page
    removed: tuple[str, ...] = ()  # slugs of papers the curator hid: their URLs say so
    top: tuple[TopView, ...] = ()  # the "top papers" pages that have papers, unless site.yaml turns them off
    areas: tuple[AreaView, ...] = ()  # those with a topic, largest first

    @cached_property
    def topics_by_slug(self) -> dict[str, TopicView]:
        return {t.slug: t for t in self.topics}

    @cached_property
    def latest(self) -> DigestView | None:
        """The newest dated digest; without dates, the last by file name."""
        dated = [d for d in self.digests if d.date]
        return (dated or list(self.digests) or [None])[-1]

    @cached_property
    def newest_first(self) -> tuple[DigestView, ...]:
        """The order lists and the digests chart show: dated digests newest first, then the undated ones, last file
        name first (so without any date the first is `latest`)."""
        dated = [d for d in self.digests if d.date]
        return tuple(dated[::-1] + [d for d in self.digests if not d.date][::-1])

    @cached_property
    def order_words(self) -> str:
        """How `newest_first` is ordered, in words for captions: only "newest first" when every digest has a date."""
        dated = sum(1 for d in self.digests if d.date)
        if dated == len(self.digests):
            return "newest first"
        if not dated:  # captures whose headers carry no year: the order of the files is all that is known
            return "last file first (no digest has a known date)"
        return "newest first, then those without a known date"

    @cached_property
    def months(self) -> tuple[tuple[str, str, tuple[DigestView, ...]], ...]:
        """The digests in `newest_first` order, grouped by month: (id, "June 2025", digests); undated last, together."""
        groups: dict[str, tuple[str, list]] = {}
        for d in self.newest_first:
            key, words = (f"{d.date:%Y-%m}", f"{d.date:%B %Y}") if d.date else ("undated", "Without a known date")
            groups.setdefault(key, (words, []))[1].append(d)
        return tuple((key, words, tuple(found)) for key, (words, found) in groups.items())

    @cached_property
    def updated(self) -> dt.date | None:
        """The newest digest's date: the site's "updated" date (never the build time, so builds stay identical)."""
        return max((d.date for d in self.digests if d.date), default=None)


def first_sentence(text: str, limit: int = 300) -> str:
    match = _FIRST_SENTENCE.match(text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def external_links(paper: Paper) -> tuple[Link, ...]:
    """Links out of a paper page; `kind` names the kind (arxiv, hf, pdf, code, project) for data/papers.json.

    Without an arXiv id (text captures carry none) the paper is looked up by its title: a search on arXiv and
    on Hugging Face Papers, labelled as searches (kinds arxiv-search, hf-search).
    """
    links = []
    if paper.arxiv_id:  # ingest only keeps ids of the form 2506.14965, so these URLs are safe by construction
        links += [
            Link(f"https://arxiv.org/abs/{paper.arxiv_id}", "arXiv", "arxiv"),
            Link(f"https://huggingface.co/papers/{paper.arxiv_id}", "Hugging Face", "hf"),
            Link(f"https://arxiv.org/pdf/{paper.arxiv_id}", "PDF", "pdf"),
        ]
    else:  # the title, percent-encoded, is the query: nothing in it can leave the URL's query string
        links += [
            Link("https://arxiv.org/search/?" + urlencode({"query": paper.title, "searchtype": "title"}), "Search arXiv for this title", "arxiv-search"),
            Link("https://huggingface.co/papers?" + urlencode({"q": paper.title}), "Search Hugging Face Papers for this title", "hf-search"),
        ]
    for url, text, kind in ((paper.github_url, "Code", "code"), (paper.project_url, "Project page", "project")):
        if safe_url(url):
            links.append(Link(url, text, kind))
    return tuple(links)


def _area_links(named: NamedGrouping) -> list[Link]:
    return [Link(urls.area(slug), " · ".join(a.label), id=slug) for slug, a in zip(named.area_slugs, named.grouping.areas)]


def _area_views(papers: list[Paper], named: NamedGrouping) -> list[AreaView]:
    """The areas that hold a topic (curation may merge away an area's every topic), largest first as the model
    numbered them."""
    topics = named.grouping.topics
    views = []
    for number, link in enumerate(_area_links(named)):
        mine = [n for n, t in enumerate(topics) if t.area == number]
        if mine:
            own = tuple(papers[i].slug for n in mine for i in topics[n].members[: topics[n].size])
            loose = tuple(papers[i].slug for i in named.grouping.areas[number].papers)
            views.append(AreaView(link.id, link.url, link.text, len(views), tuple(named.slugs[n] for n in mine), own + loose, loose))
    return views


def _topic_views(papers: list[Paper], named: NamedGrouping) -> list[TopicView]:
    topics = named.grouping.topics
    labels = [" · ".join(t.label) for t in topics]
    paths = [urls.topic(slug) for slug in named.slugs]
    links = [Link(url, label, id=slug) for url, label, slug in zip(paths, labels, named.slugs)]
    areas = _area_links(named)
    return [
        TopicView(
            slug=slug,
            url=url,
            label=label,
            phrases=topic.label,
            papers=tuple(papers[i].slug for i in topic.members),
            related=tuple(links[r] for r in topic.related),
            own=topic.size,
            position=topic.position,
            area=areas[topic.area] if areas else None,
        )
        for slug, url, label, topic in zip(named.slugs, paths, labels, topics)
    ]


def _redirects(named: NamedGrouping, topics: list[TopicView], areas: list[AreaView]) -> tuple[Redirect, ...]:
    """Every retired topic and area URL, pointing at its successor (or the topics index when it has none); an area
    curation left without topics points there too."""
    by_slug = {t.slug: topic_link(t) for t in topics}
    area_by_slug = {a.slug: Link(a.url, a.label, id=a.slug) for a in areas}
    everything = Link(urls.TOPICS, "All topics")
    redirects = [Redirect(urls.topic(r.slug), by_slug.get(r.successor, everything)) for r in named.retired]
    redirects += [Redirect(urls.area(r.slug), area_by_slug.get(r.successor, everything)) for r in named.retired_areas]
    redirects += [Redirect(urls.area(slug), everything) for slug in named.area_slugs if slug not in area_by_slug]
    return tuple(redirects)


def _digest_views(corpus: Corpus, intros: dict[str, str]) -> list[DigestView]:
    views = [
        DigestView(d.id, urls.digest(d.id), d.title, d.date, d.heading, corpus.listings[d.id], intro=intros.get(d.id, ""))
        for d in corpus.digests
    ]
    links = [digest_link(view) for view in views]
    return [
        dataclasses.replace(view, previous=links[i - 1] if i > 0 else None, next=links[i + 1] if i + 1 < len(views) else None)
        for i, view in enumerate(views)
    ]


def digest_link(digest: DigestView) -> Link:
    return Link(digest.url, digest.title, id=digest.id)


def topic_link(topic: TopicView) -> Link:
    return Link(topic.url, topic.label, id=topic.slug)


def assemble(config: SiteConfig, curated: Curated, pages: list[MarkdownPage]) -> Site:
    """Every view of the site, with the URLs that link them, as the curator shaped it."""
    corpus, named = curated.corpus, curated.named
    papers = list(corpus.papers)
    for page in pages:
        if page.slug in urls.RESERVED:
            raise DigestError(f"page name {page.slug!r} is taken by the site itself; rename the file", page.source)
    grouping = named.grouping
    topics = _topic_views(papers, named)
    areas = _area_views(papers, named)
    digests = _digest_views(corpus, curated.intros)
    digest_links = {d.id: digest_link(d) for d in digests}
    topic_links = [topic_link(t) for t in topics]
    titles = [readable(p.title) for p in papers]  # LaTeX fragments as text, here once for every page and feed
    paper_links = [Link(urls.paper(p.slug), titles[i], id=p.slug) for i, p in enumerate(papers)]
    dates = {d.id: d.date for d in digests}
    area_links = _area_links(named)
    area_of_loose = {i: area_links[number] for number, a in enumerate(grouping.areas) for i in a.papers}
    views = {}
    for index, paper in enumerate(papers):
        own, second = grouping.paper_topics[index]
        shown = {"title": titles[index], "abstract": readable(paper.abstract), "ai_summary": readable(paper.ai_summary)}
        views[paper.slug] = PaperView(
            **{**facts_of(paper), **shown},
            slug=paper.slug,
            url=paper_links[index].url,
            summary=first_sentence(shown["abstract"]),
            topics=tuple(topic_links[t] for t in (own, second) if t >= 0),
            related=tuple(paper_links[j] for j in grouping.related[index] if j >= 0),
            digests=tuple(digest_links[d] for d in paper.digests),
            links=external_links(paper),
            note=curated.notes.get(paper.slug, ""),
            area=topics[own].area if own >= 0 else area_of_loose.get(index),
            seen=min((dates[d] for d in paper.digests if dates[d]), default=None),
        )
    topics = [
        dataclasses.replace(t, orders=list_orders(t.url, t.papers, views, "most central", ("newest", "upvotes")), citable=_citable(t.papers, views))
        for t in topics
    ]
    digests = [
        dataclasses.replace(d, orders=list_orders(d.url, d.papers, views, "as listed", ("newest", "upvotes")), citable=_citable(d.papers, views))
        for d in digests
    ]
    newest = max((d.date for d in digests if d.date), default=None)
    return Site(
        config, views, tuple(topics), tuple(digests), tuple(pages), grouping.params, _redirects(named, topics, areas),
        curated.featured, curated.removed, top_views(views, newest) if config.top_pages else (), tuple(areas),
    )


def site_pages(site: Site) -> list[Page]:
    """Every HTML page of the site, in a fixed order."""
    pages = [
        Page(urls.HOME, "index.html", site.config.title),
        Page(urls.TOPICS, "topics.html", "Topics"),
        Page(urls.DIGESTS, "digests.html", "Digests"),
        Page(urls.SEARCH, "search.html", "Search"),
        Page(urls.FOR_YOU, "foryou.html", "For you"),
        Page(urls.STARRED, "starred.html", "Starred"),
    ]
    if site.config.base_url:  # feeds need the public URL: without it there are none to list
        pages += [Page(urls.FEEDS, "feeds.html", "Feeds")]
    pages += [Page(t.url, "top.html", t.title, {"top": t}) for t in site.top]
    pages += [Page(a.url, "area.html", a.label, {"area": a}) for a in site.areas]
    pages += _list_pages(site, site.topics, "topic.html", "topic", lambda t: t.label)
    pages += [Page(p.url, "paper.html", p.title, {"paper": p}) for p in site.papers.values()]
    pages += _list_pages(site, site.digests, "digest.html", "digest", lambda d: d.title)
    pages += [Page(urls.page(p.slug), "page.html", p.title, {"doc": p}, listed=not p.draft) for p in site.pages]
    pages += [Page(r.path, "redirect.html", r.target.text, {"redirect": r}) for r in site.redirects]
    pages += [Page(urls.paper(slug), "removed.html", "Removed", listed=False) for slug in site.removed]
    return pages


def _citable(slugs, papers: dict) -> int:
    return sum(1 for slug in slugs if papers[slug].arxiv_id)


def _list_pages(site: Site, views, template: str, name: str, title) -> list[Page]:
    """Each topic's (or digest's) page in its own order, then in each other order it offers (not in the sitemap:
    the same papers as the page itself)."""
    pages = []
    for view in views:
        pages.append(Page(view.url, template, title(view), {name: view, "order": None, "slugs": view.papers}))
        for order in view.orders[1:]:
            slugs = ordered(view.papers, site.papers, order.key)
            context = {name: view, "order": order, "slugs": slugs}
            pages.append(Page(order.url, template, f"{title(view)}, {order.text} first", context, listed=False))
    return pages
