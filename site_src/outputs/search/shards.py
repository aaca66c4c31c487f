"""The search index cut into shards by term, and the store cut into chunks by paper number, for loading on demand.

A browser query needs only the postings of its own terms: the page loads the shards its words fall in and
scores the papers from them (templates/assets/search/scorer.js), with the field boosts, the paper count and the
average field lengths the manifest gives. A term's entry holds only facts of the papers that have it, papers keep
their numbers from build to build (new ones come last: outputs/search documents), and which file a shard lands in
depends on its own key and size alone: so a new day rewrites only the files of the terms it brings, the store
chunk it adds to, and the manifest (tests/test_search_update.py checks on real API days).

A shard holds every term that starts with its key: the term's first KEY_LENGTH characters (or the
whole term if shorter), so a prefix query of KEY_LENGTH+ characters finds in one shard every term
it expands to. A shard over MAX_SHARD_BYTES is split by one more character ("co" → "com", "con",
...; the terms equal to "co" stay in "co"), and the manifest lists the split keys.

Shards smaller than GROUP_BYTES share a file with their neighbours in key order, so the manifest lists
hundreds of files, not thousands: manifest "shards" is a list of [file, [key, ...]]. A file starts at a key
chosen by the key's name alone (its CRC-32 modulo SPREAD, as content-defined chunking picks cut points), or at a
shard of GROUP_BYTES / 4 or more; a shard of GROUP_BYTES or more has a file of its own. A shard that grows moves
no boundary but its own, where packing files to a size moved every boundary after it.

Shard file: a JSON list, one entry per term: [term, docs, counts, lengths, docs, counts, lengths, ...] with one
triple per field: the papers with the term there (numbers delta-encoded), how often it stands there, and the
field's length in terms; the triples of trailing fields no paper has the term in are left out.

Position shards say where each term stands in the title and the abstract, for quoted phrases:
[term, docs, positions, docs, positions] with one pair per position field, documents delta-encoded and
each document's list of token ordinals delta-encoded. They are keyed and grouped like the term shards,
on their own sizes, and listed in a position manifest of their own ({"fields", "shards", "split"}, a
content-hashed file that manifest "positions" names): only a phrase query loads it and them, so the
manifest every first query loads stays as small as before (the list is as long as the term shards').

Fact files hold what the search page's orders sort by, one JSON list per fact by paper number (search facts):
manifest "facts" names each ({"v": file, "d": file}); the page fetches one only when a reader asks for its order.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import defaultdict

import numpy as np

from site_src.assemble import urls
from site_src.outputs.search.index import IndexArrays

MANIFEST = urls.SEARCH_MANIFEST.removeprefix(urls.SEARCH_INDEX)  # fixed name, fetched with revalidation; every file it names is content-hashed
KEY_LENGTH = 2
MAX_SHARD_BYTES = 64 * 1024
GROUP_BYTES = 16 * 1024  # shards smaller than this share a file with their neighbours
SPREAD = 16  # about one key in SPREAD starts a file of small shards
STORE_CHUNK = 16  # papers per store file: results are spread over the papers, so a query fetches about one file per result shown


# One encoder, made once: json.dumps with options makes a new JSONEncoder per call, a cost paid per term entry.
encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def json_bytes(value) -> bytes:
    return encode(value).encode("utf-8")


def _hashed(folder: str, data: bytes) -> str:
    return f"{folder}/{hashlib.sha256(data).hexdigest()[:12]}.json"


def term_entries(arrays: IndexArrays) -> list[str]:
    """The JSON of every term's shard entry, by term index."""
    n_fields = len(arrays.fields)
    group = arrays.term * n_fields + arrays.field
    bounds = np.searchsorted(group, np.arange(len(arrays.terms) * n_fields + 1)).tolist()
    first = np.ones(len(group), dtype=bool)
    first[1:] = group[1:] != group[:-1]
    previous = np.concatenate(([0], arrays.doc[:-1]))
    deltas = np.where(first, arrays.doc, arrays.doc - previous).tolist()
    counts, lengths = arrays.count.tolist(), arrays.length.tolist()
    entries = []
    for t, term in enumerate(arrays.terms):
        entry: list = [term]
        for g in range(t * n_fields, (t + 1) * n_fields):
            start, end = bounds[g], bounds[g + 1]
            entry += (deltas[start:end], counts[start:end], lengths[start:end])
        while len(entry) > 1 and not entry[-3]:
            del entry[-3:]  # a field with no paper at the end stores nothing (the page reads it as empty)
        entries.append(encode(entry))
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
        entries[name] = encode(entry)
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
    """Shard keys (of the given encoded sizes) in files, in key order: a key of GROUP_BYTES or more alone; a new file
    at a key of GROUP_BYTES / 4 or more, or at one whose CRC-32 is a multiple of SPREAD; smaller keys join the file
    before them. Most keys are rare two-letter starts; a file each made the manifest, which every first query loads,
    list thousands of names."""
    groups: list[list[str]] = []
    alone = False
    for key in sorted(sizes):
        big = sizes[key] >= GROUP_BYTES
        if not groups or big or alone or sizes[key] >= GROUP_BYTES // 4 or zlib.crc32(key.encode("utf-8")) % SPREAD == 0:
            groups.append([])
        groups[-1].append(key)
        alone = big
    return groups


Encoded = tuple[bytes | memoryview, int]  # an entry's JSON in UTF-8 (a slice of the kept file's blob, read back), and its length in characters (what shard sizes count)


def encoded(entries: dict[str, str]) -> dict[str, Encoded]:
    """Entries (JSON by term) as the shard files take them."""
    return {term: (entry.encode("utf-8"), len(entry)) for term, entry in entries.items()}


def _shard_files(folder: str, by_term: dict[str, Encoded], files: dict[str, bytes]) -> tuple[list, list[str]]:
    """Entries (encoded, by term) cut into shards by key and written into files (under folder): the [file, keys]
    groups, the split keys."""
    by_key, split = shard_terms({term: size for term, (_, size) in by_term.items()})
    groups = []
    for keys in group_keys({key: sum(by_term[t][1] + 1 for t in terms) for key, terms in by_key.items()}):
        data = b"[" + b",".join([by_term[t][0] for key in keys for t in by_key[key]]) + b"]"
        groups.append([_hashed(folder, data), keys])
        files[groups[-1][0]] = data
    return groups, split


def index_files(fields: tuple[str, ...], entries: dict[str, Encoded], at_entries: dict[str, Encoded] | None, lengths: np.ndarray,
                shown: list[dict], boosts: tuple[float, ...], position_fields: tuple[str, ...] = (),
                word_fields: tuple[str, ...] | None = None, facts: dict[str, list] | None = None) -> dict[str, bytes]:
    """manifest.json and the shard, position and store files it names, by path relative to the manifest, from every
    term's entry (term_entries) and position entry (position_entries; None: no position files), encoded, and every
    paper's field lengths; boosts weigh a match in each field; word_fields (manifest "words", default all) are the fields
    where a query word counts as found; facts (by name, each a list by paper number) are written to files manifest
    "facts" names."""
    files: dict[str, bytes] = {}
    groups, split = _shard_files("shards", entries, files)
    store_names = []
    for start in range(0, len(shown), STORE_CHUNK):
        data = json_bytes(shown[start : start + STORE_CHUNK])
        store_names.append(_hashed("store", data))
        files[store_names[-1]] = data
    manifest = {
        "fields": list(fields),
        "words": list(fields if word_fields is None else word_fields),
        "boosts": list(boosts),
        "papers": len(lengths),
        # the index-wide counts the scorer needs: every field's mean length in terms
        "lengths": [round(float(mean), 3) for mean in (lengths.mean(axis=0) if len(lengths) else np.zeros(len(fields)))],
        "key": KEY_LENGTH,
        "shards": groups,
        "split": split,
        "store": {"chunk": STORE_CHUNK, "files": store_names},
    }
    if at_entries is not None:
        at_groups, at_split = _shard_files("positions", at_entries, files)
        listing = json_bytes({"fields": list(position_fields), "shards": at_groups, "split": at_split})
        manifest["positions"] = _hashed("positions", listing)
        files[manifest["positions"]] = listing
    if facts:
        manifest["facts"] = {}
        for name, values in facts.items():
            data = json_bytes(values)
            manifest["facts"][name] = _hashed("facts", data)
            files[manifest["facts"][name]] = data
    files[MANIFEST] = json_bytes(manifest)
    return files
