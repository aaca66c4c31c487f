"""The vectorized core's one pass: TF-IDF, topics from a neighbour graph, c-TF-IDF labels and related papers.

No Python loop runs over papers or vocabulary terms; loops here run over topics and over
a handful of label candidates per topic. Naming topics after the lock is the package's job (__init__.py).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from site_src.config import TopicSettings
from site_src.topics.graph import FIT_SAMPLE, NEIGHBOURS, affinities, cluster, embed, fit_sample, graph, join_nearest, neighbours, topic_count, with_second_topics
from site_src.topics.areas import AREA_PAPERS, AREA_PHRASES, area_count, fit_areas, map_positions
from site_src.topics.grouping import Area, Grouping, Topic
from site_src.topics.labels import LABEL_CANDIDATES, LABEL_PAPERS, LABEL_PHRASES, MAJORITY, MAJORITY_CANDIDATES, PHRASE_STOP_WORDS, PhraseUse, acronym_stems, by_use, class_tfidf, label_words, phrase_matrix, pick_label
from site_src.topics.wording import display, within_none
from site_src.topics.split import UNHEADED_FROM, halves, sort_out, split_large
from site_src.topics.related import above_floor, related_papers, related_with_new
from site_src.topics.vectors import Counts, Tokens, counts_of, documents, prior_matrix, prior_rows, tokenize, top_terms, weigh

STICKY = 0.2  # a paper leaves its remembered topic only when another weighs over 5 times as much
# A topic whose first label phrase fewer than this share of its own papers use is a grab-bag (docs/topics.md).
COHERENT = 0.25
MOST_DISSOLVED = 0.25  # of the fitted topics, at most this share is dissolved as grab-bags
DISSOLVE_ROUNDS = 3
SORT_ROUNDS = 2  # grab-bags sorted out (split.sort_out), each round's headings read again: a topic's may change
LABEL_SPARE = 6  # phrases picked per topic, of which by_use keeps the telling ones, at most three
LABEL_TEXTS = 20  # papers whose text shows how a phrase is written (together, or an acronym apart from its words)
ACRONYM_TEXTS = 50  # papers whose text shows which acronyms the topic's papers define (not all 20 central ones define "SFT")


def fit_topics(X, k: int, seed: int, prior_topic: np.ndarray | None, sample: np.ndarray | None):
    """(weights (papers x topics), assignment, each topic's remembered topic or -1, the neighbours (indices,
    similarities) when every paper was fitted, else None): spectral clustering of the neighbour graph of the
    papers (or of `sample`, the others then joining their nearest sampled papers' topics)."""
    from threadpoolctl import threadpool_limits

    # Small dense products, many steps (subspace iteration, k-means): one BLAS thread is faster than several,
    # and far faster on a machine busy with other work.
    with threadpool_limits(limits=1, user_api="blas"):
        return _fit_topics(X, k, seed, prior_topic, sample)


def _fit_topics(X, k: int, seed: int, prior_topic: np.ndarray | None, sample: np.ndarray | None):
    n = X.shape[0]
    fit = np.arange(n) if sample is None else sample
    Xf = X[fit]
    idx, sim = neighbours(Xf, NEIGHBOURS)
    P = graph(idx, sim, len(fit))
    E = embed(P, k, seed)
    assigned, remembered = cluster(E, k, seed, None if prior_topic is None else prior_topic[fit])
    k = len(remembered)
    weights = np.zeros((n, k))
    weights[fit] = affinities(P, assigned, k)
    assignment = np.zeros(n, dtype=np.int64)
    assignment[fit] = assigned
    if sample is not None:
        rest = np.setdiff1d(np.arange(n), fit)
        weights[rest] = join_nearest(X[rest], Xf, assigned, k)
        assignment[rest] = weights[rest].argmax(axis=1)
    return weights, assignment, remembered, (idx, sim) if sample is None else None


def group_papers(
    titles: list[str], abstracts: list[str], settings: TopicSettings, prior_topic: np.ndarray | None = None,
    tokens: Tokens | None = None, counts: Counts | None = None,
) -> Grouping:
    """Group papers into labelled topics and find each paper's related papers.

    `prior_topic` (per paper: its remembered topic's number in the lock file, or -1) warm-starts the
    clustering from the remembered topics, so that a rebuild after new dumps keeps them where the papers
    still support them, and keeps a paper in its old topic unless the new fit clearly prefers another
    (hysteresis, STICKY). `tokens` and `counts`: the papers' documents (vectors.documents) already tokenized
    and counted.
    """
    n = len(titles)
    tokens = tokens or tokenize(documents(titles, abstracts, settings.title_weight))
    X, vectorizer = weigh(counts or counts_of(tokens), settings)
    k = min(topic_count(n, settings), max(1, X.shape[1]))
    warm = prior_topic is not None and bool((prior_topic >= 0).any())
    params = {
        "papers": n,
        "vocabulary": X.shape[1],
        "topics": k,
        "topics_chosen": "site.yaml" if settings.count else "auto (1.4 x sqrt of papers)",
        "method": f"spectral clustering of the {NEIGHBOURS}-nearest-neighbour graph of TF-IDF cosine"
        + (f", fitted on {FIT_SAMPLE} sampled papers, the others joining their nearest" if n > FIT_SAMPLE else "")
        + (", warm-started from topics.lock.json" if warm else ""),
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
    if n < 3 or k == 1 or X.shape[1] == 0:  # too few papers or words for a graph: one topic
        weights, assignment, remembered, near = np.ones((n, 1)), np.zeros(n, dtype=np.int64), np.full(1, -1), None
    else:
        weights, assignment, remembered, near = fit_topics(X, k, settings.seed, prior_topic if warm else None, fit_sample(titles, settings.seed))
    k = weights.shape[1]
    if warm:
        cluster_of = np.full(int(prior_topic.max()) + 1, -1)
        cluster_of[remembered[remembered >= 0]] = np.flatnonzero(remembered >= 0)
        home = np.where(prior_topic >= 0, cluster_of[prior_topic.clip(0)], -1)
        rows = np.arange(n)
        stays = (home >= 0) & (weights[rows, home.clip(0)] >= STICKY * weights[rows, assignment]) & (weights[rows, home.clip(0)] > 0)
        assignment = np.where(stays, home, assignment)
    assignment, weights, centroids = _by_size(assignment, weights, X)
    # Every paper's phrases, counted once: labels are chosen up to DISSOLVE_ROUNDS + 4 times (each from the topics'
    # central papers), and which papers use a phrase is read from the same counts.
    every = phrase_matrix(tokens, stop=PHRASE_STOP_WORDS)
    use = PhraseUse(tokens, every, PHRASE_STOP_WORDS)
    _, coherence = _labels(assignment, weights, tokens, use, titles, abstracts, shown=False, every=every)
    # A warm refit continues the remembered topics (grab-bags were dissolved when they were first fitted): moving
    # papers again would cost the stability the lock exists for (tests/test_topic_lock.py). Nor when site.yaml sets
    # the topic count: the curator asked for that many. Else the least coherent first, within a budget: broad topics
    # on a small corpus must not fold into a few.
    budget, dissolved = 0 if warm or settings.count else int(MOST_DISSOLVED * len(centroids)), 0
    for _ in range(DISSOLVE_ROUNDS):  # a topic that took in a grab-bag's papers may turn into one: a few rounds
        worst = np.argsort(coherence, kind="stable")[: budget - dissolved]
        grab_bags = np.zeros(len(coherence), dtype=bool)
        grab_bags[worst[coherence[worst] < COHERENT]] = True
        if not grab_bags.any() or grab_bags.all():
            break
        # A grab-bag wears no label: its papers join the coherent topic whose centroid is closest to them.
        dissolved += int(grab_bags.sum())
        norms = np.linalg.norm(centroids, axis=1, keepdims=True)
        moving = grab_bags[assignment]
        closeness = np.asarray(X[moving] @ (centroids / np.where(norms == 0, 1, norms)).T)  # only the papers that move
        closeness[:, grab_bags] = -np.inf
        assignment = assignment.copy()
        assignment[moving] = closeness.argmax(axis=1)
        weights = np.where(moving[:, None] & grab_bags[None, :], 0, weights)
        assignment, weights, centroids = _by_size(assignment, weights, X)
        _, coherence = _labels(assignment, weights, tokens, use, titles, abstracts, shown=False, every=every)
    # Topics too large to read through (past MOST_PAPERS) are cut into parts; not when the curator set the count.
    split = 0
    if not settings.count:
        assignment, weights, split = split_large(X, assignment, weights, settings.seed)
    if split:
        assignment, weights, centroids = _by_size(assignment, weights, X)
    params["topics_split"] = split
    halved = 0
    if not settings.count and not warm:  # a warm refit keeps the remembered topics whole, as it keeps grab-bags
        assignment, weights, halved = _halve_unheaded(X, assignment, weights, tokens, use, titles, abstracts, every, settings.seed)
    if halved:
        assignment, weights, centroids = _by_size(assignment, weights, X)
    params["topics_halved"] = halved
    loose, closeness = np.zeros(n, dtype=bool), np.zeros(n)
    for _ in range(0 if settings.count or warm else SORT_ROUNDS):  # a grab-bag no halving headed keeps its heading's papers
        heads, coherence = _labels(assignment, weights, tokens, use, titles, abstracts, every=every, loose=loose, internal=True)
        users = [use.papers_using(head[0]) for head in heads]
        assignment, weights, loose, closeness, moved = sort_out(X, assignment, weights, centroids, users, coherence >= MAJORITY, loose, closeness)
        if not moved:
            break
        assignment, weights, centroids = _by_size(assignment, weights, X, loose)
    params["papers_without_topic"] = int(loose.sum())
    # A second topic where a paper's weight there comes close to its first.
    paper_topics, has_second = with_second_topics(weights, assignment, settings.second_topic)
    paper_topics[loose] = -1
    has_second &= ~loose
    # Shown labels are measured on every paper their topic page lists: its own and those it holds second.
    labels, coherence = _labels(assignment, weights, tokens, use, titles, abstracts, every=every, second=paper_topics[:, 1], loose=loose)
    k = len(centroids)
    sizes = np.bincount(assignment[~loose], minlength=k)
    params["topics"] = k
    params["grab_bags_dissolved"] = dissolved
    rows = np.arange(n)
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    unit = centroids / np.where(norms == 0, 1, norms)
    topic_sims = unit @ unit.T
    np.fill_diagonal(topic_sims, -np.inf)
    related_topics = np.argsort(-topic_sims, axis=1, kind="stable")[:, : min(3, k - 1)]
    positions = map_positions(unit)
    area_of = fit_areas(unit, sizes, area_count(k, settings))
    areas = _areas(area_of, assignment, weights, tokens, use, titles, abstracts, every)
    if loose.any():  # each area lists its papers without a topic of their own, closest to the topic they left first
        order = np.flatnonzero(loose)[np.lexsort((np.flatnonzero(loose), -closeness[loose], area_of[assignment[loose]]))]
        areas = tuple(Area(a.label, tuple(int(i) for i in order[area_of[assignment[order]] == number])) for number, a in enumerate(areas))
    params["areas"] = len(areas)
    centroid_terms = top_terms(centroids, terms) if len(terms) else [{} for _ in range(k)]
    # Members: primary members first, most central first; then second-topic members; ties by index.
    member_topic = np.concatenate([assignment[~loose], paper_topics[has_second, 1]])
    member_paper = np.concatenate([rows[~loose], rows[has_second]])
    member_rank = np.concatenate([np.zeros(n - int(loose.sum())), np.ones(int(has_second.sum()))])
    member_weight = weights[member_paper, member_topic]
    order = np.lexsort((member_paper, -member_weight, member_rank, member_topic))
    bounds = np.searchsorted(member_topic[order], np.arange(k + 1))

    topics = []
    for t in range(k):
        members = member_paper[order[bounds[t] : bounds[t + 1]]]
        topics.append(
            Topic(
                label=labels[t],
                members=tuple(int(i) for i in members),
                related=tuple(int(i) for i in related_topics[t]),
                size=int(sizes[t]),
                position=(float(positions[t, 0]), float(positions[t, 1])),
                terms=centroid_terms[t],
                area=int(area_of[t]),
            )
        )
    if near is not None and near[0].shape[1] >= settings.related:  # every pair was compared for the graph already
        related = above_floor(X, np.where(near[1][:, : settings.related] > 0, near[0][:, : settings.related], -1))
    else:
        profiles = prior_matrix([t.terms for t in topics], vectorizer.vocabulary_) if vectorizer else None
        related = related_papers(X, settings.related, profiles=profiles)
    return Grouping(tuple(topics), paper_topics, related, params, areas)


def _areas(area_of: np.ndarray, assignment: np.ndarray, weights: np.ndarray, tokens, use: PhraseUse, titles, abstracts, every) -> tuple[Area, ...]:
    """The areas' labels: the topics' label pass run on areas (each paper in its topic's area, weighed by its weight
    on the area's topics), over up to AREA_PAPERS papers an area, at most AREA_PHRASES phrases, no word in two areas'
    labels."""
    count = int(area_of.max()) + 1 if len(area_of) else 0
    onehot = np.zeros((len(area_of), count))
    onehot[np.arange(len(area_of)), area_of] = 1
    labels, _ = _labels(
        area_of[assignment], weights @ onehot, tokens, use, titles, abstracts, every=every, limit=AREA_PHRASES, name="Area", papers=AREA_PAPERS,
    )
    return tuple(Area(label) for label in labels)


def _halve_unheaded(X, assignment, weights, tokens, use, titles, abstracts, every, seed) -> tuple[np.ndarray, np.ndarray, int]:
    """(assignment, weights, how many topics were cut): a topic of UNHEADED_FROM papers or more whose heading fewer
    than MAJORITY of them use is cut in two (split.halves; each half about 20 or more), kept cut only where a half
    then has a heading most of its papers use and the other a heading at least as used as the whole had; the others
    stay whole. One trial labelling of all the cuts at once: a loop over topics only."""
    _, coherence = _labels(assignment, weights, tokens, use, titles, abstracts, shown=False, every=every)
    sizes = np.bincount(assignment, minlength=weights.shape[1])
    cut_from, columns, trial = [], [], assignment.copy()
    for topic in np.flatnonzero((coherence < MAJORITY) & (sizes >= UNHEADED_FROM)):
        members = np.flatnonzero(assignment == topic)
        moving = members[halves(X[members], seed) == 1]
        if len(moving):
            trial[moving] = weights.shape[1] + len(columns)
            cut_from.append(topic)
            columns.append(moving)
    if not columns:
        return assignment, weights, 0
    extra = np.zeros((weights.shape[0], len(columns)))
    trial_weights = weights.copy()
    for column, (topic, moving) in enumerate(zip(cut_from, columns)):
        extra[moving, column] = weights[moving, topic]
        trial_weights[moving, topic] = 0
    trial_weights = np.hstack([trial_weights, extra])
    _, after = _labels(trial, trial_weights, tokens, use, titles, abstracts, shown=False, every=every)
    kept = [
        c for c, topic in enumerate(cut_from)
        if max(after[topic], after[weights.shape[1] + c]) >= MAJORITY and min(after[topic], after[weights.shape[1] + c]) >= coherence[topic]
    ]
    for column, moving in enumerate(columns):
        if column not in kept:  # back whole: cut, no more of its papers are under a heading most of them use
            trial[moving] = cut_from[column]
            trial_weights[moving, cut_from[column]] = extra[moving, column]
            trial_weights[moving, weights.shape[1] + column] = 0
    return trial, trial_weights, len(kept)


def _by_size(assignment: np.ndarray, weights: np.ndarray, X, loose: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(assignment, weights, centroids) with the topics no paper chose dropped and the rest ordered by size, then by
    first member, for stable output. `loose`: papers without a topic of their own (sort_out), which count in none;
    their assignment (the topic they were sorted out of) is renumbered with the rest."""
    n, k = weights.shape
    counted = assignment if loose is None else np.where(loose, k, assignment)
    onehot = sp.csr_matrix((np.ones(n), (counted, np.arange(n))), shape=(k + 1, n))[:k]
    centroids = np.asarray((onehot @ X).todense()) / np.maximum(np.asarray(onehot.sum(axis=1)), 1)
    sizes = np.bincount(counted, minlength=k + 1)[:k]
    first = np.full(k + 1, n)
    np.minimum.at(first, counted, np.arange(n))
    first = first[:k]
    kept = np.array([t for t in np.lexsort((first, -sizes)) if sizes[t] > 0])
    renumber = np.full(k, -1)
    renumber[kept] = np.arange(len(kept))
    return renumber[assignment], weights[:, kept], centroids[kept]


def _labels(
    assignment: np.ndarray, weights: np.ndarray, tokens, use: PhraseUse, titles: list[str], abstracts: list[str], shown: bool = True,
    every: tuple | None = None, second: np.ndarray | None = None, limit: int = LABEL_PHRASES, name: str = "Topic",
    papers: int = LABEL_PAPERS, loose: np.ndarray | None = None, internal: bool = False,
) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """Each topic's label, and its coherence: the share of its own papers that use its first phrase. Without `shown`
    (while grab-bags are dissolved, where only coherence counts), the label is not checked against how the papers
    write it, nor spelled as they do: the two steps that read the texts. `every`: labels.phrase_matrix of all papers.
    `second`: each paper's second topic (-1: none), whose papers count as the topic's too where a label's use is measured.
    `papers`: how many of each topic's most central papers its phrases are counted in. `loose`: papers in no topic. `internal`: the
    labels' phrases as the label passes name them (PhraseUse reads them), not as they are shown."""
    n, k = weights.shape
    rows = np.arange(n)
    if loose is not None:  # papers without a topic of their own: past the last topic, so in no topic's papers
        assignment, weights = np.where(loose, k, assignment), np.hstack([weights, np.zeros((n, 1))])
    # Labels come from each topic's most central papers: they name the theme, and bound the phrase count.
    central = np.lexsort((rows, -weights[rows, assignment], assignment))
    rank = np.arange(n) - np.searchsorted(assignment[central], assignment[central])
    central = central[(rank < papers) & (assignment[central] < k)]  # by topic, most central first
    score, phrases, coverage = class_tfidf(tokens, np.sort(central), assignment[np.sort(central)], k, every)
    # The phrases most central papers use come first, then the most distinctive: by_use puts a majority's phrase first.
    majority = coverage.copy()  # the same entries as score (labels.class_tfidf)
    majority.data = np.where((coverage.data >= MAJORITY) & (score.data > 0), coverage.data, 0)
    most_used, candidates = _leading(majority, MAJORITY_CANDIDATES), _leading(score, LABEL_CANDIDATES)
    bounds = np.searchsorted(assignment[central], np.arange(k + 1))
    ranked = np.lexsort((rows, -weights[rows, assignment], assignment))
    ranked_bounds = np.searchsorted(assignment[ranked], np.arange(k + 1))
    coherence = np.zeros(k)
    owns, texts, phrase_lists = [], [], []
    for t in range(k):
        primary = central[bounds[t] : bounds[t + 1]]
        texts.append([titles[i] + ". " + abstracts[i] for i in primary[:ACRONYM_TEXTS]] if shown else [])
        own = ranked[ranked_bounds[t] : ranked_bounds[t + 1]]
        owns.append(np.sort(own if second is None else np.concatenate([own, np.flatnonzero(second == t)])))
        phrase_lists.append([phrases[i] for i in dict.fromkeys(most_used[t].tolist() + candidates[t].tolist())])

    defined = [acronym_stems(text) for text in texts]  # "RAG" for "retrieval-augmented generation", as each topic's papers write
    texts = [text[:LABEL_TEXTS] for text in texts]

    def choose(t: int, taken: frozenset, first: tuple = ()) -> list[str]:
        own, known = owns[t], defined[t]
        label = pick_label(
            [*first, *phrase_lists[t]], LABEL_SPARE, taken=taken, texts=texts[t], defined=known, share=lambda phrase: use.share(phrase, own),
        )
        # The phrase most of its papers use, and few others, comes first: the heading a reader checks against the list.
        label, coherence[t] = by_use(label, own, use, limit)
        return label

    # Headings first (larger topics choose first, no word heads two topics), so that no larger topic's lesser phrase
    # takes a word another topic's heading needs; then, where labels are shown, the rest of each label around them.
    heads, taken = [], frozenset()
    for t in range(k):
        heads.append(tuple(choose(t, taken)[:1]))
        taken |= label_words(heads[-1])
    if not shown:  # only coherence counts: the share of the papers that use the heading
        return [head or (f"{name} {t + 1}",) for t, head in enumerate(heads)], coherence
    labels, taken, headings = [], frozenset(), taken
    for t in range(k):
        label = choose(t, taken | (headings - label_words(heads[t])), heads[t])
        taken |= label_words(label)
        primary = central[bounds[t] : bounds[t + 1]]
        written = [titles[i] for i in primary] + [abstracts[i] for i in primary[:10]]
        labels.append(tuple(label if internal else within_none(display(phrase, written) for phrase in label)) or (f"{name} {t + 1}",))
    return labels, coherence


def _leading(values, count: int) -> list[np.ndarray]:
    """Per row of a sparse matrix, the columns of its `count` largest positive values, largest first, ties by column:
    a stable argsort of the dense -values cut to its positive head, without a dense matrix or sorting every column."""
    values = values.tocsr()
    rows = np.repeat(np.arange(values.shape[0]), np.diff(values.indptr))
    positive = values.data > 0
    rows, columns, data = rows[positive], values.indices[positive], values.data[positive]
    order = np.lexsort((columns, -data, rows))
    rows, columns = rows[order], columns[order]
    starts = np.searchsorted(rows, np.arange(values.shape[0] + 1))
    return [columns[starts[t] : starts[t + 1]][:count] for t in range(values.shape[0])]


def related_only(counts: Counts, settings: TopicSettings, terms: list[dict] | None = None) -> np.ndarray:
    """Just each paper's related papers (for a rebuild that takes its topics, and their `terms`, from the lock
    file), from the papers' term counts."""
    X, vectorizer = weigh(counts, settings)
    profiles = prior_matrix(terms, vectorizer.vocabulary_) if terms and vectorizer else None
    return related_papers(X, settings.related, profiles=profiles)


def fold_in(
    counts: Counts, settings: TopicSettings, terms: list[dict], new: np.ndarray, remembered: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The `new` papers placed on remembered topics (their centroid `terms`), without fitting anything. (Measured
    against placing by the nearest remembered papers' vote, or by each topic's 3 closest papers: the centroid put
    6 of tests/test_topic_placement.py's 8 clear cases right, the others 5 and 4.)

    Works from every paper's term `counts` (kept between builds: term_counts.py). Returns each new paper's
    (topic, second topic or -1), its weight on its topic (to order members), and every paper's related papers:
    with `remembered` (each paper's related papers as the lock keeps them), only the new papers are compared
    with all (related_with_new); without, every pair is (related_papers).
    """
    X, vectorizer = weigh(counts, settings)
    # Sparse: dense, the centroids over every term (250 x 26,000 at 34,000 papers) cost a day's placement 0.2 s.
    profiles = prior_rows(terms, vectorizer.vocabulary_) if terms and vectorizer else sp.csr_matrix((len(terms), X.shape[1]))
    unit = profiles.copy()
    unit.data /= np.repeat(np.maximum(np.sqrt(np.asarray(profiles.multiply(profiles).sum(axis=1)).ravel()), 1e-12), np.diff(unit.indptr))
    weights = (X[new] @ unit.T.tocsr()).toarray() if len(new) else np.zeros((0, len(terms)))
    first = weights.argmax(axis=1) if len(terms) else np.zeros(len(new), dtype=np.int64)
    top = weights[np.arange(len(new)), first] if len(terms) else np.zeros(len(new))
    placed, _ = with_second_topics(weights, first, settings.second_topic)
    if remembered is not None:
        related = related_with_new(X, settings.related, remembered, new)
    else:
        related = related_papers(X, settings.related, profiles=profiles.toarray() if len(terms) else None)
    return placed, top, related
