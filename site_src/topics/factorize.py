"""The topic model: NMF on the TF-IDF matrix (warm-started from remembered centroids, or fitted on a sample and projected).

Only the factorization and the topic count; labels, related papers and naming live beside it.
"""

from __future__ import annotations

import hashlib
import math
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning

from ..config import TopicSettings

AUTO_TOPICS_PER_SQRT = 1.4

# The factorization's stopping rule: a looser tolerance than scikit-learn's 1e-4 stops once the topics have
# settled (bench/topics_eval.py: F1 0.567 at 1e-3 against 0.561 at 1e-4, in a third of the time), and the
# iteration cap bounds a large corpus's build time.
NMF_MAX_ITER = 400
NMF_TOL = 1e-3
# A larger corpus fits its topics on this many papers (a fixed, seeded choice by title hash, so adding a dump
# changes the sample little) and then projects every paper onto them: the fit costs the same at 34,000 papers
# as at 3,000, the projection grows linearly.
NMF_SAMPLE = 3000
PROJECT_ITERATIONS = 60


def topic_count(papers: int, settings: TopicSettings) -> int:
    """The number of topics: set in site.yaml, or about 1.4 * sqrt(papers), capped by max_count.

    Chosen by `make topics-eval` on the seeds: F1 against a person's themes rises from 18 topics
    (0.48) to 26 (0.56) and falls again past 30; 1.4 * sqrt(340) = 26.
    """
    wanted = settings.count or max(1, round(AUTO_TOPICS_PER_SQRT * math.sqrt(papers)))
    return max(1, min(wanted, settings.max_count, papers))


def factorize(X: sp.csr_matrix, k: int, settings: TopicSettings, prior: np.ndarray | None, sample: np.ndarray | None = None):
    """NMF weights (papers x topics) and centroids (topics x terms); warm-started from `prior` rows when given.

    With `sample` (paper indices), the centroids are fitted on those papers' rows only, over the terms they
    use, and every paper's weights come from one nonnegative projection onto the centroids.
    """
    with warnings.catch_warnings():
        # An iteration cap reached is fine: the result is still deterministic, and good enough to group by.
        warnings.simplefilter("ignore", ConvergenceWarning)
        if sample is None:
            return _nmf(X, k, settings, prior)
        Xs = X[sample]
        used = np.flatnonzero(np.diff(Xs.tocsc().indptr))
        _, fitted = _nmf(Xs[:, used].tocsr(), k, settings, None if prior is None else prior[:, used])
        centroids = np.zeros((len(fitted), X.shape[1]), dtype=X.dtype)
        centroids[:, used] = fitted
        return project(X, centroids), centroids


def project(X: sp.csr_matrix, H: np.ndarray, iterations: int = PROJECT_ITERATIONS) -> np.ndarray:
    """Nonnegative weights W that make W H close to X, for fixed centroids H.

    Multiplicative updates on X Hᵀ and H Hᵀ, each computed once: every step is then one small dense
    product (papers x topics x topics), where a solver that revisits X costs a pass over all its terms.
    """
    XHt = np.asarray(X @ H.T, dtype=np.float64)
    HHt = np.asarray(H @ H.T, dtype=np.float64)
    W = np.maximum(XHt, 0.0)
    # Start at the scale that best fits: argmin over s of |X - s W H|, seen through the same products.
    W *= (W * XHt).sum() / max(np.einsum("ij,jk,ik->", W, HHt, W), 1e-12)
    for _ in range(iterations):
        W *= XHt / np.maximum(W @ HHt, 1e-12)
    return W


def fit_sample(titles: list[str], seed: int, size: int = NMF_SAMPLE) -> np.ndarray | None:
    """The papers a large corpus fits its topics on: the `size` smallest seeded title hashes; None when all fit."""
    if len(titles) <= size:
        return None
    salt = str(seed).encode()
    keys = np.array([hashlib.blake2b(t.encode(), key=salt, digest_size=8).digest() for t in titles], dtype="S8")
    return np.sort(np.argsort(keys, kind="stable")[:size])


def _nmf(X: sp.csr_matrix, k: int, settings: TopicSettings, prior: np.ndarray | None):
    n = X.shape[0]
    if k == 1:
        return np.ones((n, 1)), np.asarray(X.sum(axis=0))
    if prior is None or not len(prior):
        nmf = NMF(n_components=k, init="nndsvda", random_state=settings.seed, max_iter=NMF_MAX_ITER, tol=NMF_TOL)
        return nmf.fit_transform(X), nmf.components_
    H0 = prior  # row i stays component i, so remembered memberships keep their meaning
    if len(H0) < k:  # more topics wanted than remembered: add the fresh ones least like the old
        fresh = NMF(n_components=k, init="nndsvda", random_state=settings.seed, max_iter=50).fit(X).components_
        unit = lambda M: M / np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1e-12)  # noqa: E731
        novelty = (unit(fresh) @ unit(H0).T).max(axis=1)
        H0 = np.vstack([H0, fresh[np.argsort(novelty, kind="stable")[: k - len(H0)]]])
    H0 = np.asarray(H0, dtype=np.float64)
    W0 = np.asarray(X @ H0.T)
    # Scale W0 H0 to the size of X, so the solver starts near, not far from, a fit.
    scale = np.sqrt(max((W0 * W0).sum(), 1e-12) / max(np.trace((W0.T @ W0) @ (H0 @ H0.T)), 1e-12))
    W0, H0 = W0 * scale, H0 * scale
    nmf = NMF(n_components=len(H0), init="custom", random_state=settings.seed, max_iter=NMF_MAX_ITER, tol=NMF_TOL)
    W0, H0 = (np.ascontiguousarray(M, dtype=X.dtype) for M in (W0, H0))
    return nmf.fit_transform(X, W=W0, H=H0), nmf.components_


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
