"""Each paper's term counts, kept between builds: a day's build tokenizes only the papers it has not seen.

The counts (vectors.Counts) of the last build's papers are kept in one file, `.digest-cache/topics/counts.npy`
beside build/, each paper's row under the hash of its title and abstract (lock.paper_keys), the file under a hash
of how they are joined, tokenized and counted. Other kinds of terms (Counting: For you's word pairs) are kept
the same way in files of their own. A paper whose text changed has another key and is counted again, so counts
from the file are the counts tokenizing would give, and a build with the file gives the same bytes as one
without (tests/test_topic_cache.py). A missing, damaged or foreign file only costs the time it would have saved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from site_src.files.arrays import read_arrays, write_arrays
from site_src.topics.vectors import TOKEN_PATTERN, Counts, Tokens, counts_of, documents, tokenize

FOLDER = "topics"  # the topic stage's folder of .digest-cache/ (files.cache.cache_path), read by outputs/recommend too
COUNTS_FILE = "counts.npy"
# The file: these arrays one after another, each in NumPy's .npy format (no pickles; no zip, whose checksums
# cost a tenth of a second to write and read at 34,000 papers).
ARRAYS = ("version", "salt", "keys", "words", "indptr", "indices", "counts")
VERSION = 2  # 2: written by files.arrays, the version a one-element array
KEY_BYTES = 16  # lock.paper_keys
# The largest file read back (about 8 bytes per distinct word of a paper: some 30 MB at 34,000 papers).
FILE_LIMIT = 1 << 30


@dataclass(frozen=True)
class Counting:
    """What is counted: the file it is kept in, its name in the salt, and how a document's tokens become its counts."""

    file: str
    kind: str  # "" for the words (the salt of files written before there were other kinds)
    count: Callable[[Tokens], Counts]
    as_bytes: bool = False  # the terms as a bytes array (a fourth of the memory of str: 578,000 word pairs at 34,000 papers)


WORDS = Counting(COUNTS_FILE, "", counts_of)

# The tokens the topic stage made (of every paper in a fit, of those it had no counts of when it placed a day), for
# a later stage of the same build (For you's words and pairs, in the process forked from it): (title_weight, each
# paper key's document, the tokens). The same key is the same title and abstract, so its tokens are the ones
# tokenizing again would give. Cleared when the build ends.
_SHARED: list = []


def share(keys: list[bytes], tokens: Tokens, title_weight: int) -> None:
    """Offer these papers' tokens (of vectors.documents, `title_weight`) to the build's later stages."""
    _SHARED[:] = [(title_weight, dict(zip(keys, range(len(keys)))), tokens)]


def forget_shared() -> None:
    _SHARED.clear()


def tokens_of(titles: list[str], abstracts: list[str], title_weight: int, keys: list[bytes]) -> Tokens:
    """The tokens of these papers' documents (vectors.documents): those the topic stage shared (share) taken from
    there, the rest tokenized. Equal to tokenize(documents(...)) but for the order of the words, which no count
    depends on (counts_of sorts them)."""
    found = np.full(len(keys), -1, dtype=np.int64)
    if _SHARED and _SHARED[0][0] == title_weight:
        at, shared = _SHARED[0][1], _SHARED[0][2]
        found = np.fromiter((at.get(key, -1) for key in keys), dtype=np.int64, count=len(keys))
    rest = np.flatnonzero(found < 0)
    fresh = tokenize(documents([titles[i] for i in rest], [abstracts[i] for i in rest], title_weight))
    if len(rest) == len(keys):
        if not _SHARED:  # the first stage to tokenize (the topic stage placing a day on the lock): offered on
            share(keys, fresh, title_weight)
        return fresh
    use = np.flatnonzero(found >= 0)
    starts, ends = np.searchsorted(shared.doc, found[use]), np.searchsorted(shared.doc, found[use], side="right")
    lengths = ends - starts  # a document's tokens are one run of the shared arrays
    taken = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
    doc = np.concatenate([np.repeat(use, lengths), rest[fresh.doc]])
    both = np.concatenate([shared.ids[taken], len(shared.words) + fresh.ids])
    used, ids = np.unique(both, return_inverse=True)
    vocabulary = np.concatenate([shared.words, fresh.words])[used]  # distinct but for a word in both: merged next
    words, merged = np.unique(vocabulary, return_inverse=True)
    order = np.argsort(doc, kind="stable")  # every document's tokens in their order, the documents in the papers'
    return Tokens(doc[order], merged.ravel()[ids.ravel()][order], words, len(keys))


def _salt(title_weight: int, kind: str = "") -> np.ndarray:
    """What the counts depend on besides a paper's title and abstract: how they are joined, tokenized and counted. A
    file of another salt is not used at all."""
    what = f"{VERSION}\0{title_weight}\0{TOKEN_PATTERN}" + (f"\0{kind}" if kind else "")
    return np.frombuffer(hashlib.sha256(what.encode()).digest(), dtype=np.uint8)


def counted(
    titles: list[str], abstracts: list[str], title_weight: int, keys: list[bytes], folder: Path | None, keep: bool = True,
    fallback: Path | None = None, counting: Counting = WORDS,
) -> Counts:
    """The papers' term counts (of vectors.documents): rows kept in `folder` (None: no cache) for the papers of
    the same `keys` (lock.paper_keys), the rest tokenized now; with `keep`, the file is then rewritten to hold
    exactly these papers, when they differ from its (keep=False: a later stage reading the topic stage's file).
    Without a file in `folder`, the one in `fallback` (another stage's folder, only read) serves instead.
    `counting`: what is counted (WORDS, or another kind of term with a file of its own)."""
    if folder is None:
        return counting.count(tokens_of(titles, abstracts, title_weight, keys))
    salt = _salt(title_weight, counting.kind)
    kept = _kept(folder / counting.file, salt, counting.as_bytes)
    own = kept is not None
    if not own and fallback is not None:
        kept = _kept(fallback / counting.file, salt, counting.as_bytes)
    if kept is not None and kept[0] == keys and (own or not keep):  # the same papers as last time: nothing to count, nothing to write
        return kept[1]
    old_keys, old = kept if kept is not None else ([], Counts(sp.csr_matrix((0, 0), dtype=np.float32), np.array([], dtype="S" if counting.as_bytes else str)))
    row_of = dict(zip(old_keys, range(len(old_keys))))
    rows = np.array([row_of.get(key, -1) for key in keys], dtype=np.int64)
    missing = np.flatnonzero(rows < 0).tolist()
    fresh = counting.count(tokens_of([titles[i] for i in missing], [abstracts[i] for i in missing], title_weight, [keys[i] for i in missing]))
    words, old_columns, fresh_columns = _merged(old.words, fresh.words)
    stacked = sp.vstack([_renumbered(old.matrix, old_columns, len(words)), _renumbered(fresh.matrix, fresh_columns, len(words))], format="csr")
    rows[missing] = old.matrix.shape[0] + np.arange(len(missing))
    counts = _compact(stacked[rows], words)
    if keep:
        remember(folder, keys, counts, title_weight, counting)
    return counts


def _kept(path: Path, salt: np.ndarray, as_bytes: bool = False) -> tuple[list[bytes], Counts] | None:
    return None if path.parent.is_symlink() or path.parent.parent.is_symlink() else _load(path, salt, as_bytes)


def _merged(old: np.ndarray, fresh: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(every word of two sorted vocabularies, sorted; each old word's new column; each fresh word's). Old words
    keep their order, so renumbered rows keep their columns in order."""
    at = np.searchsorted(old, fresh)
    known = at < len(old)
    known[known] = old[at[known]] == fresh[known]
    words = np.insert(old.astype(np.result_type(old, fresh)), at[~known], fresh[~known])  # wide enough for either
    old_columns = np.arange(len(old)) + np.searchsorted(at[~known], np.arange(len(old)), side="right")
    return words, old_columns, np.searchsorted(words, fresh)


def _renumbered(matrix: sp.csr_matrix, columns: np.ndarray, width: int) -> sp.csr_matrix:
    return sp.csr_matrix((matrix.data, columns[matrix.indices], matrix.indptr), shape=(matrix.shape[0], width))


def _compact(matrix: sp.csr_matrix, words: np.ndarray) -> Counts:
    """The counts over only the words some document uses (a file rewritten every day would otherwise keep the
    words of every paper it ever held)."""
    used = np.bincount(matrix.indices, minlength=len(words)) > 0
    if not used.all():
        matrix = _renumbered(matrix, np.cumsum(used) - 1, int(used.sum()))
        words = words[used]
    matrix.has_sorted_indices = True
    return Counts(matrix, words)


def _load(path: Path, salt: np.ndarray, as_bytes: bool = False) -> tuple[list[bytes], Counts] | None:
    """(keys, counts) as the file holds them; None when it is missing, not a regular file, of a wrong shape, or
    holds anything counting could not have given. Never follows a link (files.arrays)."""
    arrays = read_arrays(path, ARRAYS, FILE_LIMIT)
    if arrays is None or not np.array_equal(arrays["salt"], salt):
        return None
    try:
        return _checked(arrays, as_bytes)
    except Exception:  # any damage means no shortcut
        return None


def _checked(a: dict, as_bytes: bool = False) -> tuple[list[bytes], Counts] | None:
    """The file's arrays as (keys, counts), or None unless they are exactly what remember writes."""
    version, key_bytes, word_bytes, indptr, indices, counts = (a[n] for n in ("version", "keys", "words", "indptr", "indices", "counts"))
    kinds = ((version, np.int64, 1), (key_bytes, np.uint8, 1), (word_bytes, np.uint8, 1), (indptr, np.int64, 1), (indices, np.int32, 1), (counts, np.float32, 1))
    if any(array.dtype != kind or array.ndim != dims for array, kind, dims in kinds) or version.tolist() != [VERSION]:
        return None
    n = len(indptr) - 1
    if n < 0 or len(key_bytes) != n * KEY_BYTES or indptr[0] != 0 or indptr[-1] != len(indices) or len(counts) != len(indices):
        return None
    text = word_bytes.tobytes()
    text.decode("ascii")  # only ASCII terms are ever written (TOKEN_PATTERN): anything else is damage
    words = np.array(text.split(b"\n") if len(text) else [], dtype="S") if as_bytes else np.array(text.decode("ascii").split("\n") if len(text) else [], dtype=str)
    lengths = np.diff(indptr)
    if (lengths < 0).any() or (len(words) > 1 and not (words[1:] > words[:-1]).all()):
        return None
    if len(indices) and (indices.min() < 0 or indices.max() >= len(words)):
        return None
    rows = np.repeat(np.arange(n), lengths)
    if not ((np.diff(indices) > 0) | (rows[1:] != rows[:-1])).all():  # each row's columns strictly in order
        return None
    if not (np.isfinite(counts) & (counts >= 1) & (counts == np.floor(counts))).all():
        return None
    raw = key_bytes.tobytes()
    matrix = sp.csr_matrix((counts, indices, indptr), shape=(n, len(words)))
    matrix.has_sorted_indices = True
    return [raw[i : i + KEY_BYTES] for i in range(0, len(raw), KEY_BYTES)], Counts(matrix, words)


def remember(folder: Path, keys: list[bytes], counts: Counts, title_weight: int, counting: Counting = WORDS) -> None:
    """Keep the counts of the papers of `keys` for the next build, written the one safe way (files.safe_write: a
    new file of a fresh name renamed into place, never through a link, nor into a folder that is one). A failure
    costs only the next build's shortcut."""
    m = counts.matrix
    arrays = {
        "version": np.array([VERSION], dtype=np.int64), "salt": _salt(title_weight, counting.kind), "keys": np.frombuffer(b"".join(keys), dtype=np.uint8),
        "words": np.frombuffer(b"\n".join(counts.words.tolist()) if counting.as_bytes else "\n".join(counts.words.tolist()).encode("ascii"), dtype=np.uint8),
        "indptr": m.indptr.astype(np.int64), "indices": m.indices.astype(np.int32), "counts": m.data.astype(np.float32),
    }
    write_arrays(folder / counting.file, {name: arrays[name] for name in ARRAYS})
