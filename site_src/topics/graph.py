"""Topics as communities of a neighbour graph: each paper's nearest papers by TF-IDF cosine, cut by spectral clustering.

Builds the graph (exact top-k in row chunks), embeds it with the normalized adjacency's leading
eigenvectors and groups the embedding with seeded k-means, warm-started from remembered topics when a
lock is given. Gives each paper a weight per topic: the share of its neighbours' edge weight that lies in
that topic. Does not vectorize text, label topics or name them.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import scipy.sparse as sp

from site_src.config import TopicSettings

AUTO_TOPICS_PER_SQRT = 1.4
MOST_PAPERS = 300  # own papers a topic may hold: larger ones are split (split.py; issue #25: "say <= 300 a topic")
AIMED_PAPERS = 250  # the average the automatic count keeps to, and what a split aims at
# Each paper's nearest papers form its edges. On the seed themes (bench/topics_eval.py, 5 seeds) 15 scores
# F1 0.61, 10 gives 0.55 and 25 gives 0.60.
NEIGHBOURS = 15
# A larger corpus fits its topics on this many papers (a fixed, seeded choice by title hash, so adding a dump
# changes the sample little); every other paper joins the topics of its nearest sampled papers. The fit costs
# the same at 34,000 papers as at 3,000; placing the rest grows linearly.
FIT_SAMPLE = 4000
DENSE_UP_TO = 1500  # below this many papers a dense eigendecomposition is quicker than ARPACK
KMEANS_INITS = 4
SUBSPACE_ITERATIONS = 12
# A paper outside the fitted sample is compared with the fitted papers of its closest topics only.
JOIN_BUCKETS = 2
# A term at least this share of papers use is multiplied densely (Products): where a dense product of one term costs
# less than the sparse product's work for it (about its papers squared, at a thousandth of BLAS's speed).
COMMON_TERMS = 1 / 32


def neighbours(X: sp.csr_matrix, k: int, Y: sp.csr_matrix | None = None, chunk: int = 2048, exclude_self: bool = True):
    """Each row's k most cosine-similar rows of Y (X itself by default), as (indices, similarities); ties by lower index.

    Rows are L2-normalized, so a product is the cosine (Products); rows go in chunks to bound memory.
    """
    Y = X if Y is None else Y
    n, m = X.shape[0], Y.shape[0]
    k = min(k, m - (1 if exclude_self else 0))
    idx = np.zeros((n, max(k, 0)), dtype=np.int64)
    sim = np.zeros((n, max(k, 0)), dtype=np.float32)
    if k <= 0:
        return idx, sim
    products = Products(X, Y)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        with one_blas_thread():
            S = products.block(rows, None)
        if exclude_self:
            S[np.arange(len(rows)), rows] = -1.0
        top = np.argpartition(-S, k - 1, axis=1)[:, :k]
        s = np.take_along_axis(S, top, axis=1)
        order = np.lexsort((top, -s), axis=1)
        idx[rows] = np.take_along_axis(top, order, axis=1)
        sim[rows] = np.take_along_axis(s, order, axis=1)
    return idx, sim


_BLAS = []  # the threadpoolctl controller, made once: making one looks through every loaded library (milliseconds)


def one_blas_thread():
    """A context in which BLAS runs on one thread: small dense products, many of them (threadpoolctl)."""
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


class Products:
    """Dense blocks of X @ Y.T for sparse TF-IDF rows: the terms at least COMMON_TERMS of Y's rows use by a dense
    (BLAS) product, the rest by a sparse one. Nearly every pair of papers shares a common term, so a sparse product
    alone fills a dense block entry by entry (3,956 papers: 0.5 s of 0.9 s for the neighbour graph; split: 0.3 s)."""

    def __init__(self, X: sp.csr_matrix, Y: sp.csr_matrix):
        common = np.bincount(Y.indices, minlength=Y.shape[1]) >= max(2, COMMON_TERMS * Y.shape[0])
        self.x_dense, self.x_sparse = X[:, common].toarray(), X[:, ~common].tocsr()
        self.y_dense, self.y_sparse = (self.x_dense, self.x_sparse) if Y is X else (Y[:, common].toarray(), Y[:, ~common].tocsr())
        self._all: list = []

    def block(self, rows: np.ndarray, columns: np.ndarray | None) -> np.ndarray:
        """(rows, columns; None: all) of X @ Y.T, float32. Call it with BLAS on one thread (one_blas_thread): blocks are small, and
        threads on a busy machine cost more than they bring (related papers at 34,000 papers: 4.5 s against 1.5 s)."""
        if columns is None:  # every row of Y: transposed once
            if not self._all:
                self._all.extend((np.ascontiguousarray(self.y_dense.T), self.y_sparse.T.tocsr()))
            dense, sparse = self._all
        else:
            dense, sparse = self.y_dense[columns].T, self.y_sparse[columns].T.tocsr()  # CSR: a CSC operand is converted again
        S = self.x_dense[rows] @ dense
        S += (self.x_sparse[rows] @ sparse).toarray()
        return S


def graph(idx: np.ndarray, sim: np.ndarray, n: int) -> sp.csr_matrix:
    """The symmetric neighbour graph: cosine weights, joined as a fuzzy union (a + b - ab) of both directions."""
    w = np.maximum(sim, 0).astype(np.float64).ravel()
    A = sp.csr_matrix((w, (np.repeat(np.arange(n), idx.shape[1]), idx.ravel())), shape=(n, n))
    P = (A + A.T - A.multiply(A.T)).tocsr()
    P.eliminate_zeros()
    return P


def embed(P: sp.csr_matrix, dim: int, seed: int, dense_up_to: int = DENSE_UP_TO) -> np.ndarray:
    """The `dim` leading eigenvectors of D^-1/2 P D^-1/2, each row scaled to unit length (Ng, Jordan and Weiss);
    exact (dense) up to `dense_up_to` papers, by subspace iteration above."""
    n = P.shape[0]
    dim = max(1, min(dim, n - 1))
    degree = np.asarray(P.sum(axis=1)).ravel()
    scale = sp.diags(1 / np.sqrt(np.maximum(degree, 1e-12)))
    N = (scale @ P @ scale).tocsr()
    if n <= dense_up_to:
        values, vectors = np.linalg.eigh(N.toarray())
    else:
        values, vectors = _leading_eigenvectors(N, dim, seed)
    vectors = vectors[:, np.argsort(-values, kind="stable")[:dim]]
    # Each eigenvector's sign, fixed by its largest entry: the same graph gives the same embedding.
    signs = np.sign(vectors[np.abs(vectors).argmax(axis=0), np.arange(vectors.shape[1])])
    vectors = vectors * np.where(signs == 0, 1, signs)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def _leading_eigenvectors(N: sp.csr_matrix, dim: int, seed: int, iterations: int = SUBSPACE_ITERATIONS):
    """The `dim` largest eigenpairs of a symmetric N with eigenvalues in [-1, 1], by seeded subspace iteration on
    (N + I) / 2 with a few extra vectors, then Rayleigh-Ritz. Loose (k-means needs the subspace, not digits):
    ARPACK to 1e-4 took 2.8 s for 60 vectors of 3,956 papers; this takes a tenth of that."""
    n = N.shape[0]
    width = min(n, dim + 10)
    Q = np.linalg.qr(np.random.RandomState(seed).standard_normal((n, width)))[0]
    for _ in range(iterations):
        Q = np.linalg.qr((N @ Q + Q) / 2)[0]
    values, small = np.linalg.eigh(Q.T @ (N @ Q))
    return values, Q @ small


def cluster(E: np.ndarray, k: int, seed: int, prior: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Seeded k-means on the embedding: (each paper's cluster, each cluster's remembered topic or -1).

    With `prior` (per paper: its remembered topic's number, or -1), each remembered topic that still has
    papers starts a cluster at their mean (the largest k of them, when fewer topics are wanted now), so
    the fit continues the remembered topics; fresh clusters start at the papers farthest from those.
    """
    k = max(1, min(k, len(E)))
    known = np.flatnonzero(prior >= 0) if prior is not None else np.zeros(0, dtype=np.int64)
    if not len(known):
        random = np.random.RandomState(seed)
        runs = [kmeans(E, plus_plus(E, k, random)) for _ in range(KMEANS_INITS)]
        return min(runs, key=lambda run: run[1])[0], np.full(k, -1)  # the tightest; a tie keeps the first
    counts = np.bincount(prior[known])
    remembered = np.lexsort((np.arange(len(counts)), -counts))[: min(k, int((counts > 0).sum()))]
    row = np.full(len(counts), -1)
    row[remembered] = np.arange(len(remembered))
    keep = row[prior[known]] >= 0
    onehot = sp.csr_matrix((np.ones(int(keep.sum())), (row[prior[known][keep]], known[keep])), shape=(len(remembered), len(E)))
    centres = np.asarray(onehot @ E) / np.maximum(np.asarray(onehot.sum(axis=1)), 1)
    fresh = []
    for _ in range(k - len(centres)):  # a loop over new topics, not papers
        nearest = (E @ np.vstack([centres, *fresh]).T).max(axis=1)
        fresh.append(E[int(np.argmin(nearest))][None, :])
    centres = np.vstack([centres, *fresh])
    return kmeans(E, centres)[0], np.concatenate([remembered, np.full(k - len(remembered), -1)])


def plus_plus(E: np.ndarray, k: int, random: np.random.RandomState) -> np.ndarray:
    """Greedy k-means++ starting centres (as scikit-learn draws them): each next centre is the best of a few
    candidates drawn with probability proportional to squared distance."""
    trials = 2 + int(np.log(k))
    squared = (E * E).sum(axis=1)
    first = random.randint(len(E))
    centres = [first]
    nearest = np.maximum(squared - 2 * E @ E[first] + squared[first], 0)
    for _ in range(1, k):  # a loop over topics
        draws = np.searchsorted(np.cumsum(nearest), random.uniform(0, nearest.sum(), trials), side="right").clip(0, len(E) - 1)
        distances = np.maximum(squared[None, :] - 2 * E[draws] @ E.T + squared[draws][:, None], 0)
        candidates = np.minimum(nearest[None, :], distances)
        best = int(np.argmin(candidates.sum(axis=1)))
        centres.append(int(draws[best]))
        nearest = candidates[best]
    return E[centres]


def kmeans(E: np.ndarray, centres: np.ndarray, iterations: int = 100) -> tuple[np.ndarray, float]:
    """Lloyd's k-means from `centres`: (assignment, inertia). An emptied cluster keeps its centre; ties go to the
    lower cluster number. Plain NumPy: at a few thousand rows and dozens of dimensions every step is one product."""
    k = len(centres)
    squared = (E * E).sum(axis=1)
    assignment = np.full(len(E), -1)
    for _ in range(iterations):
        distances = squared[:, None] - 2 * E @ centres.T + (centres * centres).sum(axis=1)[None, :]
        new = distances.argmin(axis=1)
        if np.array_equal(new, assignment):
            break
        assignment = new
        # The one-hot (clusters x papers) matrix in CSR form directly: each cluster's papers in order, as SciPy's
        # conversion from (cluster, paper) pairs gives them, so the same sums in the same order.
        counts = np.bincount(assignment, minlength=k)
        onehot = sp.csr_matrix((np.ones(len(E)), np.argsort(assignment, kind="stable"), np.concatenate([[0], np.cumsum(counts)])), shape=(k, len(E)))
        counts = counts[:, None]
        centres = np.where(counts > 0, np.asarray(onehot @ E) / np.maximum(counts, 1), centres)
    inertia = float(distances[np.arange(len(E)), assignment].sum())
    return assignment, inertia


def affinities(P: sp.csr_matrix, assignment: np.ndarray, k: int) -> np.ndarray:
    """(papers, topics): how much of each paper's edge weight falls in each topic, the paper counted as its own
    neighbour (weight 1) in its own topic, scaled so each row sums to 1. A paper whose neighbours scatter
    over many topics then weighs little anywhere else, so it gets no second topic (letting its own topic
    weigh only as much as the heaviest gave 137 of the 340 seed papers a second topic, mostly noise; this
    gives 18, at seed-theme F1 0.599 against 0.607)."""
    n = P.shape[0]
    onehot = sp.csr_matrix((np.ones(n), (np.arange(n), assignment)), shape=(n, k))
    A = np.asarray((P @ onehot).todense()) + onehot.toarray()
    return A / A.sum(axis=1, keepdims=True)


def join_nearest(X: sp.csr_matrix, fitted: sp.csr_matrix, assignment: np.ndarray, k: int) -> np.ndarray:
    """(papers, topics) for papers outside the fit: the topics of their NEIGHBOURS nearest fitted papers,
    weighted by cosine similarity, scaled so each row sums to 1. Each paper is compared only with the fitted
    papers of its JOIN_BUCKETS closest topics (by centroid), not with all of them."""
    onehot = sp.csr_matrix((np.ones(len(assignment)), (assignment, np.arange(len(assignment)))), shape=(k, len(assignment)))
    centroids = np.asarray((onehot @ fitted).todense())
    closeness = np.asarray(X @ centroids.T.astype(X.dtype))
    buckets = closest_columns(closeness, JOIN_BUCKETS)
    idx, sim = neighbours_in_buckets(X, fitted, buckets, assignment, NEIGHBOURS)
    n, m = X.shape[0], fitted.shape[0]
    found = idx >= 0
    R = sp.csr_matrix((np.maximum(sim[found], 0).astype(np.float64), (np.nonzero(found)[0], idx[found])), shape=(n, m))
    A = np.asarray((R @ onehot.T).todense())
    lost = A.sum(axis=1) == 0  # a paper sharing no term with any nearby fitted paper: its closest topic
    A[lost, buckets[lost, 0]] = 1.0
    return A / A.sum(axis=1, keepdims=True)


def closest_columns(scores: np.ndarray, count: int) -> np.ndarray:
    """Each row's `count` highest columns of a dense array, highest first, ties by the lower column: what
    np.argsort(-scores, axis=1, kind="stable")[:, :count] gives, by `count` passes of argmax instead of sorting
    every row (34,000 papers by 250 topics: a tenth of the time)."""
    scores = np.array(scores, dtype=np.float64)  # a copy: chosen columns are struck out below
    chosen = np.empty((scores.shape[0], min(count, scores.shape[1])), dtype=np.int64)
    rows = np.arange(scores.shape[0])
    for place in range(chosen.shape[1]):  # a loop over the few places, not rows
        chosen[:, place] = scores.argmax(axis=1)  # the first of equal highest: the lower column
        scores[rows, chosen[:, place]] = -np.inf
    return chosen


def neighbours_in_buckets(
    X: sp.csr_matrix, Y: sp.csr_matrix, row_buckets: np.ndarray, column_bucket: np.ndarray, k: int, same: bool = False, chunk: int = 2048
) -> tuple[np.ndarray, np.ndarray]:
    """Approximate `neighbours`: row i of X is compared only with the rows of Y whose bucket is one of
    row_buckets[i] (a topic each; column_bucket gives one or, as rows, several per row of Y), exactly within those; (indices, similarities), -1 / 0 where fewer were found.
    With `same` (Y is X), a row is never its own neighbour. The cost is about buckets x papers x papers per
    topic, not papers squared."""
    n = X.shape[0]
    parts = [(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))]
    column_buckets = column_bucket.reshape(len(column_bucket), -1)
    count = int(max(column_buckets.max(initial=0), row_buckets.max(initial=0))) + 1
    in_column, in_row = _bucket_members(column_buckets, count), _bucket_members(row_buckets, count)
    products = Products(X, Y)
    for bucket in range(count):  # a loop over topics
        columns, rows = in_column[bucket], in_row[bucket]
        if not len(columns) or not len(rows):
            continue
        take = min(k, len(columns))
        for start in range(0, len(rows), chunk):
            local = rows[start : start + chunk]
            with one_blas_thread():
                sims = products.block(local, columns)
            if same:
                sims[local[:, None] == columns[None, :]] = -1.0
            top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
            parts.append((np.repeat(local, take), columns[top].ravel(), np.take_along_axis(sims, top, axis=1).ravel()))
    rows, cols, scores = (np.concatenate(p) for p in zip(*parts))
    # Highest similarity first, then lowest index; a pair found in two buckets counts once.
    order = best_first(rows, cols, scores)
    rows, cols, scores = rows[order], cols[order], scores[order]
    fresh = np.ones(len(rows), dtype=bool)
    fresh[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, scores = rows[fresh], cols[fresh], scores[fresh]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    keep = (rank < k) & (scores > -1)
    idx = np.full((n, k), -1, dtype=np.int64)
    sim = np.zeros((n, k), dtype=np.float32)
    idx[rows[keep], rank[keep]] = cols[keep]
    sim[rows[keep], rank[keep]] = scores[keep]
    return idx, sim


def _bucket_members(buckets: np.ndarray, count: int) -> list[np.ndarray]:
    """Each bucket's rows (ascending, once each) for `buckets` (rows x buckets per row; below 0: none), by one sort of
    the (bucket, row) pairs rather than a pass over every row per bucket."""
    n, width = buckets.shape
    pairs = np.unique(buckets.ravel().astype(np.int64) * n + np.repeat(np.arange(n), width))  # a bucket below 0: before 0's
    bounds = np.searchsorted(pairs, np.arange(count + 1) * n)
    return [pairs[a:b] - bucket * n for bucket, (a, b) in enumerate(zip(bounds[:-1], bounds[1:]))]


def best_first(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """The order np.lexsort((cols, -scores, rows)) gives (by row, highest float32 score first, ties by column), by two
    stable sorts of integer keys, which NumPy does by radix sort: a tenth of lexsort's time on 3 million pairs."""
    bits = (scores.astype(np.float32) + np.float32(0)).view(np.int32).astype(np.int64)  # + 0: -0.0 is 0.0, as for lexsort
    ordered = np.where(bits < 0, bits ^ 0x7FFFFFFF, bits)  # the floats' order, as integers
    by_column = np.argsort(cols, kind="stable")
    key = (rows[by_column].astype(np.int64) << 32) | (0x7FFFFFFF - ordered[by_column])
    return by_column[np.argsort(key, kind="stable")]


def topic_count(papers: int, settings: TopicSettings) -> int:
    """The number of topics: set in site.yaml, or about 1.4 * sqrt(papers), capped by max_count, but never so few
    that a topic averages more than AIMED_PAPERS papers (136 at 34,000 papers, where max_count would give 60 of 570).

    Chosen by `make topics-eval` on the seeds: F1 against a person's themes rises from 18 topics
    (0.48) to 26 (0.56) and falls again past 30; 1.4 * sqrt(340) = 26.
    """
    if settings.count:
        return max(1, min(settings.count, settings.max_count, papers))
    wanted = max(min(round(AUTO_TOPICS_PER_SQRT * math.sqrt(papers)), settings.max_count), math.ceil(papers / AIMED_PAPERS))
    return max(1, min(wanted, papers))


def fit_sample(titles: list[str], seed: int, size: int = FIT_SAMPLE) -> np.ndarray | None:
    """The papers a large corpus fits its topics on: the `size` smallest seeded title hashes; None when all fit."""
    if len(titles) <= size:
        return None
    salt = str(seed).encode()
    keys = np.array([hashlib.blake2b(t.encode(), key=salt, digest_size=8).digest() for t in titles], dtype="S8")
    return np.sort(np.argsort(keys, kind="stable")[:size])


def with_second_topics(weights: np.ndarray, first: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    """(papers, 2): each paper's `first` topic and its runner-up where the paper weighs at least `share` of
    its first-topic weight there (else -1); and which papers have such a second topic."""
    n, k = weights.shape
    none = np.full(n, -1, dtype=np.int64)
    if k < 2 or share <= 0:
        return np.stack([first.astype(np.int64), none], axis=1), np.zeros(n, dtype=bool)
    rows = np.arange(n)
    # The runner-up among the other topics: `first` need not be the heaviest (a paper kept on its remembered
    # topic), and a second topic equal to the first would list the paper twice there.
    others = np.where(np.arange(k) == first[:, None], -np.inf, weights)
    runner_up = np.argmax(others, axis=1)
    top, second = weights[rows, first], weights[rows, runner_up]
    has_second = (second >= share * top) & (top > 0)
    return np.stack([first.astype(np.int64), np.where(has_second, runner_up, none)], axis=1), has_second
