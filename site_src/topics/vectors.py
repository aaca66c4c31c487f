"""Papers as vectors: one sparse TF-IDF matrix over titles and abstracts, and remembered centroids over its terms.

Only the vector space: no grouping, no labels. Every function works on whole matrices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain

import numpy as np
import scipy.sparse as sp

from site_src.config import TopicSettings

# English stop words: the list scikit-learn ships (BSD-3-Clause; from the Glasgow Information Retrieval Group),
# kept here so that grouping papers does not import scikit-learn (3 s on a busy machine).
ENGLISH_STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also although always
    am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as
    at back be became because become becomes becoming been before beforehand behind being below beside
    besides between beyond bill both bottom but by call can cannot cant co con could couldnt cry de describe
    detail do done down due during each eg eight either eleven else elsewhere empty enough etc even ever
    every everyone everything everywhere except few fifteen fifty fill find fire first five for former
    formerly forty found four from front full further get give go had has hasnt have he hence her here
    hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in inc indeed
    interest into is it its itself keep last latter latterly least less ltd made many may me meanwhile might
    mill mine more moreover most mostly move much must my myself name namely neither never nevertheless next
    nine no nobody none noone nor not nothing now nowhere of off often on once one only onto or other others
    otherwise our ours ourselves out over own part per perhaps please put rather re same see seem seemed
    seeming seems serious several she should show side since sincere six sixty so some somehow someone
    something sometime sometimes somewhere still such system take ten than that the their them themselves
    then thence there thereafter thereby therefore therein thereupon these they thick thin third this those
    though three through throughout thru thus to together too top toward towards twelve twenty two un under
    until up upon us very via was we well were what whatever when whence whenever where whereafter whereas
    whereby wherein whereupon wherever whether which while whither who whoever whole whom whose why will
    with within without would yet you your yours yourself yourselves
    """.split()
)
# The field's boilerplate: words every abstract uses, which say nothing about its theme.
DOMAIN_STOP_WORDS = frozenset(
    """
    ability able accuracy achieve achieved achieves achieving address addresses advance advances
    also analysis analyze approach approaches art available based baseline baselines benchmark
    benchmarks better broad capabilities capability challenge challenges challenging com common
    compared comparable competitive comprehensive consistently conduct contribution contributions
    current data dataset datasets demonstrate demonstrated demonstrates design designed despite
    develop developed different effective effectively effectiveness efficient efficiently enable
    enables end evaluate evaluated evaluation evaluations existing experiment experimental
    experiments extensive findings framework frameworks furthermore github given high however http
    https improve improved improvement improvements improves improving including introduce
    introduced introduces key language large learning leverage leverages llm llms method methods
    model models moreover new novel obtain order outperform outperforming outperforms paper papers
    performance performances perform performing present presents pre previous prior problem problems
    promising propose proposed proposes provide provides range recent recently remain remains
    research result results scale set settings shot show showing shown shows significant
    significantly simple specifically state strong studies study superior systems task tasks
    technique techniques trained training train use used uses using various way wide work works www
    """.split()
)
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS)

TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b"
_TOKEN = re.compile(TOKEN_PATTERN)
_STOP = np.array(STOP_WORDS, dtype=str)


def documents(titles: list[str], abstracts: list[str], title_weight: int) -> list[str]:
    return [(title + ". ") * title_weight + abstract for title, abstract in zip(titles, abstracts)]


@dataclass(frozen=True)
class Terms:
    """The columns of a TF-IDF matrix: its terms in alphabetical order, and each term's column."""

    names: np.ndarray

    @property
    def vocabulary_(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.names.tolist())}

    def get_feature_names_out(self) -> np.ndarray:
        return self.names


@dataclass(frozen=True)
class Tokens:
    """Every token of a list of documents, as arrays: its document, its word's id, and the words by id."""

    doc: np.ndarray
    ids: np.ndarray
    words: np.ndarray
    documents: int


def tokenize(docs: list[str]) -> Tokens:
    """The documents' tokens (TOKEN_PATTERN, lowercased): one regex pass per document and one dict of token ids,
    as scikit-learn counts (an array sort of the 800,000 token strings of 4,000 papers takes ten times as long);
    ids follow first appearance, so the same documents give the same ids."""
    tokens = [_TOKEN.findall(doc.lower()) for doc in docs]
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(docs))
    # Both passes over the tokens run in C (dict.fromkeys keeps first appearances in order; map of a bound method):
    # a generator's Python step per token cost a quarter more.
    vocabulary = dict.fromkeys(chain.from_iterable(tokens))
    index = dict(zip(vocabulary, range(len(vocabulary))))
    ids = np.fromiter(map(index.__getitem__, chain.from_iterable(tokens)), dtype=np.int64, count=int(lengths.sum()))
    return Tokens(np.repeat(np.arange(len(docs)), lengths), ids, np.array(list(vocabulary), dtype=str), len(docs))


def stable_sort(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the keys sorted, the order np.argsort(keys, kind="stable") gives) for non-negative integer keys, by one np.sort
    of each key packed with its position: NumPy sorts plain integers with SIMD, some ten times as fast as a stable
    argsort (9 million pair codes of 34,000 papers: 0.1 s against 0.8 s). An argsort where key and position do not
    fit in 63 bits."""
    n = len(keys)
    shift = max(n - 1, 1).bit_length()
    if not n or int(keys.max()).bit_length() + shift > 63:
        order = np.argsort(keys, kind="stable")
        return keys[order], order
    packed = (keys.astype(np.int64) << shift) | np.arange(n, dtype=np.int64)
    packed.sort()
    return packed >> shift, packed & ((1 << shift) - 1)


def stop_mask(words: np.ndarray, stop: frozenset) -> np.ndarray:
    """Per word id: whether the word is one of `stop` (a binary search per word: np.isin sorts both string arrays)."""
    listed = np.array(sorted(stop), dtype=str)
    if not len(listed) or not len(words):
        return np.zeros(len(words), dtype=bool)
    return listed[np.searchsorted(listed, words).clip(0, len(listed) - 1)] == words


class SpelledPhrases:
    """Phrases (word ids: first, last; single words where `single`) spelled only when read: labels.count_phrases keeps
    hundreds of thousands of phrases at 34,000 papers and reads a few dozen a topic."""

    def __init__(self, words: np.ndarray, first: np.ndarray, last: np.ndarray, single: np.ndarray):
        self.words, self.first, self.last, self.single = words, first, last, single

    def __len__(self) -> int:
        return len(self.first)

    def __getitem__(self, i: int) -> str:
        first = self.words[self.first[i]]
        return first if self.single[i] else f"{first} {self.words[self.last[i]]}"

    def tolist(self) -> list[str]:
        return [self[i] for i in range(len(self))]


@dataclass(frozen=True)
class Counts:
    """Each document's term counts: a (documents x words) matrix of float32 counts, each row's columns in order,
    over `words` in alphabetical order. Counting the same text gives the same Counts, whether its tokens were
    counted just now (counts_of) or kept from an earlier build (term_counts.py)."""

    matrix: sp.csr_matrix
    words: np.ndarray


def counts_of(tokens: Tokens) -> Counts:
    """The documents' term counts, from their tokens."""
    order = np.argsort(tokens.words, kind="stable")  # the words are distinct: their alphabetical ranks
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    matrix = counted_entries(tokens.doc * len(order) + rank[tokens.ids], tokens.documents, len(order))
    return Counts(matrix, tokens.words[order])


def counted_entries(keys: np.ndarray, rows: int, width: int) -> sp.csr_matrix:
    """A (rows x width) float32 CSR matrix counting the entries `keys` (row * width + column; repeats add up), each
    row's columns in order: one np.sort of the keys, quicker than SciPy's conversion and summing of duplicates."""
    keys = np.sort(keys)
    starts = np.flatnonzero(np.diff(keys, prepend=-1))  # where each distinct entry starts
    counts = np.diff(starts, append=len(keys)).astype(np.float32)
    found = keys[starts]
    matrix = sp.csr_matrix((counts, found % width, np.searchsorted(found, np.arange(rows + 1) * width)), shape=(rows, width))
    matrix.has_sorted_indices = True
    return matrix


def tfidf(docs: list[str], settings: TopicSettings, tokens: Tokens | None = None) -> tuple[sp.csr_matrix, Terms | None]:
    """TF-IDF rows of the documents (weigh); `tokens`: the documents already tokenized."""
    return weigh(counts_of(tokens or tokenize(docs)), settings)


def weigh(counts: Counts, settings: TopicSettings) -> tuple[sp.csr_matrix, Terms | None]:
    """TF-IDF rows (sublinear term counts, smoothed IDF, unit length) over the words in at least min_df and at
    most max_df of the documents, stop words out: the matrix scikit-learn's TfidfVectorizer gives. Array
    operations on the counts' entries, in their order, so equal counts give equal bits."""
    C, words = counts.matrix, counts.words
    n = C.shape[0]
    if not C.nnz:
        return sp.csr_matrix((n, 0), dtype=np.float32), None
    df = np.bincount(C.indices, minlength=len(words))
    usable = np.ones(len(words), dtype=bool)
    at = np.searchsorted(words, _STOP).clip(0, max(len(words) - 1, 0))  # both sorted: a binary search per stop word
    usable[at[words[at] == _STOP]] = False
    for min_df, max_df in ((settings.min_df, settings.max_df), (1, 1.0)):
        keep = usable & (df >= min(min_df, n)) & (df <= max_df * n)
        if keep.any():
            break
    else:  # only stop words: no term at all
        return sp.csr_matrix((n, 0), dtype=np.float32), None
    column = np.cumsum(keep) - 1  # kept words stay alphabetical, so each row's columns stay in order
    kept = keep[C.indices]
    before = np.concatenate([[0], np.cumsum(kept)])  # kept entries before each entry: each row's kept count
    indptr = before[C.indptr]
    indices = column[C.indices[kept]].astype(np.int32)
    idf = (np.log((1 + n) / (1 + df[keep])) + 1).astype(np.float32)
    data = np.log(C.data[kept])
    data += 1
    data *= idf[indices]
    lengths = np.diff(indptr)
    filled = lengths > 0
    norms = np.zeros(n, dtype=np.float32)
    norms[filled] = np.sqrt(np.add.reduceat(np.square(data), indptr[:-1][filled])) if len(data) else 0
    data *= np.repeat(1 / np.where(norms > 0, norms, 1), lengths)
    X = sp.csr_matrix((data, indices, indptr.astype(np.int32)), shape=(n, int(keep.sum())))
    X.has_sorted_indices = True
    return X, Terms(words[keep])


def prior_matrix(priors: list[dict[str, float]], vocabulary: dict[str, int]) -> np.ndarray:
    """Remembered topic centroids (term -> weight) as rows over today's vocabulary."""
    return prior_rows(priors, vocabulary).toarray()


def prior_rows(priors: list[dict[str, float]], vocabulary: dict[str, int]) -> sp.csr_matrix:
    """prior_matrix, sparse (a centroid keeps at most 200 terms)."""
    rows, cols, values = [], [], []
    for row, terms in enumerate(priors):
        known = [(vocabulary[t], w) for t, w in terms.items() if t in vocabulary]
        rows += [row] * len(known)
        cols += [c for c, _ in known]
        values += [w for _, w in known]
    return sp.csr_matrix((values, (rows, cols)), shape=(len(priors), len(vocabulary)))


def top_terms(centroids: np.ndarray, terms: np.ndarray, count: int = 200) -> list[dict[str, float]]:
    """Each centroid's strongest terms, scaled to a maximum of 1, rounded: what the lock file keeps."""
    top = np.argsort(-centroids, axis=1, kind="stable")[:, :count]
    peak = np.maximum(centroids.max(axis=1, keepdims=True), 1e-12)
    weights = np.round(np.take_along_axis(centroids, top, axis=1) / peak, 4)
    return [dict(zip(terms[row][w > 0].tolist(), w[w > 0].tolist())) for row, w in zip(top, weights)]
