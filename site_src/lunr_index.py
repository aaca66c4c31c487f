"""lunr's serialized index (lunr.js 2.3.9 format), computed directly: the same JSON the `lunr` package builds.

The `lunr` package runs its pipeline (trimmer, stop-word filter, stemmer) on every token of every
document and keeps Python objects per posting; here the pipeline runs once per distinct word
(every pipeline step looks at one token alone, so this is exact), term counts come from Counters,
and the BM25 field vectors are computed for all (field, document, term) triples at once in numpy,
with the same operations in the same order as lunr.builder, then rounded as Python's round() does.
tests/test_search_parity.py checks the bytes against the `lunr` package on the seed site and on a
generated 3,400-paper corpus.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
from lunr import __TARGET_JS_VERSION__
from lunr.builder import Builder
from lunr.stemmer import stemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer

K1, B = 1.2, 0.75  # lunr's BM25 defaults
_SEPARATOR = re.compile("[ \t\n\r\f\v\xa0-]+")  # lunr.tokenizer.SEPARATOR_CHARS


def _pipeline():
    """lunr's default builder pipeline, as one function from a raw token to the terms it becomes."""
    builder = Builder()
    builder.pipeline.add(trimmer, stop_word_filter, stemmer)
    cache: dict[str, tuple[str, ...]] = {}

    def terms(word: str) -> tuple[str, ...]:
        found = cache.get(word)
        if found is None:
            found = cache[word] = tuple(str(t) for t in builder.pipeline.run([Token(word, {})]))
        return found

    return terms


def _round3(values: np.ndarray) -> list[float]:
    """Python's round(x, 3) for every value: numpy's rounding, redone by Python near a half."""
    scaled = values * 1000.0
    rounded = np.round(values, 3)
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    out = rounded.tolist()
    for i in np.flatnonzero(near_half).tolist():
        out[i] = round(float(values[i]), 3)
    return out


def build_index(ref: str, fields: list[dict], documents: list[dict]) -> dict:
    """The serialized index lunr(ref=ref, fields=fields, documents=documents).serialize() would give."""
    terms_of = _pipeline()
    names = [f["field_name"] for f in fields]
    boosts = [f.get("boost", 1) for f in fields]
    term_ids: dict[str, int] = {}  # term -> _index, in first-seen order (documents, then fields, then tokens)
    postings: list[list[list[str]]] = []  # term id -> per field: doc refs in order
    vector_keys, lengths = [], []
    cell_field, cell_term, cell_tf, cell_vector = [], [], [], []
    for doc in documents:
        doc_ref = str(doc[ref])
        for f, name in enumerate(names):
            value = doc[name]
            words = [w for w in _SEPARATOR.split(str(value).lower()) if w] if value is not None else []
            counts: Counter = Counter()
            length = 0
            for word, n in Counter(words).items():
                for term in terms_of(word):
                    counts[term] += n
                    length += n
            # lunr counts terms in token order; Counter(words) keeps first occurrences in order, so do terms
            vector = len(vector_keys)
            vector_keys.append(f"{name}/{doc_ref}")
            lengths.append(length)
            for term, tf in counts.items():
                tid = term_ids.get(term)
                if tid is None:
                    tid = term_ids[term] = len(postings)
                    postings.append([[] for _ in names])
                postings[tid][f].append(doc_ref)
                cell_term.append(tid)
                cell_tf.append(tf)
            cell_field.extend([f] * len(counts))
            cell_vector.extend([vector] * len(counts))
    n_docs = len(documents)
    lengths_arr = np.array(lengths, dtype=np.float64).reshape(max(n_docs, 0), len(names)) if n_docs else np.zeros((0, len(names)))
    average = [sum(lengths[f::len(names)]) / n_docs if n_docs else 0.0 for f in range(len(names))]
    idf = np.array([math.log(1 + abs((n_docs - d + 0.5) / (d + 0.5))) for d in (sum(map(len, p)) for p in postings)])
    field = np.array(cell_field, dtype=np.int64)
    term = np.array(cell_term, dtype=np.int64)
    tf = np.array(cell_tf, dtype=np.float64)
    vec = np.array(cell_vector, dtype=np.int64)
    field_length = lengths_arr.reshape(-1)[vec]
    avg = np.array(average, dtype=np.float64)[field]
    score = idf[term] * ((K1 + 1) * tf) / (K1 * (1 - B + B * (field_length / avg)) + tf)
    score = score * np.array(boosts, dtype=np.float64)[field] * 1.0
    rounded = _round3(score)
    # Each vector's elements sorted by term index; cells are grouped by vector already.
    order = np.lexsort((term, vec)).tolist()
    bounds = np.searchsorted(vec[order] if len(order) else vec, np.arange(len(vector_keys) + 1)).tolist()
    term_list = term.tolist()
    field_vectors = []
    for v, key in enumerate(vector_keys):
        elements = []
        for i in order[bounds[v] : bounds[v + 1]]:
            elements += (term_list[i], rounded[i])
        field_vectors.append([key, elements])
    inverted = []
    for term_name in sorted(term_ids):
        tid = term_ids[term_name]
        posting = {name: dict.fromkeys(refs, {}) for name, refs in zip(names, postings[tid])}
        posting["_index"] = tid
        inverted.append([term_name, posting])
    return {
        "version": __TARGET_JS_VERSION__,
        "fields": names,
        "fieldVectors": field_vectors,
        "invertedIndex": inverted,
        "pipeline": ["stemmer"],
    }
