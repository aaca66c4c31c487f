"""Each paper's compact vector: TF-IDF over the words of its title and abstract, smoothed towards its nearest
papers, cut to its strongest terms and quantized.

The words are the topic stage's term counts (topics/term_counts.py: the title counted `title_weight` times, 2 by
default, and the abstract), read from its cache folder, not tokenized again (0.56 -> 0.08 s at 3,956 papers).
They are weighed as arxiv-sanity-lite weighs its features (English stop words out, sublinear counts, smoothed
IDF, unit rows), without its word pairs and author names (with them P@10 was lower on the seed and API 2025
themes, barely higher on late 2025). A browser cannot afford a 10,000-column row per paper, so each row keeps its
KEEP strongest terms, as whole numbers 1..LEVELS-1 of the row's largest weight; the browser scales them back to
unit length. Before the cut, a paper's row moves SMOOTH of the way to the mean of its NEIGHBOURS most similar
papers (smoothed): three stars then say more than their own KEEP terms each. bench/recommend_eval.py measures what
each choice costs (docs/recommendations.md has the table).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from site_src.topics.vectors import ENGLISH_STOP_WORDS, Counts

KEEP = 32  # terms kept per paper (bench/recommend_eval.py: 16 and 24 lose 1-4 points of P@10, 48 gains none)
LEVELS = 256  # one byte per weight
MIN_DF = 2  # a term in one paper only links it to nothing
MAX_DF = 0.5
# Each kept term's strength is weighted by its document frequency to this power, so a paper keeps the terms it
# shares with others over ones only it and a neighbour have (bench/recommend_eval.py: chosen on the seed themes;
# with 0, P@10 is 1 point higher there but 1 to 4 points lower on both held-out sets)
SHARED = 0.25
SMOOTH = 0.2  # the share of a paper's vector taken from its nearest papers (smoothed)
NEIGHBOURS = 10

_STOP = np.array(sorted(ENGLISH_STOP_WORDS), dtype=str)


@dataclass(frozen=True)
class Vectors:
    """Compact rows, one per paper: the kept columns and their levels (CSR), and each column's term."""

    rows: sp.csr_matrix  # int levels 1..LEVELS-1, at most `keep` per row
    terms: np.ndarray  # str, by column

    def unit(self) -> sp.csr_matrix:
        """The rows as the browser reads them: floats scaled back to unit length."""
        return _unit(self.rows.astype(np.float32))


def _unit(X: sp.spmatrix) -> sp.csr_matrix:
    X = sp.csr_matrix(X)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    return (sp.diags(1 / np.where(norms > 0, norms, 1)) @ X).tocsr().astype(np.float32)


def paper_counts(titles: list[str], abstracts: list[str], title_weight: int, folder: Path | None = None) -> Counts:
    """The papers' term counts as the topic stage counts them; those it kept in `folder` (its cache folder, None:
    none) are read from there, the rest tokenized. The folder is only read: it stays the topic stage's."""
    from site_src.topics.lock import paper_keys
    from site_src.topics.term_counts import counted

    return counted(titles, abstracts, title_weight, paper_keys(titles, abstracts), folder, keep=False)


@dataclass(frozen=True)
class Weighted:
    """Unit TF-IDF rows, the term of each column, and each column's document frequency."""

    X: sp.csr_matrix
    terms: np.ndarray
    df: np.ndarray


def tfidf(counts: Counts, min_df: int = MIN_DF, max_df: float = MAX_DF) -> Weighted:
    """Unit TF-IDF rows over the words (English stop words out) in at least min_df and at most max_df of the
    papers; columns in the words' (alphabetical) order."""
    M = counts.matrix.tocsr()
    n = M.shape[0]
    df = np.bincount(M.indices, minlength=M.shape[1])
    wanted = ~np.isin(counts.words, _STOP) & (df >= min(min_df, n)) & (df <= max(max_df * n, 1))
    columns = np.flatnonzero(wanted)
    X = M[:, columns].tocsr().astype(np.float32)
    X.data = 1 + np.log(X.data)
    X = X @ sp.diags((np.log((1 + n) / (1 + df[columns])) + 1).astype(np.float32))
    return Weighted(_unit(X), counts.words[columns], df[columns])


def smoothed(X: sp.csr_matrix, nearest: np.ndarray, share: float = SMOOTH) -> sp.csr_matrix:
    """Each row moved `share` of the way to the mean of the rows of its `nearest` papers (-1: none), unit again.
    A paper is known by the company it keeps: its neighbours' words fill in what its abstract left out."""
    rows, slots = np.nonzero(nearest >= 0)
    count = np.maximum((nearest >= 0).sum(axis=1), 1)
    mean = sp.csr_matrix((1.0 / count[rows], (rows, nearest[rows, slots])), shape=(X.shape[0], X.shape[0]), dtype=np.float32)
    return _unit((1 - share) * X + share * (mean @ X))


def _row_max(values: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    """The largest value of each row, for values grouped by row (`rows` sorted); 0 for a row without any."""
    largest = np.zeros(count, dtype=np.float64)
    if len(rows):
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        largest[rows[starts]] = np.maximum.reduceat(values, starts)
    return largest


def compact(X: sp.csr_matrix, terms: np.ndarray, keep: int = KEEP, levels: int = LEVELS, shared: float = SHARED, df: np.ndarray | None = None) -> Vectors:
    """Each row's `keep` strongest terms (ties: the earlier column), as levels 1..levels-1 of the row's largest
    weight; columns no row keeps are dropped. With `shared` > 0 a term's strength is its weight times its
    document frequency (`df`, by column; default: the rows' own) to that power: a term few papers have links a
    paper to few others."""
    X = X.tocsr()
    X.sort_indices()
    owner = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    df = np.bincount(X.indices, minlength=X.shape[1]) if df is None else df
    strength = X.data * df[X.indices].astype(np.float32) ** shared
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
