"""Each paper's compact vector: TF-IDF over the words of its title and abstract, smoothed towards its nearest
papers, cut to its strongest terms and quantized.

The words are counted as the topic stage counts them (topics/term_counts.py: the title counted `title_weight`
times, 2 by default, and the abstract), kept in this stage's cache folder, else read from the topic stage's, and
only the rest tokenized (0.56 -> 0.08 s at 3,956 papers; 6.1 -> 0.16 s at 34,000).
Besides the words, the PAIRS word pairs most papers use are terms too ("diffusion model", "video generation": two
words side by side once English stop words are out, as arxiv-sanity-lite counts them), counted once per paper and
kept in this stage's cache folder. They are weighed as arxiv-sanity-lite weighs its features (English stop words
out, sublinear counts, smoothed IDF, unit rows), without its author names (with them P@10 was lower on the seed and
API 2025 themes, barely higher on late 2025). A browser cannot afford a 10,000-column row per paper, so each row
keeps its KEEP strongest terms, as whole numbers 1..LEVELS-1 of the row's largest weight; the browser scales them
back to unit length. Before the cut, a paper's row moves SMOOTH of the way to the mean of its NEIGHBOURS most
similar papers (smoothed): three stars then say more than their own KEEP terms each. bench/recommend_eval.py
measures what each choice costs (docs/recommendations.md has the table).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from site_src.topics.term_counts import Counting, counted, tokens_of
from site_src.topics.vectors import ENGLISH_STOP_WORDS, Counts, Tokens, counted_entries, counts_of, stable_sort, stop_mask

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
# The word pairs kept as terms: those the most papers use (ties: alphabetical). bench/recommend_pairs.py, 10 draw
# seeds: P@10 themed 0.791 -> 0.811 (API 2025, higher on 9 seeds of 10), with distractors 0.618 -> 0.645 (late
# 2025, higher on all 10); 2 points lower on the seed themes.
PAIRS = 2000

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


def pair_counts(tokens: Tokens) -> Counts:
    """Each document's counts of word pairs: two tokens side by side once English stop words are taken out (as
    scikit-learn's CountVectorizer(ngram_range=(2, 2), stop_words="english") pairs them), named b"first second"
    (bytes: at 34,000 papers there are 578,000 pairs, most in one paper). A pair with a word of more than
    PAIR_WORD letters is not counted (a formula or a run-together name, no paper's topic, would make every
    name in the array as wide as it)."""
    order = np.argsort(tokens.words, kind="stable")  # the words by name: a pair's code sorts as its name does
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    words = tokens.words[order].astype(f"S{PAIR_WORD}")  # a longer word is cut here, but pairs with none
    kept = ~stop_mask(tokens.words, ENGLISH_STOP_WORDS)[tokens.ids]
    doc, ids = tokens.doc[kept], rank[tokens.ids[kept]]
    short = np.char.str_len(tokens.words[order]) <= PAIR_WORD
    together = (doc[1:] == doc[:-1]) & short[ids[:-1]] & short[ids[1:]]
    # "a b" sorts as (a, b) does, the space before every letter and digit: codes in order are names in order
    width = max(len(words), 1)
    codes, at = stable_sort(ids[:-1][together] * width + ids[1:][together])
    starts = np.diff(codes, prepend=-1) != 0
    pair = np.empty(len(codes), dtype=np.int64)
    pair[at] = np.cumsum(starts) - 1  # each pair's number among the distinct pairs, by name
    found = codes[starts]
    names = np.char.add(np.char.add(words[found // width], b" "), words[found % width])
    return Counts(counted_entries(doc[1:][together] * len(found) + pair, tokens.documents, len(found)), names)


PAIR_WORD = 24  # letters, at most, of a word in a pair
# Kept in this stage's cache folder, under a salt naming how pairs are counted: a file counted by another rule is
# not read.
PAIR_COUNTING = Counting("pairs.npy", f"word pairs, words of at most {PAIR_WORD} letters, stop words "
                         + " ".join(sorted(ENGLISH_STOP_WORDS)), pair_counts, as_bytes=True)


def paper_counts(
    titles: list[str], abstracts: list[str], title_weight: int, folder: Path | None = None, own: Path | None = None,
    reference: np.ndarray | None = None, keys: list[bytes] | None = None,
) -> Counts:
    """The papers' terms: their words (word_counts, of the same arguments) and the PAIRS word pairs the most papers
    of `reference` (rows; None: all) use, the pairs counted once per paper and kept in `own` (this stage's cache
    folder; None: counted now). `keys`: the papers' lock.paper_keys, where the caller has them."""
    from site_src.topics.lock import paper_keys

    keys = paper_keys(titles, abstracts) if keys is None else keys
    if own is None and folder is None:  # no cache: one tokenizing for both (none where the topic stage shared its)
        tokens = tokens_of(titles, abstracts, title_weight, keys)
        return with_pairs(counts_of(tokens), pair_counts(tokens), reference=reference)
    pairs = counted(titles, abstracts, title_weight, keys, own, counting=PAIR_COUNTING)
    return with_pairs(word_counts(titles, abstracts, title_weight, folder, own, keys), pairs, reference=reference)


def word_counts(
    titles: list[str], abstracts: list[str], title_weight: int, folder: Path | None = None, own: Path | None = None,
    keys: list[bytes] | None = None,
) -> Counts:
    """The papers' word counts as the topic stage counts them. With `own` (this stage's cache folder), those it kept
    there are read, else those the topic stage kept in `folder` (its cache folder, only read), the rest tokenized,
    and what this stage counted is kept in `own` for the next build: the abstracts it reads are the pages' (LaTeX as
    text), so some differ from the topic stage's, and a topic stage answered from the lock keeps no counts at all.
    `keys`: the papers' lock.paper_keys, where the caller has them."""
    from site_src.topics.lock import paper_keys

    keys = paper_keys(titles, abstracts) if keys is None else keys
    if own is None:
        return counted(titles, abstracts, title_weight, keys, folder, keep=False)
    return counted(titles, abstracts, title_weight, keys, own, fallback=folder)


def with_pairs(words: Counts, pairs: Counts, top: int = PAIRS, reference: np.ndarray | None = None) -> Counts:
    """The word counts with the `top` pairs the most papers (of `reference`, rows; None: all) use as more columns,
    every column in alphabetical order of its term (a pair, "video generation", sorts between its first word and
    the words that word begins)."""
    chosen_from = pairs.matrix.tocsr() if reference is None else pairs.matrix.tocsr()[reference]
    used = np.bincount(chosen_from.indices, minlength=len(pairs.words))
    chosen = np.sort(np.argsort(-used, kind="stable")[:top])
    terms = np.concatenate([words.words, pairs.words[chosen].astype(str)])
    order = np.argsort(terms, kind="stable")
    matrix = sp.hstack([words.matrix, pairs.matrix[:, chosen]], format="csr")[:, order]
    matrix.sort_indices()
    return Counts(matrix.tocsr(), terms[order])


@dataclass(frozen=True)
class Weighted:
    """Unit TF-IDF rows, the term of each column, each column's document frequency (in the reference papers) and
    its weight (IDF, float32), and how many papers weighed them."""

    X: sp.csr_matrix
    terms: np.ndarray
    df: np.ndarray
    idf: np.ndarray | None = None
    reference: int = 0


def tfidf(counts: Counts, min_df: int = MIN_DF, max_df: float = MAX_DF, reference: np.ndarray | None = None) -> Weighted:
    """Unit TF-IDF rows over the words (English stop words out) in at least min_df and at most max_df of the
    papers of `reference` (rows; None: all), weighed by their document frequencies there; columns in the words'
    (alphabetical) order. A row depends only on its own counts and the reference papers'."""
    M = counts.matrix.tocsr()
    R = M if reference is None else M[reference]
    n = R.shape[0]
    df = np.bincount(R.indices, minlength=M.shape[1])
    wanted = ~np.isin(counts.words, _STOP) & (df >= min(min_df, n)) & (df <= max(max_df * n, 1))
    columns = np.flatnonzero(wanted)
    X = M[:, columns].tocsr().astype(np.float32)
    X.data = 1 + np.log(X.data)
    idf = (np.log((1 + n) / (1 + df[columns])) + 1).astype(np.float32)
    return Weighted(_unit(X @ sp.diags(idf)), counts.words[columns], df[columns], idf, n)


def smoothed(X: sp.csr_matrix, nearest: np.ndarray, share: float = SMOOTH, rows: slice | np.ndarray = slice(None)) -> sp.csr_matrix:
    """Each row (of `rows`) moved `share` of the way to the mean of the rows of its `nearest` papers (-1: none), unit
    again. A paper is known by the company it keeps: its neighbours' words fill in what its abstract left out."""
    near = nearest[rows]
    found, slots = np.nonzero(near >= 0)
    count = np.maximum((near >= 0).sum(axis=1), 1)
    mean = sp.csr_matrix((1.0 / count[found], (found, near[found, slots])), shape=(len(near), X.shape[0]), dtype=np.float32)
    return _unit((1 - share) * X[rows] + share * (mean @ X))


def _row_max(values: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    """The largest value of each row, for values grouped by row (`rows` sorted); 0 for a row without any."""
    largest = np.zeros(count, dtype=np.float64)
    if len(rows):
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        largest[rows[starts]] = np.maximum.reduceat(values, starts)
    return largest


def _first_smallest(key: np.ndarray, indptr: np.ndarray, owner: np.ndarray, keep: int, block: int = 1 << 22) -> np.ndarray:
    """Which entries are among their row's `keep` smallest keys (ties: the earlier entry), for keys grouped in rows
    by `indptr` (`owner`: each entry's row): the set a stable sort of the keys would put first in each row, without
    sorting them. Each row's keep-th smallest key comes from np.partition over blocks of rows padded to one width
    (a stable argsort of the 30 million terms of 34,000 smoothed papers took seconds)."""
    count = len(indptr) - 1
    width = int(np.diff(indptr).max(initial=0))
    if width <= keep:
        return np.ones(len(key), dtype=bool)
    threshold = np.empty(count)
    below = np.empty(count, dtype=np.int64)  # keys under the threshold, per row
    step = max(1, block // width)
    for start in range(0, count, step):  # blocks of rows, not one row at a time
        end = min(start + step, count)
        entries = slice(indptr[start], indptr[end])
        padded = np.full((end - start, width), np.inf)
        padded[owner[entries] - start, np.arange(indptr[start], indptr[end]) - indptr[owner[entries]]] = key[entries]
        padded.partition(keep - 1, axis=1)  # every key under the keep-th smallest now stands before it
        threshold[start:end] = padded[:, keep - 1]
        below[start:end] = (padded[:, : keep - 1] < padded[:, keep - 1 : keep]).sum(axis=1)
    at = threshold[owner]
    chosen = key < at
    tied = np.flatnonzero(key == at)  # in entry order: a row's earlier ties first
    rows = owner[tied]
    rank = np.arange(len(tied)) - np.searchsorted(rows, rows)
    chosen[tied[rank < keep - below[rows]]] = True
    return chosen


def compact(X: sp.csr_matrix, terms: np.ndarray, keep: int = KEEP, levels: int = LEVELS, shared: float = SHARED, df: np.ndarray | None = None) -> Vectors:
    """Each row's `keep` strongest terms (ties: the earlier column), as levels 1..levels-1 of the row's largest
    weight; columns no row keeps are dropped. With `shared` > 0 a term's strength is its weight times its
    document frequency (`df`, by column; default: the rows' own) to that power: a term few papers have links a
    paper to few others."""
    X = X.tocsr()
    df = np.bincount(X.indices, minlength=X.shape[1]) if df is None else df
    return shrink(cut(X, df, keep, levels, shared), terms)


def cut(X: sp.csr_matrix, df: np.ndarray, keep: int = KEEP, levels: int = LEVELS, shared: float = SHARED) -> sp.csr_matrix:
    """compact's rows before the unused columns are dropped: every column of X kept, int32 levels. A row's cut
    depends on that row and `df` alone."""
    X = X.tocsr()
    return _cut_blocks([(0, X)], X.shape[0], X.shape[1], keep, levels, shared, df)


def smoothed_cut(
    X: sp.csr_matrix, nearest: np.ndarray, df: np.ndarray, rows: np.ndarray, share: float = SMOOTH,
    keep: int = KEEP, levels: int = LEVELS, shared: float = SHARED, block: int = 4096,
) -> sp.csr_matrix:
    """The cut (every column of X kept) of the smoothed `rows` of X, in their order, a block of them at a time."""
    blocks = ((start, smoothed(X, nearest, share, rows[start : start + block])) for start in range(0, len(rows), block))
    return _cut_blocks(blocks, len(rows), X.shape[1], keep, levels, shared, df)


def shrink(rows: sp.csr_matrix, terms: np.ndarray) -> Vectors:
    """Cut rows (a column per term) as Vectors: only the columns some row keeps, in alphabetical order of their
    terms (files compress better)."""
    rows = rows.tocsr()
    used = np.unique(rows.indices)
    used = used[np.argsort(terms[used], kind="stable")]
    column = np.empty(len(terms), dtype=np.int64)
    column[used] = np.arange(len(used))
    kept = sp.csr_matrix((rows.data.astype(np.int32), column[rows.indices], rows.indptr), shape=(rows.shape[0], len(used)))
    kept.sort_indices()
    return Vectors(kept, terms[used])


def _cut_blocks(blocks, count: int, columns: int, keep: int, levels: int, shared: float, df: np.ndarray) -> sp.csr_matrix:
    """The cut of (first row, rows) blocks that together hold `count` rows in order."""
    weight = df.astype(np.float32) ** shared
    parts = [(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32))]
    for first, X in blocks:
        X.sort_indices()
        owner = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        strength = X.data * weight[X.indices]
        peak = _row_max(strength, owner, X.shape[0])
        # within each row (_first_smallest compares a row's keys only): strongest first, ties by column (indices are sorted)
        key = 1 - strength / np.maximum(peak[owner], 1e-30)
        chosen = np.flatnonzero(_first_smallest(key, X.indptr, owner, keep))
        rows, data = owner[chosen], X.data[chosen]
        largest = _row_max(data, rows, X.shape[0])
        parts.append((rows + first, X.indices[chosen], np.maximum(np.rint(data / largest[rows] * (levels - 1)), 1).astype(np.int32)))
    rows, cols, values = (np.concatenate(p) for p in zip(*parts))
    kept = sp.csr_matrix((values, (rows, cols)), shape=(count, columns))
    kept.sort_indices()
    return kept
