"""Related papers: each paper's most cosine-similar others, from row chunks of X @ X.T and argpartition.

Only similarity between papers; topics enter only as buckets that bound the comparisons on large corpora.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

# Related papers compare every pair up to this many papers; above, only papers near the same topics.
RELATED_EXACT = 5000
RELATED_BUCKETS = 3
RELATED_COLUMN_BUCKETS = 2
# A related paper must be this close (cosine of TF-IDF), and still this close once the one word the two share
# most is taken away: a shared proper name ("MiniMax", "JWST") alone is not relatedness. On the seed site the
# black-hole paper's best match is 0.11 (0.04 without its top word) and lists none; a paper's nearest match
# has a median of 0.20 (0.14 without).
RELATED_FLOOR = 0.12
RELATED_FLOOR_WITHOUT_TOP_WORD = 0.08


def related_papers(
    X: sp.csr_matrix, count: int, chunk: int = 2048, profiles: np.ndarray | None = None, exact_up_to: int = RELATED_EXACT
) -> np.ndarray:
    """Each row's `count` most cosine-similar other rows (rows are L2-normalized), -1 where none.

    Up to `exact_up_to` rows, or without topic `profiles` (topics x terms), every pair is compared. Above,
    a row is compared only with the rows that have one of its RELATED_BUCKETS closest profiles among their
    RELATED_COLUMN_BUCKETS closest: 87% of the exact related papers on the 3,956 real API papers (3 and 2;
    4 and 4 give 95% at twice the cost), at a cost near linear instead of quadratic.
    """
    if profiles is None or len(profiles) <= RELATED_BUCKETS or X.shape[0] <= exact_up_to:
        return above_floor(X, _related_exact(X, count, chunk))
    from site_src.topics.graph import closest_columns, neighbours_in_buckets

    unit = profiles / np.maximum(np.linalg.norm(profiles, axis=1, keepdims=True), 1e-12)
    closeness = np.asarray(X @ unit.T.astype(X.dtype))
    buckets = closest_columns(closeness, RELATED_BUCKETS)
    idx, sim = neighbours_in_buckets(X, X, buckets, buckets[:, :RELATED_COLUMN_BUCKETS], count, same=True, chunk=chunk)
    return above_floor(X, np.where(sim > 0, idx, -1))


def above_floor(X: sp.csr_matrix, related: np.ndarray, chunk: int = 4096, papers: np.ndarray | None = None) -> np.ndarray:
    """`related` (rows of paper indices, best first, -1 for none; row i is paper i's, or papers[i]'s) without the
    papers under RELATED_FLOOR, or under RELATED_FLOOR_WITHOUT_TOP_WORD once the one word they share most is left
    out; the rest keep their order."""
    n, count = related.shape
    papers = np.arange(n) if papers is None else papers
    keep = related >= 0
    for start in range(0, n, chunk):  # the pairs' shared words, a chunk of rows at a time
        rows = np.arange(start, min(start + chunk, n))
        shared = X[np.repeat(papers[rows], count)].multiply(X[related[rows].reshape(-1).clip(0)]).tocsr()
        total = np.asarray(shared.sum(axis=1)).ravel()
        top = shared.max(axis=1).toarray().ravel()
        passes = (total >= RELATED_FLOOR) & (total - top >= RELATED_FLOOR_WITHOUT_TOP_WORD)
        keep[rows] &= passes.reshape(len(rows), count)
    order = np.argsort(~keep, axis=1, kind="stable")  # kept ones first, in their order
    return np.where(np.take_along_axis(keep, order, axis=1), np.take_along_axis(related, order, axis=1), -1)


def _related_exact(X: sp.csr_matrix, count: int, chunk: int = 2048) -> np.ndarray:
    """Each row's `count` most cosine-similar other rows (rows are L2-normalized), -1 where none."""
    n = X.shape[0]
    result = np.full((n, count), -1, dtype=np.int64)
    if n < 2 or count == 0:
        return result
    XT = X.T.tocsr()  # CSR once: each chunk's product would convert a CSC operand again
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        result[rows] = _related_exact_rows(X, count, rows, XT)
    return result


def related_with_new(X: sp.csr_matrix, count: int, remembered: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Related papers after papers were added: a new paper's are the best of all papers. Another paper keeps its
    `remembered` ones (rows of paper indices, -1 for none) as they are, unless a new paper comes as close to it as
    the related floor: then its list is chosen again from its remembered ones and the new papers. (So a day's
    build compares only the new papers with all, and rewrites only the pages whose lists change; it does not
    recompute every pair because a day's papers moved the word weights a little.)"""
    result = remembered.copy()
    if not len(new):
        return result
    # (papers, new papers): every paper against each new one; the new rows times the transposed matrix, a third
    # quicker than the whole matrix times the transposed new rows.
    new_scores = (X[new] @ X.T.tocsr()).toarray().T
    new_scores[new, np.arange(len(new))] = -1.0  # never itself
    near = (new_scores >= RELATED_FLOOR).any(axis=1)
    near[new] = False
    touched = np.flatnonzero(near)
    kept = remembered[touched]
    # Candidates per touched paper: its remembered related papers, then every new paper.
    candidates = np.concatenate([kept, np.broadcast_to(new, (len(touched), len(new)))], axis=1)
    pairs = X[np.repeat(touched, kept.shape[1])].multiply(X[kept.reshape(-1).clip(0)])
    old_scores = np.where(kept >= 0, np.asarray(pairs.sum(axis=1)).reshape(kept.shape), -1.0)
    scores = np.concatenate([old_scores, new_scores[touched]], axis=1)
    scores[candidates == touched[:, None]] = -1.0  # never itself
    # A paper listed twice (a remembered related paper cannot be new, so only -1 repeats) is harmless.
    order = np.lexsort((candidates, -scores), axis=1)[:, :count]
    best = np.take_along_axis(scores, order, axis=1)
    result[touched] = np.where(best > 0, np.take_along_axis(candidates, order, axis=1), -1)
    result[new] = _best(new_scores.T, count)  # the new papers compare with every paper
    changed = np.concatenate([touched, new])
    result[changed] = above_floor(X, result[changed], papers=changed)
    return result


def _best(sims: np.ndarray, count: int) -> np.ndarray:
    """Each row's `count` highest columns of the similarities `sims` (a row's own column already set below 0),
    highest first, ties by lower index; -1 where none is above 0."""
    rows, n = sims.shape
    result = np.full((rows, count), -1, dtype=np.int64)
    take = min(count, n - 1)
    if take <= 0 or not rows:
        return result
    top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
    scores = np.take_along_axis(sims, top, axis=1)
    order = np.lexsort((top, -scores), axis=1)
    top = np.take_along_axis(top, order, axis=1)
    scores = np.take_along_axis(scores, order, axis=1)
    result[:, :take] = np.where(scores > 0, top, -1)
    return result


def _related_exact_rows(X: sp.csr_matrix, count: int, rows: np.ndarray, XT=None) -> np.ndarray:
    """The `count` most cosine-similar other rows of each of `rows`, -1 where none."""
    if not len(rows) or X.shape[0] < 2:
        return np.full((len(rows), count), -1, dtype=np.int64)
    sims = (X[rows] @ (X.T.tocsr() if XT is None else XT)).toarray()
    sims[np.arange(len(rows)), rows] = -1.0
    return _best(sims, count)
