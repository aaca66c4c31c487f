"""Test oracle for search: the `lunr` package's own index of the documents the product indexes.

The product stores term counts and field lengths and scores in the browser (site_src/outputs/search,
templates/assets/search/scorer.js); lunr computes and stores BM25 weights itself. tests/js/*.test.mjs load this
index in lunr.js and rank the page's results against lunr's query over it.
"""

from __future__ import annotations

import unicodedata

from lunr import lunr

from site_src.outputs.search import FIELDS


def unaccented(text: str) -> str:
    """What search promises about accents: a word matches its spelling without them (NFKD, marks dropped)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if unicodedata.category(ch)[0] != "M")


def numbered_index(docs: list[dict]) -> dict:
    """The serialized lunr index of docs, their text unaccented, with refs "0".."n-1" (their numbers in the
    product's index)."""
    fields = [{"field_name": name, "boost": boost} for name, boost in FIELDS.items()]
    plain = [{name: unaccented(str(d[name])) for name in FIELDS} | {"number": i} for i, d in enumerate(docs)]
    return lunr(ref="number", fields=fields, documents=plain).serialize()
