"""Recommendations: the files the browser ranks papers from, for "For you" and "More like this".

It turns the assembled site into data/recommend/: the compact vectors of the recent papers (the candidates "For
you" ranks, one file), every paper's vector in buckets by slug (so a reader's starred papers are found by loading
one small file each, not the whole site), each paper's most similar papers (loaded when a reader asks for "More
like this"), and a manifest naming them. The For-you page of a 34,000-paper site so loads the recent papers and
one bucket per star, never every vector. It renders no page; the ranking itself runs in the browser
(templates/assets/recommend/).
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import scipy.sparse as sp

from site_src.assemble import DigestView, Site, urls
from site_src.outputs.recommend.vectors import Vectors, compact, paper_text, tfidf

BUCKET_PAPERS = 64  # papers per vector bucket, about: a star costs one file of ~6 KB gzipped
LIKE = 30  # papers in "More like this", beyond the five related ones its page lists
_CHUNK = 512  # rows of the similarity product at a time: 512 × 34,000 floats is 70 MB


def bucket_count(papers: int) -> int:
    """Buckets for this many papers: a power of two, so a growing site renames its buckets seldom."""
    count = 1
    while count * BUCKET_PAPERS < papers:
        count *= 2
    return count


def bucket_of(slug: str, buckets: int) -> int:
    """FNV-1a of the slug's UTF-8 bytes, modulo the buckets: the same hash as the browser's (vectors.js bucketOf)."""
    value = 0x811C9DC5
    for byte in slug.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % buckets


def recent_digests(site: Site, days: int) -> list[DigestView]:
    """The digests "For you" ranks the papers of: those dated within `days` days up to the newest one, and at least
    the newest `days` digests (a site that publishes weekly still gets a week's worth of choice)."""
    newest = site.newest_first
    if not newest:
        return []
    latest = newest[0].date
    window = [d for d in newest if latest and d.date and d.date > latest - dt.timedelta(days=days)]
    return window if len(window) >= days else list(newest[:days])


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def vector_file(vectors: Vectors, rows: list[int], slugs: list[str], titles: list[str]) -> bytes:
    """The vectors of `rows` as one file: its own sorted term list, each paper's terms as gaps between positions
    in it (small numbers compress well) and their levels."""
    part = vectors.rows[rows]
    used = np.unique(part.indices)
    local = np.searchsorted(used, part.indices)
    records = []
    for n, row in enumerate(rows):
        start, end = part.indptr[n], part.indptr[n + 1]
        positions = local[start:end]
        gaps = np.diff(positions, prepend=-1).tolist()
        records.append([slugs[row], titles[row], gaps, part.data[start:end].tolist()])
    return _json({"terms": vectors.terms[used].tolist(), "papers": records})


def similar(unit: sp.csr_matrix, count: int = LIKE) -> np.ndarray:
    """Each paper's `count` most similar papers by cosine of the compact vectors, best first (ties: lower index),
    itself left out; -1 where there are fewer."""
    n = unit.shape[0]
    best = np.full((n, count), -1, dtype=np.int64)
    take = min(count, n - 1)
    if take <= 0:
        return best
    T = unit.T.tocsc()
    for start in range(0, n, _CHUNK):
        block = (unit[start : start + _CHUNK] @ T).toarray()
        rows = np.arange(block.shape[0])
        block[rows, start + rows] = -np.inf
        top = np.argpartition(-block, take - 1, axis=1)[:, :take]
        scores = np.take_along_axis(block, top, axis=1)
        order = np.lexsort((top, -scores), axis=1)
        ranked = np.take_along_axis(top, order, axis=1)
        ranked[np.take_along_axis(scores, order, axis=1) <= 0] = -1  # nothing in common is not similar
        best[start : start + block.shape[0], :take] = ranked
    return best


def like_file(rows: list[int], best: np.ndarray, slugs: list[str], titles: list[str]) -> bytes:
    """"More like this" for the papers of one bucket: {slug: [positions in `papers`]}, `papers` as [slug, title]."""
    shown = sorted({int(j) for row in rows for j in best[row] if j >= 0})
    position = {j: i for i, j in enumerate(shown)}
    like = {slugs[row]: [position[int(j)] for j in best[row] if j >= 0] for row in rows}
    return _json({"papers": [[slugs[j], titles[j]] for j in shown], "like": like})


def recommend_files(site: Site) -> dict[str, bytes]:
    """data/recommend/: the manifest, the recent papers' vectors, every paper's vector and similar papers by bucket."""
    papers = list(site.papers.values())
    slugs = [p.slug for p in papers]
    titles = [p.title for p in papers]
    X, terms = tfidf([paper_text(p.title, p.abstract, p.authors) for p in papers])
    vectors = compact(X, terms)
    buckets = bucket_count(len(papers))
    members: list[list[int]] = [[] for _ in range(buckets)]
    for row, slug in enumerate(slugs):
        members[bucket_of(slug, buckets)].append(row)
    best = similar(vectors.unit())
    row_of = {slug: row for row, slug in enumerate(slugs)}
    digests = recent_digests(site, site.config.recent_days)
    recent = sorted({row_of[s] for d in digests for s in d.papers if s in row_of})
    files = {urls.RECOMMEND_RECENT: vector_file(vectors, recent, slugs, titles)}
    for number, rows in enumerate(members):
        files[urls.recommend_vectors(number)] = vector_file(vectors, rows, slugs, titles)
        files[urls.recommend_like(number)] = like_file(rows, best, slugs, titles)
    manifest = {
        "recent": urls.RECOMMEND_RECENT,
        "digests": [{"id": d.id, "title": d.title, "url": d.url} for d in digests],
        "buckets": buckets,
        "papers": urls.recommend_vectors("{}"),
        "like": urls.recommend_like("{}"),
        "paper": urls.paper("{}"),
    }
    files[urls.RECOMMEND_MANIFEST] = _json(manifest)
    return files
