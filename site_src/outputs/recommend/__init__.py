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
from site_src.outputs.recommend import nearest
from site_src.outputs.recommend.nearest import EXACT_UP_TO, LIKE, Lists
from site_src.outputs.recommend.vectors import NEIGHBOURS, SMOOTH, Vectors, Weighted, cut, paper_counts, shrink, smoothed_cut, tfidf

BUCKET_PAPERS = 64  # papers per vector bucket, about: a star costs one file of ~6 KB gzipped
# The terms are weighed by the papers that came first (reference_size of them): all of a small site's; above
# REFERENCE_FROM papers, the first of a few sizes each REFERENCE_GROWTH times the last. Until the papers reach the
# next size, a paper's vector is its own words' alone, and a new day costs its own papers (kept.py). On the theme
# sets, weights without the newest eleventh (or sixth) of the papers move P@10 by under a point, well inside the
# spread between draws of stars (bench/recommend_reference.py).
REFERENCE_FROM = 500
REFERENCE_GROWTH = 1.1


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


def reference_size(papers: int) -> int:
    """How many of `papers` weigh the terms: all up to REFERENCE_FROM; above, the largest of REFERENCE_FROM,
    int(REFERENCE_FROM * REFERENCE_GROWTH), int(that * REFERENCE_GROWTH), ... not past `papers`."""
    if papers <= REFERENCE_FROM:
        return papers
    size = REFERENCE_FROM
    while int(size * REFERENCE_GROWTH) <= papers:  # a few dozen steps at most
        size = int(size * REFERENCE_GROWTH)
    return size


def first_seen(site: Site) -> np.ndarray:
    """The papers' rows (site.papers' order) in the order they first appeared: by the first digest listing them
    (site.digests: chronological, undated last), then by slug. A new day's papers come last."""
    row_of = {slug: row for row, slug in enumerate(site.papers)}
    listed = [(number, row_of[s]) for number, d in enumerate(site.digests) for s in d.papers if s in row_of]
    position = np.full(len(row_of), len(site.digests), dtype=np.int64)
    if listed:
        numbers, rows = np.array(listed, dtype=np.int64).T
        np.minimum.at(position, rows, numbers)
    return np.lexsort((np.arange(len(row_of)), position))


def paper_vectors(weighted: Weighted, groups: list[np.ndarray] | None = None, smooth: float = SMOOTH, **options) -> tuple[Vectors, np.ndarray]:
    """(the vectors the browser ranks with, each paper's LIKE most similar papers), computed from nothing. The
    similar papers come from the cut of a paper's own words; each vector is then smoothed towards its NEIGHBOURS
    most similar papers and cut again (`options`: vectors.cut's keep, levels, shared). `groups`: the topics'
    reference papers, whose profiles bound the comparisons above EXACT_UP_TO papers."""
    made = _full(weighted, groups, smooth, **options)
    return shrink(made[1], weighted.terms), made[2].best


def _full(weighted: Weighted, groups, smooth: float = SMOOTH, **options):
    """(first cut, smoothed cut, lists) of every paper."""
    first = cut(weighted.X, weighted.df, **options)
    profiles = nearest.profiles_of(first, groups) if groups is not None and first.shape[0] > EXACT_UP_TO else None
    lists = nearest.full(first, LIKE, profiles)
    final = smoothed_cut(weighted.X, lists.best[:, :NEIGHBOURS], weighted.df, np.arange(first.shape[0]), smooth, **options)
    return first, final, lists


def _in_order(old: sp.csr_matrix, at: np.ndarray, fresh: sp.csr_matrix, new: np.ndarray) -> sp.csr_matrix:
    """Rows of `old` placed at rows `at` and rows of `fresh` at rows `new`, as one matrix."""
    source = np.empty(len(at) + len(new), dtype=np.int64)
    source[at] = np.arange(len(at))
    source[new] = len(at) + np.arange(len(new))
    return sp.vstack([old, fresh], format="csr")[source]


def _made(weighted: Weighted, slugs: list[str], keys: list[bytes], groups: list[np.ndarray] | None, cache: Path | None, title_weight: int):
    """(first cut, smoothed cut, lists) of every paper: from what the last build kept under the same key, updated for
    the papers it did not have (kept.py), else from nothing. The key holds all a kept row depends on besides its
    paper's text: the weights (terms, document frequencies, the IDF as this machine computes it, the reference's
    size), how a title is counted, whether papers meet within topics and the topics' reference papers."""
    from site_src.outputs.recommend import kept

    exact = groups is None or len(slugs) <= EXACT_UP_TO
    group_slugs = [] if exact else ["\0".join(slugs[r] for r in g) for g in groups]
    key = kept.key_of(
        kept.text_array(weighted.terms.tolist()), weighted.df.astype(np.int64), np.asarray(weighted.idf, dtype=np.float32),
        np.array([weighted.reference, title_weight, exact], dtype=np.int64),
        np.frombuffer("\n".join(group_slugs).encode("utf-8", "surrogatepass"), dtype=np.uint8),
    )
    last = kept.load(cache, key)
    if last is not None and last.first.shape[1] != len(weighted.terms):
        last = None
    if last:
        row_of = {(slug, paper): row for row, (slug, paper) in enumerate(zip(slugs, keys))}
        at = np.array([row_of.get(pair, -1) for pair in zip(last.slugs, last.papers)], dtype=np.int64)
    if last is not None and len(at) == len(slugs) and (at == np.arange(len(slugs))).all():  # the same papers
        return last.first, last.final, last.lists
    if last is None or (at < 0).any() or (np.diff(at) <= 0).any():  # a paper gone, changed or moved: from nothing
        first, final, lists = _full(weighted, groups)
    else:
        is_new = np.ones(len(slugs), dtype=bool)
        is_new[at] = False
        new = np.flatnonzero(is_new)
        first = _in_order(last.first, at, cut(weighted.X[new], weighted.df), new)
        moved = np.concatenate([at, [-1]])  # the kept lists in this numbering
        best = np.full((len(slugs), LIKE), -1, dtype=np.int64)
        scores = np.zeros((len(slugs), LIKE), dtype=np.float32)
        best[at], scores[at] = moved[last.lists.best], last.lists.scores
        closest = np.zeros((len(slugs) if len(last.lists.closest) else 0, last.lists.closest.shape[1]), dtype=np.int64)
        if len(closest):
            closest[at] = last.lists.closest
        lists = nearest.update(first, Lists(best, scores, closest, last.lists.profiles), new)
        # smoothed again: the new papers and those whose nearest papers changed
        changed = np.flatnonzero(is_new | (lists.best[:, :NEIGHBOURS] != best[:, :NEIGHBOURS]).any(axis=1))
        fresh = smoothed_cut(weighted.X, lists.best[:, :NEIGHBOURS], weighted.df, changed)
        same = np.flatnonzero(~is_new)
        same = np.setdiff1d(same, changed, assume_unique=True)  # old papers whose smoothed vector stands
        old_row = np.full(len(slugs), -1, dtype=np.int64)
        old_row[at] = np.arange(len(at))
        final = _in_order(last.final[old_row[same]], same, fresh, changed)
    if cache is not None:
        kept.save(cache, key, kept.Made(slugs, keys, first, final, lists))
    return first, final, lists


def like_file(rows: list[int], best: np.ndarray, encoded: Encoded) -> bytes:
    """"More like this" for the papers of one bucket: {slug: [positions in `papers`]}, `papers` as [slug, title]."""
    return like_files([rows], best, encoded)[0]


def recommend_files(site: Site, cache: Path | None = None) -> dict[str, bytes]:
    """data/recommend/: the manifest, the recent papers' vectors, every paper's vector and similar papers by
    bucket. `cache`: this output's folder of .digest-cache/ (None: a build without one), where it keeps its papers'
    term counts (those it lacks are read from the topic stage's sibling folder, term_counts.FOLDER, never written)
    and the last vectors and lists (kept.py)."""
    from site_src.topics.lock import paper_keys
    from site_src.topics.term_counts import FOLDER

    papers = list(site.papers.values())
    slugs = [p.slug for p in papers]
    titles = [p.title for p in papers]
    abstracts = [p.abstract for p in papers]
    keys = paper_keys(titles, abstracts)
    reference = np.sort(first_seen(site)[: reference_size(len(papers))])
    counts = paper_counts(titles, abstracts, site.config.topics.title_weight, cache and cache.parent / FOLDER, cache, reference, keys)
    buckets = bucket_count(len(papers))
    of = buckets_of(slugs, buckets)
    order = np.argsort(of, kind="stable")
    members = [rows.tolist() for rows in np.split(order, np.searchsorted(of[order], np.arange(1, buckets)))]
    row_of = {slug: row for row, slug in enumerate(slugs)}
    in_reference = np.zeros(len(papers), dtype=bool)
    in_reference[reference] = True
    # each topic's reference papers, in an order of their own (a topic's place in the lists moves with its size)
    members_of = (np.array(sorted({row_of[s] for s in t.papers if s in row_of}), dtype=np.int64) for t in site.topics)
    groups = sorted((g for g in (rows[in_reference[rows]] for rows in members_of) if len(g)), key=lambda g: g.tolist())
    weighted = tfidf(counts, reference=reference)
    _, final, lists = _made(weighted, slugs, keys, groups, cache, site.config.topics.title_weight)
    vectors, best = shrink(final, weighted.terms), lists.best
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
