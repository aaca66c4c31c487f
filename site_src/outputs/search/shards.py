"""The search index cut into shards by term, and the store cut into chunks by paper number, for loading on demand.

A browser query needs only the postings of its own terms: the page loads the shards its words
fall in, assembles a small lunr index from them and runs lunr's own query code on it. lunr scores
a field match as dot(query vector, field vector) / |query vector|, and the dot product only
touches the query's terms, so field vectors restricted to the loaded terms, with every term's
original `_index`, give exactly the scores of the whole index (tests/js/scorer.test.mjs checks).

A shard holds every term that starts with its key: the term's first KEY_LENGTH characters (or the
whole term if shorter), so a prefix query of KEY_LENGTH+ characters finds in one shard every term
it expands to. A shard over MAX_SHARD_BYTES is split by one more character ("co" → "com", "con",
...; the terms equal to "co" stay in "co"), and the manifest lists the split keys.

Shards smaller than GROUP_BYTES share a file with their neighbours in key order, so the manifest lists
hundreds of files, not thousands: manifest "shards" is a list of [file, [key, ...]].

Shard file: a JSON list, one entry per term: [term, _index, docs, weights, docs, weights, ...] with
one (docs, weights) pair per field: document numbers delta-encoded, weights × 1000 as integers
(lunr rounds weights to 3 decimals; n / 1000 in JS is the very double JSON's "0.123" parses to).

Position shards say where each term stands in the title and the abstract, for quoted phrases:
[term, docs, positions, docs, positions] with one pair per position field, documents delta-encoded and
each document's list of token ordinals delta-encoded. They are keyed and grouped like the term shards,
on their own sizes, and listed in a position manifest of their own ({"fields", "shards", "split"}, a
content-hashed file that manifest "positions" names): only a phrase query loads it and them, so the
manifest every first query loads stays as small as before (the list is as long as the term shards').
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

import numpy as np

from site_src.assemble import urls
from site_src.outputs.search.index import IndexArrays

MANIFEST = urls.SEARCH_MANIFEST.removeprefix(urls.SEARCH_INDEX)  # fixed name, fetched with revalidation; every file it names is content-hashed
KEY_LENGTH = 2
MAX_SHARD_BYTES = 64 * 1024
GROUP_BYTES = 16 * 1024  # shards smaller than this share a file with their neighbours
STORE_CHUNK = 64  # papers per store file


def json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _hashed(folder: str, data: bytes) -> str:
    return f"{folder}/{hashlib.sha256(data).hexdigest()[:12]}.json"


def term_entries(arrays: IndexArrays) -> list[str]:
    """The JSON of every term's shard entry, by term `_index`."""
    n_fields = len(arrays.fields)
    group = arrays.term * n_fields + arrays.field
    bounds = np.searchsorted(group, np.arange(len(arrays.terms) * n_fields + 1)).tolist()
    first = np.ones(len(group), dtype=bool)
    first[1:] = group[1:] != group[:-1]
    previous = np.concatenate(([0], arrays.doc[:-1]))
    deltas = np.where(first, arrays.doc, arrays.doc - previous).tolist()
    weights = np.rint(arrays.weight * 1000).astype(np.int64).tolist()
    entries = []
    for t, term in enumerate(arrays.terms):
        entry: list = [term, t]
        for g in range(t * n_fields, (t + 1) * n_fields):
            entry += (deltas[bounds[g] : bounds[g + 1]], weights[bounds[g] : bounds[g + 1]])
        entries.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return entries


def position_entries(arrays: IndexArrays, position_fields: tuple[str, ...]) -> dict[str, str]:
    """The JSON of every term's position entry, by term, one (docs, positions) pair per position field (in index order)."""
    at = arrays.positions
    term, field, doc, position = at["term"], at["field"], at["doc"], at["position"]
    numbers = [arrays.fields.index(name) for name in position_fields]
    assert numbers == sorted(numbers), "position fields must come in the index's field order"
    n_fields = len(numbers)
    local = np.searchsorted(np.array(numbers), field)  # the position field each row is in
    cell = (term * n_fields + local) * (len(arrays.refs) + 1) + doc
    new_cell = np.ones(len(cell), dtype=bool)
    new_cell[1:] = cell[1:] != cell[:-1]
    previous = np.concatenate(([0], position[:-1]))
    position_deltas = np.where(new_cell, position, position - previous).tolist()
    starts = np.flatnonzero(new_cell)
    group = (term * n_fields + local)[starts]
    docs = doc[starts]
    first_doc = np.ones(len(starts), dtype=bool)
    first_doc[1:] = group[1:] != group[:-1]
    doc_deltas = np.where(first_doc, docs, docs - np.concatenate(([0], docs[:-1]))).tolist()
    bounds = np.searchsorted(group, np.arange(len(arrays.terms) * n_fields + 1)).tolist()
    ends = np.append(starts[1:], len(cell)).tolist()
    starts = starts.tolist()
    entries = {}
    for t, name in enumerate(arrays.terms):
        if bounds[t * n_fields] == bounds[(t + 1) * n_fields]:
            continue
        entry: list = [name]
        for g in range(t * n_fields, (t + 1) * n_fields):
            entry += (doc_deltas[bounds[g] : bounds[g + 1]], [position_deltas[starts[c] : ends[c]] for c in range(bounds[g], bounds[g + 1])])
        entries[name] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    return entries


def shard_terms(sizes: dict[str, int]) -> tuple[dict[str, list[str]], list[str]]:
    """Terms by shard key, and the keys split into longer ones, for terms of the given encoded sizes."""
    shards: dict[str, list[str]] = {}
    split: list[str] = []

    def place(key: str, terms: list[str]) -> None:
        longer = [t for t in terms if len(t) > len(key)]
        if not longer or sum(sizes[t] for t in terms) <= MAX_SHARD_BYTES:
            shards[key] = terms
            return
        split.append(key)
        if len(longer) < len(terms):
            shards[key] = [t for t in terms if len(t) <= len(key)]
        groups: dict[str, list[str]] = defaultdict(list)
        for t in longer:
            groups[t[: len(key) + 1]].append(t)
        for sub, members in groups.items():
            place(sub, members)

    roots: dict[str, list[str]] = defaultdict(list)
    for term in sorted(sizes):
        roots[term[:KEY_LENGTH]].append(term)
    for key, terms in roots.items():
        place(key, terms)
    return shards, sorted(split)


def group_keys(sizes: dict[str, int]) -> list[list[str]]:
    """Shard keys (of the given encoded sizes) in files: a key of GROUP_BYTES or more alone, smaller neighbours (in
    key order) together until a file reaches GROUP_BYTES. Most keys are rare two-letter starts; a file each made
    the manifest, which every first query loads, list thousands of names."""
    groups: list[list[str]] = []
    size = GROUP_BYTES
    for key in sorted(sizes):
        if sizes[key] >= GROUP_BYTES or size >= GROUP_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(key)
        size += sizes[key]
    return groups


def _shard_files(folder: str, by_term: dict[str, str], files: dict[str, bytes]) -> tuple[list, list[str]]:
    """Entries (JSON by term) cut into shards by key and written into files (under folder): the [file, keys] groups, the split keys."""
    by_key, split = shard_terms({term: len(entry) for term, entry in by_term.items()})
    groups = []
    for keys in group_keys({key: sum(len(by_term[t]) + 1 for t in terms) for key, terms in by_key.items()}):
        data = ("[" + ",".join(by_term[t] for key in keys for t in by_key[key]) + "]").encode("utf-8")
        groups.append([_hashed(folder, data), keys])
        files[groups[-1][0]] = data
    return groups, split


def index_files(arrays: IndexArrays, shown: list[dict], position_fields: tuple[str, ...] = (),
                word_fields: tuple[str, ...] | None = None) -> dict[str, bytes]:
    """manifest.json and the shard, position and store files it names, by path relative to the manifest; word_fields
    (manifest "words", default all) are the fields where a query word counts as found."""
    files: dict[str, bytes] = {}
    groups, split = _shard_files("shards", dict(zip(arrays.terms, term_entries(arrays))), files)
    store_names = []
    for start in range(0, len(shown), STORE_CHUNK):
        data = json_bytes(shown[start : start + STORE_CHUNK])
        store_names.append(_hashed("store", data))
        files[store_names[-1]] = data
    manifest = {
        "fields": list(arrays.fields),
        "words": list(arrays.fields if word_fields is None else word_fields),
        "papers": len(arrays.refs),
        "key": KEY_LENGTH,
        "shards": groups,
        "split": split,
        "store": {"chunk": STORE_CHUNK, "files": store_names},
    }
    if arrays.positions is not None:
        at_groups, at_split = _shard_files("positions", position_entries(arrays, position_fields), files)
        listing = json_bytes({"fields": list(position_fields), "shards": at_groups, "split": at_split})
        manifest["positions"] = _hashed("positions", listing)
        files[manifest["positions"]] = listing
    files[MANIFEST] = json_bytes(manifest)
    return files
