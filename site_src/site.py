"""Assemble the whole site in memory: every page, its URL and the links between them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

from .config import SiteConfig
from .errors import DigestError
from .model import Corpus, Paper
from .pages import MarkdownPage
from .topic_lock import NamedGrouping
from .topic_map import TopicMap, layout
from .urls import safe_url

RESERVED_PAGE_SLUGS = {"papers", "topics", "digests", "data", "assets", "search", "index", "404"}
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?])(?=\s+[A-Z(\[\"'])", re.DOTALL)


@dataclass(frozen=True)
class Link:
    """Something a page links to: its site-relative URL (`papers/x/`) and its text."""

    url: str
    text: str
    note: str = ""


@dataclass(frozen=True)
class PaperView:
    slug: str
    url: str
    title: str
    abstract: str
    summary: str  # the abstract's first sentence
    topics: tuple[Link, ...] = ()
    related: tuple[Link, ...] = ()
    digests: tuple[Link, ...] = ()
    authors: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()  # external: arXiv, PDF, code, ...
    arxiv_id: str | None = None
    upvotes: int | None = None
    ai_summary: str = ""
    ai_keywords: tuple[str, ...] = ()
    published: dt.date | None = None


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


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where it goes, with which template and data."""

    path: str  # site-relative folder URL, "" for home
    template: str
    title: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    papers: dict[str, PaperView]  # by slug, in slug order
    topics: tuple[TopicView, ...]
    digests: tuple[DigestView, ...]  # chronological, undated last
    pages: tuple[MarkdownPage, ...]
    grouping_params: dict
    redirects: tuple[Redirect, ...] = ()
    topic_map: TopicMap | None = None

    @cached_property
    def latest(self) -> DigestView | None:
        """The newest dated digest; without dates, the last by file name."""
        dated = [d for d in self.digests if d.date]
        return (dated or list(self.digests) or [None])[-1]

    @cached_property
    def updated(self) -> dt.date | None:
        """The newest digest's date: the site's "updated" date (never the build time, so builds stay identical)."""
        return max((d.date for d in self.digests if d.date), default=None)


def first_sentence(text: str, limit: int = 300) -> str:
    match = _FIRST_SENTENCE.match(text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def external_links(paper: Paper) -> tuple[Link, ...]:
    """Links out of a paper page; `note` names the kind (arxiv, hf, pdf, code, project) for data/papers.json."""
    links = []
    if paper.arxiv_id:  # ingest only keeps ids of the form 2506.14965, so these URLs are safe by construction
        links += [
            Link(f"https://arxiv.org/abs/{paper.arxiv_id}", "arXiv", "arxiv"),
            Link(f"https://huggingface.co/papers/{paper.arxiv_id}", "Hugging Face", "hf"),
            Link(f"https://arxiv.org/pdf/{paper.arxiv_id}", "PDF", "pdf"),
        ]
    for url, text, kind in ((paper.github_url, "Code", "code"), (paper.project_url, "Project page", "project")):
        if safe_url(url):
            links.append(Link(url, text, kind))
    return tuple(links)


def _topic_views(papers: list[Paper], named: NamedGrouping) -> list[TopicView]:
    topics = named.grouping.topics
    labels = [" · ".join(t.label) for t in topics]
    urls = [f"topics/{slug}/" for slug in named.slugs]
    return [
        TopicView(
            slug=slug,
            url=url,
            label=label,
            phrases=topic.label,
            papers=tuple(papers[i].slug for i in topic.members),
            related=tuple(Link(urls[r], labels[r]) for r in topic.related),
            own=topic.size,
            position=topic.position,
        )
        for slug, url, label, topic in zip(named.slugs, urls, labels, topics)
    ]


def _redirects(named: NamedGrouping, topics: list[TopicView]) -> tuple[Redirect, ...]:
    """Every retired topic URL, pointing at its successor (or the topics index when it has none)."""
    by_slug = {t.slug: t for t in topics}
    redirects = []
    for retired in named.retired:
        successor = by_slug.get(retired.successor)
        target = Link(successor.url, successor.label) if successor else Link("topics/", "All topics")
        redirects.append(Redirect(f"topics/{retired.slug}/", target))
    return tuple(redirects)


def _digest_views(corpus: Corpus) -> list[DigestView]:
    views = [
        DigestView(d.id, f"digests/{d.id}/", d.title, d.date, d.heading, corpus.listings[d.id]) for d in corpus.digests
    ]
    linked = []
    for i, view in enumerate(views):
        previous = Link(views[i - 1].url, views[i - 1].title) if i > 0 else None
        following = Link(views[i + 1].url, views[i + 1].title) if i + 1 < len(views) else None
        linked.append(DigestView(**{**view.__dict__, "previous": previous, "next": following}))
    return linked


def assemble(config: SiteConfig, corpus: Corpus, named: NamedGrouping, pages: list[MarkdownPage]) -> Site:
    """Every view of the site, with the URLs that link them."""
    papers = list(corpus.papers)
    for page in pages:
        if page.slug in RESERVED_PAGE_SLUGS:
            raise DigestError(f"page name {page.slug!r} is taken by the site itself; rename the file", page.source)
    grouping = named.grouping
    topics = _topic_views(papers, named)
    digests = _digest_views(corpus)
    digest_links = {d.id: Link(d.url, d.title) for d in digests}
    views = {}
    for index, paper in enumerate(papers):
        own, second = grouping.paper_topics[index]
        paper_topics = tuple(Link(topics[t].url, topics[t].label) for t in (own, second) if t >= 0)
        related = tuple(
            Link(f"papers/{papers[j].slug}/", papers[j].title) for j in grouping.related[index] if j >= 0
        )
        views[paper.slug] = PaperView(
            slug=paper.slug,
            url=f"papers/{paper.slug}/",
            title=paper.title,
            abstract=paper.abstract,
            summary=first_sentence(paper.abstract),
            topics=paper_topics,
            related=related,
            digests=tuple(digest_links[d] for d in paper.digests),
            authors=paper.authors,
            links=external_links(paper),
            arxiv_id=paper.arxiv_id,
            upvotes=paper.upvotes,
            ai_summary=paper.ai_summary,
            ai_keywords=paper.ai_keywords,
            published=paper.published,
        )
    return Site(
        config, views, tuple(topics), tuple(digests), tuple(pages), grouping.params, _redirects(named, topics), layout(topics)
    )


def site_pages(site: Site) -> list[Page]:
    """Every HTML page of the site, in a fixed order."""
    pages = [
        Page("", "index.html", site.config.title),
        Page("topics/", "topics.html", "Topics"),
        Page("digests/", "digests.html", "Digests"),
        Page("search/", "search.html", "Search"),
    ]
    pages += [Page(t.url, "topic.html", t.label, {"topic": t}) for t in site.topics]
    pages += [Page(p.url, "paper.html", p.title, {"paper": p}) for p in site.papers.values()]
    pages += [Page(d.url, "digest.html", d.title, {"digest": d}) for d in site.digests]
    pages += [Page(f"{p.slug}/", "page.html", p.title, {"doc": p}) for p in site.pages]
    pages += [Page(r.path, "redirect.html", r.target.text, {"redirect": r}) for r in site.redirects]
    return pages


def papers_json(site: Site) -> list[dict]:
    """The records of data/papers.json: every paper with its links, for other tools."""
    digest_ids = {d.url: d.id for d in site.digests}
    return [
        {
            "slug": p.slug,
            "title": p.title,
            "abstract": p.abstract,
            "url": p.url,
            "topics": [link.url.split("/")[1] for link in p.topics],
            "related": [link.url.split("/")[1] for link in p.related],
            "digests": [digest_ids[link.url] for link in p.digests],
            "authors": list(p.authors),
            "arxiv_id": p.arxiv_id,
            "upvotes": p.upvotes,
            "links": {link.note: link.url for link in p.links},
            "ai_summary": p.ai_summary,
            "ai_keywords": list(p.ai_keywords),
            "published": p.published.isoformat() if p.published else None,
        }
        for p in site.papers.values()
    ]


def relative_root(page_path: str) -> str:
    """From a page's folder URL back to the site root: `papers/x/` → `../../`."""
    return "../" * page_path.count("/")
