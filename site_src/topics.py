"""The vectorized core: one sparse TF-IDF matrix, NMF topics, c-TF-IDF labels, related papers.

No Python loop runs over papers or vocabulary terms; loops here run over topics and over
a handful of label candidates per topic.
"""

from __future__ import annotations

import hashlib
import math
import re
import warnings
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer

from .config import TopicSettings
from .grouping import Grouping, Topic

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
# Words that may appear inside a label phrase but never stand alone as one.
GENERIC_LABEL_WORDS = frozenset(
    "model models result results approach approaches method methods training performance task tasks "
    "data learning language paper framework system systems text pretraining pretrained self".split()
) | {"pre training", "pre trained"}
TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b"
AUTO_TOPICS_PER_SQRT = 1.4
LABEL_PHRASES = 3
STICKY = 0.2  # a paper leaves its remembered topic only when another weighs over 5 times as much
LABEL_CANDIDATES = 20
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
# c-TF-IDF labels count phrases in at most this many of each topic's most central papers.
LABEL_PAPERS = 200
# Related papers compare every pair up to this many papers; above, only papers near the same topics.
RELATED_EXACT = 5000
RELATED_BUCKETS = 4


def topic_count(papers: int, settings: TopicSettings) -> int:
    """The number of topics: set in site.yaml, or about 1.4 * sqrt(papers), capped by max_count.

    Chosen by `make topics-eval` on the seeds: F1 against a person's themes rises from 18 topics
    (0.48) to 26 (0.56) and falls again past 30; 1.4 * sqrt(340) = 26.
    """
    wanted = settings.count or max(1, round(AUTO_TOPICS_PER_SQRT * math.sqrt(papers)))
    return max(1, min(wanted, settings.max_count, papers))


def _documents(titles: list[str], abstracts: list[str], title_weight: int) -> list[str]:
    return [(title + ". ") * title_weight + abstract for title, abstract in zip(titles, abstracts)]


def _tfidf(docs: list[str], settings: TopicSettings) -> tuple[sp.csr_matrix, TfidfVectorizer]:
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


def related_papers(
    X: sp.csr_matrix, count: int, chunk: int = 2048, profiles: np.ndarray | None = None, exact_up_to: int = RELATED_EXACT
) -> np.ndarray:
    """Each row's `count` most cosine-similar other rows (rows are L2-normalized), -1 where none.

    Up to `exact_up_to` rows, or without topic `profiles` (topics x terms), every pair is compared. Above,
    a row is compared only with the rows that share one of its RELATED_BUCKETS closest topic profiles
    (92% of the exact related papers on the 3,400-paper benchmark corpus), which keeps the cost near
    linear instead of quadratic.
    """
    if profiles is None or len(profiles) <= RELATED_BUCKETS or X.shape[0] <= exact_up_to:
        return _related_exact(X, count, chunk)
    unit = profiles / np.maximum(np.linalg.norm(profiles, axis=1, keepdims=True), 1e-12)
    closeness = np.asarray(X @ unit.T.astype(X.dtype))
    buckets = np.argsort(-closeness, axis=1, kind="stable")[:, :RELATED_BUCKETS]
    return _related_in_buckets(X, count, buckets, chunk)


def _related_in_buckets(X: sp.csr_matrix, count: int, buckets: np.ndarray, chunk: int) -> np.ndarray:
    """The exact top `count` per row among the rows that share a bucket with it; ties by lower index."""
    n = X.shape[0]
    result = np.full((n, count), -1, dtype=np.int64)
    parts = [(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=X.dtype))]
    for bucket in range(int(buckets.max()) + 1):  # a loop over topics
        members = np.flatnonzero((buckets == bucket).any(axis=1))
        if len(members) < 2:
            continue
        take = min(count, len(members) - 1)
        block = X[members]
        blockT = block.T.tocsc()
        for start in range(0, len(members), chunk):
            local = np.arange(start, min(start + chunk, len(members)))
            sims = (block[local] @ blockT).toarray()
            sims[np.arange(len(local)), local] = -1.0
            top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
            parts.append((np.repeat(members[local], take), members[top].ravel(), np.take_along_axis(sims, top, axis=1).ravel()))
    rows, cols, scores = (np.concatenate(p) for p in zip(*parts))
    # Highest similarity first, then lowest index; a pair found in two buckets counts once.
    order = np.lexsort((cols, -scores, rows))
    rows, cols, scores = rows[order], cols[order], scores[order]
    fresh = np.ones(len(rows), dtype=bool)
    fresh[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    rows, cols, scores = rows[fresh], cols[fresh], scores[fresh]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
    keep = (rank < count) & (scores > 0)
    result[rows[keep], rank[keep]] = cols[keep]
    return result


def _related_exact(X: sp.csr_matrix, count: int, chunk: int = 2048) -> np.ndarray:
    """Each row's `count` most cosine-similar other rows (rows are L2-normalized), -1 where none."""
    n = X.shape[0]
    result = np.full((n, count), -1, dtype=np.int64)
    if n < 2 or count == 0:
        return result
    XT = X.T.tocsc()
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        result[rows] = _related_exact_rows(X, count, rows, XT)
    return result


_SUFFIXES = ("izations", "ization", "ations", "ation", "ings", "ing", "ers", "er", "ed", "es", "s")


def _stem(word: str) -> str:
    """A light stem for spotting near-duplicate label words: masked/masking, tokenizer/tokenization."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word[:-1] if len(word) >= 4 and word.endswith("e") else word  # tune/tuning, encode/encoding


def _overlap(words: frozenset, other: frozenset) -> bool:
    """Whether two phrases share a word, or a word of one is part of a word of the other."""
    return bool(words & other) or any(a in b or b in a for a in words for b in other if min(len(a), len(b)) >= 4)


def pick_label(candidates: list[str], limit: int = LABEL_PHRASES) -> list[str]:
    """The first distinctive phrases, none contained in another (by stemmed words)."""
    chosen: list[tuple[str, frozenset]] = []
    for phrase in candidates:
        if phrase in GENERIC_LABEL_WORDS:
            continue
        words = frozenset(_stem(w) for w in phrase.split())
        if len(words) < len(phrase.split()):  # "image images": a word twice
            continue
        if any(words <= other for _, other in chosen):
            continue
        wider = [i for i, (_, other) in enumerate(chosen) if other < words]
        if any(_overlap(words, other) and not other < words for _, other in chosen):
            continue  # "specific pretraining" after "domain specific", "medical" after "biomedical"
        if wider:  # "low rank" replaces "rank" where "rank" stood
            chosen[wider[0]] = (phrase, words)
            chosen = [c for i, c in enumerate(chosen) if i not in wider[1:]]
        elif len(chosen) < limit:
            chosen.append((phrase, words))
    return [phrase for phrase, _ in chosen]


def _class_tfidf(docs: list[str], assignment: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """c-TF-IDF over unigrams and bigrams: how distinctive each phrase is of each topic."""
    # Phrases are counted with stop words in place, so a bigram is two words that really stand
    # side by side ("natural language processing" never yields "natural processing").
    counter = CountVectorizer(token_pattern=TOKEN_PATTERN, ngram_range=(1, 2), min_df=min(2, len(docs)))
    try:
        C = counter.fit_transform(docs)
    except ValueError:  # no word at all (titles of only punctuation, say): no phrase can label a topic
        return np.zeros((k, 0)), np.array([], dtype=str)
    names = counter.get_feature_names_out().astype(str)
    stop = np.array(STOP_WORDS)
    edge_is_stop = np.isin(np.char.partition(names, " ")[:, 0], stop) | np.isin(np.char.rpartition(names, " ")[:, 2], stop)
    n = len(docs)
    M = sp.csr_matrix((np.ones(n, dtype=np.float32), (assignment, np.arange(n))), shape=(k, n))
    per_topic = np.asarray((M @ C).todense(), dtype=np.float64)
    tf = per_topic / np.maximum(per_topic.sum(axis=1, keepdims=True), 1.0)
    average_words = per_topic.sum() / max(k, 1)
    idf = np.log1p(average_words / np.maximum(per_topic.sum(axis=0), 1.0))
    # A phrase found in a single paper is that paper's jargon, not the topic's theme.
    papers_with = np.asarray((M @ (C > 0).astype(np.float32)).todense())
    score = tf * idf * (papers_with >= min(2, papers_with.max(initial=1))) * ~edge_is_stop
    return score, names


_SMALL_WORDS = {"to", "of", "and", "the", "for", "in", "on", "a", "with", "from"}


def _display(phrase: str, texts: list[str]) -> str:
    """The phrase as the papers most often write it ("LoRA", "Text-to-Image"), title-cased."""
    joiner = r"[\s-]+(?:(?:%s)[\s-]+)?" % "|".join(sorted(_SMALL_WORDS))
    pattern = re.compile(r"\b" + joiner.join(map(re.escape, phrase.split())) + r"\b", re.IGNORECASE)
    forms = Counter(re.sub(r"\s+", " ", m.group(0)) for text in texts for m in pattern.finditer(text))
    best = max(sorted(forms), key=lambda form: (forms[form], form != form.lower()), default=phrase)
    words = re.split(r"([\s-]+)", best)
    return "".join(w if w in _SMALL_WORDS and i else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _factorize(X: sp.csr_matrix, k: int, settings: TopicSettings, prior: np.ndarray | None, sample: np.ndarray | None = None):
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


def prior_matrix(priors: list[dict[str, float]], vocabulary: dict[str, int]) -> np.ndarray:
    """Remembered topic centroids (term -> weight) as rows over today's vocabulary."""
    rows, cols, values = [], [], []
    for row, terms in enumerate(priors):
        known = [(vocabulary[t], w) for t, w in terms.items() if t in vocabulary]
        rows += [row] * len(known)
        cols += [c for c, _ in known]
        values += [w for _, w in known]
    return sp.csr_matrix((values, (rows, cols)), shape=(len(priors), len(vocabulary))).toarray()


def _positions(unit: np.ndarray) -> np.ndarray:
    """A 2-D map of the topics: the first two principal axes of their unit centroids, in [0, 1]."""
    k = len(unit)
    if k < 3:
        return np.array([[0.5, 0.5], [0.0, 1.0]][:k]) if k else np.zeros((0, 2))
    centred = unit - unit.mean(axis=0)
    U, S, _ = np.linalg.svd(centred, full_matrices=False)
    coords = U[:, :2] * S[:2]
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), [0, 1]])  # fix each axis' sign: deterministic
    coords = coords * np.where(signs == 0, 1, signs)
    low, high = coords.min(axis=0), coords.max(axis=0)
    # Rounded as the lock file keeps them, so a build from the lock draws the very same map.
    return np.round((coords - low) / np.where(high > low, high - low, 1), 6)


def _top_terms(centroids: np.ndarray, terms: np.ndarray, count: int = 200) -> list[dict[str, float]]:
    """Each centroid's strongest terms, scaled to a maximum of 1, rounded: what the lock file keeps."""
    top = np.argsort(-centroids, axis=1, kind="stable")[:, :count]
    peak = np.maximum(centroids.max(axis=1, keepdims=True), 1e-12)
    weights = np.round(np.take_along_axis(centroids, top, axis=1) / peak, 4)
    return [dict(zip(terms[row][w > 0].tolist(), w[w > 0].tolist())) for row, w in zip(top, weights)]


def group_papers(
    titles: list[str],
    abstracts: list[str],
    settings: TopicSettings,
    priors: list[dict[str, float]] | None = None,
    prior_topic: np.ndarray | None = None,
) -> Grouping:
    """Group papers into labelled topics and find each paper's related papers.

    `priors` (remembered topic centroids, from the lock file) warm-start the factorization, so
    that a rebuild after new dumps keeps the old topics where the papers still support them;
    `prior_topic` (per paper: its remembered topic's row in `priors`, or -1) keeps a paper in its
    old topic unless the new fit clearly prefers another (hysteresis, STICKY).
    """
    n = len(titles)
    docs = _documents(titles, abstracts, settings.title_weight)
    X, vectorizer = _tfidf(docs, settings)
    k = min(topic_count(n, settings), max(1, X.shape[1]))
    params = {
        "papers": n,
        "vocabulary": X.shape[1],
        "topics": k,
        "topics_chosen": "site.yaml" if settings.count else "auto (1.4 x sqrt of papers)",
        "method": "NMF (nndsvda) on TF-IDF"
        + (f", fitted on {NMF_SAMPLE} sampled papers, all projected" if n > NMF_SAMPLE else "")
        + (", warm-started from topics.lock.json" if priors else ""),
        "seed": settings.seed,
        "min_df": settings.min_df,
        "max_df": settings.max_df,
        "title_weight": settings.title_weight,
        "second_topic": settings.second_topic,
    }
    empty = np.zeros((0, settings.related), dtype=np.int64)
    if n == 0:
        return Grouping((), np.zeros((0, 2), dtype=np.int64), empty, params)
    terms = vectorizer.get_feature_names_out() if vectorizer else np.array([], dtype=object)
    prior = prior_matrix(priors, vectorizer.vocabulary_) if priors and vectorizer else None
    if prior is not None:
        k = max(k, len(prior))
    sample = fit_sample(titles, settings.seed)
    weights, centroids = _factorize(X, k, settings, prior, sample)
    k = weights.shape[1]
    assignment = weights.argmax(axis=1)
    if prior is not None and prior_topic is not None:
        remembered = np.where(prior_topic >= 0, prior_topic, assignment)
        stays = weights[np.arange(n), remembered] >= STICKY * weights[np.arange(n), assignment]
        assignment = np.where(stays & (weights[np.arange(n), remembered] > 0), remembered, assignment)
    # Drop topics no paper chose; order the rest by size, then by first member, for stable output.
    sizes = np.bincount(assignment, minlength=k)
    first = np.full(k, n)
    np.minimum.at(first, assignment, np.arange(n))
    kept = np.array([t for t in np.lexsort((first, -sizes)) if sizes[t] > 0])
    renumber = np.full(k, -1)
    renumber[kept] = np.arange(len(kept))
    assignment = renumber[assignment]
    weights = weights[:, kept]
    centroids = centroids[kept]
    k = len(kept)
    params["topics"] = k

    rows = np.arange(n)
    top_weight = weights[rows, assignment]
    # A second topic where a paper's weight there comes close to its first.
    paper_topics, has_second = _with_second_topics(weights, assignment, settings.second_topic)

    # Labels come from each topic's most central papers: they name the theme, and bound the phrase count.
    central = np.lexsort((rows, -top_weight, assignment))
    rank = np.arange(n) - np.searchsorted(assignment[central], assignment[central])
    central = np.sort(central[rank < LABEL_PAPERS])
    score, phrases = _class_tfidf([docs[i] for i in central], assignment[central], k)
    candidates = np.argsort(-score, axis=1, kind="stable")[:, :LABEL_CANDIDATES]
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    unit = centroids / np.where(norms == 0, 1, norms)
    topic_sims = unit @ unit.T
    np.fill_diagonal(topic_sims, -np.inf)
    related_topics = np.argsort(-topic_sims, axis=1, kind="stable")[:, : min(3, k - 1)]
    positions = _positions(unit)
    centroid_terms = _top_terms(centroids, terms) if len(terms) else [{} for _ in range(k)]
    # Members: primary members first, most central first; then second-topic members; ties by index.
    member_topic = np.concatenate([assignment, paper_topics[has_second, 1]])
    member_paper = np.concatenate([rows, rows[has_second]])
    member_rank = np.concatenate([np.zeros(n), np.ones(int(has_second.sum()))])
    member_weight = weights[member_paper, member_topic]
    order = np.lexsort((member_paper, -member_weight, member_rank, member_topic))
    bounds = np.searchsorted(member_topic[order], np.arange(k + 1))

    topics = []
    for t in range(k):
        members = member_paper[order[bounds[t] : bounds[t + 1]]]
        primary = members[: int(sizes[kept[t]])]
        label = pick_label([phrases[i] for i in candidates[t] if score[t, i] > 0])
        texts = [titles[i] for i in primary] + [abstracts[i] for i in primary[:20]]
        label = tuple(_display(phrase, texts) for phrase in label) or (f"Topic {t + 1}",)
        topics.append(
            Topic(
                label=label,
                members=tuple(int(i) for i in members),
                related=tuple(int(i) for i in related_topics[t]),
                size=len(primary),
                position=(float(positions[t, 0]), float(positions[t, 1])),
                terms=centroid_terms[t],
            )
        )
    profiles = prior_matrix([t.terms for t in topics], vectorizer.vocabulary_) if vectorizer else None
    return Grouping(tuple(topics), paper_topics, related_papers(X, settings.related, profiles=profiles), params)


def related_only(titles: list[str], abstracts: list[str], settings: TopicSettings, terms: list[dict] | None = None) -> np.ndarray:
    """Just each paper's related papers (for a rebuild that takes its topics, and their `terms`, from the lock file)."""
    X, vectorizer = _tfidf(_documents(titles, abstracts, settings.title_weight), settings)
    profiles = prior_matrix(terms, vectorizer.vocabulary_) if terms and vectorizer else None
    return related_papers(X, settings.related, profiles=profiles)


def related_with_new(X: sp.csr_matrix, count: int, remembered: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Related papers after papers were added: a new paper's are the best of all papers; another paper's
    are the best of its `remembered` ones (rows of paper indices, -1 for none) and the new papers."""
    n = X.shape[0]
    # Candidates per paper: its remembered related papers, then every new paper.
    candidates = np.concatenate([remembered, np.broadcast_to(new, (n, len(new)))], axis=1)
    safe = np.where(remembered >= 0, remembered, 0)
    old_scores = np.empty(remembered.shape)
    for start in range(0, n, 4096):  # row pairs in chunks: a copy of X per remembered column would be large
        rows = np.arange(start, min(start + 4096, n))
        pairs = np.repeat(rows, remembered.shape[1])
        old_scores[rows] = np.asarray(X[pairs].multiply(X[safe[rows].reshape(-1)]).sum(axis=1)).reshape(len(rows), -1)
    old_scores = np.where(remembered >= 0, old_scores, -1.0)
    new_scores = np.asarray((X @ X[new].T).todense()) if len(new) else np.zeros((n, 0))
    scores = np.concatenate([old_scores, new_scores], axis=1)
    scores[candidates == np.arange(n)[:, None]] = -1.0  # never itself
    # A paper listed twice (a remembered related paper cannot be new, so only -1 repeats) is harmless.
    order = np.lexsort((candidates, -scores), axis=1)[:, :count]
    top = np.take_along_axis(candidates, order, axis=1)
    best = np.take_along_axis(scores, order, axis=1)
    result = np.where(best > 0, top, -1)
    if len(new):  # the new papers compare with every paper
        result[new] = _related_exact_rows(X, count, new)
    return result


def _related_exact_rows(X: sp.csr_matrix, count: int, rows: np.ndarray, XT=None) -> np.ndarray:
    """The `count` most cosine-similar other rows of each of `rows`, -1 where none."""
    n = X.shape[0]
    result = np.full((len(rows), count), -1, dtype=np.int64)
    take = min(count, n - 1)
    if take <= 0 or not len(rows):
        return result
    sims = (X[rows] @ (X.T.tocsc() if XT is None else XT)).toarray()
    sims[np.arange(len(rows)), rows] = -1.0
    top = np.argpartition(-sims, take - 1, axis=1)[:, :take]
    scores = np.take_along_axis(sims, top, axis=1)
    # Highest similarity first, then lowest index: a stable order for equal scores.
    order = np.lexsort((top, -scores), axis=1)
    top = np.take_along_axis(top, order, axis=1)
    scores = np.take_along_axis(scores, order, axis=1)
    result[:, :take] = np.where(scores > 0, top, -1)
    return result


def _with_second_topics(weights: np.ndarray, first: np.ndarray, share: float) -> tuple[np.ndarray, np.ndarray]:
    """(papers, 2): each paper's `first` topic and its runner-up where the paper weighs at least `share` of
    its first-topic weight there (else -1); and which papers have such a second topic."""
    n, k = weights.shape
    none = np.full(n, -1, dtype=np.int64)
    if k < 2 or share <= 0:
        return np.stack([first.astype(np.int64), none], axis=1), np.zeros(n, dtype=bool)
    rows = np.arange(n)
    runner_up = np.argsort(-weights, axis=1, kind="stable")[:, 1]
    top, second = weights[rows, first], weights[rows, runner_up]
    has_second = (second >= share * top) & (top > 0)
    return np.stack([first.astype(np.int64), np.where(has_second, runner_up, none)], axis=1), has_second


def fold_in(
    titles: list[str], abstracts: list[str], settings: TopicSettings, terms: list[dict], new: np.ndarray,
    remembered: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The `new` papers placed on remembered topics (their centroid `terms`), without fitting anything.

    Returns each new paper's (topic, second topic or -1), its weight on its topic (to order members),
    and every paper's related papers: with `remembered` (each paper's related papers as the lock keeps
    them), only the new papers are compared with all; without, every pair is (related_papers).
    """
    X, vectorizer = _tfidf(_documents(titles, abstracts, settings.title_weight), settings)
    profiles = prior_matrix(terms, vectorizer.vocabulary_) if terms and vectorizer else np.zeros((len(terms), X.shape[1]))
    unit = profiles / np.maximum(np.linalg.norm(profiles, axis=1, keepdims=True), 1e-12)
    weights = np.asarray(X[new] @ unit.T) if len(new) else np.zeros((0, len(terms)))
    first = weights.argmax(axis=1) if len(terms) else np.zeros(len(new), dtype=np.int64)
    top = weights[np.arange(len(new)), first] if len(terms) else np.zeros(len(new))
    placed, _ = _with_second_topics(weights, first, settings.second_topic)
    if remembered is not None:
        related = related_with_new(X, settings.related, remembered, new)
    else:
        related = related_papers(X, settings.related, profiles=profiles if len(terms) else None)
    return placed, top, related
