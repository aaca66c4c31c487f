"""What the recommend stage computed last time, kept in its cache folder (.digest-cache/recommend/vectors.npy)
between builds: every paper's cut vector before and after smoothing and its "More like this" list, under the key of
what they were weighed by (the reference papers' weights, the topics' reference papers, the code).

Each paper is known by its slug and the hash of its title and abstract (lock.paper_keys). A build under the same
key whose papers include every kept one computes only what its new papers change (`Made` is handed to
recommend/__init__.py, which does that); a new day so costs its own papers, not every paper again. A missing,
damaged or foreign file costs only the time it would have saved: the result is the same bytes either way.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from site_src.files.arrays import checksum, read_arrays, text_array, text_list, write_arrays
from site_src.outputs.recommend.nearest import Lists

VECTORS_FILE = "vectors.npy"
_MATRICES = ("first", "final")
ARRAYS = (
    "key", "check", "shape", "slugs", "papers", *(f"{m}_{part}" for m in _MATRICES for part in ("indptr", "indices", "levels")),
    "best", "scores", "closest", "profiles_indptr", "profiles_indices", "profiles_data",
)
CHECKED = ARRAYS[2:]  # what the checksum covers: a flipped byte in a score would pass every other test
VERSION = 2
# The code the vectors and lists come from, under the package: an edit of it computes them again.
CODE = ("outputs/recommend", "topics/graph.py", "topics/vectors.py", "topics/term_counts.py")
FILE_LIMIT = 1 << 29  # 25 MB at 34,000 papers


@dataclass(frozen=True)
class Made:
    """Every paper's cut rows before (`first`) and after (`final`) smoothing, with a column per weighed term, and
    its lists; `slugs` and `papers` (paper keys) say whose rows they are."""

    slugs: list[str]
    papers: list[bytes]
    first: sp.csr_matrix
    final: sp.csr_matrix
    lists: Lists


@functools.cache
def _code() -> bytes:
    package = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(f"recommend vectors {VERSION}".encode())
    for part in CODE:
        for path in sorted((package / part).rglob("*.py")) if (package / part).is_dir() else [package / part]:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def key_of(*parts: np.ndarray) -> np.ndarray:
    """The hash of the code and of the arrays (each with its length, so no two inputs run together alike)."""
    digest = hashlib.blake2b(_code(), digest_size=32)
    for part in parts:
        part = np.ascontiguousarray(part)
        digest.update(part.dtype.str.encode() + np.int64(part.nbytes).tobytes() + part.tobytes())
    return np.frombuffer(digest.digest(), dtype=np.uint8)


def load(folder: Path | None, key: np.ndarray) -> Made | None:
    """What was kept in `folder` under `key`; None when nothing was, or under another key, or it is damaged."""
    if folder is None or folder.is_symlink() or folder.parent.is_symlink():
        return None
    a = read_arrays(folder / VECTORS_FILE, ARRAYS, FILE_LIMIT)
    if a is None or a["key"].dtype != np.uint8 or not np.array_equal(a["key"], key) or not np.array_equal(a["check"], checksum(a, CHECKED)):
        return None
    try:
        papers, columns, width, topics, near = (int(v) for v in a["shape"].astype(np.int64))
        slugs = text_list(a["slugs"], papers)
        keys = a["papers"].astype(np.uint8).tobytes()
        if len(keys) != 16 * papers:
            return None
        matrices = []
        for m in _MATRICES:
            rows = sp.csr_matrix(
                (a[f"{m}_levels"].astype(np.int32), a[f"{m}_indices"].astype(np.int32), a[f"{m}_indptr"].astype(np.int64)), shape=(papers, columns)
            )
            rows.check_format(full_check=True)
            if rows.nnz and rows.data.min() < 1:
                return None
            matrices.append(rows)
        best = a["best"].astype(np.int64).reshape(papers, width)
        scores = a["scores"].astype(np.float32).reshape(papers, width)
        closest = a["closest"].astype(np.int64).reshape(-1, near)
        profiles = sp.csr_matrix(
            (a["profiles_data"].astype(np.float32), a["profiles_indices"].astype(np.int32), a["profiles_indptr"].astype(np.int64)), shape=(topics, columns)
        )
        profiles.check_format(full_check=True)
        if best.size and (best.min() < -1 or best.max() >= papers) or len(closest) not in (0, papers) or not np.isfinite(scores).all():
            return None
        if closest.size and (closest.min() < 0 or closest.max() >= topics):
            return None
    except Exception:  # a shape that does not hold together: damage, a miss
        return None
    return Made(slugs, [keys[i : i + 16] for i in range(0, len(keys), 16)], *matrices, Lists(best, scores, closest, profiles))


def save(folder: Path | None, key: np.ndarray, made: Made) -> None:
    """Keep what was made under `key` for the next build (None: a build without a cache keeps nothing)."""
    if folder is None:
        return
    arrays = {
        "key": key,
        "shape": np.array([len(made.slugs), made.first.shape[1], made.lists.best.shape[1], made.lists.profiles.shape[0], made.lists.closest.shape[1]],
                          dtype=np.int64),
        "slugs": text_array(made.slugs),
        "papers": np.frombuffer(b"".join(made.papers), dtype=np.uint8),
    }
    for name, rows in zip(_MATRICES, (made.first, made.final)):
        arrays.update({
            f"{name}_indptr": rows.indptr.astype(np.int64), f"{name}_indices": rows.indices.astype(np.int32), f"{name}_levels": rows.data.astype(np.uint8),
        })
    lists = made.lists
    arrays.update({
        "best": lists.best.astype(np.int32).ravel(), "scores": lists.scores.astype(np.float32).ravel(), "closest": lists.closest.astype(np.int32).ravel(),
        "profiles_indptr": lists.profiles.indptr.astype(np.int64), "profiles_indices": lists.profiles.indices.astype(np.int32),
        "profiles_data": lists.profiles.data.astype(np.float32),
    })
    arrays["check"] = checksum(arrays, CHECKED)
    write_arrays(folder / VECTORS_FILE, {name: arrays[name] for name in ARRAYS})
