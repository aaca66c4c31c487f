"""Output: the only stage that touches build/. Writes a whole new tree beside it, then swaps it in.

It deletes only what it made itself: the staging folders it creates get fresh names that it records in
.digest-cache/ before creating them, and a folder is deleted only when it is recorded (or, in the trash,
named by this stage), is a real folder (never through a link) and holds the build marker. The marker is
written first and deleted last, so a tree half written or half deleted is still known. The swap is one
rename-exchange where Linux has it, so build/ is there at every moment; it does not lock (build_lock does).
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import re
import secrets
import shutil
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from site_src.files import listing
from site_src.files.cache import cache_path, listing_hash, walk_order
from site_src.files.safe_write import real_folder, write_file
from site_src.errors import DigestError

MARKER = ".digest-build"
IO_THREADS = 16
MARKER_TEXT = b"This folder was made by `digest build`; `digest clean` may delete it.\n"
_BUILT_FOR = "base_url: "  # the marker's record of the base URL the build used, for `digest check`


def check_relative(name: str) -> None:
    """A path inside the output folder, or an error: no absolute paths, no `..`, no empty parts. (Split as a
    string: a PurePosixPath for each of 80,000 names cost 0.3 s.)"""
    if not name or any(part in ("", ".", "..") for part in name.split("/")):  # "/x" starts with an empty part
        raise DigestError(f"refusing to write outside the output folder: {name!r}")


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


def _link_or_copy(old: Path, target: Path) -> None:
    """The previous build's file, as is: a hard link (no bytes written), or a copy where links fail."""
    try:
        os.link(old, target)
    except OSError:
        shutil.copy2(old, target)


def _by_depth(folders: set[str]) -> list[list[str]]:
    """Folder paths (strings) grouped by depth, shallowest first, each group sorted."""
    levels: dict[int, list[str]] = {}
    for folder in folders:
        levels.setdefault(folder.count(os.sep), []).append(folder)
    return [sorted(levels[depth]) for depth in sorted(levels)]


def _in_parallel(work, items) -> None:
    """Run file-system calls on many threads: on many disks a single thread waits on each call in turn.

    Each thread takes every IO_THREADS-th item, so tens of thousands of small calls cost a handful of tasks.
    """
    items = list(items)
    if len(items) < 64:
        for item in items:
            work(item)
        return

    def share(part: list) -> None:
        for item in part:
            work(item)

    with ThreadPoolExecutor(IO_THREADS) as pool:
        for _ in pool.map(share, [items[i::IO_THREADS] for i in range(IO_THREADS)]):
            pass


def _folders(names: list[str]) -> set[str]:
    """Every folder the relative paths `names` need, as relative paths."""
    folders: set[str] = set()
    for name in names:
        head = name.rpartition("/")[0]
        while head and head not in folders:
            folders.add(head)
            head = head.rpartition("/")[0]
    return folders


def _same_file(target: str, old: os.stat_result) -> os.stat_result | None:
    """target's stat where it is the very file `old` describes (one inode, linked twice), else None."""
    try:
        here = os.lstat(target)
    except OSError:
        return None
    return here if stat.S_ISREG(here.st_mode) and (here.st_ino, here.st_dev) == (old.st_ino, old.st_dev) else None


def _remove_folder(folder: str) -> None:
    try:
        os.rmdir(folder)
    except FileNotFoundError:
        pass
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)  # never follows a link


def _write_tree(
    files: dict[str, bytes], kept: frozenset[str], staging: Path, previous: Path, last: dict[str, list],
    there: tuple[set[str], set[str]] = (set(), set()),
) -> dict[str, list]:
    """Every file into staging: one of the previous build with the same bytes as a link to it, the rest written.
    `there` is what staging already holds (its files and folders, relative; _spare_contents): a file already linked to
    the previous build's, where that is the file wanted, stays; the rest of what is there goes.
    Returns every file's [size, modification time, digest] (digest None for a kept page), for the next build
    (files/listing.py) and the build cache's listing of the output."""
    names = sorted({*files, *kept} - {MARKER})  # the marker is already there: _make_staging wrote it first
    for name in names:
        check_relative(name)
    new_root, old_root = str(staging), str(previous)
    old_files, old_folders = there
    folders = _folders(names)
    _in_parallel(_unlink, [os.path.join(new_root, name) for name in sorted(old_files.difference(names))])
    for level in reversed(_by_depth({os.path.join(new_root, f) for f in old_folders - folders})):  # deepest first
        _in_parallel(_remove_folder, level)
    for level in _by_depth({os.path.join(new_root, f) for f in folders - old_folders}):  # parents first, a level at a time
        _in_parallel(lambda folder: os.makedirs(folder, exist_ok=True), level)
    written: dict[str, list] = {}

    def link(name: str, target: str, old: str, old_stat: os.stat_result) -> os.stat_result:
        """The previous build's file at target: left where staging has it already, else linked (or copied)."""
        if name in old_files:
            here = _same_file(target, old_stat)
            if here is not None:
                return here
            _unlink(target)
        _link_or_copy(old, target)
        return os.stat(target)

    def put(name: str) -> None:
        target, old = os.path.join(new_root, name), os.path.join(old_root, name)
        if name in kept and name not in files:
            done = link(name, target, old, os.stat(old))
            written[name] = [done.st_size, done.st_mtime_ns, None]  # a page the render memo kept: not listed
            return
        data = files[name]
        digest = listing.digest(data)
        try:
            old_stat = os.stat(old)
        except OSError:
            old_stat = None
        if old_stat is not None and listing.unchanged(old, data, digest, last.get(name), old_stat):
            done = link(name, target, old, old_stat)  # the same file: its modification time stays, sync tools see no change
        else:
            if name in old_files:
                _unlink(target)  # never written into: the file there may be the previous build's, linked
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            done = os.stat(target)
        written[name] = [done.st_size, done.st_mtime_ns, digest]

    _in_parallel(put, names)
    return written


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def remove_tree(folder: Path) -> None:
    """Delete a tree on many threads, never following a link: a link, at the top or inside, is removed, not its target.

    The marker at the top goes last, so a deletion cut short leaves a tree still known as a build's.
    """
    top = str(folder)
    try:
        mode = os.lstat(top).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):  # a link (even to a folder) or a file: only the name itself goes
        _unlink(top)
        return
    files, folders = [], set()
    for base, dirs, names in os.walk(top):  # followlinks=False: a linked folder is listed in dirs, never entered
        folders.add(base)
        files += [os.path.join(base, n) for n in names]
        files += [os.path.join(base, d) for d in dirs if os.path.islink(os.path.join(base, d))]
    marker = os.path.join(top, MARKER)
    _in_parallel(_unlink, [f for f in files if f != marker])
    for level in reversed(_by_depth(folders)):  # shutil.rmtree never follows links either
        _in_parallel(lambda path: shutil.rmtree(path, ignore_errors=True), level)


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


def _spare_contents(tree: Path) -> tuple[set[str], set[str]] | None:
    """A retired site's files and folders (relative; the marker left out), or None where it holds anything else
    (a link, a FIFO): such a tree is never filled again, so nothing is ever written through what it holds."""
    files: list[str] = []
    folders: list[str] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        prefix = f"{folder}/" if folder else ""
        with os.scandir(os.path.join(tree, folder)) as entries:
            for entry in entries:  # the kind from the listing itself (d_type): no stat per file
                if entry.is_dir(follow_symlinks=False):
                    folders.append(prefix + entry.name)
                    pending.append(prefix + entry.name)
                elif entry.is_file(follow_symlinks=False):  # False for a link, to a file or not
                    files.append(prefix + entry.name)
                else:
                    return None
    return set(files) - {MARKER}, set(folders)


def _take_spare(trash: Path, out_dir: Path, marker: bytes) -> tuple[Path, tuple[set[str], set[str]]] | None:
    """The newest site in the trash, moved beside out_dir as this build's staging folder (recorded first), with its
    marker rewritten and what it holds: most of its files are links to build/'s, so a new day relinks, writes and
    deletes only what changed in two builds, where a new folder would need every file linked again (80,000 links and
    34,000 folders at 34,000 papers). None where there is none, or it cannot be moved or holds anything but files
    and folders (then it stays in the trash for empty_trash)."""
    held = _in_trash(trash, out_dir.name)
    if not held:
        return None
    staging = _new_name(out_dir, "new")
    try:
        os.rename(held[-1], staging)  # fails on anything already at staging
        contents = _spare_contents(staging)
    except OSError:
        contents = None
    if contents is None:
        if _ours(staging):
            remove_tree(staging)
        _forget(out_dir, staging)
        return None
    write_file(staging / MARKER, marker, durable=False)  # a new file renamed over the old: never written into
    return staging, contents


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
        written = _write_tree(files, kept, staging, out_dir, listing.load(out_dir) if listed else {}, there)
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
