"""Test oracles for search: the whole unsharded lunr index, and the query search.js sends, in Python.

The product only builds shards (site_src/search); these references are what the shards and the page's
scorer are compared with, in tests/test_search*.py and tests/js/.
"""

from __future__ import annotations

import re

import numpy as np
from lunr import __TARGET_JS_VERSION__, lunr
from lunr.index import Index
from lunr.query import Query

from site_src.outputs.search import FIELDS, documents
from site_src.outputs.search.index import IndexArrays, index_arrays
from site_src.outputs.search.shards import KEY_LENGTH
from site_src.assemble import Site

MAX_TERMS = 12  # as search.js: a pasted paragraph is not a query
# Mirrors `queryTerms` in templates/assets/search.js: lunr query syntax is dropped, users type plain words.
_SEPARATOR = re.compile(r"[\s\-:^~*+]+")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def _group_bounds(keys: np.ndarray, count: int) -> list[int]:
    """Start of every group 0..count in sorted keys, and the end: bounds[g]..bounds[g+1] is group g."""
    return np.searchsorted(keys, np.arange(count + 1)).tolist()


def serialize(arrays: IndexArrays) -> dict:
    """The whole index as lunr.js's Index.load reads it (what lunr.py's Index.serialize() gives)."""
    names, refs = arrays.fields, arrays.refs
    n_fields = len(names)
    # Field vectors: every (document, field), its terms by index.
    by_vector = np.lexsort((arrays.term, arrays.field, arrays.doc))
    vector_key = (arrays.doc * n_fields + arrays.field)[by_vector]
    vector_bounds = _group_bounds(vector_key, len(refs) * n_fields)
    terms, weights = arrays.term[by_vector].tolist(), arrays.weight[by_vector].tolist()
    field_vectors = []
    for v in range(len(refs) * n_fields):
        start, end = vector_bounds[v], vector_bounds[v + 1]
        elements = [None] * (2 * (end - start))
        elements[0::2], elements[1::2] = terms[start:end], weights[start:end]
        field_vectors.append([f"{names[v % n_fields]}/{refs[v // n_fields]}", elements])
    posting_bounds = _group_bounds(arrays.term * n_fields + arrays.field, len(arrays.terms) * n_fields)
    docs = arrays.doc.tolist()
    inverted = []
    for tid, term_name in sorted(enumerate(arrays.terms), key=lambda pair: pair[1]):
        posting = {}
        for f, name in enumerate(names):
            g = tid * n_fields + f
            posting[name] = dict.fromkeys((refs[d] for d in docs[posting_bounds[g] : posting_bounds[g + 1]]), {})
        posting["_index"] = tid
        inverted.append([term_name, posting])
    return {
        "version": __TARGET_JS_VERSION__,
        "fields": list(names),
        "fieldVectors": field_vectors,
        "invertedIndex": inverted,
        "pipeline": ["stemmer"],
    }


def build_index(ref: str, fields: list[dict], documents: list[dict]) -> dict:
    """The serialized index lunr(ref=ref, fields=fields, documents=documents).serialize() would give."""
    return serialize(index_arrays(ref, fields, documents))


def lunr_package_index(site: Site) -> Index:
    """The index as the `lunr` package builds it: the reference for site_src/search/index.py."""
    return lunr(ref="slug", fields=list(FIELDS), documents=documents(site))


def serialized_index(site: Site) -> dict:
    """The whole index as lunr.js loads it, computed from the product's arrays: the same JSON as lunr_package_index(site).serialize()."""
    return build_index("slug", list(FIELDS), documents(site))


def numbered_index(docs: list[dict]) -> dict:
    """One unsharded lunr index of docs with refs "0".."n-1": what the shards of index_files(docs) must rank exactly like."""
    return build_index("number", list(FIELDS), [{**d, "number": i} for i, d in enumerate(docs)])


def query_terms(text: str) -> list[str]:
    """The plain words of what a reader typed: lowercased, split at spaces, hyphens and lunr syntax, edge punctuation dropped, each once."""
    words = (_EDGES.sub("", word) for word in _SEPARATOR.split(text.lower()))
    return list(dict.fromkeys(w for w in words if w))[:MAX_TERMS]


def search(index: Index, text: str) -> list[dict]:
    """What search.js finds for text: every word, stemmed, and the last one also as a prefix while typed (2+ characters)."""
    terms = query_terms(text)
    if not terms:
        return []
    query = index.create_query()
    for term in terms:
        query.term(term)
    if not text[-1:].isspace() and len(terms[-1]) >= KEY_LENGTH:
        query.term(terms[-1], use_pipeline=False, wildcard=Query.WILDCARD_TRAILING)
    return index.query(query)
