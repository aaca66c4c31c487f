"""The feeds' items as the last build encoded them, kept in the stage's cache folder (.digest-cache/feeds/items.npy).

A feed is its head (a few lines) and its items' bytes; the items are nearly all of the work (lxml elements built
and serialized, JSON encoded by json's pure-Python encoder, as the feeds are indented). A new day changes the
site's feed, the top papers' and those of the topics it adds papers to, but few items: a paper's item is the same
bytes whatever feed it is in and whatever day it is. So each item's RSS, Atom and JSON bytes are kept under a hash of the item itself (every field of its FeedItem) and of
the code that encodes it, and a build encodes only the items it does not find (3,956 real papers, a 22-paper new
day: 0.43 s for the feeds → 0.08 s). A missing, damaged (it carries its own hash), foreign or stale file only
costs the time it would have saved; a build with it gives the bytes of a build without (tests/test_feeds.py).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import operator
from pathlib import Path

import numpy as np

from site_src.files.arrays import checksum, joined, read_arrays, spans, write_arrays

ITEMS_FILE = "items.npy"
VERSION = 1
FORMATS = ("rss", "atom", "json")
KEY_BYTES = 16
ARRAYS = ("salt", "check", "keys", "formats", "ends", "blob")
CHECKED = ARRAYS[ARRAYS.index("check") + 1 :]  # what the checksum covers
FILE_LIMIT = 1 << 30


def item_key(item) -> bytes:
    """A hash of every field of a FeedItem (text, dates and tuples of them: the repr of their tuple is all of it)."""
    return hashlib.blake2b(repr(_fields(type(item))(item)).encode("utf-8", "surrogatepass"), digest_size=KEY_BYTES).digest()


@functools.cache
def _fields(kind: type):
    """A function giving every field of a dataclass as one tuple (dataclasses.astuple copies each value: slower)."""
    return operator.attrgetter(*(f.name for f in dataclasses.fields(kind)))


def _salt() -> np.ndarray:
    """What an item's bytes depend on besides the item: the code that encodes it, and lxml's version."""
    from lxml import etree

    from site_src.outputs import feed_xml, feeds, json_feed

    digest = hashlib.sha256(f"{VERSION}\0{etree.LXML_VERSION}\0{etree.LIBXML_VERSION}".encode())
    for module in (feeds, feed_xml, json_feed):
        digest.update(Path(module.__file__).read_bytes())
    return np.frombuffer(digest.digest(), dtype=np.uint8)


def load(folder: Path | None) -> dict[str, dict[bytes, bytes]]:
    """The kept items' bytes by format, then by item_key; empty where nothing (usable) is kept."""
    empty = {format: {} for format in FORMATS}
    if folder is None or folder.is_symlink():
        return empty
    a = read_arrays(folder / ITEMS_FILE, ARRAYS, FILE_LIMIT)
    if a is None or not np.array_equal(a["salt"], _salt()) or not np.array_equal(a["check"], checksum(a, CHECKED)):
        return empty
    keys, formats, ends, blob = a["keys"].tobytes(), a["formats"], a["ends"], a["blob"].tobytes()
    count = len(formats)
    if a["keys"].dtype != np.uint8 or len(keys) != count * KEY_BYTES or len(ends) != count or formats.dtype != np.uint8:
        return empty
    if count and int(formats.max()) >= len(FORMATS):
        return empty
    try:
        found = spans(ends, len(blob))
    except ValueError:
        return empty
    for number, (start, end) in enumerate(found):
        empty[FORMATS[formats[number]]][keys[number * KEY_BYTES : (number + 1) * KEY_BYTES]] = blob[start:end]
    return empty


def save(folder: Path | None, made: dict[str, dict[bytes, bytes]]) -> None:
    """Keep this build's items (by format, by item_key) for the next build; None: a build without a cache keeps nothing."""
    if folder is None:
        return
    rows = [(number, key, data) for number, format in enumerate(FORMATS) for key, data in sorted(made[format].items())]
    blob, ends = joined([data for _, _, data in rows])
    arrays = {
        "salt": _salt(),
        "keys": np.frombuffer(b"".join(key for _, key, _ in rows), dtype=np.uint8),
        "formats": np.array([number for number, _, _ in rows], dtype=np.uint8),
        "ends": ends,
        "blob": blob,
    }
    arrays["check"] = checksum(arrays, CHECKED)
    write_arrays(folder / ITEMS_FILE, {name: arrays[name] for name in ARRAYS})
