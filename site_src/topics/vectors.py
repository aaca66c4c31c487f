"""Papers as vectors: one sparse TF-IDF matrix over titles and abstracts, and remembered centroids over its terms.

Only the vector space: no grouping, no labels. Every function works on whole matrices.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from ..config import TopicSettings

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


def documents(titles: list[str], abstracts: list[str], title_weight: int) -> list[str]:
    return [(title + ". ") * title_weight + abstract for title, abstract in zip(titles, abstracts)]


def tfidf(docs: list[str], settings: TopicSettings) -> tuple[sp.csr_matrix, TfidfVectorizer]:
    for min_df, max_df in ((settings.min_df, settings.max_df), (1, 1.0)):
        vectorizer = TfidfVectorizer(
            stop_words=STOP_WORDS,
            token_pattern=TOKEN_PATTERN,
            min_df=min(min_df, len(docs)),
            max_df=max_df,
            sublinear_tf=True,
            dtype=np.float32,
        )
        try:
            return vectorizer.fit_transform(docs).tocsr(), vectorizer
        except ValueError:  # too few documents for these bounds: retry with none
            continue
    return sp.csr_matrix((len(docs), 0), dtype=np.float32), None


def prior_matrix(priors: list[dict[str, float]], vocabulary: dict[str, int]) -> np.ndarray:
    """Remembered topic centroids (term -> weight) as rows over today's vocabulary."""
    rows, cols, values = [], [], []
    for row, terms in enumerate(priors):
        known = [(vocabulary[t], w) for t, w in terms.items() if t in vocabulary]
        rows += [row] * len(known)
        cols += [c for c, _ in known]
        values += [w for _, w in known]
    return sp.csr_matrix((values, (rows, cols)), shape=(len(priors), len(vocabulary))).toarray()


def top_terms(centroids: np.ndarray, terms: np.ndarray, count: int = 200) -> list[dict[str, float]]:
    """Each centroid's strongest terms, scaled to a maximum of 1, rounded: what the lock file keeps."""
    top = np.argsort(-centroids, axis=1, kind="stable")[:, :count]
    peak = np.maximum(centroids.max(axis=1, keepdims=True), 1e-12)
    weights = np.round(np.take_along_axis(centroids, top, axis=1) / peak, 4)
    return [dict(zip(terms[row][w > 0].tolist(), w[w > 0].tolist())) for row, w in zip(top, weights)]
