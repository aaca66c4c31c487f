"""Test oracle for search: the `lunr` package's own index of the documents the product indexes.

The product stores term counts and field lengths and scores in the browser (site_src/outputs/search,
templates/assets/search/scorer.js); lunr computes and stores BM25 weights itself. tests/js/*.test.mjs load this
index in lunr.js and rank the page's results against lunr's query over it.
"""

from __future__ import annotations

from lunr import lunr

from site_src.outputs.search import FIELDS


def numbered_index(docs: list[dict]) -> dict:
    """The serialized lunr index of docs with refs "0".."n-1" (their numbers in the product's index)."""
    fields = [{"field_name": name, "boost": boost} for name, boost in FIELDS.items()]
    return lunr(ref="number", fields=fields, documents=[{**d, "number": i} for i, d in enumerate(docs)]).serialize()
