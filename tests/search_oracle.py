"""Test oracle for search: the whole unsharded lunr index of the documents the product shards.

The product only builds shards (site_src/search); tests/test_search_parity.py checks this index byte for byte
against the `lunr` package, and tests/js/*.test.mjs compare the page's scorer on the shards with lunr.js on it.
"""

from __future__ import annotations

import numpy as np
from lunr import __TARGET_JS_VERSION__

from site_src.outputs.search import FIELDS
from site_src.outputs.search.index import IndexArrays, index_arrays


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


def numbered_index(docs: list[dict]) -> dict:
    """One unsharded lunr index of docs with refs "0".."n-1": what the shards of index_files(docs) must rank exactly like."""
    return build_index("number", list(FIELDS), [{**d, "number": i} for i, d in enumerate(docs)])
