"""Output: the only stage that touches build/. Writes a whole new tree beside it, then swaps it in."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from .errors import DigestError

MARKER = ".digest-build"
IO_THREADS = 16
MARKER_TEXT = b"This folder was made by `digest build`; `digest clean` may delete it.\n"


def safe_relative(name: str) -> PurePosixPath:
    """A path inside the output folder, or an error: no absolute paths, no `..`, no empty parts."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise DigestError(f"refusing to write outside the output folder: {name!r}")
    return path


def is_build_folder(folder: Path) -> bool:
    return (folder / MARKER).is_file()


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


def _by_depth(folders: set[Path]) -> list[list[Path]]:
    """Folders grouped by depth, shallowest first, each group sorted."""
    levels: dict[int, list[Path]] = {}
    for folder in folders:
        levels.setdefault(len(folder.parts), []).append(folder)
    return [sorted(levels[depth]) for depth in sorted(levels)]


def _in_parallel(work, items) -> None:
    """Run file-system calls on many threads: on many disks a single thread waits on each call in turn."""
    items = list(items)
    if len(items) < 64:
        for item in items:
            work(item)
        return
    with ThreadPoolExecutor(IO_THREADS) as pool:
        for _ in pool.map(work, items):
            pass


def _write_tree(files: dict[str, bytes], kept: frozenset[str], staging: Path, previous: Path) -> None:
    targets = {name: staging.joinpath(*safe_relative(name).parts) for name in sorted({*files, *kept})}
    folders = {parent for t in targets.values() for parent in t.relative_to(staging).parents}
    folders = {staging / folder for folder in folders if folder.parts}
    for level in _by_depth(folders):  # parents before children; one level at a time on many threads
        _in_parallel(lambda folder: folder.mkdir(exist_ok=True), level)

    def put(name: str) -> None:
        target = targets[name]
        old = previous.joinpath(*safe_relative(name).parts)
        if name in kept and name not in files:
            _link_or_copy(old, target)
            return
        data = files[name]
        try:
            unchanged = old.stat().st_size == len(data) and old.read_bytes() == data
        except OSError:
            unchanged = False
        if unchanged:  # same bytes: the same file, so its modification time stays and sync tools see no change
            _link_or_copy(old, target)
        else:
            target.write_bytes(data)

    _in_parallel(put, targets)


def remove_tree(folder: Path) -> None:
    """shutil.rmtree, on many threads (deleting tens of thousands of page folders one by one is slow on many disks)."""
    files, folders = [], set()
    for base, dirs, names in os.walk(folder):
        folders.add(Path(base))
        files += [Path(base, n) for n in names]
        files += [Path(base, d) for d in dirs if Path(base, d).is_symlink()]
    _in_parallel(lambda path: path.unlink(missing_ok=True), files)
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


def write_site(files: dict[str, bytes], out_dir: Path, kept: frozenset[str] = frozenset()) -> None:
    """Write every file into a staging folder beside out_dir, then swap it in whole.

    `kept` names files of the previous build (in out_dir) to carry over unchanged.
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
        _write_tree({**files, MARKER: MARKER_TEXT}, kept, staging, out_dir)
        if out_dir.exists():
            os.replace(out_dir, retired)
        os.replace(staging, out_dir)
    except BaseException:
        remove_tree(staging)
        if retired.exists() and not out_dir.exists():
            os.replace(retired, out_dir)
        raise
    remove_tree(retired)


def clean(out_dir: Path) -> bool:
    """Delete an output folder a build made; refuse any other. False when there was nothing."""
    if not out_dir.exists():
        return False
    if out_dir.is_symlink() or not is_build_folder(out_dir):
        raise DigestError(f"not deleting: no {MARKER} marker, so a build did not make this folder", out_dir)
    remove_tree(out_dir)
    return True
