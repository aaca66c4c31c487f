"""NumPy arrays kept in a file of .digest-cache/: one after another in NumPy's .npy format, read back by name.

No pickles (the cache travels through CI caches), no zip (its checksums cost a tenth of a second at 34,000 papers).
A file that is absent, not a regular file, larger than its limit, of another shape or damaged reads as None, never
as an error: it only costs the shortcut it would have given. Written the one safe way (files.safe_write).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from site_src.errors import DigestError
from site_src.files.cache import cache_file_within
from site_src.files.safe_write import real_folder, write_file


def read_arrays(path: Path, names: tuple[str, ...], limit: int) -> dict[str, np.ndarray] | None:
    """The one-dimensional arrays `names`, in that order, that write_arrays put in path; None where the file is
    missing, not a regular file (a link is never followed), over `limit` bytes, holds more or less, or is damaged."""
    try:
        with cache_file_within(path, limit) as opened:
            if opened is None:
                return None
            handle, size = opened
            arrays = {name: _array(handle, size) for name in names}
            return None if handle.read(1) else arrays
    except Exception:  # numpy's header parser alone raises SyntaxError, TokenError, ValueError...: damage is a miss
        return None


def _array(handle, size: int) -> np.ndarray:
    """The next array of the file, read only once its header's shape is known to fit in the file."""
    version = np.lib.format.read_magic(handle)
    header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = header(handle)
    count = int(np.prod(shape, dtype=np.int64))
    if fortran or dtype.hasobject or len(shape) > 1 or count * dtype.itemsize > size:
        raise ValueError("not an array this file holds")
    array = np.fromfile(handle, dtype=dtype, count=count)
    if len(array) != count:
        raise ValueError("the file ends early")
    return array


def write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Keep arrays (one-dimensional, in the order read_arrays will name them) in path, in a real folder of a real
    .digest-cache/; a failure costs only the next build's shortcut."""
    def write(handle) -> None:  # straight into the file: no copy of them all in memory (1.4 s for 172 MB)
        for array in arrays.values():
            np.lib.format.write_array(handle, np.ascontiguousarray(array), allow_pickle=False)

    try:
        real_folder(path.parent.parent)
        write_file(real_folder(path.parent) / path.name, write, durable=False)
    except DigestError:
        pass


def text_array(texts: list[str]) -> np.ndarray:
    """Strings without line breaks as one array of UTF-8 bytes (text_list reads them back)."""
    return np.frombuffer("\n".join(texts).encode("utf-8"), dtype=np.uint8)


def text_list(array: np.ndarray, count: int) -> list[str]:
    """The `count` strings text_array kept; ValueError unless there are exactly that many."""
    texts = array.tobytes().decode("utf-8").split("\n") if count else []
    if len(texts) != count or (not count and len(array)):
        raise ValueError("not the strings kept")
    return texts


def checksum(arrays: dict[str, np.ndarray], names: tuple[str, ...]) -> np.ndarray:
    """A sha256 of the arrays `names`, kept beside them: a flipped byte in kept bytes (a search entry, a feed item)
    would pass every other test, and be written into the site."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(memoryview(np.ascontiguousarray(arrays[name])).cast("B"))
    return np.frombuffer(digest.digest(), dtype=np.uint8)


def joined(pieces: list) -> tuple[np.ndarray, np.ndarray]:
    """Byte strings as one array of bytes and where each ends in it (spans reads them back)."""
    ends = np.cumsum(np.fromiter((len(piece) for piece in pieces), dtype=np.int64, count=len(pieces)))
    return np.frombuffer(b"".join(pieces), dtype=np.uint8), ends


def spans(ends: np.ndarray, size: int) -> list[tuple[int, int]]:
    """(start, end) of each byte string joined kept, from its `ends` in a blob of `size` bytes; ValueError unless
    the ends are what joined writes."""
    if ends.dtype.kind not in "iu":
        raise ValueError("not the byte strings kept")
    ends = ends.astype(np.int64)
    if (len(ends) and ends[-1] != size) or (np.diff(ends, prepend=0) < 0).any():
        raise ValueError("not the byte strings kept")
    return list(zip([0, *ends[:-1].tolist()], ends.tolist()))
