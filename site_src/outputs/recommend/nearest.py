"""Each paper's most similar papers by cosine of its cut vector (whole-number levels): the "More like this" lists,
whose first NEIGHBOURS entries are also what each vector is smoothed towards.

A pair's score is computed from whole numbers: the product of two rows of levels (each at most 255, at most KEEP of
them: below 2**24, so float32 sums it exactly in any order, dense or sparse), times the listed paper's inverse norm
(float64), rounded to float32. The same pair so gets the same bits however the product was blocked, which lets a new
day's lists be the last day's merged with the new papers (`update`) and give exactly the lists of a computation
from nothing (`full`). A list is the best LIKE scores above 0, ties by the lower row, the paper itself left out.

Up to EXACT_UP_TO papers every pair is compared. Above, a paper is compared only with the papers that have one of
its QUERY_TOPICS closest topics among their CANDIDATE_TOPICS closest (as topics/related.py bounds related papers: at
34,000 papers comparing every pair took a minute); a topic's profile is the mean of its reference papers' unit rows,
so it moves only when the reference or the topics' reference papers do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from site_src.topics.graph import Products, _bucket_members, closest_columns, one_blas_thread

LIKE = 30  # papers in "More like this", beyond the five related ones its page lists
EXACT_UP_TO = 5000  # papers up to which every pair is compared (as topics/related.py's RELATED_EXACT)
QUERY_TOPICS, CANDIDATE_TOPICS = 3, 2  # above, papers meet in the topics closest to them (as topics/related.py)
_LOW = np.int64(0xFFFFFFFF)


@dataclass(frozen=True)
class Lists:
    """Each paper's best rows (-1 past the end) and their scores (float32, 0 past the end); and, above
    EXACT_UP_TO papers, each paper's QUERY_TOPICS closest topics and the topics' profiles (else empty)."""

    best: np.ndarray
    scores: np.ndarray
    closest: np.ndarray
    profiles: sp.csr_matrix


def inverse_norms(levels: sp.csr_matrix) -> np.ndarray:
    """1 / the length of each row of levels (0 for an empty row), from its exact sum of squares."""
    squares = np.asarray(levels.astype(np.int64).multiply(levels.astype(np.int64)).sum(axis=1), dtype=np.float64).ravel()
    return np.where(squares > 0, 1 / np.sqrt(np.maximum(squares, 1)), 0.0)


def _composite(scores: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """One int64 per score that orders as (score, -column): scores are >= 0 float32, whose bits order as they do."""
    return (scores.view(np.int32).astype(np.int64) << 32) | (_LOW - columns)


def _ranked(products: np.ndarray, columns: np.ndarray, inverse: np.ndarray, count: int, own: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows of the block, columns, scores) of each block row's `count` best columns with a score above 0, the row
    itself (`own`: each block row's paper) left out. Exact: a composite key per entry, so no tie is cut at random."""
    scores = (products * inverse[columns]).astype(np.float32)
    scores[own[:, None] == columns[None, :]] = 0
    take = min(count, len(columns))
    composite = _composite(scores, np.broadcast_to(columns, scores.shape))
    top = np.argpartition(-composite, take - 1, axis=1)[:, :take] if take < len(columns) else np.broadcast_to(np.arange(len(columns)), scores.shape)
    picked = np.take_along_axis(scores, top, axis=1)
    found = picked > 0
    rows = np.broadcast_to(np.arange(len(own))[:, None], top.shape)
    return own[rows[found]], columns[top[found]], picked[found]


def _merged(n: int, count: int, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's `count` best of the (row, column, score) candidates, best first, ties by the lower column; a
    candidate found twice counts once. (best, scores) as n x count arrays, -1 / 0 past the end."""
    rows, columns, scores = (np.concatenate([np.zeros(0, dtype=d), *(p[i] for p in parts)]) for i, d in enumerate((np.int64, np.int64, np.float32)))
    key = _composite(scores.astype(np.float32), columns.astype(np.int64))
    order = np.lexsort((-key, rows))
    rows, columns, scores, key = rows[order], columns[order], scores[order], key[order]
    fresh = np.ones(len(rows), dtype=bool)
    fresh[1:] = (rows[1:] != rows[:-1]) | (key[1:] != key[:-1])
    rows, columns, scores = rows[fresh], columns[fresh], scores[fresh]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    keep = rank < count
    best = np.full((n, count), -1, dtype=np.int64)
    found = np.zeros((n, count), dtype=np.float32)
    best[rows[keep], rank[keep]] = columns[keep]
    found[rows[keep], rank[keep]] = scores[keep]
    return best, found


def _unit(levels: sp.csr_matrix) -> sp.csr_matrix:
    return (sp.diags(inverse_norms(levels).astype(np.float32)) @ levels.astype(np.float32)).tocsr()


def profiles_of(levels: sp.csr_matrix, groups: list[np.ndarray]) -> sp.csr_matrix:
    """Each topic's profile: the mean unit row of its papers (`groups`: rows, in a fixed order), unit length."""
    unit = _unit(levels)
    means = sp.vstack([sp.csr_matrix(unit[g].mean(axis=0)) if len(g) else sp.csr_matrix((1, unit.shape[1]), dtype=np.float32) for g in groups]).tocsr()
    return (sp.diags(1 / np.maximum(np.sqrt(np.asarray(means.multiply(means).sum(axis=1)).ravel()), 1e-12)) @ means).tocsr()


def closest_topics(levels: sp.csr_matrix, profiles: sp.csr_matrix) -> np.ndarray:
    """(rows, QUERY_TOPICS): each row's closest topics by the cosine to their profiles, closest first. A row's
    answer depends on that row and the profiles alone."""
    return closest_columns(np.asarray((_unit(levels) @ profiles.T).todense()), QUERY_TOPICS)


def full(levels: sp.csr_matrix, count: int = LIKE, profiles: sp.csr_matrix | None = None, chunk: int = 512) -> Lists:
    """Every paper's list, computed from nothing: comparing every pair, or with the topics' `profiles` (for more
    than EXACT_UP_TO papers), within topics."""
    n = levels.shape[0]
    L = levels.astype(np.float32).tocsr()
    inverse = inverse_norms(levels)
    products = Products(L, L)
    parts = []
    if profiles is None:
        everyone = np.arange(n)
        for start in range(0, n, chunk):
            rows = everyone[start : start + chunk]
            with one_blas_thread():
                parts.append(_ranked(products.block(rows, None), everyone, inverse, count, rows))
        return Lists(*_merged(n, count, parts), np.zeros((0, QUERY_TOPICS), dtype=np.int64), sp.csr_matrix((0, levels.shape[1]), dtype=np.float32))
    closest = closest_topics(levels, profiles)
    parts = _in_topics(products, inverse, count, closest, np.arange(n), np.arange(n), chunk)
    return Lists(*_merged(n, count, parts), closest, profiles)


def _in_topics(products: Products, inverse, count, closest, rows_from, columns_from, chunk) -> list:
    """Candidates of the rows `rows_from` among the columns `columns_from` that meet them in a topic (a row's
    QUERY_TOPICS, a column's CANDIDATE_TOPICS), each row's best per topic."""
    topics = int(closest.max(initial=-1)) + 1
    in_column = _bucket_members(_only(closest[:, :CANDIDATE_TOPICS], columns_from), topics)
    in_row = _bucket_members(_only(closest, rows_from), topics)
    parts = []
    for topic in range(topics):  # a loop over topics
        columns, rows = in_column[topic], in_row[topic]
        for start in range(0, len(rows) if len(columns) else 0, chunk):
            local = rows[start : start + chunk]
            with one_blas_thread():
                parts.append(_ranked(products.block(local, columns), columns, inverse, count, local))
    return parts


def _only(closest: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """closest with every row not in `rows` in no topic (-1)."""
    out = np.full(closest.shape, -1, dtype=np.int64)
    out[rows] = closest[rows]
    return out


def update(levels: sp.csr_matrix, last: Lists, new: np.ndarray, count: int = LIKE, chunk: int = 512) -> Lists:
    """The lists of `levels` given `last`, the lists of every row but the `new` ones (last.best in this numbering,
    the new rows' entries anything): the new rows' lists in full, and each other row's list merged with the new
    papers it meets. The same lists `full` gives, computed only for what the new rows change."""
    n = levels.shape[0]
    L = levels.astype(np.float32).tocsr()
    inverse = inverse_norms(levels)
    is_new = np.zeros(n, dtype=bool)
    is_new[new] = True
    old = np.flatnonzero(~is_new)
    kept_rows, kept_slots = np.nonzero((last.best[old] >= 0))
    parts = [(old[kept_rows], last.best[old][kept_rows, kept_slots], last.scores[old][kept_rows, kept_slots])]
    if not len(last.closest):  # every pair: the new rows against all, and every old row against the new ones
        products = Products(L[new], L)
        with one_blas_thread():
            block = products.block(np.arange(len(new)), None)  # new x all
        parts.append(_ranked(block, np.arange(n), inverse, count, new))
        scores = (block[:, old].T * inverse[new]).astype(np.float32)  # old x new: the same products, the new papers' norms
        found = np.nonzero(scores > 0)
        parts.append((old[found[0]], new[found[1]], scores[found]))
        return Lists(*_merged(n, count, parts), last.closest, last.profiles)
    closest = last.closest.copy()
    closest[new] = closest_topics(levels[new], last.profiles)
    products = Products(L, L)
    parts += _in_topics(products, inverse, count, closest, new, np.arange(n), chunk)  # the new rows, in full
    parts += _in_topics(products, inverse, count, closest, old, new, chunk)  # old rows, among the new papers
    return Lists(*_merged(n, count, parts), closest, last.profiles)
