"""The search index's work kept between builds: a new day tokenizes only its own papers and encodes only its terms.

`.digest-cache/search/index.npy` keeps, from the last build, every paper's tokens (index.Tokenized: its postings,
field lengths and term positions) under a hash of the text of its indexed fields, and the JSON of every term's
shard entry and position entry. The next build tokenizes only the papers whose hash it does not hold (a new day's,
an edited one's), and encodes anew only the entries of the terms that some paper changed: a term whose papers all
keep their numbers and their text has the entry it had (shards.py: an entry holds only facts of the papers with
the term). A removed paper, a renumbered one, new settings: each only makes more papers or terms new, so a build
with the file gives the bytes a build without it gives (tests/test_search_kept.py). On a day that only adds papers,
a term's entry is its kept entry with the new papers' postings joined on (append.py), so the entries of common
terms are not encoded whole again. The file is salted with the code that tokenizes and encodes; a missing,
damaged (it carries its own hash), foreign or stale file only costs the time it would have saved. At 3,956 real
papers, the search files of a 22-paper new day take 0.47 s of CPU instead of 1.3 s without the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import lunr
import numpy as np

from site_src.files.arrays import checksum, joined, read_arrays, spans, text_array, text_list, write_arrays
from site_src.outputs.search import append, index, shards, stemmer
from site_src.outputs.search.index import Tokenized
from site_src.outputs.search.shards import Encoded

INDEX_FILE = "index.npy"
VERSION = 1
KEY_BYTES = 16
FILE_LIMIT = 1 << 31  # the largest file read back (about 30 MB at 3,956 papers)
ARRAYS = ("version", "salt", "check", "keys", "terms", "lengths", "ptr", "term", "field", "count",
          "at_ptr", "at_term", "at_field", "at_position", "entries", "ends", "chars", "at_entries", "at_ends", "at_chars")
CHECKED = ARRAYS[ARRAYS.index("check") + 1 :]  # what the checksum covers


@dataclass(frozen=True)
class Kept:
    keys: list[bytes]  # by paper, in index order
    tokens: Tokenized
    entries: list[Encoded]  # by term id: its shard entry
    at_entries: list[Encoded]  # by term id: its position entry, (b"", 0) for none


def paper_keys(fields: list[str], documents: list[dict]) -> list[bytes]:
    """A hash of each document's indexed text, field by field (a missing field is empty, as tokenizing reads it)."""
    return [
        hashlib.sha256("\0".join("" if d.get(name) is None else str(d[name]) for name in fields).encode("utf-8", "surrogatepass")).digest()[:KEY_BYTES]
        for d in documents
    ]


def _salt(fields: list[str], position_fields: tuple[str, ...]) -> np.ndarray:
    """What the kept tokens and entries depend on besides the papers' text: the fields, and the code and package
    that tokenize, stem and encode."""
    digest = hashlib.sha256(f"{VERSION}\0{fields}\0{position_fields}\0{lunr.__VERSION__}".encode())
    for module in (index, shards, stemmer, append):
        digest.update(Path(module.__file__).read_bytes())
    return np.frombuffer(digest.digest(), dtype=np.uint8)


def index_entries(fields: list[str], ref: str, documents: list[dict], position_fields: tuple[str, ...],
                  folder: Path | None) -> tuple[np.ndarray, dict[str, Encoded], dict[str, Encoded] | None]:
    """(every paper's field lengths, every term's shard entry, every term's position entry or None without
    position fields): from the work kept in folder where it still holds (None: no cache), the rest done now; the
    folder then keeps this build's."""
    keys = paper_keys(fields, documents)
    salt = _salt(fields, position_fields)
    old = _load(folder / INDEX_FILE, salt, len(fields)) if folder is not None else None
    if old is not None and old.keys == keys:  # the same papers as last time
        tokens, entries, at_entries = old.tokens, dict(zip(old.tokens.terms, old.entries)), _named(old.tokens.terms, old.at_entries)
        return tokens.lengths, entries, at_entries if position_fields else None
    tokens, changed, reused, appended_at = _tokens(fields, documents, position_fields, keys, old)
    refs = tuple(str(d[ref]) for d in documents)
    if appended_at is None:
        arrays = index.sorted_arrays(tuple(fields), refs, tokens, changed, bool(position_fields))
        entries = reused[0] | shards.encoded(dict(zip(arrays.terms, shards.term_entries(arrays))))
        at_entries = reused[1] | shards.encoded(shards.position_entries(arrays, position_fields)) if position_fields else None
    else:  # only papers added, after the others: their postings joined to the kept entries (append.py)
        new = _taken(tokens, np.arange(appended_at, len(documents)))
        arrays = index.sorted_arrays(tuple(fields), refs, new, changed, bool(position_fields), first=appended_at)
        olds = _entries_of(old, arrays.terms)
        last = _last_docs(old.tokens, [name for name in arrays.terms if name in olds[0]])
        entries = reused[0] | append.appended(olds[0], dict(zip(arrays.terms, shards.term_entries(arrays))), append.term_entry, last)
        # a term the new papers have only outside the position fields keeps its position entry as it was
        at_last = {name: [docs[fields.index(f)] for f in position_fields] for name, docs in last.items()}
        at_entries = reused[1] | olds[1] | append.appended(olds[1], shards.position_entries(arrays, position_fields),
                                                           append.position_entry, at_last) if position_fields else None
    if folder is not None:
        _save(folder / INDEX_FILE, salt, keys, tokens, entries, at_entries or {})
    return tokens.lengths, entries, at_entries


def _last_docs(tokens: Tokenized, names: list[str]) -> dict[str, list[int]]:
    """For each named term, the highest document number with the term in each field (-1: none): where a new
    paper's delta-encoded number counts from (append.py), read off the postings, not summed over the entry's text."""
    n_fields = tokens.lengths.shape[1]
    row = dict(zip(tokens.terms, range(len(tokens.terms))))
    wanted = np.zeros(len(tokens.terms), dtype=bool)
    wanted[[row[name] for name in names]] = True
    at = np.flatnonzero(wanted[tokens.term])
    docs = np.searchsorted(tokens.ptr, at, side="right") - 1  # the document each posting is in
    last = np.full(len(tokens.terms) * n_fields, -1, dtype=np.int64)
    np.maximum.at(last, tokens.term[at].astype(np.int64) * n_fields + tokens.field[at], docs)
    last = last.reshape(-1, n_fields)
    return {name: last[row[name]].tolist() for name in names}


def _entries_of(old: Kept, terms: tuple[str, ...]) -> tuple[dict[str, Encoded], dict[str, Encoded]]:
    """The kept term and position entries of the given terms, where the old papers had them."""
    row = dict(zip(old.tokens.terms, range(len(old.tokens.terms))))
    at = [(name, row[name]) for name in terms if name in row]
    return {name: old.entries[t] for name, t in at}, {name: old.at_entries[t] for name, t in at if old.at_entries[t][1]}


def _tokens(fields, documents, position_fields, keys, old: Kept | None) -> tuple[Tokenized, np.ndarray, tuple[dict, dict], int | None]:
    """(every document's tokens over a vocabulary of only the terms they use; which terms need their entries
    encoded now; the kept entries, by term, of the rest; where the new papers start when the others are all the
    last build's, same numbers and text, else None)."""
    if old is None:
        tokens = index.tokenize(fields, documents, position_fields)
        return tokens, np.ones(len(tokens.terms), dtype=bool), ({}, {}), None
    row_of = dict(zip(old.keys, range(len(old.keys))))
    rows = np.array([row_of.get(key, -1) for key in keys], dtype=np.int64)
    missing = np.flatnonzero(rows < 0)
    fresh = index.tokenize(fields, [documents[i] for i in missing.tolist()], position_fields)
    pool = _stacked(old.tokens, fresh)
    rows[missing] = len(old.keys) + np.arange(len(missing))
    # a day that only adds papers keeps every other in place: the pool is already in index order
    tokens = pool if np.array_equal(rows, np.arange(len(pool.ptr) - 1)) else _taken(pool, rows)
    # A document is the same as last time when it is the paper of that number with the same text; a term's entry
    # changes only where a document that is not the same has it, now or last time.
    n_old = len(old.keys)
    same = (rows == np.arange(len(rows))) & (rows < n_old)
    gone = np.ones(n_old, dtype=bool)
    gone[: min(n_old, len(rows))] = ~same[:n_old]
    changed = np.zeros(len(pool.terms), dtype=bool)
    changed[tokens.term[np.repeat(~same, np.diff(tokens.ptr))]] = True
    changed[pool.term[: pool.ptr[n_old]][np.repeat(gone, np.diff(pool.ptr[: n_old + 1]))]] = True
    tokens, used = _compact(tokens)
    entries, at_entries = {}, {}
    for t in np.flatnonzero(used[: len(old.tokens.terms)] & ~changed[: len(old.tokens.terms)]).tolist():
        name = old.tokens.terms[t]
        entries[name] = old.entries[t]
        if old.at_entries[t][1]:
            at_entries[name] = old.at_entries[t]
    appended_at = n_old if len(rows) > n_old and same[:n_old].all() else None
    return tokens, changed[used], (entries, at_entries), appended_at


def _stacked(old: Tokenized, fresh: Tokenized) -> Tokenized:
    """old's documents, then fresh's, over one vocabulary: old's terms, then fresh's new ones."""
    ids = dict(zip(old.terms, range(len(old.terms))))
    for name in fresh.terms:
        ids.setdefault(name, len(ids))
    renumber = np.array([ids[name] for name in fresh.terms], dtype=np.int64)
    return Tokenized(
        terms=tuple(ids),
        lengths=np.concatenate([old.lengths, fresh.lengths]),
        ptr=np.concatenate([old.ptr, old.ptr[-1] + fresh.ptr[1:]]),
        term=np.concatenate([old.term, renumber[fresh.term]]),
        field=np.concatenate([old.field, fresh.field]),
        count=np.concatenate([old.count, fresh.count]),
        at_ptr=np.concatenate([old.at_ptr, old.at_ptr[-1] + fresh.at_ptr[1:]]),
        at_term=np.concatenate([old.at_term, renumber[fresh.at_term]]),
        at_field=np.concatenate([old.at_field, fresh.at_field]),
        at_position=np.concatenate([old.at_position, fresh.at_position]),
    )


def _spans(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the indices of rows' elements, one row after another; where each row starts among them)."""
    sizes = ptr[rows + 1] - ptr[rows]
    starts = np.concatenate(([0], np.cumsum(sizes)))
    return np.repeat(ptr[rows] - starts[:-1], sizes) + np.arange(starts[-1]), starts


def _taken(pool: Tokenized, rows: np.ndarray) -> Tokenized:
    """pool's documents `rows`, in that order."""
    at, ptr = _spans(pool.ptr, rows)
    at_at, at_ptr = _spans(pool.at_ptr, rows)
    return replace(
        pool, lengths=pool.lengths[rows], ptr=ptr, term=pool.term[at], field=pool.field[at], count=pool.count[at],
        at_ptr=at_ptr, at_term=pool.at_term[at_at], at_field=pool.at_field[at_at], at_position=pool.at_position[at_at],
    )


def _compact(tokens: Tokenized) -> tuple[Tokenized, np.ndarray]:
    """tokens over only the terms some document uses (in vocabulary order), and which terms those are."""
    used = np.bincount(tokens.term, minlength=len(tokens.terms)) > 0
    if used.all():  # the kept vocabulary holds only used terms: a day that only adds papers leaves it so
        return tokens, used
    new_id = np.cumsum(used) - 1
    names = tuple(name for name, keep in zip(tokens.terms, used.tolist()) if keep)
    return replace(tokens, terms=names, term=new_id[tokens.term], at_term=new_id[tokens.at_term]), used


def _named(terms: tuple[str, ...], at_entries: list[Encoded]) -> dict[str, Encoded]:
    return {name: entry for name, entry in zip(terms, at_entries) if entry[1]}


def _load(path: Path, salt: np.ndarray, n_fields: int) -> Kept | None:
    """What the last build kept, or None: missing, damaged, foreign (another salt) or not what _save writes."""
    a = read_arrays(path, ARRAYS, FILE_LIMIT)
    if a is None or not np.array_equal(a["salt"], salt) or a["version"].dtype != np.int64 or len(a["version"]) != 2:
        return None
    if not np.array_equal(a["check"], checksum(a, CHECKED)):  # damaged: a flipped digit in an entry would pass every other test
        return None
    version, n_terms = a["version"].tolist()
    if version != VERSION:
        return None
    try:
        return _checked(a, n_fields, n_terms)
    except (ValueError, UnicodeDecodeError, IndexError):
        return None


def _checked(a: dict[str, np.ndarray], n_fields: int, n_terms: int) -> Kept | None:
    """The file's arrays as Kept, or None unless they are exactly what _save writes."""
    ints = ("ptr", "term", "field", "count", "at_ptr", "at_term", "at_field", "at_position", "lengths")
    if any(a[name].dtype.kind not in "iu" for name in (*ints, "ends", "chars", "at_ends", "at_chars")) or any(a[name].dtype != np.uint8 for name in ("keys", "terms", "entries", "at_entries")):
        return None
    n = len(a["ptr"]) - 1
    if n < 0 or len(a["keys"]) != n * KEY_BYTES or len(a["lengths"]) != n * n_fields or len(a["at_ptr"]) != n + 1:
        return None
    whole = {name: a[name] for name in ints}  # as stored (int32, uint8): copies as int64 cost a second at 34,000 papers
    for ptr, rows in (("ptr", ("term", "field", "count")), ("at_ptr", ("at_term", "at_field", "at_position"))):
        p = whole[ptr]
        if p[0] != 0 or (np.diff(p) < 0).any() or any(len(whole[r]) != p[-1] for r in rows):
            return None
    terms = text_list(a["terms"], n_terms)
    for name, high in (("term", n_terms), ("at_term", n_terms), ("field", n_fields), ("at_field", n_fields)):
        if len(whole[name]) and (whole[name].min() < 0 or whole[name].max() >= high):
            return None
    if (whole["count"] < 1).any() or (whole["at_position"] < 0).any() or (whole["lengths"] < 0).any():
        return None
    raw = a["keys"].tobytes()
    tokens = Tokenized(
        terms=tuple(terms), lengths=whole["lengths"].reshape(n, n_fields), ptr=whole["ptr"], term=whole["term"],
        field=whole["field"], count=whole["count"], at_ptr=whole["at_ptr"], at_term=whole["at_term"],
        at_field=whole["at_field"], at_position=whole["at_position"],
    )
    return Kept([raw[i : i + KEY_BYTES] for i in range(0, len(raw), KEY_BYTES)], tokens,
                _entries(a, "entries", "ends", "chars", n_terms, 1), _entries(a, "at_entries", "at_ends", "at_chars", n_terms, 0))



def _entries(a: dict[str, np.ndarray], blob: str, ends: str, chars: str, n_terms: int, least: int) -> list[Encoded]:
    """The encoded entries the file keeps, by term id: one blob, where each ends in it, and each one's characters."""
    data, end, size = a[blob].tobytes(), a[ends].astype(np.int64), a[chars].astype(np.int64)
    if len(end) != n_terms or len(size) != n_terms:
        raise ValueError("not the entries kept")
    found = spans(end, len(data))
    if (size < least).any() or (size > np.diff(end, prepend=0)).any():
        raise ValueError("not the entries kept")
    view = memoryview(data)  # slices of it, not copies: most entries are only joined into shard files again
    return [(view[s:e], c) for (s, e), c in zip(found, size.tolist())]


def _blob(blob: str, ends: str, chars: str, entries: list[Encoded]) -> dict[str, np.ndarray]:
    data, where = joined([data for data, _ in entries])
    return {blob: data, ends: where, chars: np.fromiter((size for _, size in entries), dtype=np.int32, count=len(entries))}


def _save(path: Path, salt: np.ndarray, keys: list[bytes], tokens: Tokenized, entries: dict[str, Encoded],
          at_entries: dict[str, Encoded]) -> None:
    arrays = {
        "version": np.array([VERSION, len(tokens.terms)], dtype=np.int64), "salt": salt, "keys": np.frombuffer(b"".join(keys), dtype=np.uint8),
        "terms": text_array(list(tokens.terms)), "lengths": tokens.lengths.reshape(-1).astype(np.int32),
        "ptr": tokens.ptr, "term": tokens.term.astype(np.int32), "field": tokens.field.astype(np.uint8),
        "count": tokens.count.astype(np.int32), "at_ptr": tokens.at_ptr, "at_term": tokens.at_term.astype(np.int32),
        "at_field": tokens.at_field.astype(np.uint8), "at_position": tokens.at_position.astype(np.int32),
        **_blob("entries", "ends", "chars", [entries[name] for name in tokens.terms]),
        **_blob("at_entries", "at_ends", "at_chars", [at_entries.get(name, (b"", 0)) for name in tokens.terms]),
    }
    arrays["check"] = checksum(arrays, CHECKED)
    write_arrays(path, {name: arrays[name] for name in ARRAYS})
