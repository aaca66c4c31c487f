"""The one way anything is written beside its final name: a new file of a fresh name, then a rename. Never through a link.

A cloned repository can carry a symbolic link at any name we write (`content/.topics.lock.json.new`,
`content/dumps/.2025-03-10.json.part`, `.digest-cache`), and a plain `open(name, "wb")` follows it and
overwrites whatever it points to. So the folder is opened with O_NOFOLLOW (a folder that is a link is an
error), the bytes go to a file created there with O_EXCL | O_NOFOLLOW under a random name (nothing that
was there before is ever opened), and that file is renamed onto the final name: a link standing there is
replaced, never followed. A reader sees the old file or the new one, never half of one. It writes no
site (files.write stages build/ as a whole tree) and does not decide what to write.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from site_src.errors import DigestError

_TRIES = 8  # fresh names tried before giving up (a clash of 64 random bits means something else is wrong)
_LINK = "a symbolic link where a folder was expected; nothing is written through a link (make it a real folder)"


def staging_name(name: str) -> str:
    """The hidden name a file is written under before it is renamed to `name`: `.NAME.RANDOM.tmp`."""
    return f".{name}.{secrets.token_hex(8)}.tmp"


def is_staging_name(name: str, final: str) -> bool:
    """Whether `name` is one staging_name(final) could have given (a watcher ignores those)."""
    return name.startswith(f".{final}.") and name.endswith(".tmp")


def real_folder(folder: Path) -> Path:
    """folder, made (with its parents) where missing; an error naming it when it is a link or not a folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        pass  # a file (or a link to one) is there: said below
    except OSError as exc:
        raise DigestError(f"cannot create the folder: {exc.strerror}", folder) from None
    try:
        mode = os.lstat(folder).st_mode
    except OSError as exc:
        raise DigestError(f"cannot create the folder: {exc.strerror}", folder) from None
    if stat.S_ISLNK(mode):
        raise DigestError(_LINK, folder)
    if not stat.S_ISDIR(mode):
        raise DigestError("exists and is not a folder", folder)
    return folder


def _open_folder(folder: Path, path: Path) -> int:
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR) and os.path.islink(folder):
            raise DigestError(_LINK, folder) from None
        raise DigestError(f"cannot write: {exc.strerror}", path) from None


def _create(dir_fd: int, name: str) -> tuple[int, str]:
    for _ in range(_TRIES):
        staging = staging_name(name)
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            return os.open(staging, flags, 0o644, dir_fd=dir_fd), staging
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "no fresh name for a new file")


def write_file(path: Path, data: bytes | Callable[[BinaryIO], None], durable: bool = True) -> None:
    """Put data at path, whole or not at all; any failure (a full disk, a read-only folder) is one DigestError naming path.
    `data` may be a function that writes the bytes to the file it is given (no copy of them all in memory first).
    With `durable`, the bytes reach the disk before the file takes its name; a cache file, whose damage is only a
    miss, is written without waiting for the disk (fsync of the 172 MB search cache: 0.1-0.5 s)."""
    folder = path.parent
    dir_fd = _open_folder(folder, path)
    try:
        fd, staging = _create(dir_fd, path.name)
        try:
            with os.fdopen(fd, "wb") as handle:
                if callable(data):
                    data(handle)
                else:
                    handle.write(data)
                handle.flush()
                if durable:
                    os.fsync(handle.fileno())
            os.rename(staging, path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            try:
                os.unlink(staging, dir_fd=dir_fd)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise DigestError(f"cannot write: {exc.strerror}", path) from None
    finally:
        os.close(dir_fd)
