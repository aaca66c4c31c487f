"""Each paper's compact vector: TF-IDF over words and word pairs, cut to its strongest terms and quantized.

The features are arxiv-sanity-lite's (title, abstract and authors; single words and adjacent pairs once English
stop words are out; sublinear counts, smoothed IDF, unit rows), so a linear model trained in the browser sees what
its SVM saw. A browser cannot afford a 20,000-column row per paper, so each row keeps its KEEP strongest terms,
as whole numbers 1..LEVELS-1 of the row's largest weight; the browser scales them back to unit length.
bench/recommend_eval.py measures what each cut costs (docs/recommendations.md has the table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from site_src.topics.vectors import DOMAIN_STOP_WORDS, ENGLISH_STOP_WORDS, TOKEN_PATTERN

KEEP = 24  # terms kept per paper (bench/recommend_eval.py: 16 loses 2-4% of the anchor's precision, 8 loses 15%)
LEVELS = 256  # one byte per weight
MIN_DF = 2  # a term in one paper only links it to nothing
MAX_DF = 0.5
# Each kept term's strength is weighted by its document frequency to this power, so a paper keeps the terms it
# shares with others over ones only it and a neighbour have (make bench: chosen on the seed themes, where 0.25
# kept 98-100% of the anchor's precision and 0 kept 96-99%; on the held-out themes 0 keeps only 78-81%)
SHARED = 0.25
FIELD_STOP = False  # a term in most papers says nothing about any of them (arxiv-sanity-lite's max_df)

_TOKEN = re.compile(TOKEN_PATTERN)
_STOP = frozenset(ENGLISH_STOP_WORDS)
_FIELD_STOP = _STOP | DOMAIN_STOP_WORDS


@dataclass(frozen=True)
class Vectors:
    """Compact rows, one per paper: the kept columns and their levels (CSR), and each column's term."""

    rows: sp.csr_matrix  # int levels 1..LEVELS-1, at most `keep` per row
    terms: np.ndarray  # str, by column

    def unit(self) -> sp.csr_matrix:
        """The rows as the browser reads them: floats scaled back to unit length."""
        rows = self.rows.astype(np.float32)
        norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
        return (sp.diags(1 / np.where(norms > 0, norms, 1)) @ rows).tocsr().astype(np.float32)


def paper_text(title: str, abstract: str, authors) -> str:
    """What a paper's vector is made of: its title, abstract and author names, as arxiv-sanity-lite reads a paper."""
    return " ".join([title, abstract, " ".join(authors)])


def _token_ids(texts: list[str], stop: frozenset) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Every kept word of every text (stop words out), as (document, word id), and the words by id."""
    vocabulary: dict[str, int] = {}
    docs, ids = [], []
    for number, text in enumerate(texts):
        words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
        ids.append(np.fromiter((vocabulary.setdefault(w, len(vocabulary)) for w in words), dtype=np.int64, count=len(words)))
        docs.append(np.full(len(words), number, dtype=np.int64))
    empty = np.zeros(0, dtype=np.int64)
    return np.concatenate(docs or [empty]), np.concatenate(ids or [empty]), list(vocabulary)


def tfidf(texts: list[str], min_df: int = MIN_DF, max_df: float = MAX_DF, field_stop: bool = FIELD_STOP) -> tuple[sp.csr_matrix, np.ndarray]:
    """Unit TF-IDF rows over words and adjacent word pairs in at least min_df and at most max_df of the texts;
    columns in order of first appearance (words, then pairs)."""
    doc, ids, words = _token_ids(texts, _FIELD_STOP if field_stop else _STOP)
    size = len(words)
    same = np.flatnonzero(doc[1:] == doc[:-1])  # pairs never cross from one paper into the next
    codes = np.concatenate([ids, size + ids[same] * size + ids[same + 1]])
    owners = np.concatenate([doc, doc[same]])
    unique, column = np.unique(codes, return_inverse=True)
    counts = sp.csr_matrix((np.ones(len(codes), dtype=np.float32), (owners, column)), shape=(len(texts), len(unique)))
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=len(unique))
    keep = np.flatnonzero((df >= min(min_df, len(texts))) & (df <= max(max_df * len(texts), 1)))
    vocab = np.array(words + [""], dtype=object)
    pair = unique[keep] >= size
    first = np.where(pair, (unique[keep] - size) // max(size, 1), unique[keep])
    second = np.where(pair, (unique[keep] - size) % max(size, 1), size)  # size: the empty word after a single word
    terms = np.array([f"{a} {b}" if b else a for a, b in zip(vocab[first], vocab[second])], dtype=str)
    X = counts[:, keep].tocsr()
    X.data = 1 + np.log(X.data)
    X = X @ sp.diags((np.log((1 + len(texts)) / (1 + df[keep])) + 1).astype(np.float32))
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    return (sp.diags(1 / np.where(norms > 0, norms, 1)) @ X).tocsr().astype(np.float32), terms


def _row_max(values: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    """The largest value of each row, for values grouped by row (`rows` sorted); 0 for a row without any."""
    largest = np.zeros(count, dtype=np.float64)
    if len(rows):
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        largest[rows[starts]] = np.maximum.reduceat(values, starts)
    return largest


def compact(X: sp.csr_matrix, terms: np.ndarray, keep: int = KEEP, levels: int = LEVELS, shared: float = SHARED) -> Vectors:
    """Each row's `keep` strongest terms (ties: the earlier column), as levels 1..levels-1 of the row's largest
    weight; columns no row keeps are dropped. With `shared` > 0 a term's strength is its weight times its
    document frequency to that power: a term few papers have links a paper to few others."""
    X = X.tocsr()
    X.sort_indices()
    owner = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    strength = X.data * np.bincount(X.indices, minlength=X.shape[1])[X.indices].astype(np.float32) ** shared
    peak = _row_max(strength, owner, X.shape[0])
    # by paper, strongest first, ties by column (indices are sorted; the sort is stable): one argsort of one key,
    # a third of lexsort's time on the 6 million terms of 34,000 papers
    order = np.argsort(owner * 2.0 + (1 - strength / np.maximum(peak[owner], 1e-30)), kind="stable")
    rank = np.arange(len(order)) - X.indptr[owner[order]]
    chosen = order[rank < keep]
    rows, cols, data = owner[chosen], X.indices[chosen], X.data[chosen]
    largest = _row_max(data, rows, X.shape[0])
    values = np.maximum(np.rint(data / largest[rows] * (levels - 1)), 1).astype(np.int32)
    used = np.unique(cols)
    used = used[np.argsort(terms[used], kind="stable")]  # the kept terms in alphabetical order (files compress better)
    column = np.empty(X.shape[1], dtype=np.int64)
    column[used] = np.arange(len(used))
    kept = sp.csr_matrix((values, (rows, column[cols])), shape=(X.shape[0], len(used)))
    kept.sort_indices()
    return Vectors(kept, terms[used])
