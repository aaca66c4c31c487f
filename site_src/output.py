"""Output: the only stage that touches build/. Writes a whole new tree beside it, then swaps it in."""

from __future__ import annotations

import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from .errors import DigestError

MARKER = ".digest-build"
IO_THREADS = 16
MARKER_TEXT = b"This folder was made by `digest build`; `digest clean` may delete it.\n"
_BUILT_FOR = "base_url: "  # the marker's record of the base URL the build used, for `digest check`


def safe_relative(name: str) -> PurePosixPath:
    """A path inside the output folder, or an error: no absolute paths, no `..`, no empty parts."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise DigestError(f"refusing to write outside the output folder: {name!r}")
    return path


def is_build_folder(folder: Path) -> bool:
    return (folder / MARKER).is_file()


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


def _write_tree(files: dict[str, bytes], kept: frozenset[str], staging: Path, previous: Path) -> None:
    names = sorted({*files, *kept})
    for name in names:
        safe_relative(name)
    new_root, old_root = str(staging), str(previous)
    for level in _by_depth({os.path.join(new_root, f) for f in _folders(names)}):  # parents first, a level at a time
        _in_parallel(lambda folder: os.makedirs(folder, exist_ok=True), level)

    def put(name: str) -> None:
        target, old = os.path.join(new_root, name), os.path.join(old_root, name)
        if name in kept and name not in files:
            _link_or_copy(old, target)
            return
        data = files[name]
        try:
            unchanged = os.stat(old).st_size == len(data) and Path(old).read_bytes() == data
        except OSError:
            unchanged = False
        if unchanged:  # same bytes: the same file, so its modification time stays and sync tools see no change
            _link_or_copy(old, target)
        else:
            with open(target, "wb") as handle:
                handle.write(data)

    _in_parallel(put, names)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def remove_tree(folder: Path) -> None:
    """shutil.rmtree, on many threads (deleting tens of thousands of page folders one by one is slow on many disks)."""
    files, folders = [], set()
    for base, dirs, names in os.walk(folder):
        folders.add(base)
        files += [os.path.join(base, n) for n in names]
        files += [os.path.join(base, d) for d in dirs if os.path.islink(os.path.join(base, d))]
    _in_parallel(_unlink, files)
    for level in reversed(_by_depth(folders)):
        _in_parallel(lambda path: shutil.rmtree(path, ignore_errors=True), level)


def _recover(out_dir: Path) -> None:
    """Tidy what a killed build left beside out_dir; bring back a previous site caught mid-swap."""
    leftovers = sorted(out_dir.parent.glob(f".{out_dir.name}.*-*")) if out_dir.parent.is_dir() else []
    for path in leftovers:
        if ".old-" in path.name and not out_dir.exists() and is_build_folder(path):
            os.replace(path, out_dir)
        else:
            remove_tree(path)


def write_site(
    files: dict[str, bytes], out_dir: Path, kept: frozenset[str] = frozenset(), trash: Path | None = None,
    base_url: str | None = None,
) -> None:
    """Write every file into a staging folder beside out_dir, then swap it in whole; the marker records base_url.

    `kept` names files of the previous build (in out_dir) to carry over unchanged. With `trash`, the
    previous site is moved there once swapped out, for empty_trash to delete while the next build computes.
    """
    out_dir = out_dir.absolute()
    _recover(out_dir)
    check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    remove_tree(staging)
    try:
        staging.mkdir()
        _write_tree({**files, MARKER: marker_text(base_url)}, kept, staging, out_dir)
        if out_dir.exists():
            os.replace(out_dir, retired)
        os.replace(staging, out_dir)
    except BaseException:
        remove_tree(staging)
        if retired.exists() and not out_dir.exists():
            os.replace(retired, out_dir)
        raise
    if trash is not None and retired.exists():
        try:
            trash.mkdir(parents=True, exist_ok=True)
            os.replace(retired, trash / f"{out_dir.name}-{time.time_ns()}")
            return
        except OSError:  # another file system, say: delete it now
            pass
    remove_tree(retired)


def empty_trash(trash: Path) -> threading.Thread:
    """Delete what earlier builds left in `trash`, on a background thread; join it before forking."""
    old = sorted(trash.iterdir()) if trash.is_dir() else []
    thread = threading.Thread(target=lambda: [remove_tree(path) for path in old], name="empty-trash", daemon=True)
    thread.start()
    return thread


def clean(out_dir: Path) -> bool:
    """Delete an output folder a build made; refuse any other. False when there was nothing."""
    if not out_dir.exists():
        return False
    if out_dir.is_symlink() or not is_build_folder(out_dir):
        raise DigestError(f"not deleting: no {MARKER} marker, so a build did not make this folder", out_dir)
    remove_tree(out_dir)
    return True
