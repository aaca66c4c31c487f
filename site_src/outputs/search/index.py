"""lunr's index (lunr.js 2.3.9 format), computed directly as arrays: the numbers the `lunr` package builds.

The `lunr` package runs its pipeline (trimmer, stop-word filter, stemmer) on every token of every
document and keeps Python objects per posting; here every word gets an id in one pass, the pipeline
(stemmer.py: the package's trimmer and stop words, lunr.js's stems) runs once per distinct word
(every pipeline step looks at one token alone, so this is exact), term
counts per (document, field) come from one np.unique over (cell, term) keys, and the BM25 field
vectors are computed for all (document, field, term) triples at once, with the same operations in
the same order as lunr.builder, then rounded as Python's round() does.

`index_arrays` is what shards.py cuts into files. tests/search_oracle.py serializes these arrays as one
whole lunr index, which tests/test_search_parity.py checks byte for byte against the `lunr` package (given
lunr.js's stems) on the seed site and on a generated 3,400-paper corpus, and which the sharded search is
compared with.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from site_src.outputs.search.stemmer import terms as terms_of

K1, B = 1.2, 0.75  # lunr's BM25 defaults


@dataclass(frozen=True)
class IndexArrays:
    """Every posting of a lunr index, one row per (term, field, document), sorted in that order."""

    fields: tuple[str, ...]
    refs: tuple[str, ...]  # document refs, in insertion order (documents are numbered by position)
    terms: tuple[str, ...]  # by lunr's term `_index`: first seen over documents, fields, tokens
    term: np.ndarray  # int64 term index of each posting
    field: np.ndarray  # int64 field number
    doc: np.ndarray  # int64 document number
    weight: np.ndarray  # float64 BM25 weight, rounded to 3 decimals as lunr does
    # Where each term stands in the fields named by index_arrays(positions=...): one row per occurrence, sorted by
    # (term, field, doc, position); a position counts every token of the field, stop words too (for phrases).
    positions: dict[str, np.ndarray] | None = None  # "term", "field", "doc", "position"


def _words(text: str) -> list[str]:
    """lunr's tokenizer on lowercased text: split at its separators (str.replace and split beat the regex)."""
    for separator in "\t\n\r\f\v\xa0-":
        text = text.replace(separator, " ")
    return text.split(" ")


def _round3(values: np.ndarray) -> np.ndarray:
    """Python's round(x, 3) for every value: numpy's rounding, redone by Python near a half."""
    scaled = values * 1000.0
    rounded = np.round(values, 3)
    for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6).tolist():
        rounded[i] = round(float(values[i]), 3)
    return rounded


def _word_ids(names: list[str], documents: list[dict]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Distinct words in first-seen order, the word id of every token, and the number of tokens per (document, field)."""
    ids: defaultdict[str, int] = defaultdict()
    ids.default_factory = ids.__len__  # a new word gets the next id
    tokens: list[int] = []
    counts: list[int] = []
    for doc in documents:
        for name in names:
            value = doc[name]
            before = len(tokens)
            if value is not None:
                tokens.extend(map(ids.__getitem__, filter(None, _words(str(value).lower()))))
            counts.append(len(tokens) - before)
    return list(ids), np.array(tokens, dtype=np.int64), np.array(counts, dtype=np.int64)


def index_arrays(ref: str, fields: list[dict], documents: list[dict], positions: tuple[str, ...] = ()) -> IndexArrays:
    """The postings and field vectors lunr(ref=ref, fields=fields, documents=documents) would hold, and the term
    positions in the fields named by positions."""
    names = [f["field_name"] for f in fields]
    boosts = np.array([f.get("boost", 1) for f in fields], dtype=np.float64)
    n_fields, n_docs = len(names), len(documents)
    words, tokens, counts = _word_ids(names, documents)
    # Words are numbered in first-seen order, so numbering their terms in word order gives lunr's first-seen `_index`.
    term_ids: dict[str, int] = {}
    word_term = np.full(len(words) + 1, -1, dtype=np.int64)
    for w, word in enumerate(words):
        found = terms_of(word)  # none (a stop word) or one
        if found:
            word_term[w] = term_ids.setdefault(found[0], len(term_ids))
    n_terms = len(term_ids)
    term = word_term[tokens]
    cell = np.repeat(np.arange(n_docs * n_fields, dtype=np.int64), counts)
    kept = term >= 0
    at = _positions(term, cell, counts, kept, [names.index(name) for name in positions], n_fields)
    term, cell = term[kept], cell[kept]
    lengths = np.bincount(cell, minlength=n_docs * n_fields)  # terms per (document, field): lunr's field length
    keys, tf = np.unique(cell * max(n_terms, 1) + term, return_counts=True)  # sorted by document, field, term
    cell, term = keys // max(n_terms, 1), keys % max(n_terms, 1)
    doc, field = cell // n_fields, cell % n_fields
    postings = np.bincount(term, minlength=n_terms)  # documents with the term, summed over fields (lunr.idf)
    idf = np.array([math.log(1 + abs((n_docs - d + 0.5) / (d + 0.5))) for d in postings.tolist()], dtype=np.float64)
    per_field = lengths.reshape(n_docs, n_fields).sum(axis=0).tolist() if n_docs else [0] * n_fields
    average = np.array([total / n_docs if n_docs else 0.0 for total in per_field], dtype=np.float64)
    tf = tf.astype(np.float64)
    field_length = lengths[cell].astype(np.float64)
    score = idf[term] * ((K1 + 1) * tf) / (K1 * (1 - B + B * (field_length / average[field])) + tf)
    score = score * boosts[field] * 1.0
    order = np.lexsort((doc, field, term))
    return IndexArrays(
        fields=tuple(names),
        refs=tuple(str(d[ref]) for d in documents),
        terms=tuple(term_ids),
        term=term[order],
        field=field[order],
        doc=doc[order],
        weight=_round3(score)[order],
        positions=at,
    )


def _positions(term, cell, counts, kept, fields: list[int], n_fields: int) -> dict[str, np.ndarray] | None:
    """Every kept token of the given fields: its term, field, document and ordinal among its field's tokens."""
    if not fields:
        return None
    ordinal = np.arange(len(term), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    chosen = kept & np.isin(cell % n_fields, fields)
    term, cell, ordinal = term[chosen], cell[chosen], ordinal[chosen]
    doc, field = cell // n_fields, cell % n_fields
    order = np.lexsort((ordinal, doc, field, term))
    return {"term": term[order], "field": field[order], "doc": doc[order], "position": ordinal[order]}
