"""Topics a reader can use at any size: a topic of more than MOST_PAPERS own papers is split into parts.

At 34,000 papers the automatic count alone gives topics of hundreds of papers, whose pages and feeds no one
reads through. `topic_count` (graph.py) aims at AIMED_PAPERS a topic on average; what is still larger after the
fit is cut here by spectral clustering of the topic's own papers (their own neighbour graph, the same steps as the
fit: graph.py), into as many parts as bring each near AIMED_PAPERS. A loop runs over the few large topics, never
over papers. Which topics the parts continue, and their names, is the package's job (naming.py).
"""

from __future__ import annotations

import math

import numpy as np

from site_src.topics.graph import AIMED_PAPERS, MOST_PAPERS, NEIGHBOURS, cluster, embed, graph, neighbours

SPLIT_ROUNDS = 4  # a part k-means left above MOST_PAPERS is split again
# A part's few leading eigenvectors by subspace iteration, never a dense eigendecomposition: at 34,000 papers 78
# topics of 300-1,400 papers took 56 s of dense `eigh`, and k-means needs the subspace, not exact vectors.
DENSE_UP_TO = 0


def split_large(X, assignment: np.ndarray, weights: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(assignment, weights, how many topics were split): every topic of more than MOST_PAPERS own papers cut into
    parts of about AIMED_PAPERS. A part's weight column is the topic's, on the part's own papers; the topic's
    weight of papers outside it (second-topic candidates) stays with its first part."""
    from threadpoolctl import threadpool_limits

    # Small dense products (subspace iteration, k-means), as in the fit (model.fit_topics): one BLAS thread.
    with threadpool_limits(limits=1, user_api="blas"):
        return _split_large(X, assignment, weights, seed)


def _split_large(X, assignment: np.ndarray, weights: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    split, assignment, weights = 0, assignment.copy(), weights.copy()
    for _ in range(SPLIT_ROUNDS):
        sizes = np.bincount(assignment, minlength=weights.shape[1])
        moved, sources = [], []  # per new column: its papers, and the topic they leave
        for topic in np.flatnonzero(sizes > MOST_PAPERS):  # a loop over the few large topics
            members = np.flatnonzero(assignment == topic)
            part = _parts(X[members], math.ceil(len(members) / AIMED_PAPERS), seed)
            split += int(part.max() > 0)  # 0: the graph would not cut (identical papers), the topic stays whole
            moved += [members[part == number] for number in range(1, int(part.max()) + 1)]
            sources += [topic] * int(part.max())
        if not moved:
            break
        columns = np.zeros((weights.shape[0], len(moved)))
        for column, (papers, topic) in enumerate(zip(moved, sources)):  # a loop over the new parts
            columns[papers, column] = weights[papers, topic]
            weights[papers, topic] = 0
            assignment[papers] = weights.shape[1] + column
        weights = np.hstack([weights, columns])  # once a round: 34,000 rows copied per part cost 6 s
    return assignment, weights, split


def _parts(X, count: int, seed: int) -> np.ndarray:
    """Each paper's part (0 ..): spectral clustering of the papers' own neighbour graph into `count` parts."""
    idx, sim = neighbours(X, NEIGHBOURS)
    E = embed(graph(idx, sim, X.shape[0]), count, seed, dense_up_to=DENSE_UP_TO)
    found, _ = cluster(E, count, seed)
    return np.unique(found, return_inverse=True)[1].reshape(-1)


def halves(X, seed: int) -> np.ndarray:
    """Each paper's half (0 or 1) of a topic cut in two as a large one is cut; all 0 where the graph would not cut."""
    return _parts(X, 2, seed)


UNHEADED_FROM = 40  # a topic of this many papers or more that no phrase heads is halved (model), then sorted out
SORT_CHOICES = 3  # a paper sorted out joins one of its this many closest topics, or none


def sort_out(X, assignment, weights, centroids, users: list[np.ndarray], headed: np.ndarray, loose: np.ndarray, closeness: np.ndarray):
    """(assignment, weights, loose, closeness, how many papers moved): a topic of UNHEADED_FROM papers or more whose
    heading fewer than half of them write (not `headed`) keeps only the papers that write it (`users[t]`: the sorted
    papers that write topic t's heading). Each of its other papers joins the closest of its SORT_CHOICES closest headed
    topics whose heading it writes, so no topic that takes a paper in grows less headed; a paper that fits none is
    `loose`: in no topic, listed under its area (its assignment stays the topic it left, whose area it keeps).
    `closeness`: each loose paper's cosine to the centroid of the topic it left (its rank in the area's list). A loop
    over topics, not papers."""
    n, k = weights.shape
    rows = np.arange(n)
    writes = np.zeros((n, k), dtype=bool)
    for t, found in enumerate(users):
        writes[found, t] = True
    placed = ~loose
    sizes = np.bincount(assignment[placed], minlength=k)
    kept = np.bincount(assignment[placed & writes[rows, assignment]], minlength=k)  # a topic none of whose papers stay is left be
    moving = np.flatnonzero(placed & ~(headed | (sizes < UNHEADED_FROM) | (kept == 0))[assignment] & ~writes[rows, assignment])
    if not len(moving):
        return assignment, weights, loose, closeness, 0
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    close = np.asarray(X[moving] @ (centroids / np.where(norms == 0, 1, norms)).T)
    at, home = np.arange(len(moving)), assignment[moving]
    closeness = closeness.copy()
    closeness[moving] = close[at, home]
    close[at, home] = -np.inf
    nearest = np.argsort(-close, axis=1, kind="stable")[:, :SORT_CHOICES]
    fits = headed[nearest] & writes[moving[:, None], nearest]
    found = fits.any(axis=1)
    to = nearest[at, fits.argmax(axis=1)]  # the closest that fits
    assignment, weights, loose = assignment.copy(), weights.copy(), loose.copy()
    weights[moving, home] = 0
    assignment[moving[found]] = to[found]
    loose[moving[~found]] = True
    weights[moving[~found]] = 0
    return assignment, weights, loose, closeness, len(moving)
