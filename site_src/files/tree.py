"""The trees the output stage fills and deletes: many small file-system calls on many threads, never through a link.

Names are relative paths (strings) inside a tree; `fill` brings a staging tree to the site's files, linking each
unchanged file to the previous build's (files/write.py decides where the tree comes from and swaps it in).
"""

from __future__ import annotations

import os
import shutil
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from site_src.errors import DigestError
from site_src.files import listing

MARKER = ".digest-build"  # in every tree a build made: written first, deleted last
IO_THREADS = 16


def check_relative(name: str) -> None:
    """A path inside the output folder, or an error: no absolute paths, no `..`, no empty parts. (Split as a
    string: a PurePosixPath for each of 80,000 names cost 0.3 s.)"""
    if not name or any(part in ("", ".", "..") for part in name.split("/")):  # "/x" starts with an empty part
        raise DigestError(f"refusing to write outside the output folder: {name!r}")


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


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _remove_folder(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)  # never follows a link


def _same_file(target: str, old: os.stat_result) -> os.stat_result | None:
    """target's stat where it is the very file `old` describes (one inode, linked twice), else None."""
    try:
        here = os.lstat(target)
    except OSError:
        return None
    return here if stat.S_ISREG(here.st_mode) and (here.st_ino, here.st_dev) == (old.st_ino, old.st_dev) else None


def fill(
    files: dict[str, bytes], kept: frozenset[str], staging: Path, previous: Path, last: dict[str, list],
    there: tuple[set[str], set[str]] = (set(), set()),
) -> dict[str, list]:
    """Every file into staging: one of the previous build with the same bytes as a link to it, the rest written.
    `there` is what staging already holds (its files and folders, relative; contents()): a file already linked to
    the previous build's, where that is the file wanted, stays; the rest of what is there goes.
    Returns every file's [size, modification time, digest] (digest None for a kept page), for the next build
    (files/listing.py) and the build cache's listing of the output."""
    names = sorted({*files, *kept} - {MARKER})  # the marker is already there: written first
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
    for level in reversed(_by_depth(folders)):
        _in_parallel(_remove_folder, level)


def contents(tree: Path) -> tuple[set[str], set[str]] | None:
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
