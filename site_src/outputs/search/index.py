"""The search index as arrays: for every (term, field, paper), how often the term stands there, and every field's length.

Scores are computed in the browser when a query runs (templates/assets/search/scorer.js: BM25 per field, with the
field boosts, index-wide paper count and average field lengths the manifest gives), so a term's entry holds only
facts of the papers that have it: a new day changes the entries of its own terms and no other (Pagefind stores its
index the same way). The pipeline is lunr's, as the `lunr` package runs it (stemmer.py: its trimmer and stop
words, its stems), so the terms are the ones lunr would index; every word gets an id in one pass, the pipeline
runs once per distinct word (each step looks at one token alone, so this is exact), and term counts per
(paper, field) come from one np.unique over (cell, term) keys.

`index_arrays` is what shards.py cuts into files. tests/search_oracle.py builds the `lunr` package's own index of
the same documents, which tests/js/scorer.test.mjs ranks the page's scorer against.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from site_src.outputs.search.stemmer import terms as terms_of

@dataclass(frozen=True)
class IndexArrays:
    """Every posting, one row per (term, field, document), sorted in that order, and every field's length."""

    fields: tuple[str, ...]
    refs: tuple[str, ...]  # document refs, in insertion order (documents are numbered by position)
    terms: tuple[str, ...]  # by term index: first seen over documents, fields, tokens
    term: np.ndarray  # int64 term index of each posting
    field: np.ndarray  # int64 field number
    doc: np.ndarray  # int64 document number
    count: np.ndarray  # int64 how often the term stands in the (document, field): its term frequency
    length: np.ndarray  # int64 the (document, field)'s length in terms (stop words left out), as lunr counts it
    lengths: np.ndarray  # int64 (documents, fields): every field's length
    # Where each term stands in the fields named by index_arrays(positions=...): one row per occurrence, sorted by
    # (term, field, doc, position); a position counts every token of the field, stop words too (for phrases).
    positions: dict[str, np.ndarray] | None = None  # "term", "field", "doc", "position"


def _words(text: str) -> list[str]:
    """lunr's tokenizer on lowercased text: split at its separators (str.replace and split beat the regex)."""
    for separator in "\t\n\r\f\v\xa0-":
        text = text.replace(separator, " ")
    return text.split(" ")


def _word_ids(names: list[str], documents: list[dict]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Distinct words in first-seen order, the word id of every token, and the number of tokens per (document, field)."""
    ids: defaultdict[str, int] = defaultdict()
    ids.default_factory = ids.__len__  # a new word gets the next id
    tokens: list[int] = []
    counts: list[int] = []
    for doc in documents:
        for name in names:
            value = doc.get(name)  # a field a document lacks is empty
            before = len(tokens)
            if value is not None:
                tokens.extend(map(ids.__getitem__, filter(None, _words(str(value).lower()))))
            counts.append(len(tokens) - before)
    return list(ids), np.array(tokens, dtype=np.int64), np.array(counts, dtype=np.int64)


@dataclass(frozen=True)
class Tokenized:
    """Every document's own postings and term positions, documents one after another (rows `ptr[i]:ptr[i + 1]` are
    document i's), over one vocabulary: what tokenizing gives, before the postings are sorted by term. kept.py keeps
    it between builds, so a new day tokenizes only its own papers."""

    terms: tuple[str, ...]  # the vocabulary: a term id is a position here
    lengths: np.ndarray  # int64 (documents, fields): every field's length in terms
    ptr: np.ndarray  # int64 (documents + 1): where each document's postings start
    term: np.ndarray  # int64 term id of each posting: a document's postings sorted by (field, term id)
    field: np.ndarray  # int64
    count: np.ndarray  # int64 how often the term stands in the field
    at_ptr: np.ndarray  # int64 (documents + 1): where each document's positions start
    at_term: np.ndarray  # int64 term id of each position in the position fields, in token order
    at_field: np.ndarray  # int64
    at_position: np.ndarray  # int64 the token's ordinal among its field's tokens (stop words count)


def tokenize(fields: list[str], documents: list[dict], positions: tuple[str, ...] = ()) -> Tokenized:
    """Each document's postings (term counts per field), field lengths, and term positions in the fields named by
    positions."""
    names = list(fields)
    n_fields, n_docs = len(names), len(documents)
    words, tokens, counts = _word_ids(names, documents)
    term_ids: dict[str, int] = {}
    word_term = np.full(len(words) + 1, -1, dtype=np.int64)
    for w, word in enumerate(words):
        found = terms_of(word)  # none (a stop word) or one
        if found:
            word_term[w] = term_ids.setdefault(found[0], len(term_ids))
    n_terms = max(len(term_ids), 1)
    term = word_term[tokens]
    cell = np.repeat(np.arange(n_docs * n_fields, dtype=np.int64), counts)
    kept = term >= 0
    ordinal = np.arange(len(term), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    chosen = kept & np.isin(cell % n_fields, [names.index(name) for name in positions])
    at_cell = cell[chosen]
    term, cell = term[kept], cell[kept]
    lengths = np.bincount(cell, minlength=n_docs * n_fields)  # terms per (document, field): lunr's field length
    keys, tf = np.unique(cell * n_terms + term, return_counts=True)  # sorted by document, field, term
    cell = keys // n_terms
    documents_at = np.arange(n_docs + 1, dtype=np.int64)
    return Tokenized(
        terms=tuple(term_ids),
        lengths=lengths.reshape(n_docs, n_fields).astype(np.int64),
        ptr=np.searchsorted(cell // n_fields, documents_at).astype(np.int64),
        term=keys % n_terms,
        field=cell % n_fields,
        count=tf.astype(np.int64),
        at_ptr=np.searchsorted(at_cell // n_fields, documents_at).astype(np.int64),
        at_term=word_term[tokens][chosen],
        at_field=at_cell % n_fields,
        at_position=ordinal[chosen],
    )


def sorted_arrays(fields: tuple[str, ...], refs: tuple[str, ...], tokens: Tokenized, chosen: np.ndarray | None = None,
                  positions: bool = False, first: int = 0) -> IndexArrays:
    """The postings of tokens sorted by (term, field, document), over only the terms chosen (a bool per term id; None:
    all), which are renumbered in vocabulary order; with `positions`, their positions too. The documents of tokens
    are numbered from `first` (refs names every document of the index)."""
    n_docs = len(tokens.ptr) - 1
    docs = np.repeat(np.arange(first, first + n_docs, dtype=np.int64), np.diff(tokens.ptr))
    at_docs = np.repeat(np.arange(first, first + n_docs, dtype=np.int64), np.diff(tokens.at_ptr))
    if chosen is None:
        chosen = np.ones(len(tokens.terms), dtype=bool)
    number = np.cumsum(chosen) - 1  # a chosen term's new id
    rows = chosen[tokens.term]
    term, field, doc, count = number[tokens.term[rows]], tokens.field[rows], docs[rows], tokens.count[rows]
    order = np.lexsort((doc, field, term))
    at = None
    if positions:
        at_rows = chosen[tokens.at_term]
        at_term, at_field, at_doc, at_position = (number[tokens.at_term[at_rows]], tokens.at_field[at_rows], at_docs[at_rows],
                                                  tokens.at_position[at_rows])
        at_order = np.lexsort((at_position, at_doc, at_field, at_term))
        at = {"term": at_term[at_order], "field": at_field[at_order], "doc": at_doc[at_order], "position": at_position[at_order]}
    return IndexArrays(
        fields=fields,
        refs=refs,
        terms=tuple(name for name, keep in zip(tokens.terms, chosen.tolist()) if keep),
        term=term[order],
        field=field[order],
        doc=doc[order],
        count=count[order],
        length=tokens.lengths[doc - first, field][order],
        lengths=tokens.lengths,
        positions=at,
    )


def index_arrays(ref: str, fields: list[str], documents: list[dict], positions: tuple[str, ...] = ()) -> IndexArrays:
    """The postings of documents' fields (term counts and field lengths), and the term positions in the fields
    named by positions."""
    tokens = tokenize(fields, documents, positions)
    return sorted_arrays(tuple(fields), tuple(str(d[ref]) for d in documents), tokens, positions=bool(positions))
