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
from site_src.outputs.recommend.vectors import NEIGHBOURS, SMOOTH, Vectors, Weighted, compact, paper_counts, smoothed_compact, tfidf

BUCKET_PAPERS = 64  # papers per vector bucket, about: a star costs one file of ~6 KB gzipped
LIKE = 30  # papers in "More like this", beyond the five related ones its page lists
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
    return int(buckets_of([slug], buckets)[0])


def buckets_of(slugs: list[str], buckets: int) -> np.ndarray:
    """bucket_of for every slug at once (FNV-1a of the UTF-8 bytes, modulo the buckets): one step of the hash per
    byte position, over all slugs together."""
    encoded = [slug.encode("utf-8") for slug in slugs]
    lengths = np.array([len(b) for b in encoded], dtype=np.int64)
    width = int(lengths.max(initial=0))
    padded = np.zeros((len(encoded), width), dtype=np.uint32)
    padded[np.arange(width)[None, :] < lengths[:, None]] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    value = np.full(len(encoded), 0x811C9DC5, dtype=np.uint32)
    for position in range(width):  # a loop over byte positions (at most ~70), not slugs
        step = (value ^ padded[:, position]) * np.uint32(0x01000193)  # uint32 arithmetic wraps, as & 0xFFFFFFFF does
        value = np.where(position < lengths, step, value)
    return (value % buckets).astype(np.int64)


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


class Encoded:
    """Each paper's JSON pieces, encoded once for every file that lists it (a paper sits in its bucket, in the recent
    papers and in up to 30 "More like this" lists): its slug as a key, and [slug, title] with and without the ]."""

    def __init__(self, slugs: list[str], titles: list[str]):
        self.key = [_text(s) for s in slugs]
        self.head = [f"[{k},{_text(t)}" for k, t in zip(self.key, titles)]  # "[slug,title": a record goes on
        self.pair = [f"{head}]" for head in self.head]  # "[slug,title]"


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _lists(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The integers values[start:end] of each (start, end) as JSON lists."""
    numbers = list(map(str, values.tolist()))
    return ["[" + ",".join(numbers[a:b]) + "]" for a, b in zip(starts.tolist(), ends.tolist())]


def vector_file(vectors: Vectors, rows: list[int], encoded: Encoded) -> bytes:
    """The vectors of `rows` as one file: its own sorted term list, each paper's terms as gaps between positions
    in it (small numbers compress well) and their levels."""
    return vector_files(vectors, [rows], encoded)[0]


def _in_buckets(members: list[list[int]], values: np.ndarray, counts: np.ndarray, width: int):
    """For `values` grouped by paper (`counts` per paper, the papers of `members` one bucket after another), each
    value's bucket and the bucket's distinct values in order with each value's position among them: (positions,
    where each bucket's distinct values start among `distinct`, distinct). One np.unique over (bucket, value) keys
    for every bucket, not one per bucket (a thousand calls at 34,000 papers)."""
    sizes = np.array([len(rows) for rows in members], dtype=np.int64)
    bucket = np.repeat(np.repeat(np.arange(len(members)), sizes), counts)
    keys, positions = np.unique(bucket * width + values, return_inverse=True)
    starts = np.searchsorted(keys, np.arange(len(members) + 1) * width)
    return positions.ravel() - starts[bucket], starts, keys % width


def vector_files(vectors: Vectors, members: list[list[int]], encoded: Encoded) -> list[bytes]:
    """vector_file of each bucket's rows (`members`), every bucket in one pass (one per bucket cost 0.8 s of CPU at
    34,000 papers, now 0.4 s)."""
    order = np.array([row for rows in members for row in rows], dtype=np.int64)
    part = vectors.rows[order]
    starts, ends = part.indptr[:-1], part.indptr[1:]
    local, bounds, used = _in_buckets(members, part.indices.astype(np.int64), np.diff(part.indptr), vectors.rows.shape[1])
    gaps = np.diff(local, prepend=-1)
    gaps[starts[starts < ends]] = local[starts[starts < ends]] + 1  # each paper's first position counts from -1
    records = [f"{encoded.head[row]},{g},{v}]" for row, g, v in zip(order.tolist(), _lists(gaps, starts, ends), _lists(part.data, starts, ends))]
    terms = [_text(term) for term in vectors.terms.tolist()]
    files, first = [], 0
    for number, rows in enumerate(members):
        listed = ",".join(map(terms.__getitem__, used[bounds[number] : bounds[number + 1]].tolist()))
        files.append(f'{{"terms":[{listed}],"papers":[{",".join(records[first : first + len(rows)])}]}}'.encode())
        first += len(rows)
    return files


def like_files(members: list[list[int]], best: np.ndarray, encoded: Encoded) -> list[bytes]:
    """like_file of each bucket's rows (`members`), every bucket in one pass."""
    lists = best[np.array([row for rows in members for row in rows], dtype=np.int64)]
    listed = lists >= 0  # a paper's list is its first entries: -1 only after them
    positions, bounds, shown = _in_buckets(members, lists[listed], listed.sum(axis=1), len(best) + 1)
    ends = np.cumsum(listed.sum(axis=1))
    lines = _lists(positions, ends - listed.sum(axis=1), ends)
    files, first = [], 0
    for number, rows in enumerate(members):
        like = ",".join(f"{encoded.key[row]}:{p}" for row, p in zip(rows, lines[first : first + len(rows)]))
        papers = ",".join(map(encoded.pair.__getitem__, shown[bounds[number] : bounds[number + 1]].tolist()))
        files.append(f'{{"papers":[{papers}],"like":{{{like}}}}}'.encode())
        first += len(rows)
    return files


def _closest_topics(unit: sp.csr_matrix, groups: list[np.ndarray]) -> np.ndarray:
    """(papers, QUERY_TOPICS): each paper's closest topics by the cosine of the topic's mean vector, closest first."""
    from site_src.topics.graph import closest_columns

    profiles = sp.vstack([sp.csr_matrix(unit[g].mean(axis=0)) for g in groups]).tocsr()
    norms = np.sqrt(np.asarray(profiles.multiply(profiles).sum(axis=1)).ravel())
    closeness = np.asarray((unit @ profiles.T).todense()) / np.maximum(norms, 1e-12)
    return closest_columns(closeness, QUERY_TOPICS)


def similar(unit: sp.csr_matrix, count: int = LIKE, groups: list[np.ndarray] | None = None, exact_up_to: int = EXACT_UP_TO) -> np.ndarray:
    """Each paper's `count` most similar papers by cosine of the compact vectors, best first (ties: lower index),
    itself left out; -1 where there are fewer, or where nothing is shared.

    Up to EXACT_UP_TO papers every pair is compared (topics/graph.py's neighbours). Above, with `groups` (the
    topics' papers), a paper is compared only with the papers that have one of its QUERY_TOPICS closest topics
    among their CANDIDATE_TOPICS closest (graph.neighbours_in_buckets), as topics/related.py bounds related
    papers: at 34,000 papers comparing every pair took a minute."""
    from site_src.topics.graph import neighbours, neighbours_in_buckets

    n = unit.shape[0]
    if groups is None or n <= exact_up_to:
        found, scores = neighbours(unit, count)
    else:
        closest = _closest_topics(unit, groups)
        found, scores = neighbours_in_buckets(unit, unit, closest, closest[:, :CANDIDATE_TOPICS], count, same=True)
    best = np.full((n, count), -1, dtype=np.int64)
    best[:, : found.shape[1]] = np.where(scores > 0, found, -1)  # nothing in common is not similar
    return best


def paper_vectors(weighted: Weighted, groups: list[np.ndarray] | None = None, smooth: float = SMOOTH, **cut) -> tuple[Vectors, np.ndarray]:
    """(the vectors the browser ranks with, each paper's LIKE most similar papers). The similar papers come from
    the vectors of a paper's own words; each vector is then smoothed towards its NEIGHBOURS most similar papers and
    cut again (`cut`: compact's keep, levels, shared)."""
    best = similar(compact(weighted.X, weighted.terms, **cut).unit(), LIKE, groups)
    return smoothed_compact(weighted.X, best[:, :NEIGHBOURS], weighted.terms, weighted.df, smooth, **cut), best


def like_file(rows: list[int], best: np.ndarray, encoded: Encoded) -> bytes:
    """"More like this" for the papers of one bucket: {slug: [positions in `papers`]}, `papers` as [slug, title]."""
    return like_files([rows], best, encoded)[0]


def _vectors(counts, groups: list[np.ndarray], cache: Path | None) -> tuple[Vectors, np.ndarray]:
    """paper_vectors of the counts, or the last build's where it computed them from the same (kept.py)."""
    if cache is None:
        return paper_vectors(tfidf(counts), groups)
    from site_src.outputs.recommend import kept

    key = kept.inputs_key(counts, groups)
    found = kept.load(cache, key)
    if found is None:
        found = paper_vectors(tfidf(counts), groups)
        kept.save(cache, key, *found)
    return found


def recommend_files(site: Site, cache: Path | None = None) -> dict[str, bytes]:
    """data/recommend/: the manifest, the recent papers' vectors, every paper's vector and similar papers by
    bucket. `cache`: this output's folder of .digest-cache/ (None: a build without one), where it keeps its papers'
    term counts (those it lacks are read from the topic stage's sibling folder, term_counts.FOLDER, never written)
    and the last vectors and lists (kept.py)."""
    from site_src.topics.term_counts import FOLDER

    papers = list(site.papers.values())
    slugs = [p.slug for p in papers]
    titles = [p.title for p in papers]
    counts = paper_counts(titles, [p.abstract for p in papers], site.config.topics.title_weight, cache and cache.parent / FOLDER, cache)
    buckets = bucket_count(len(papers))
    of = buckets_of(slugs, buckets)
    order = np.argsort(of, kind="stable")
    members = [rows.tolist() for rows in np.split(order, np.searchsorted(of[order], np.arange(1, buckets)))]
    row_of = {slug: row for row, slug in enumerate(slugs)}
    groups = [np.array(sorted({row_of[s] for s in t.papers if s in row_of}), dtype=np.int64) for t in site.topics]
    vectors, best = _vectors(counts, groups, cache)
    digests = recent_digests(site, site.config.recent_days)
    recent = sorted({row_of[s] for d in digests for s in d.papers if s in row_of})
    encoded = Encoded(slugs, titles)
    files = {urls.RECOMMEND_RECENT: vector_file(vectors, recent, encoded)}
    for number, (vector_data, like_data) in enumerate(zip(vector_files(vectors, members, encoded), like_files(members, best, encoded))):
        files[urls.recommend_vectors(number)] = vector_data
        files[urls.recommend_like(number)] = like_data
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
