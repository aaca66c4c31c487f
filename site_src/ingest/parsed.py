"""The parsed-dump cache: each dump is parsed once per content hash, and kept in .digest-cache/dumps/ between builds.

A daily build reads every dump but only the new day's bytes are new, so the rest are answered from this cache
(at 3,956 real papers, parsing 198 API responses costs about 0.3 s; loading them parsed, a fifth of that).
The key is the dump's file name and bytes plus the code that parses (PARSING_CODE: ingest/, text/, the records
and the file decoding): a reader that changes makes every dump a miss, an edit elsewhere in the package none.
A cache file is plain JSON (never pickle: .digest-cache/ travels through CI caches), read only when it is a
regular file, and checked field by field; anything odd is a miss, never an error or a wrong page.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
from dataclasses import fields
from pathlib import Path

from site_src.errors import BuildWarning, DigestError
from site_src.files.cache import read_cache_file, save_json
from site_src.files.safe_write import real_folder
from site_src.files.source import PACKAGE, files_under
from site_src.ingest.dump import Dump
from site_src.records import Entry

VERSION = 1
_FIELDS = tuple(f.name for f in fields(Entry))
_TUPLES = frozenset(f.name for f in fields(Entry) if f.default == ())  # authors, ai_keywords
_DATES = frozenset(f.name for f in fields(Entry) if "date" in str(f.type))  # published
_CACHE_LIMIT = 100_000_000  # a cache file larger than this was not written by us


# The code a parse depends on, under the package: the readers, the text helpers they call, the records they make,
# and the decoding of a file's bytes. Not the rest: an edit to the topics or a template re-parses nothing.
PARSING_CODE = ("ingest", "text", "records.py", "files/source.py")


@functools.cache
def code_hash(package: Path = PACKAGE) -> bytes:
    """The code that parses (PARSING_CODE, under package): an upgrade of it re-parses every dump."""
    digest = hashlib.sha256(f"parsed-dump {VERSION}".encode())
    for part in PARSING_CODE:
        for path in files_under(package / part) if (package / part).is_dir() else [package / part]:
            if path.suffix == ".py":
                digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def dump_key(name: str, data: bytes) -> str:
    """The cache's name for one dump: its file name and bytes, and the code that parses it."""
    return hashlib.sha256(code_hash() + os.fsencode(name) + b"\0" + data).hexdigest()


def _entry_record(entry: Entry) -> list:
    values = [getattr(entry, name) for name in _FIELDS]
    return [value.isoformat() if isinstance(value, dt.date) else value for value in values]


def _record(dump: Dump, path: Path) -> dict | None:
    """A dump as JSON; None when a warning names another file (then it is not kept)."""
    if any(w.path != path for w in dump.warnings):
        return None
    return {
        "fields": list(_FIELDS),
        "entries": [_entry_record(entry) for entry in dump.entries],
        "heading": dump.heading,
        "date": dump.date.isoformat() if dump.date else None,
        "warnings": [[w.message, w.line] for w in dump.warnings],
    }


def _value(name: str, value):
    if name in _TUPLES:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(name)
        return tuple(value)
    if name in _DATES:
        return None if value is None else dt.date.fromisoformat(value)
    if isinstance(value, (list, dict, float)):
        raise ValueError(name)
    return value


def _dump(record, path: Path) -> Dump:
    """The Dump a cache record holds; ValueError (or TypeError) when it has the wrong shape."""
    if not isinstance(record, dict) or record.get("fields") != list(_FIELDS):
        raise ValueError("fields")
    entries = tuple(
        Entry(**{name: _value(name, value) for name, value in zip(_FIELDS, row, strict=True)}) for row in record["entries"]
    )
    warnings = tuple(BuildWarning(str(message), path, line) for message, line in record["warnings"])
    heading, date = record["heading"], record["date"]
    if heading is not None and not isinstance(heading, str):
        raise ValueError("heading")
    return Dump(entries, heading, dt.date.fromisoformat(date) if date else None, warnings)


def load(folder: Path, key: str, path: Path) -> Dump | None:
    """The dump parsed under `key`, or None: absent, not a regular file (a planted link is not followed), or malformed."""
    data = read_cache_file(folder / f"{key}.json", _CACHE_LIMIT)
    if data is None:
        return None
    try:
        return _dump(json.loads(data), path)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def store(folder: Path, key: str, dump: Dump, path: Path) -> None:
    """Keep a parsed dump; a failure to write only costs the next build a parse."""
    record = _record(dump, path)
    if record is None:
        return
    try:
        real_folder(folder.parent)  # .digest-cache/ itself a real folder, never a link (files.safe_write)
    except DigestError:
        return
    save_json(folder / f"{key}.json", record)


def prune(folder: Path, keys: set[str]) -> None:
    """Delete the parsed dumps no build needs now (a dump deleted or changed), so the cache does not grow for ever."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.endswith(".json") and len(name) == 69 and name[:-5] not in keys:
            try:
                os.unlink(folder / name)  # unlinks a link itself, never its target
            except OSError:
                pass
