"""Data files for other tools: data/papers.json, every paper with its topics, links and facts."""

from __future__ import annotations

import json

from site_src.assemble import Site, urls
from site_src.outputs.made import Made


def papers_json(site: Site) -> list[dict]:
    """The records of data/papers.json: every paper with its links, for other tools."""
    return [
        {
            "slug": p.slug,
            "title": p.title,
            "abstract": p.abstract,
            "url": p.url,
            "topics": [link.id for link in p.topics],
            "topic_labels": [link.text for link in p.topics],
            "related": [link.id for link in p.related],
            "digests": [link.id for link in p.digests],
            "authors": list(p.authors),
            "arxiv_id": p.arxiv_id,
            "upvotes": p.upvotes,
            "links": {link.kind: link.url for link in p.links},
            "ai_summary": p.ai_summary,
            "ai_keywords": list(p.ai_keywords),
            "published": p.published.isoformat() if p.published else None,
        }
        for p in site.papers.values()
    ]


def data_files(site: Site) -> Made:
    """data/papers.json: every paper as a record (papers_json)."""
    text = json.dumps(papers_json(site), ensure_ascii=False, indent=1) + "\n"
    return Made({urls.PAPERS_JSON: text.encode("utf-8")})
