"""Prototype (research only): spectral clustering of a kNN graph of TF-IDF cosine, with a background model.

Each step can be switched on and off, so `bench/topics_research.py` can measure it on both theme sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from site_src.topics.vectors import STOP_WORDS, TOKEN_PATTERN

STOP_STEMS = True
PREFIXES = "pre post self semi multi non co re sub un inter intra cross fine over under super meta auto bi uni mini".split()
_HYPHEN = re.compile(r"\b(%s)-(?=[a-z])" % "|".join(PREFIXES))


def join_hyphens(text: str) -> str:
    """'pre-training' -> 'pretraining', 'multi-modal' -> 'multimodal' (lowercased)."""
    return _HYPHEN.sub(r"\1", text.lower())


@dataclass
class Background:
    words: np.ndarray  # stems, sorted
    df: np.ndarray
    docs: int
    indptr: np.ndarray | None = None  # background documents' strongest stems (CSR over `words`)
    terms: np.ndarray | None = None
    weights: np.ndarray | None = None


def stem_counts(docs: list[str], join: bool = True, stem: bool = True, min_df: int = 1, stop_stems: bool | None = None):
    """Per-document counts over stems: (csr counts, stems). One stemmer call for the whole vocabulary."""
    counter = CountVectorizer(
        preprocessor=join_hyphens if join else str.lower, token_pattern=TOKEN_PATTERN, stop_words=STOP_WORDS, min_df=min_df,
        dtype=np.float32,
    )
    C = counter.fit_transform(docs).tocsr()
    words = counter.get_feature_names_out().astype(str)
    if not stem:
        return C, words
    import Stemmer

    stems = np.array(Stemmer.Stemmer("english").stemWords(words.tolist()))
    unique, column = np.unique(stems, return_inverse=True)
    M = sp.csr_matrix((np.ones(len(words), dtype=np.float32), (np.arange(len(words)), column)), shape=(len(words), len(unique)))
    # Stop words' stems ("results" is a stop word, so "result" is too).
    stop = (STOP_STEMS if stop_stems is None else stop_stems) & np.isin(unique, np.array(Stemmer.Stemmer("english").stemWords(list(STOP_WORDS))))
    C = (C @ M).tocsr()
    keep = np.flatnonzero(~stop)
    return C[:, keep].tocsr(), unique[keep]


def tfidf(titles, abstracts, background: Background | None = None, title_weight=2, join=True, stem=True, min_df=2, max_df=0.5):
    docs = [(t + ". ") * title_weight + a for t, a in zip(titles, abstracts)]
    C, words = stem_counts(docs, join, stem)
    n = C.shape[0]
    df = np.diff(C.tocsc().indptr).astype(np.float64)
    total_df, total_n = df.copy(), float(n)
    if background is not None:
        where = np.searchsorted(background.words, words)
        where = np.minimum(where, len(background.words) - 1)
        known = background.words[where] == words
        total_df += np.where(known, background.df[where], 0)
        total_n += background.docs
    keep = np.flatnonzero((df >= min(min_df, n)) & (total_df <= max_df * total_n))
    C, words, total_df = C[:, keep], words[keep], total_df[keep]
    idf = np.log((1 + total_n) / (1 + total_df)) + 1
    X = C.copy()
    X.data = 1 + np.log(X.data)
    X = X @ sp.diags(idf.astype(np.float32))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    X = sp.diags(1 / np.maximum(norms, 1e-12).astype(np.float32)) @ X
    return X.tocsr(), words, idf


def knn(X: sp.csr_matrix, k: int, chunk: int = 2048, Y: sp.csr_matrix | None = None, exclude_self=True):
    """Each row's k most cosine-similar rows of Y (default X): the site's own neighbour search."""
    from site_src.topics.graph import neighbours

    return neighbours(X, k, Y=Y, chunk=chunk, exclude_self=exclude_self)


def fuzzy_graph(idx: np.ndarray, sim: np.ndarray, n: int, umap: bool = True) -> sp.csr_matrix:
    """UMAP's fuzzy simplicial set: per-row sigma so the memberships sum to log2(k), then the fuzzy union."""
    k = idx.shape[1]
    d = 1 - sim.astype(np.float64)
    if umap:
        rho = d[:, :1]
        target = np.log2(k)
        lo, hi = np.zeros((len(d), 1)), np.full((len(d), 1), np.inf)
        sigma = np.ones((len(d), 1))
        for _ in range(48):
            total = np.exp(-np.maximum(d - rho, 0) / sigma).sum(axis=1, keepdims=True)
            high = total > target
            hi = np.where(high, sigma, hi)
            lo = np.where(high, lo, sigma)
            sigma = np.where(np.isinf(hi), sigma * 2, (lo + hi) / 2)
        w = np.exp(-np.maximum(d - rho, 0) / np.maximum(sigma, 1e-6))
    else:
        w = np.maximum(sim, 0).astype(np.float64)
    A = sp.csr_matrix((w.ravel(), (np.repeat(np.arange(n), k), idx.ravel())), shape=(n, n))
    return (A + A.T - A.multiply(A.T)).tocsr()


def spectral(P: sp.csr_matrix, k: int, seed: int, embed_dim: int | None = None, assign="kmeans", n_init=4):
    """Cluster the graph: the normalized adjacency's leading eigenvectors, rows normalized, then k-means."""
    from scipy.sparse.linalg import eigsh
    from sklearn.cluster import KMeans

    n = P.shape[0]
    deg = np.asarray(P.sum(axis=1)).ravel()
    Dm = sp.diags(1 / np.sqrt(np.maximum(deg, 1e-12)))
    N = (Dm @ P @ Dm).tocsr()
    dim = embed_dim or k
    v0 = np.random.RandomState(seed).uniform(-1, 1, n)
    # Shift so the wanted (largest) eigenvalues are the largest in magnitude.
    if n <= 2500:
        vals, vecs = np.linalg.eigh(N.toarray())
        vals, vecs = vals[-dim:], vecs[:, -dim:]
    else:
        vals, vecs = eigsh(N + sp.identity(n), k=dim, which="LA", v0=v0, tol=1e-4)
    E = vecs[:, np.argsort(-vals)]
    E = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
    if assign == "qr":
        from sklearn.cluster._spectral import cluster_qr

        return cluster_qr(E[:, :k])
    return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(E), E


def expand(X: sp.csr_matrix, background: Background, words: np.ndarray, idf: np.ndarray, m: int, beta: float, rare: float):
    """Pseudo-relevance feedback: add beta x the mean of each paper's m nearest background papers, over rare terms only."""
    where = np.minimum(np.searchsorted(words, background.words), len(words) - 1)
    known = words[where] == background.words
    cols = np.where(known, where, -1)[background.terms]
    B = sp.csr_matrix((background.weights.astype(np.float32), cols.clip(0), background.indptr), shape=(len(background.indptr) - 1, len(words)))
    B.data[cols < 0] = 0
    B.eliminate_zeros()
    B = B @ sp.diags(idf.astype(np.float32))
    norms = np.sqrt(np.asarray(B.multiply(B).sum(axis=1))).ravel()
    B = (sp.diags(1 / np.maximum(norms, 1e-12).astype(np.float32)) @ B).tocsr()
    idx, sim = knn(X, m, Y=B, exclude_self=False)
    sim = np.where(sim > 0.99, 0, sim)  # the paper itself, where it is in the background
    W = sp.csr_matrix((sim.ravel(), (np.repeat(np.arange(X.shape[0]), m), idx.ravel())), shape=(X.shape[0], B.shape[0]))
    W = sp.diags(1 / np.maximum(np.asarray(W.sum(axis=1)).ravel(), 1e-12)) @ W
    E = (W @ B).tocsr()
    mask = (idf >= np.quantile(idf, rare)).astype(np.float32)
    E = E @ sp.diags(mask)
    Z = X + beta * E
    norms = np.sqrt(np.asarray(Z.multiply(Z).sum(axis=1))).ravel()
    return (sp.diags(1 / np.maximum(norms, 1e-12).astype(np.float32)) @ Z).tocsr()


def load_background(path) -> Background:
    data = np.load(path, allow_pickle=False)
    return Background(data["words"], data["df"], int(data["docs"]), data["indptr"], data["terms"], data["weights"])
