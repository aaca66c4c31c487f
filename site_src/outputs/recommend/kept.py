"""The last build's compact vectors and "More like this" lists, kept in the stage's cache folder
(.digest-cache/recommend/vectors.npy) between builds.

A build whose papers' words and topics are the last build's (a template, a Markdown page or the site's title
edited; `digest serve` rebuilding) writes its files from them instead of weighing, cutting and comparing every
paper again (4.5 s of CPU at 34,000 papers). They are used only under the hash of all they are computed from (every
paper's term counts, the topics' papers, the code that computes them), so a build with the file gives the bytes of
one without. A new day changes the counts, and with them every weight (IDF): it computes everything, as a build
without the file does. A missing, damaged or foreign file costs only the time it would have saved.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from site_src.files.arrays import read_arrays, text_array, text_list, write_arrays
from site_src.outputs.recommend.vectors import Vectors
from site_src.topics.vectors import Counts

VECTORS_FILE = "vectors.npy"
ARRAYS = ("key", "shape", "indptr", "indices", "levels", "terms", "best")
VERSION = 1
# The code the vectors and lists come from, under the package: an edit of it computes them again.
CODE = ("outputs/recommend", "topics/graph.py", "topics/vectors.py")
FILE_LIMIT = 1 << 28  # 10 MB at 34,000 papers


@functools.cache
def _code() -> bytes:
    package = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(f"recommend vectors {VERSION}".encode())
    for part in CODE:
        for path in sorted((package / part).rglob("*.py")) if (package / part).is_dir() else [package / part]:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def inputs_key(counts: Counts, groups: list[np.ndarray] | None) -> np.ndarray:
    """The hash of all the vectors and lists are computed from: the counts (words and rows), the topics' papers
    (None: every pair compared) and the code."""
    digest = hashlib.blake2b(_code(), digest_size=32)
    m = counts.matrix.tocsr()
    parts = [m.indptr.astype(np.int64), m.indices.astype(np.int64), m.data.astype(np.float32), text_array(counts.words.tolist())]
    if groups is not None:
        parts += [np.array([len(g) for g in groups], dtype=np.int64), np.concatenate([np.zeros(0, dtype=np.int64), *groups]).astype(np.int64)]
    for part in parts:  # each with its length, so no two inputs run together alike
        digest.update(np.int64(len(part)).tobytes() + np.ascontiguousarray(part).tobytes())
    digest.update(np.int64(-1 if groups is None else len(groups)).tobytes())
    return np.frombuffer(digest.digest(), dtype=np.uint8)


def load(folder: Path | None, key: np.ndarray) -> tuple[Vectors, np.ndarray] | None:
    """(vectors, lists) kept in `folder` under `key`; None when there are none, or others, or they are damaged."""
    if folder is None or folder.is_symlink() or folder.parent.is_symlink():
        return None
    a = read_arrays(folder / VECTORS_FILE, ARRAYS, FILE_LIMIT)
    if a is None or a["key"].dtype != np.uint8 or not np.array_equal(a["key"], key):
        return None
    try:
        papers, columns, width = (int(v) for v in a["shape"].astype(np.int64))
        terms = np.array(text_list(a["terms"], columns), dtype=str)
        rows = sp.csr_matrix((a["levels"].astype(np.int32), a["indices"].astype(np.int32), a["indptr"].astype(np.int64)), shape=(papers, columns))
        rows.check_format(full_check=True)
        best = a["best"].astype(np.int64).reshape(papers, width)
        if best.size and (best.min() < -1 or best.max() >= papers) or rows.nnz and rows.data.min() < 1:
            return None
    except Exception:  # a shape that does not hold together: damage, a miss
        return None
    return Vectors(rows, terms), best


def save(folder: Path | None, key: np.ndarray, vectors: Vectors, best: np.ndarray) -> None:
    """Keep the vectors and lists under `key` for the next build (None: a build without a cache keeps nothing)."""
    if folder is None:
        return
    rows = vectors.rows
    write_arrays(folder / VECTORS_FILE, {
        "key": key, "shape": np.array([rows.shape[0], rows.shape[1], best.shape[1]], dtype=np.int64),
        "indptr": rows.indptr.astype(np.int64), "indices": rows.indices.astype(np.int32), "levels": rows.data.astype(np.uint8),
        "terms": text_array(vectors.terms.tolist()), "best": best.astype(np.int32).ravel(),
    })
