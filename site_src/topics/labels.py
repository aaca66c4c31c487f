"""Topic labels: c-TF-IDF phrases over unigrams and bigrams, picked so that none repeats another, shown as the papers write them.

Only naming: which papers form a topic is decided before (model.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from site_src.topics.vectors import STOP_WORDS, SpelledPhrases, Tokens, counted_entries, stable_sort, stop_mask
from site_src.topics.wording import acronyms, not_a_heading_alone, written_apart

# Words that may appear inside a label phrase but never stand alone as one: alone they name no theme
# ("Quality", "Space", "Behavior", "Modal" were labels of the seed site once).
GENERIC_LABEL_WORDS = frozenset(
    """
    model models result results approach approaches method methods training performance task tasks data
    learning language paper framework system systems text pretraining pretrained self quality space version
    behavior behaviour schedule modal lingual document documents question questions understanding skills
    foundation causal time block image images tokens token sequence sequences length neural networks network
    knowledge reasoning generation sentence sentences word words survey target level levels domain specific
    parameters layer layers representation representations information tuning fine input output inputs
    outputs number small simple general human humans world real process quantitative prediction predictions
    objective objectives loss memory feature features structure structures context capacity efficiency
    content second scratch natural diverse pairs pair variable multi linear concept concepts visual continual
    factual different various generalization robustness scaling adaptation transfer pretrain effect effects
    similarity short long downstream semantic synthetic skill skills analysis processing loop paradigm purpose
    requires open vector vectors languages distribution cost costs modeling compression field fields
    application applications multiple textual lengths solution solutions class classes split
    relevant complex value values standard job jobs case cases deep weight weights random automatic cross
    explore issue issues potential computational algorithmic zero explicit implicit empirical practical
    novel unified efficient robust scalable effective general specific diverse strong better best key
    insights insight aspects aspect way ways step steps stage stages component components module modules
    gains gain descriptions description architecture architectures containing including using based like
    leading emerging growing existing following remaining resulting underlying corresponding surprising higher lower
    nearest gap contrast function functions discrete continuous term terms source sources
    lack lacks larger smaller low high situations situation popular direct
    reduces reducing improves improving enables enabling achieves achieving increases increasing enhances enhancing
    leverages leveraging introduces introducing demonstrates demonstrating yields yielding remains allows allowing
    provides providing shows showing outperforms outperforming solving solves
    """.split()
)
# A one-word label must be a noun: adjectives alone ("Computational", "Algorithmic", "Acoustic") head nothing.
_ADJECTIVE = re.compile(r"(?:ic|al|ous|ive|ible|able|ful|less|ant)$")
_ADJECTIVES_THAT_NAME_A_FIELD = frozenset("multimodal multilingual clinical biomedical medical legal financial robotic autoregressive".split()) | {"pre training", "pre trained", "language model", "language models", "learning model", "learning models"}
# Words that make no heading at all, alone or in a phrase: LaTeX left in abstracts, citation and size tags.
NEVER_LABEL_WORDS = frozenset("mathcal mathbf mathrm textit texttt textbf emph al et ie eg aka ms base large xl times".split())
# A heading ends on a noun: a phrase whose last word reads as a verb or an adjective ("Generated",
# "Facilitate", "Variable Sized", "Inconsistent") says how, not what.
_NOT_A_NOUN = re.compile(r"(?:ed|ize|ise|izing|ising|ate|ates|ating|ent|ous|ive|ly)$")
_NOUNS_ANYWAY = frozenset("speech agent agents patent content gradient gradients segment segments state".split())
# Generic words that may still close a two-word phrase ("Continual Learning", "Code Generation").
EDGE_WORDS = frozenset("learning training data model models".split())
# No label phrase starts or ends with one of these (class_tfidf), so the phrase counts may leave them out (phrase_matrix).
PHRASE_STOP_WORDS = frozenset(STOP_WORDS) - EDGE_WORDS

LABEL_PHRASES = 3
MIN_LIFT = 2.0  # a label phrase is used at least this many times as often in its topic as in all papers
# A phrase after the heading is used by at least this share of the topic's papers: a phrase only a few of them write
# names a corner of the topic, not the topic ("Instruction · Time Series Forecasting", written by 6 of 98 papers).
SHOWN_SHARE = 0.1
# A phrase at least this share of a topic's papers use heads its label before any phrase fewer use: the heading a
# reader checks against the list should hold for most of it (issue: "a label that at least half of its papers use").
MAJORITY = 0.5
MAJORITY_CANDIDATES = 30  # of each topic's phrases most of its central papers use, this many are candidates too
WIDENED = 0.8  # a majority's phrase is widened into a longer one that at least this share of its users use

LABEL_CANDIDATES = 60

# c-TF-IDF labels count phrases in at most this many of each topic's most central papers.
LABEL_PAPERS = 50


_SUFFIXES = ("izations", "ization", "ations", "ation", "ings", "ing", "ers", "er", "ed", "es", "s")


@functools.lru_cache(maxsize=1 << 16)  # pure, and asked again for the same words in every label pass
def _stem(word: str) -> str:
    """A light stem for spotting near-duplicate label words: masked/masking, tokenizer/tokenization."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    if len(word) >= 3 and word.endswith("s") and word[-2] not in "aiosu":  # LMs/LM, PLMs/PLM; not bias, corpus
        return word[:-1]
    return word[:-1] if len(word) >= 4 and word.endswith("e") else word  # tune/tuning, encode/encoding


@functools.lru_cache(maxsize=1 << 16)  # pure, and asked again for the same words in every label pass
def _initials(phrase: str) -> str:
    """What an acronym of the phrase would read, lowercase ("reinforcement learning" -> "rl"); a word's own plural
    dropped from an acronym ("lrms" -> "lrm")."""
    words = phrase.replace("-", " ").split()
    return "".join(w[0] for w in words) if len(words) > 1 else (phrase[:-1] if phrase.endswith("s") and len(phrase) > 2 else phrase)


@functools.lru_cache(maxsize=1 << 16)  # pure, and asked again for the same words in every label pass
def _acronym_of(phrase: str, other: str) -> bool:
    """Whether one of the two phrases is a one-word acronym of the other ("rl" and "reinforcement learning", "gs"
    and "gaussian splatting", "lrms" and "large reasoning models"): a heading writes one of them, not both."""
    one, many = sorted((phrase, other), key=lambda p: len(p.replace("-", " ").split()))
    if " " in one.replace("-", " ") or " " not in many.replace("-", " "):
        return False
    return _initials(one) == _initials(many) or _initials(one) == _initials(many) + "s"


_GENERIC_STEMS = frozenset(_stem(w) for w in GENERIC_LABEL_WORDS | EDGE_WORDS)


def acronym_stems(texts: list[str]) -> dict[str, tuple[frozenset, frozenset]]:
    """The acronyms the texts define (wording.acronyms), each with the stems of the words it abbreviates that name
    something (no generic word), and the stems of all of them: what _abbreviates compares, stemmed once per topic."""
    found = {a: frozenset(_stem(w) for w in words) for a, words in acronyms(texts).items()}
    return {a: (stems - _GENERIC_STEMS, stems) for a, stems in found.items()}


def _abbreviates(phrase: str, other: frozenset, defined: dict[str, tuple[frozenset, frozenset]]) -> bool:
    """Whether a word of `phrase` is an acronym (`defined`: acronym_stems) whose own words share a word that names
    something with `other` (stems; or one holds the other: "retriev" in "retrieval"), or hold every word of a pair
    `other`: "RLVR" beside "Rewards", "CoT Reasoning" beside "Chain-of-Thought", "AR" beside "Autoregressive", "RAG"
    beside "Retrieve", "SFT" (supervised fine-tuning) beside "Fine-Tuning"."""
    return any(
        _overlap(defined[word][0], other) or (len(other) > 1 and other <= defined[word][1]) for word in phrase.split() if word in defined
    )


@functools.lru_cache(maxsize=1 << 16)  # pure, and asked again for the same words in every label pass
def _overlap(words: frozenset, other: frozenset) -> bool:
    """Whether two phrases share a word, or a word of one is part of a word of the other."""
    return bool(words & other) or any(a in b or b in a for a in words for b in other if min(len(a), len(b)) >= 4)


def label_words(label) -> frozenset:
    """The stemmed words of a label's phrases: what a neighbouring label may not use again."""
    return frozenset(_stem(w) for phrase in label for w in phrase.lower().replace("-", " ").split())


def _narrows(wide: str, narrow: str, share: Callable[[str], float]) -> bool:
    """Whether a phrase (`narrow`) most of the topic's papers use stands rather than a wider one (`wide`) that no
    majority, and fewer than WIDENED of its users, use."""
    return share(narrow) >= MAJORITY and MAJORITY > share(wide) < WIDENED * share(narrow)


def pick_label(
    candidates: list[str], limit: int = LABEL_PHRASES, taken: frozenset = frozenset(), texts: list[str] = (),
    share: Callable[[str], float] | None = None, defined: dict[str, frozenset] | None = None,
) -> list[str]:
    """The first distinctive phrases, none contained in another (by stemmed words), none using a word of `taken`
    (the words of the other topics' labels), none a filler word or an adjective alone, none two words the `texts`
    write apart (an expansion and its acronym: "language processing (NLP)" gives no "Processing NLP"), none the
    acronym of another ("RL" beside "Reinforcement Learning"), none beside an acronym of its words that the texts
    define ("RLVR" beside "Rewards"; `defined`: acronym_stems(texts)), no single word the texts use as a verb.
    `share`: the share of the topic's papers that use a phrase; a phrase at least MAJORITY of them use is widened
    only into a phrase that a majority too, or nearly as many, use ("speech recognition" for "speech", "chain of
    thought" for "chain"; "agents" stays, not "multi agent")."""
    chosen: list[tuple[str, frozenset]] = []
    defined = acronym_stems(texts) if defined is None else defined
    joined = " ".join(texts)
    for phrase in candidates:
        last = phrase.rsplit(" ", 1)[-1]
        if phrase in GENERIC_LABEL_WORDS or NEVER_LABEL_WORDS.intersection(phrase.split()):
            continue
        if " " not in phrase and _ADJECTIVE.search(phrase) and phrase not in _ADJECTIVES_THAT_NAME_A_FIELD:
            continue
        if (_NOT_A_NOUN.search(last) or (" " in phrase and last.endswith("al"))) and last not in _NOUNS_ANYWAY | _ADJECTIVES_THAT_NAME_A_FIELD:
            continue
        words = frozenset(_stem(w) for w in phrase.split())
        if words & taken:
            continue
        if len(words) < len(phrase.split()):  # "image images": a word twice
            continue
        inside = [i for i, (_, other) in enumerate(chosen) if words <= other]
        if inside:
            if share and _narrows(chosen[inside[0]][0], phrase, share):  # "video" where "video understanding" stood
                chosen[inside[0]] = (phrase, words)
            continue
        wider = [i for i, (_, other) in enumerate(chosen) if other < words]
        if share and any(_narrows(phrase, chosen[i][0], share) for i in wider):
            continue
        if any(_overlap(words, other) and not other < words for _, other in chosen):
            continue  # "specific pretraining" after "domain specific", "medical" after "biomedical"
        if any(_acronym_of(phrase, other) for other, _ in chosen) or (
            defined and any(_abbreviates(phrase, stems, defined) or _abbreviates(other, words, defined) for other, stems in chosen)
        ):
            continue  # "RL" after "reinforcement learning", "RLVR" after "rewards": the acronym or its words, not both
        if not wider and len(chosen) >= limit:
            continue
        if texts and (written_apart(phrase, texts) if " " in phrase else not_a_heading_alone(phrase, joined)):
            continue  # last, the tests that read the texts: "Processing NLP"; "increasing the", "computer vision"
        if wider:  # "low rank" replaces "rank" where "rank" stood
            chosen[wider[0]] = (phrase, words)
            chosen = [c for i, c in enumerate(chosen) if i not in wider[1:]]
        elif len(chosen) < limit:
            chosen.append((phrase, words))
    return [phrase for phrase, _ in chosen]


# A two-word phrase is its words side by side, or with one of these between them: "chain of thought" is the phrase
# "chain thought", shown as the papers write it ("Chain-of-Thought", "Text-to-Image", "Speech and Audio").
BRIDGE_WORDS = frozenset("of to for and in on with".split())


def _bridges(words: np.ndarray) -> np.ndarray:
    """Per word id: whether the word may stand between the two words of a phrase."""
    return np.isin(words, np.array(sorted(BRIDGE_WORDS), dtype=str))


def _pairs(doc: np.ndarray, ids: np.ndarray, bridge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Token positions (first, second) of every two-word phrase: tokens side by side in a document, and tokens
    two apart with a bridge word between them."""
    near = np.flatnonzero(doc[1:] == doc[:-1])
    apart = np.flatnonzero((doc[2:] == doc[:-2]) & bridge[ids[1:-1]]) if len(ids) > 2 else np.zeros(0, dtype=np.int64)
    return np.concatenate([near, apart]), np.concatenate([near + 1, apart + 2])


def phrase_matrix(tokens: Tokens, rows: np.ndarray | None = None, stop: frozenset = frozenset()) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """(documents x phrases) counts of single words and of two words side by side in the documents `rows` (sorted;
    None: all) of `tokens`, and each phrase's first and last word id. Array operations on the token ids (no loop
    over n-grams, where scikit-learn's counting builds every n-gram string in Python). Phrases that start or end
    with a word of `stop` are not counted (their columns stay, empty): two thirds of the pairs of 34,000 papers."""
    doc, ids, n = tokens.doc, tokens.ids, tokens.documents
    if rows is not None:
        position = np.full(tokens.documents, -1)
        position[rows] = np.arange(len(rows))  # rows are sorted, so each document's tokens stay side by side
        mine = position[tokens.doc] >= 0
        doc, ids, n = position[tokens.doc[mine]], tokens.ids[mine], len(rows)
    V = len(tokens.words)
    left, right = _pairs(doc, ids, _bridges(tokens.words))
    counted = np.ones(len(ids), dtype=bool)
    if stop:
        counted = ~stop_mask(tokens.words, stop)[ids]
        both = counted[left] & counted[right]
        left, right = left[both], right[both]
    codes = ids[left] * V + ids[right]
    # Pairs numbered in the order of their codes, and each (document, phrase) entry counted, by sorts of plain
    # integers (stable_sort, counted_entries), not np.unique's argsort and SciPy's summing of duplicates: a third of the time.
    ordered, order = stable_sort(codes)
    fresh = np.ones(len(codes), dtype=bool)
    fresh[1:] = ordered[1:] != ordered[:-1]
    pairs = ordered[fresh]
    pair_ids = np.empty(len(codes), dtype=np.int64)
    pair_ids[order] = np.cumsum(fresh) - 1
    width = V + len(pairs)
    C = counted_entries(np.concatenate([doc[counted] * width + ids[counted], doc[left] * width + (V + pair_ids)]), n, width)
    return C, np.concatenate([np.arange(V), pairs // V]), np.concatenate([np.arange(V), pairs % V])


def count_phrases(
    tokens: Tokens, rows: np.ndarray, min_df: int = 2, stop: frozenset = frozenset(), every: tuple | None = None,
) -> tuple[sp.csr_matrix, SpelledPhrases]:
    """(rows x phrases) counts of single words and of two words side by side in the documents `rows` (sorted) of
    `tokens`, and the phrases; only phrases in at least `min_df` of those documents that neither start nor end
    with a word of `stop`. `every`: phrase_matrix of all the documents, counted once for several calls (the same
    counts, in the same order, as counting the rows alone)."""
    if every is None:
        C, first, last = phrase_matrix(tokens, rows)
    else:
        C, first, last = every[0][rows], every[1], every[2]
    if not C.nnz:
        return sp.csr_matrix((len(rows), 0)), np.array([], dtype=str)
    words = tokens.words
    is_stop = stop_mask(words, stop)
    df = np.bincount(C.indices, minlength=C.shape[1])  # documents using each phrase (entries are summed)
    keep = np.flatnonzero((df >= min(min_df, len(rows))) & ~is_stop[first] & ~is_stop[last])
    return C[:, keep].tocsr(), SpelledPhrases(words, first[keep], last[keep], keep < len(words))


def class_tfidf(
    tokens: Tokens, rows: np.ndarray, assignment: np.ndarray, k: int, every: tuple | None = None,
) -> tuple[sp.csr_matrix, np.ndarray, sp.csr_matrix]:
    """c-TF-IDF over unigrams and bigrams of the documents `rows` (their topics: `assignment`): how distinctive
    each phrase is of each topic; the phrases; and the share of each topic's documents that use each phrase. Both
    (topics x phrases) matrices are sparse, with one structure: the phrases a topic's documents use. (Dense, at
    34,000 papers each was 250 topics x 300,000 phrases, and a label pass made several.)"""
    # Phrases are counted with stop words in place, so a bigram is two words that really stand
    # side by side ("natural language processing" never yields "natural processing").
    C, names = count_phrases(tokens, rows, stop=PHRASE_STOP_WORDS, every=every)
    if not len(names):  # no word at all (titles of only punctuation, say): no phrase can label a topic
        return sp.csr_matrix((k, 0)), names, sp.csr_matrix((k, 0))
    n = len(rows)
    M = sp.csr_matrix((np.ones(n, dtype=np.float32), (assignment, np.arange(n))), shape=(k, n))
    per_topic = (M @ C).tocsr()
    per_topic.sort_indices()
    # Where a topic's documents use a phrase: the same entries as per_topic (counts are positive).
    papers_with = (M @ (C > 0).astype(np.float32)).tocsr()
    papers_with.sort_indices()
    assert np.array_equal(papers_with.indices, per_topic.indices), "a topic's phrase counts and users differ in where they stand"
    topic = np.repeat(np.arange(k), np.diff(per_topic.indptr))
    phrase = per_topic.indices
    counts, users = per_topic.data.astype(np.float64), papers_with.data.astype(np.float64)
    # Whole numbers: their sums are exact in any order, as the dense sums were.
    tf = counts / np.maximum(np.bincount(topic, weights=counts, minlength=k), 1.0)[topic]
    average_words = counts.sum() / max(k, 1)
    idf = np.log1p(average_words / np.maximum(np.bincount(phrase, weights=counts, minlength=len(names)), 1.0))
    # Weighted by the share of the topic's papers that use the phrase, so the first label names most of them
    # (bench/topics_eval.py's label share), not a few papers' jargon.
    coverage = users / np.maximum(np.bincount(assignment, minlength=k), 1)[topic]
    # A phrase found in a single paper is that paper's jargon, not the topic's theme.
    score = tf * idf[phrase] * coverage**2 * (users >= min(2, users.max(initial=1)))

    def matrix(data: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix((data, phrase, per_topic.indptr), shape=per_topic.shape)

    return matrix(score), names, matrix(coverage)


class PhraseUse:
    """Which papers use a phrase (a word, or two words side by side), from the papers' phrase_matrix (`every`, counted
    with `stop`; here when not given): a phrase's column of it, by a binary search over the pairs (no text is scanned
    again). A phrase with a word of `stop`, which the matrix leaves out, is looked up in the tokens themselves."""

    def __init__(self, tokens: Tokens, every: tuple | None = None, stop: frozenset = frozenset()):
        C, first, last = phrase_matrix(tokens, stop=stop) if every is None else every
        V = len(tokens.words)
        self.tokens, self.left_out, self._pairs = tokens, stop_mask(tokens.words, stop), []
        self.papers = tokens.documents
        self.index = {word: i for i, word in enumerate(tokens.words.tolist())}
        self.columns = C.tocsc()  # each column's rows in order: the papers using that phrase, once each
        self.pairs, self.V = first[V:] * V + last[V:], V  # the pair columns' codes, ascending (phrase_matrix)
        self._cache: dict[str, np.ndarray] = {}

    def papers_using(self, phrase: str) -> np.ndarray:
        """The sorted indices of the papers that use `phrase`, its last word in the singular or the plural (a paper
        on one agent uses the label "Agents" as a reader reads it)."""
        if phrase not in self._cache:
            *head, last = phrase.split()
            found = [self._exact(head + [form]) for form in sorted(_number_forms(last))]
            self._cache[phrase] = np.unique(np.concatenate(found))
        return self._cache[phrase]

    def share(self, phrase: str, own: np.ndarray) -> float:
        """The share of the papers `own` (sorted indices) that use `phrase`."""
        if not len(own):
            return 0.0
        users = self.papers_using(phrase)
        at = np.searchsorted(users, own).clip(0, max(len(users) - 1, 0))  # both sorted: a binary search, not np.isin's sort
        return float((users[at] == own).mean()) if len(users) else 0.0

    def _exact(self, words: list[str]) -> np.ndarray:
        ids = [self.index.get(word, -1) for word in words]
        if min(ids) < 0 or len(ids) > 2:
            return np.zeros(0, dtype=np.int64)
        if self.left_out[ids].any():
            return self._scanned(ids)
        column = ids[0]
        if len(ids) == 2:
            code = ids[0] * self.V + ids[1]
            at = int(np.searchsorted(self.pairs, code))
            if at == len(self.pairs) or self.pairs[at] != code:
                return np.zeros(0, dtype=np.int64)
            column = self.V + at
        start, end = self.columns.indptr[column], self.columns.indptr[column + 1]
        return self.columns.indices[start:end].astype(np.int64)

    def _scanned(self, ids: list[int]) -> np.ndarray:
        """The papers using a word or pair of word `ids` that phrase_matrix left out, from a pass over the tokens (rare:
        only the other number form of a label word is ever asked for, and only where that form is a stop word)."""
        t = self.tokens
        if len(ids) == 1:
            return np.unique(t.doc[t.ids == ids[0]])
        if not self._pairs:  # every pair's words and paper, once
            left, right = _pairs(t.doc, t.ids, _bridges(t.words))
            self._pairs.extend((t.ids[left], t.ids[right], t.doc[left]))
        first, second, doc = self._pairs
        return np.unique(doc[(first == ids[0]) & (second == ids[1])])


def _number_forms(word: str) -> set[str]:
    """The word, and its plural or singular by the plain English -s rule ("agent", "agents"; "LLMs", "LLM")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return {word, word[:-1]}
    return {word, word + "s"} if len(word) > 1 and word.isalpha() else {word}


def by_use(label: list[str], own: np.ndarray, use: PhraseUse, limit: int = LABEL_PHRASES) -> tuple[list[str], float]:
    """The label's phrases that the topic's papers (`own`, sorted indices) use at least MIN_LIFT times as often as
    all papers, at most `limit`, the most telling first: one that at least MAJORITY of them use before any other,
    then by share x log of lift (a phrase most of the topic uses and few others do); and the share of `own` that
    use the first. A phrase every paper uses alike ("higher", "gap") says nothing of this topic, however often
    it appears in it. A phrase after the first that fewer than SHOWN_SHARE of them use is left out."""
    kept = []
    for phrase in label:
        users = use.papers_using(phrase)
        share = use.share(phrase, own)
        lift = share / max(len(users), 1) * use.papers
        if lift >= MIN_LIFT:
            kept.append((share < MAJORITY, -share * np.log(lift), phrase, share))
    kept.sort()
    kept = kept[:1] + [k for k in kept[1:] if k[3] >= SHOWN_SHARE]
    return [k[2] for k in kept[:limit]], (kept[0][3] if kept else 0.0)
