"""Render only what changed: which pages of the last build can be kept as they are.

A page's HTML is a function of the templates, the page's own data (its `Page`, context included),
and whatever the template reads from the site-wide objects (`site`, `config`, `feeds`, `search`,
`charts`). While a page renders, the Jinja environment records each of those reads: an attribute
(`site.topics`), a method call with its arguments (`feeds.for_page("")`), or one item of a mapping attribute
(`site.papers[slug]`: a digest page that lists 20 papers depends on those 20, not on every paper, so a new day
renders the digests it changed, not all 390 of them), or one attribute of such an item (`site.papers[slug].title`:
a digest page shows its papers' titles, not their related papers, which a new day changes). The memo keeps, per
page, a hash of its `Page` and the reads it made, and per read a hash of the value it gave.
The next build keeps a page's file from the last build when its `Page` hashes the same and every
read gives a value that hashes the same; anything it cannot hash or repeat counts as changed, so a
doubt costs a render, never a stale page. The memo also holds each kept file's size and
modification time, so a file edited by hand in build/ is rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from site_src.files.cache import cache_path, save_json
from site_src.files.source import files_under

VERSION = 1
Read = tuple  # ("site", "topics"), ("feeds", "for_page", [args...]) or ("site", "papers", None, key): one read of a site-wide object
_SIMPLE = (str, int, float, bool, type(None))  # arguments and keys a read can record and repeat


def value_hash(value) -> str | None:
    """A hash of a value's whole state; None when it cannot be pickled (so it never matches)."""
    try:
        return hashlib.sha256(pickle.dumps(value, protocol=5)).hexdigest()
    except Exception:  # an unpicklable value: treat as always changed
        return None


@dataclass
class RenderMemo:
    """What the last build rendered: per page its hash and reads, per read the hash of its value."""

    templates: str = ""  # hash of the template files and this package's code
    pages: dict[str, dict] = field(default_factory=dict)  # file name -> {"page", "reads", "size", "mtime"}
    reads: dict[str, str | None] = field(default_factory=dict)  # json of a Read -> value hash


def read_key(read: Read) -> str:
    return json.dumps(read, separators=(",", ":"))


class Reads:
    """Looks up (once per build) what each read gives now, from the site-wide objects by name."""

    def __init__(self, objects: dict[str, object]):
        self.objects = objects
        self.known: dict[str, str | None] = {}

    def hash(self, key: str) -> str | None:
        if key not in self.known:
            self.known[key] = self._evaluate(json.loads(key))
        return self.known[key]

    def _evaluate(self, read: list) -> str | None:
        name, attribute, *call = read
        owner = self.objects.get(name)
        if owner is None or not hasattr(owner, attribute):
            return None
        value = getattr(owner, attribute)
        if call:
            try:
                value = value[call[1]] if call[0] is None else value(*call[0])
                if len(call) > 2:  # some attributes of an item (grouped); none: that the item is there
                    value = tuple(getattr(value, name) for name in call[2].split(",") if name)
            except Exception:
                return None
        return value_hash(value)


def keepable(memo: RenderMemo | None, templates: str, out_dir: Path, name: str, page_hash: str | None, reads: Reads) -> bool:
    """Whether the last build's file `name` is exactly what rendering the page now would give."""
    if memo is None or memo.templates != templates or page_hash is None:
        return False
    last = memo.pages.get(name)
    if last is None or last["page"] != page_hash:
        return False
    for key in last["reads"]:
        now = reads.hash(key)
        if now is None or memo.reads.get(key) != now:
            return False
    try:
        stat = (out_dir / name).stat()
    except OSError:
        return False
    return stat.st_size == last["size"] and stat.st_mtime_ns == last["mtime"]


def memo_path(out_dir: Path) -> Path:
    return cache_path(out_dir, f"{out_dir.absolute().name}.render.json")


def load(path: Path) -> RenderMemo | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    memo = RenderMemo(data.get("templates", ""), data.get("pages", {}), data.get("reads", {}))
    return memo if _well_formed(memo) else None  # a hand-edited memo costs a full render, never a crash


def _well_formed(memo: RenderMemo) -> bool:
    """Every field of the types save() writes."""
    def page(entry) -> bool:
        return (
            isinstance(entry, dict) and isinstance(entry.get("page"), str) and isinstance(entry.get("reads"), list)
            and all(isinstance(key, str) for key in entry["reads"])
            and all(type(entry.get(name)) is int for name in ("size", "mtime"))
        )

    return (
        isinstance(memo.templates, str) and isinstance(memo.pages, dict) and isinstance(memo.reads, dict)
        and all(page(entry) for entry in memo.pages.values())
        and all(value is None or isinstance(value, str) for value in memo.reads.values())
    )


def save(path: Path, memo: RenderMemo, out_dir: Path) -> None:
    """Write the memo with each page's size and modification time as the output now holds them."""
    pages = {}
    for name, entry in memo.pages.items():
        try:
            stat = (out_dir / name).stat()
        except OSError:
            continue
        pages[name] = {**entry, "size": stat.st_size, "mtime": stat.st_mtime_ns}
    # Without a memo the next build renders every page: slower, never wrong.
    save_json(path, {"version": VERSION, "templates": memo.templates, "pages": pages, "reads": memo.reads})


def tree_hash(folders: list[Path], extra: Callable[[], bytes] = lambda: b"") -> str:
    """A hash of every file under `folders` (names and bytes), plus `extra`."""
    digest = hashlib.sha256(extra())
    for folder in folders:
        for path in files_under(folder):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class Log:
    """The reads of the page now rendering (None between pages)."""

    reads: set | None = None


class Watched:
    """A site-wide object as templates see it: each attribute read or method call is noted (render_memo)."""

    __slots__ = ("_name", "_target", "_log")

    def __init__(self, name: str, target, log: Log):
        self._name, self._target, self._log = name, target, log

    def __getattr__(self, attribute: str):
        value = getattr(self._target, attribute)
        reads = self._log.reads
        if reads is not None:
            if inspect.ismethod(value):
                return RecordedCall(reads, self._name, attribute, value)
            if type(value) is dict:
                return RecordedMapping(reads, self._name, attribute, value)
            reads.add((self._name, attribute))
        return value


class RecordedMapping:
    """A site-wide object's mapping, read from a template: `mapping[key]` is a read of that item alone; any other
    use (its length, a loop over it, `in`) is a read of the whole mapping."""

    __slots__ = ("_reads", "_read", "_mapping")

    def __init__(self, reads: set, name: str, attribute: str, mapping: dict):
        self._reads, self._read, self._mapping = reads, (name, attribute), mapping

    def __getitem__(self, key):
        if not isinstance(key, _SIMPLE):
            self._reads.add(self._read)
            return self._mapping[key]
        read = (*self._read, None, key)
        try:
            value = self._mapping[key]
        except LookupError:  # missing now: the page depends on whether it appears
            self._reads.add(read)
            raise
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return RecordedItem(self._reads, read, value)
        self._reads.add(read)
        return value

    def _whole(self) -> dict:
        self._reads.add(self._read)
        return self._mapping

    def __getattr__(self, attribute: str):  # get, items, keys, values
        return getattr(self._whole(), attribute)

    def __len__(self) -> int:
        return len(self._whole())

    def __iter__(self):
        return iter(self._whole())

    def __contains__(self, key) -> bool:
        return key in self._whole()

    def __bool__(self) -> bool:
        return bool(self._whole())


def grouped(reads: set) -> set:
    """The reads of one page with the attributes it read of each item as one read: (..., key, "title,url") instead of
    one read per attribute (the memo of a 4,000-paper site would hold every paper eight times over)."""
    attributes: dict[tuple, set] = {}
    out = set()
    for read in reads:
        if len(read) == 5:
            attributes.setdefault(read[:4], set()).add(read[4])
        else:
            out.add(read)
    out.update((*item, ",".join(sorted(names - {""}) or [""])) for item, names in attributes.items() if item not in out)
    return out


class RecordedItem:
    """An item of a recorded mapping that is a dataclass (a paper's view), read from a template: reading one of its
    attributes is a read of that attribute alone; any other use (printing it, comparing it) is a read of the whole
    item."""

    __slots__ = ("_reads", "_read", "_item")

    def __init__(self, reads: set, read: tuple, item):
        self._reads, self._read, self._item = reads, read, item
        reads.add((*read, ""))  # that it is there at all (`is defined`, `is not none`): a page depends on that too

    def __getattr__(self, attribute: str):
        try:
            value = getattr(self._item, attribute)
        except AttributeError:
            self._whole()
            raise
        self._reads.add((*self._read, attribute))
        return value

    def _whole(self):
        self._reads.add(self._read)
        return self._item

    def __getitem__(self, key):
        return self._whole()[key]

    def __iter__(self):
        return iter(self._whole())

    def __str__(self) -> str:
        return str(self._whole())

    def __repr__(self) -> str:
        return repr(self._whole())

    def __eq__(self, other) -> bool:
        return self._whole() == (other._whole() if isinstance(other, RecordedItem) else other)

    def __hash__(self) -> int:
        return hash(self._whole())

    def __bool__(self) -> bool:
        return bool(self._whole())


class RecordedCall:
    """A site-wide object's method, called from a template: the call and its arguments are a read."""

    def __init__(self, reads: set, name: str, attribute: str, method):
        self.reads, self.name, self.attribute, self.method = reads, name, attribute, method

    def __call__(self, *args, **kwargs):
        repeatable = not kwargs and all(isinstance(a, _SIMPLE) for a in args)
        self.reads.add((self.name, self.attribute, tuple(args)) if repeatable else (self.name, "\0"))
        return self.method(*args, **kwargs)
