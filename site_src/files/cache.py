"""The build cache: a build whose inputs and output are exactly as the last build left them does nothing.

The key is a content hash of everything a build reads (content/, the templates, this
package's own code, and the build's options); the last build's report and a listing of the output
(path, size, modification time) are kept in `.digest-cache/` beside the output folder. A hit
returns that report without importing scikit-learn or Jinja, and without touching the output.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
from contextlib import contextmanager
from pathlib import Path

from site_src.errors import BuildWarning, DigestError
from site_src.files.safe_write import real_folder, write_file
from site_src.files.source import BUILTIN_TEMPLATES, PACKAGE, files_under, open_regular

CACHE_DIR = ".digest-cache"
VERSION = 1


def input_hashes(content_dir: Path) -> dict[str, bytes]:
    """The sha256 of every file the build reads, by path: taken before the build reads anything."""
    project = content_dir.absolute().parent
    roots = [content_dir, project / "templates", BUILTIN_TEMPLATES, PACKAGE]
    paths = [p for root in dict.fromkeys(r.absolute() for r in roots) for p in files_under(root)]
    return {str(path): file_hash(path) for path in paths}


def file_hash(path: Path) -> bytes:
    """The sha256 of a regular file, read in chunks (a large file costs no memory; a FIFO is an error, not a hang)."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.digest()


def input_key(hashes: dict[str, bytes], options: dict) -> str:
    """One key for the inputs (as hashed by input_hashes) and the build's options."""
    digest = hashlib.sha256(json.dumps([VERSION, options], sort_keys=True, default=str).encode())
    for path in sorted(hashes):
        digest.update(os.fsencode(path) + b"\0" + hashes[path])  # fsencode: a file name need not be UTF-8
    return digest.hexdigest()


def with_file(hashes: dict[str, bytes], path: Path, data: bytes | None) -> dict[str, bytes]:
    """The hashes as they are once the build itself has written `data` to `path` (None: it wrote nothing)."""
    if data is None:
        return hashes
    return {**hashes, str(path.absolute()): hashlib.sha256(data).digest()}


def output_listing(out_dir: Path) -> str:
    """A hash of the output tree's names, sizes and modification times: any edit or deletion there changes it."""
    return listing_hash(_walked(str(out_dir)))


def _walked(root: str):
    for base, dirs, names in os.walk(root):
        dirs.sort()
        relative = os.path.relpath(base, root).replace(os.sep, "/")
        for name in sorted(names):
            stat = os.stat(os.path.join(base, name))
            yield (name if relative == "." else f"{relative}/{name}"), stat.st_size, stat.st_mtime_ns


def listing_hash(files) -> str:
    """output_listing's hash of (relative path, size, modification time) rows, in os.walk's order (walk_order)."""
    digest = hashlib.sha256()
    for path, size, mtime in files:
        digest.update(os.fsencode(f"{path}\0{size}\0{mtime}\n"))
    return digest.hexdigest()


def walk_order(path: str) -> tuple:
    """A sort key putting relative file paths in the order output_listing's walk meets them: in each folder its
    files by name, then its folders by name, each whole."""
    *folders, name = path.split("/")
    return (*((1, folder) for folder in folders), (0, name))


def cache_path(out_dir: Path, name: str) -> Path:
    """A file or folder of the cache kept beside out_dir; a `.digest-cache` that is a link is an error, never followed."""
    folder = out_dir.absolute().parent / CACHE_DIR
    try:
        is_link = stat.S_ISLNK(os.lstat(folder).st_mode)
    except OSError:
        is_link = False
    if is_link:
        raise DigestError("a symbolic link; the build keeps its cache, lock and trash only in a real folder (remove the link)", folder)
    return folder / name


def _cache_file(out_dir: Path) -> Path:
    return cache_path(out_dir, f"{out_dir.absolute().name}.json")


def open_cache_file(path: Path) -> int | None:
    """A descriptor for reading a cache file, or None where it is absent or not a regular file: a planted link is
    never followed and a FIFO never blocks. A cache file that cannot be used only costs its shortcut."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


@contextmanager
def cache_file_within(path: Path, limit: int):
    """(a binary handle, its size) of a cache file (open_cache_file) of at most `limit` bytes, or None where it is
    unusable or larger; OSError where reading it fails."""
    fd = open_cache_file(path)
    if fd is None:
        yield None
        return
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            yield None
            return
        with os.fdopen(fd, "rb", closefd=False) as handle:
            yield handle, size
    finally:
        os.close(fd)


def read_cache_file(path: Path, limit: int) -> bytes | None:
    """A cache file's bytes, or None where it is unusable or past `limit` bytes: read at its own size, so a small
    file never reserves `limit` bytes of memory (a build under a memory bound stays in it)."""
    try:
        with cache_file_within(path, limit) as opened:
            if opened is None:
                return None
            handle, size = opened
            data = handle.read(size + 1)  # one byte more: a file that grew since is as good as too large
            return data if len(data) <= size else None
    except OSError:
        return None


def save_json(path: Path, value) -> None:
    """Write a cache file atomically (files.safe_write); a failure only costs the next build its shortcut, so it is ignored."""
    try:
        real_folder(path.parent)
        write_file(path, json.dumps(value, default=str).encode("utf-8"))
    except (DigestError, ValueError):
        pass


def lookup(out_dir: Path, key: str, report_type):
    """The last build's report when its key matches and the output is untouched; else None.

    The caller checks that out_dir is a build's folder (output.is_build_folder) first.
    """
    try:
        saved = json.loads(_cache_file(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("key") != key or not out_dir.is_dir():
        return None
    if saved.get("output") != output_listing(out_dir.absolute()):
        return None
    return _report(saved.get("report"), report_type)


def _wrong_type(value, default) -> bool:
    return default is not None and type(value) is not type(default)


def _report(fields, report_type):
    """The report a cache file holds, or None when anything in it has the wrong shape (a hand-edited file)."""
    defaults = report_type()
    names = {f.name for f in dataclasses.fields(report_type)} - {"stages", "warnings"}
    if not isinstance(fields, dict) or set(fields) - {"warnings"} != names:
        return None
    if any(_wrong_type(fields[name], getattr(defaults, name)) for name in names):
        return None
    warnings = fields.get("warnings", [])
    shape = (str, (str, type(None)), (int, type(None)))
    if not isinstance(warnings, list) or not all(
        isinstance(w, list) and len(w) == 3 and all(isinstance(v, t) for v, t in zip(w, shape)) for w in warnings
    ):
        return None
    fields = {**fields, "warnings": [BuildWarning(*w) for w in warnings], "stages": {}, "lock_written": False}
    fields["rendered"] = 0  # a hit renders nothing
    return report_type(**fields)


def store(out_dir: Path, key: str, report, output: str | None = None) -> None:
    """Remember this build; a failure to write the cache only costs the next build its shortcut. `output`: the
    output tree's listing (output_listing) where the caller knows it without walking the tree."""
    fields = dataclasses.asdict(report)
    fields["warnings"] = [(w.message, str(w.path) if w.path is not None else None, w.line) for w in report.warnings]
    fields.pop("stages", None)
    save_json(_cache_file(out_dir), {"key": key, "output": output or output_listing(out_dir.absolute()), "report": fields})
