"""Areas: the broad level above topics ("speech and audio", "3D and video generation"), each holding whole topics.

An area is a group of topics, never of single papers: Ward linkage (SciPy's hierarchy) of the topics' unit
centroids, cut into `area_count` clusters, so a topic sits in exactly one area and an area's papers are exactly its
topics' papers. Ward joins the pair of groups whose merge adds the least spread, which keeps areas of similar
breadth where single or average linkage chains one large area and leaves outliers alone. Labels come from the
model's label pass run on areas instead of topics (model.py). Only which topic goes where is decided here, and where each topic sits on the topic map.
"""

from __future__ import annotations

import math

import numpy as np

from site_src.config import TopicSettings

AREAS_PER_SQRT = 1.2  # areas per square root of the topics: 6 for the seed site's 24 topics
MOST_AREAS = 12  # an automatic count stops here: a reader scans a dozen headings, not thirty
AREA_PHRASES = 2  # an area's label is broad: two phrases at most
# An area's phrases are counted over this many of its most central papers, not a topic's 50: over 50 the largest
# topic's words named the whole area ("RAG · Execution" for agents, search and RAG on the 3,956 real papers; now
# "Agent · Search", and "Vision · Multimodal" for "Vision · Action", "Speech · Audio" kept).
AREA_PAPERS = 1000


def area_count(topics: int, settings: TopicSettings) -> int:
    """How many areas: `topics.areas` from site.yaml, else about 1.2 x sqrt(topics), at most MOST_AREAS; never more
    than there are topics."""
    wanted = settings.areas or min(MOST_AREAS, max(1, round(AREAS_PER_SQRT * math.sqrt(topics))))
    return max(1, min(wanted, topics))


def fit_areas(unit: np.ndarray, sizes: np.ndarray, count: int) -> np.ndarray:
    """Each topic's area (0 ..): Ward linkage of the topics' unit centroids (`unit`, topics x terms) cut into at most
    `count` areas, numbered by papers (`sizes`: each topic's own papers), most first, ties by first topic."""
    k = len(unit)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    if count >= k:
        found = np.arange(k)
    elif count <= 1:
        found = np.zeros(k, dtype=np.int64)
    else:
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        # Euclidean distances of unit vectors from their small Gram matrix: |a - b|^2 = 2 - 2 a.b (no pass over terms).
        gram = unit @ unit.T
        distances = np.sqrt(np.maximum(2 - 2 * gram, 0))
        np.fill_diagonal(distances, 0)
        tree = linkage(squareform(np.round(distances, 12), checks=False), method="ward")
        found = fcluster(tree, t=count, criterion="maxclust") - 1
    return _by_papers(found, sizes)


def _by_papers(found: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Areas renumbered by their papers, most first, then by their first topic: the same areas, a stable order."""
    found = np.unique(found, return_inverse=True)[1].reshape(-1)
    count = int(found.max()) + 1
    papers = np.bincount(found, weights=sizes, minlength=count)
    first = np.full(count, len(found))
    np.minimum.at(first, found, np.arange(len(found)))
    order = np.lexsort((first, -papers))
    renumber = np.empty(count, dtype=np.int64)
    renumber[order] = np.arange(count)
    return renumber[found]


def map_positions(unit: np.ndarray) -> np.ndarray:
    """A 2-D map of the topics: the first two principal axes of their unit centroids, in [0, 1]."""
    k = len(unit)
    if k < 3:
        return np.array([[0.5, 0.5], [0.0, 1.0]][:k]) if k else np.zeros((0, 2))
    centred = unit - unit.mean(axis=0)
    # The principal axes from the small topics x topics Gram matrix, not an SVD over every term.
    values, vectors = np.linalg.eigh(centred @ centred.T)
    top = np.argsort(-values, kind="stable")[:2]
    coords = vectors[:, top] * np.sqrt(np.maximum(values[top], 0))
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), [0, 1]])  # fix each axis' sign: deterministic
    coords = coords * np.where(signs == 0, 1, signs)
    low, high = coords.min(axis=0), coords.max(axis=0)
    # Rounded as the lock file keeps them, so a build from the lock draws the very same map.
    return np.round((coords - low) / np.where(high > low, high - low, 1), 6)
