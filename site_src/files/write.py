"""Output: the only stage that touches build/. Writes a whole new tree beside it, then swaps it in.

It deletes only what it made itself: the staging folders it creates get fresh names that it records in
.digest-cache/ before creating them, and a folder is deleted only when it is recorded (or, in the trash,
named by this stage), is a real folder (never through a link) and holds the build marker. The marker is
written first and deleted last, so a tree half written or half deleted is still known. The swap is one
rename-exchange where Linux has it, so build/ is there at every moment; it does not lock (build_lock does).
The staging folder is the site the build before last replaced, taken back from the trash (files/tree.py fills it),
or a new one where there is none.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import re
import secrets
import stat
import threading
import time
from pathlib import Path

from site_src.files import listing
from site_src.files.cache import cache_path, listing_hash, walk_order
from site_src.files.safe_write import real_folder, write_file
from site_src.files.tree import MARKER, contents, fill, remove_tree
from site_src.errors import DigestError

MARKER_TEXT = b"This folder was made by `digest build`; `digest clean` may delete it.\n"
_BUILT_FOR = "base_url: "  # the marker's record of the base URL the build used, for `digest check`


def is_build_folder(folder: Path) -> bool:
    """A real folder (not a link to one) holding the marker a build writes."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode) and stat.S_ISREG(os.lstat(folder / MARKER).st_mode)
    except OSError:
        return False


def marker_text(base_url: str | None) -> bytes:
    """The marker: what made the folder, and the base URL it was built for (`none` without one)."""
    return MARKER_TEXT + f"{_BUILT_FOR}{base_url or 'none'}\n".encode("utf-8")


def built_for(folder: Path) -> tuple[bool, str | None]:
    """(recorded, base URL) from a build folder's marker; (False, None) when it records none (an older build)."""
    try:
        lines = (folder / MARKER).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False, None
    for line in lines:
        if line.startswith(_BUILT_FOR):
            value = line[len(_BUILT_FOR) :].strip()
            return True, None if value == "none" else value
    return False, None


def check_replaceable(out_dir: Path) -> None:
    """The output folder must be absent, empty, or one a build made."""
    if out_dir.is_symlink() or out_dir.exists() and not out_dir.is_dir():
        raise DigestError("output path exists and is not a folder; refusing to replace it", out_dir)
    if out_dir.is_dir() and any(out_dir.iterdir()) and not is_build_folder(out_dir):
        raise DigestError(f"output folder has files but no {MARKER} marker, so a build did not make it; refusing to replace it", out_dir)


# --- the names this stage makes beside out_dir, and the record of them in .digest-cache/ ----------------------


def _record_path(out_dir: Path) -> Path:
    return cache_path(out_dir, f"{out_dir.name}.output.json")


def _own_name(out_dir: Path, name: object) -> bool:
    """A name this stage could have made beside out_dir: `.build.new-PID-HEX`, `.build.old-PID-HEX`."""
    return isinstance(name, str) and re.fullmatch(rf"\.{re.escape(out_dir.name)}\.(new|old)-\d+-[0-9a-f]{{16}}", name) is not None


def _recorded(out_dir: Path) -> list[str]:
    try:
        names = json.loads(_record_path(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [name for name in names if _own_name(out_dir, name)] if isinstance(names, list) else []


def _record(out_dir: Path, names: list[str]) -> None:
    """Write the record (atomically) before the folders it names exist: an unrecorded folder is never deleted."""
    path = _record_path(out_dir)
    real_folder(path.parent)
    write_file(path, json.dumps(sorted(set(names))).encode("utf-8"))


def _new_name(out_dir: Path, kind: str) -> Path:
    path = out_dir.with_name(f".{out_dir.name}.{kind}-{os.getpid()}-{secrets.token_hex(8)}")
    _record(out_dir, [*_recorded(out_dir), path.name])
    return path


def _forget(out_dir: Path, path: Path) -> None:
    _record(out_dir, [name for name in _recorded(out_dir) if name != path.name])


def _ours(path: Path) -> bool:
    """A real folder holding the marker, or an empty one (made, then cut short before the marker was written)."""
    try:
        return is_build_folder(path) or stat.S_ISDIR(os.lstat(path).st_mode) and not any(os.scandir(path))
    except OSError:
        return False


def _make_staging(out_dir: Path, marker: bytes) -> Path:
    """A new, recorded, empty folder beside out_dir with the marker in it; never one that was there before."""
    staging = _new_name(out_dir, "new")
    staging.mkdir()  # fails on anything already there, a link included
    (staging / MARKER).write_bytes(marker)
    return staging


def _recover(out_dir: Path) -> None:
    """Tidy what a killed build of out_dir left; bring back a previous site caught mid-swap. Touches only recorded names."""
    for name in _recorded(out_dir):
        path = out_dir.with_name(name)
        if _ours(path):
            if ".old-" in name and not os.path.lexists(out_dir) and is_build_folder(path):
                os.rename(path, out_dir)
            else:
                remove_tree(path)
        _forget(out_dir, path)


def _take_spare(trash: Path, out_dir: Path, marker: bytes) -> tuple[Path, tuple[set[str], set[str]]] | None:
    """The newest site in the trash, moved beside out_dir as this build's staging folder (recorded first), with its
    marker rewritten and what it holds: most of its files are links to build/'s, so a new day relinks, writes and
    deletes only what changed in two builds, where a new folder would need every file linked again (80,000 links and
    34,000 folders at 34,000 papers). None where there is none or it cannot be moved (it stays in the trash); one that
    holds anything but files and folders is deleted (tree.contents)."""
    held = _in_trash(trash, out_dir.name)
    if not held:
        return None
    staging = _new_name(out_dir, "new")
    try:
        os.rename(held[-1], staging)  # fails on anything already at staging
        there = contents(staging)
    except OSError:
        there = None
    if there is None:
        if _ours(staging):
            remove_tree(staging)
        _forget(out_dir, staging)
        return None
    write_file(staging / MARKER, marker, durable=False)  # a new file renamed over the old: never written into
    return staging, there


# --- the swap -------------------------------------------------------------------------------------------------

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


@functools.cache
def _renameat2():
    return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux's renameat2 with RENAME_EXCHANGE); False where the system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):  # an old kernel, a file system without it
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap_in(staging: Path, out_dir: Path) -> Path | None:
    """Put staging at out_dir; the path that now holds the previous site (None when there was none)."""
    if not os.path.lexists(out_dir):
        os.rename(staging, out_dir)
        return None
    if _exchange(staging, out_dir):  # build/ is never missing
        return staging
    retired = _new_name(out_dir, "old")  # two renames: for a moment there is no build/ (docs/reliability.md says so)
    os.rename(out_dir, retired)
    try:
        os.rename(staging, out_dir)
    except BaseException:
        os.rename(retired, out_dir)
        raise
    return retired


def write_site(
    files: dict[str, bytes], out_dir: Path, kept: frozenset[str] = frozenset(), trash: Path | None = None,
    base_url: str | None = None, listed: bool = False,
) -> str | None:
    """Write every file into a staging folder beside out_dir, then swap it in whole; the marker records base_url.

    `kept` names files of the previous build (in out_dir) to carry over unchanged. With `trash`, the
    previous site is moved there once swapped out, and the next build fills it again as its staging folder
    (_take_spare); empty_trash deletes any older one while the next build computes.
    With `listed`, what this build wrote is kept in .digest-cache/ (files/listing.py): the next build then tells an
    unchanged file without reading it, and this returns the output's listing for the build cache (cache.store),
    from what it wrote, without walking the tree. The caller holds the build lock (build_lock.held) for out_dir.
    """
    out_dir = out_dir.absolute()
    check_replaceable(out_dir)  # before anything is deleted
    _recover(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    spare = _take_spare(trash, out_dir, marker_text(base_url)) if trash is not None and out_dir.is_dir() else None
    try:
        staging, there = spare or (_make_staging(out_dir, marker_text(base_url)), (set(), set()))
    except OSError as exc:
        raise DigestError(f"cannot write beside the output folder: {exc.strerror}", out_dir) from None
    try:
        written = fill(files, kept, staging, out_dir, listing.load(out_dir) if listed else {}, there)
        retired = _swap_in(staging, out_dir)
    except BaseException as exc:
        remove_tree(staging)
        _forget(out_dir, staging)
        if isinstance(exc, OSError):  # a full disk, say: one line, and the previous site as it was
            raise DigestError(f"cannot write the site: {exc.strerror}", out_dir) from None
        raise
    output = _listed(out_dir, written) if listed else None
    if retired is None:
        _forget(out_dir, staging)
        return output
    if trash is not None:
        try:
            real_folder(trash)  # never a link: the old site would be moved, and later deleted, wherever it points
            os.rename(retired, trash / f"{out_dir.name}-{time.time_ns()}")
            _forget(out_dir, retired)
            _forget(out_dir, staging)
            return output
        except (OSError, DigestError):  # another file system, say: delete it now
            pass
    remove_tree(retired)
    _forget(out_dir, retired)
    _forget(out_dir, staging)
    return output


def _listed(out_dir: Path, written: dict[str, list]) -> str:
    """Keep what this build wrote for the next one (files/listing.py); the output tree's listing (cache.output_listing)."""
    listing.save(out_dir, {name: row for name, row in written.items() if row[2] is not None})
    marker = os.stat(out_dir / MARKER)
    rows = [(name, size, mtime) for name, (size, mtime, _) in written.items()] + [(MARKER, marker.st_size, marker.st_mtime_ns)]
    return listing_hash(sorted(rows, key=lambda row: walk_order(row[0])))


def _in_trash(trash: Path, out_name: str) -> list[Path]:
    """The sites write_site put in trash for out_name, oldest first: named `NAME-NANOSECONDS`, real folders with the
    marker."""
    try:
        if os.path.islink(trash):  # never listed through a link, so never emptied through one
            return []
        entries = os.listdir(trash)
    except OSError:
        return []
    pattern = re.compile(rf"{re.escape(out_name)}-(\d+)")
    found = sorted((int(match[1]), name) for name in entries if (match := pattern.fullmatch(name)))
    return [trash / name for _, name in found if is_build_folder(trash / name)]


def empty_trash(trash: Path, out_dir: Path) -> threading.Thread:
    """Delete the sites earlier builds of out_dir left in `trash` but the newest (write_site fills that one again), on
    a background thread; join it before forking."""
    old = _in_trash(trash, out_dir.absolute().name)[:-1]

    def empty() -> None:
        try:
            for path in old:
                remove_tree(path)
        except (OSError, RuntimeError):  # RuntimeError: the interpreter is exiting; the next build finishes the job
            pass

    thread = threading.Thread(target=empty, name="empty-trash", daemon=True)
    thread.start()
    return thread


def clean(out_dir: Path) -> bool:
    """Delete an output folder a build made; refuse any other. False when there was nothing.

    The caller holds the build lock for out_dir.
    """
    if not os.path.lexists(out_dir):
        return False
    if not is_build_folder(out_dir):
        raise DigestError(f"not deleting: no {MARKER} marker, so a build did not make this folder", out_dir)
    remove_tree(out_dir)
    return True
