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
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from site_src.assemble import DigestView, Site, urls
from site_src.outputs.recommend.vectors import NEIGHBOURS, SMOOTH, Vectors, Weighted, compact, paper_counts, smoothed, tfidf

BUCKET_PAPERS = 64  # papers per vector bucket, about: a star costs one file of ~6 KB gzipped
LIKE = 30  # papers in "More like this", beyond the five related ones its page lists
_CHUNK = 512  # rows of the similarity product at a time: 512 × 34,000 floats is 70 MB
EXACT_UP_TO = 5000  # papers up to which "More like this" compares every pair (as topics/related.py's RELATED_EXACT)
QUERY_TOPICS, CANDIDATE_TOPICS = 3, 2  # above, papers meet in the topics closest to them (as topics/related.py)


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


def _best(block: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's `count` highest columns of a dense block, and their scores (unordered)."""
    take = min(count, block.shape[1])
    top = np.argpartition(-block, take - 1, axis=1)[:, :take]
    return top, np.take_along_axis(block, top, axis=1)


def _topic_blocks(unit: sp.csr_matrix, groups: list[np.ndarray]):
    """(papers, the papers they are compared with) per topic: the papers with the topic among their QUERY_TOPICS
    closest (by the cosine of the topic's mean vector), against those with it among their CANDIDATE_TOPICS."""
    profiles = sp.vstack([sp.csr_matrix(unit[g].mean(axis=0)) for g in groups]).tocsr()
    norms = np.sqrt(np.asarray(profiles.multiply(profiles).sum(axis=1)).ravel())
    closeness = np.asarray((unit @ profiles.T).todense()) / np.maximum(norms, 1e-12)
    closest = np.argsort(-closeness, axis=1, kind="stable")[:, :QUERY_TOPICS]
    for topic in range(len(groups)):
        members = np.flatnonzero((closest == topic).any(axis=1))
        among = np.flatnonzero((closest[:, :CANDIDATE_TOPICS] == topic).any(axis=1))
        if len(members) and len(among):
            yield members, among


def similar(unit: sp.csr_matrix, count: int = LIKE, groups: list[np.ndarray] | None = None, exact_up_to: int = EXACT_UP_TO) -> np.ndarray:
    """Each paper's `count` most similar papers by cosine of the compact vectors, best first (ties: lower index),
    itself left out; -1 where there are fewer, or where nothing is shared.

    Up to EXACT_UP_TO papers every pair is compared. Above, with `groups` (the topics' papers), a paper is
    compared only with the papers near its closest topics (_topic_blocks), as topics/related.py bounds related
    papers: at 34,000 papers comparing every pair took a minute."""
    n = unit.shape[0]
    rows, cands, scores = [], [], []
    if groups is None or n <= exact_up_to:
        groups, T = None, unit.T.tocsc()
        blocks = ((np.arange(s, min(s + _CHUNK, n)), None) for s in range(0, n, _CHUNK))
    else:
        blocks = _topic_blocks(unit, groups)
    for members, among in blocks:
        if among is None:
            block = (unit[members] @ T).toarray()
            block[np.arange(len(members)), members] = -np.inf
            columns = None
        else:
            block = (unit[members] @ unit[among].T).toarray()
            block[members[:, None] == among[None, :]] = -np.inf
            columns = among
        top, score = _best(block, count)
        rows.append(np.repeat(members, top.shape[1]))
        cands.append((top if columns is None else columns[top]).ravel())
        scores.append(score.ravel())
    best = np.full((n, count), -1, dtype=np.int64)
    if not rows:
        return best
    rows, cands, scores = np.concatenate(rows), np.concatenate(cands), np.concatenate(scores)
    keep = scores > 0  # nothing in common is not similar
    rows, cands, scores = rows[keep], cands[keep], scores[keep]
    order = np.lexsort((cands, -scores, rows))  # by paper, best first, ties by index
    rows, cands = rows[order], cands[order]
    # a paper met in two of its topics is listed once: its first (best) place; sorted back into that order
    first = np.sort(np.unique(rows * n + cands, return_index=True)[1])
    rows, cands = rows[first], cands[first]
    starts = np.searchsorted(rows, np.arange(n))
    rank = np.arange(len(rows)) - starts[rows]
    within = rank < count
    best[rows[within], rank[within]] = cands[within]
    return best


def paper_vectors(weighted: Weighted, groups: list[np.ndarray] | None = None, smooth: float = SMOOTH, **cut) -> tuple[Vectors, np.ndarray]:
    """(the vectors the browser ranks with, each paper's LIKE most similar papers). The similar papers come from
    the vectors of a paper's own words; each vector is then smoothed towards its NEIGHBOURS most similar papers and
    cut again (`cut`: compact's keep, levels, shared)."""
    best = similar(compact(weighted.X, weighted.terms, **cut).unit(), LIKE, groups)
    return compact(smoothed(weighted.X, best[:, :NEIGHBOURS], smooth), weighted.terms, df=weighted.df, **cut), best


def like_file(rows: list[int], best: np.ndarray, slugs: list[str], titles: list[str]) -> bytes:
    """"More like this" for the papers of one bucket: {slug: [positions in `papers`]}, `papers` as [slug, title]."""
    shown = sorted({int(j) for row in rows for j in best[row] if j >= 0})
    position = {j: i for i, j in enumerate(shown)}
    like = {slugs[row]: [position[int(j)] for j in best[row] if j >= 0] for row in rows}
    return _json({"papers": [[slugs[j], titles[j]] for j in shown], "like": like})


def recommend_files(site: Site, cache: Path | None = None) -> dict[str, bytes]:
    """data/recommend/: the manifest, the recent papers' vectors, every paper's vector and similar papers by
    bucket. `cache`: this output's folder of .digest-cache/ (None: a build without one); the topic stage's term
    counts are read from its sibling (term_counts.FOLDER), never written."""
    from site_src.topics.term_counts import FOLDER

    papers = list(site.papers.values())
    slugs = [p.slug for p in papers]
    titles = [p.title for p in papers]
    counts = paper_counts(titles, [p.abstract for p in papers], site.config.topics.title_weight, cache and cache.parent / FOLDER)
    buckets = bucket_count(len(papers))
    members: list[list[int]] = [[] for _ in range(buckets)]
    for row, slug in enumerate(slugs):
        members[bucket_of(slug, buckets)].append(row)
    row_of = {slug: row for row, slug in enumerate(slugs)}
    groups = [np.array(sorted({row_of[s] for s in t.papers if s in row_of}), dtype=np.int64) for t in site.topics]
    vectors, best = paper_vectors(tfidf(counts), groups)
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
