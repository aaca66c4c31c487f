"""Output: the only stage that touches build/. Writes a whole new tree beside it, then swaps it in."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

from .errors import DigestError

MARKER = ".digest-build"
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


def _write_tree(files: dict[str, bytes], staging: Path, previous: Path) -> None:
    for name in sorted(files):
        relative = safe_relative(name)
        target = staging.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = files[name]
        target.write_bytes(data)
        old = previous.joinpath(*relative.parts)
        try:
            old_stat = old.stat()
            unchanged = old_stat.st_size == len(data) and old.read_bytes() == data
        except OSError:
            unchanged = False
        if unchanged:  # same bytes keep their modification time, so sync tools and caches see no change
            os.utime(target, ns=(old_stat.st_atime_ns, old_stat.st_mtime_ns))


def _recover(out_dir: Path) -> None:
    """Tidy what a killed build left beside out_dir; bring back a previous site caught mid-swap."""
    leftovers = sorted(out_dir.parent.glob(f".{out_dir.name}.*-*")) if out_dir.parent.is_dir() else []
    for path in leftovers:
        if ".old-" in path.name and not out_dir.exists() and is_build_folder(path):
            os.replace(path, out_dir)
        else:
            shutil.rmtree(path, ignore_errors=True)


def write_site(files: dict[str, bytes], out_dir: Path) -> None:
    """Write every file into a staging folder beside out_dir, then swap it in whole."""
    out_dir = out_dir.absolute()
    _recover(out_dir)
    check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.new-{os.getpid()}")
    retired = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        _write_tree({**files, MARKER: MARKER_TEXT}, staging, out_dir)
        if out_dir.exists():
            os.replace(out_dir, retired)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not out_dir.exists():
            os.replace(retired, out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def clean(out_dir: Path) -> bool:
    """Delete an output folder a build made; refuse any other. False when there was nothing."""
    if not out_dir.exists():
        return False
    if out_dir.is_symlink() or not is_build_folder(out_dir):
        raise DigestError(f"not deleting: no {MARKER} marker, so a build did not make this folder", out_dir)
    shutil.rmtree(out_dir)
    return True
