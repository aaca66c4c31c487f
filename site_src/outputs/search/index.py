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


def index_arrays(ref: str, fields: list[str], documents: list[dict], positions: tuple[str, ...] = ()) -> IndexArrays:
    """The postings of documents' fields (term counts and field lengths), and the term positions in the fields
    named by positions."""
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
    at = _positions(term, cell, counts, kept, [names.index(name) for name in positions], n_fields)
    term, cell = term[kept], cell[kept]
    lengths = np.bincount(cell, minlength=n_docs * n_fields)  # terms per (document, field): lunr's field length
    keys, tf = np.unique(cell * n_terms + term, return_counts=True)  # sorted by document, field, term
    cell, term = keys // n_terms, keys % n_terms
    doc, field = cell // n_fields, cell % n_fields
    order = np.lexsort((doc, field, term))
    return IndexArrays(
        fields=tuple(names),
        refs=tuple(str(d[ref]) for d in documents),
        terms=tuple(term_ids),
        term=term[order],
        field=field[order],
        doc=doc[order],
        count=tf[order].astype(np.int64),
        length=lengths[cell][order],
        lengths=lengths.reshape(n_docs, n_fields),
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
