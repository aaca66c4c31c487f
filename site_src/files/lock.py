"""One build at a time per output folder: an exclusive lock on a file in .digest-cache/ beside it.

The lock is a POSIX record lock (`lockf`) on an open file, so the system releases it when its holder
exits in any way (even SIGKILL): a lock is never stale, and there is nothing to clean up. Unlike
`flock`, it is not inherited by forked processes, so render workers that outlive a killed build for a
moment do not keep its lock. The file holds the holder's pid for the message another build prints.
Builds of other output folders do not wait. This module does not write the site (output does).
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from site_src.files.cache import cache_path
from site_src.files.safe_write import real_folder
from site_src.errors import DigestError

try:
    import fcntl
except ImportError:  # not on a POSIX system: only the thread lock, within one process
    fcntl = None


def lock_path(out_dir: Path) -> Path:
    return cache_path(out_dir, f"{out_dir.absolute().name}.lock")


SERVE = "serve"  # the role `digest serve` takes: its rebuilds are short, so `digest build` may wait for them


def _holder(fd: int) -> str:
    """`123`, or `123, digest serve rebuilding its preview`, from the lock file (`PID [ROLE]`)."""
    pid, _, role = os.pread(fd, 32, 0).decode("ascii", "replace").strip().partition(" ")
    if not pid.isdigit():
        return "unknown"
    return f"{pid}, `digest serve` rebuilding its preview" if role == SERVE else pid


# A POSIX lock does not keep out other threads of its own process (and closing any descriptor of the
# file drops it), so within one process each output folder also has a thread lock, taken first.
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.Lock:
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(str(path), threading.Lock())


def _take(try_once: Callable[[], bool], block: Callable[[], object], holder: Callable[[], str], out_dir: Path,
          wait: bool, on_wait: Callable[[str], None]) -> None:
    """Take a lock at once, or say who holds it: an error, or with `wait` a message, then wait for it."""
    if try_once():
        return
    who = holder()
    message = f"another build of {out_dir} is running (pid {who})"
    if wait == SERVE:  # wait for a preview's rebuild only
        wait = "digest serve" in who
    if not wait:
        raise DigestError(f"{message}; wait for it to finish, or stop it")
    on_wait(f"{message}; waiting for it to finish")
    block()


def _try_lockf(fd: int, path: Path) -> bool:
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EAGAIN):
            raise DigestError(f"cannot lock: {exc.strerror}", path) from None
        return False


@contextmanager
def held(out_dir: Path, wait: bool | str = False, on_wait: Callable[[str], None] = lambda message: None,
         role: str = "") -> Iterator[None]:
    """Hold the lock of out_dir while the block runs; another holder is an error, or with `wait` waited for.

    `wait=SERVE` waits only when the holder took the lock with `role=SERVE` (digest serve's rebuild).
    """
    path = lock_path(out_dir)
    local = _thread_lock(path)
    _take(lambda: local.acquire(blocking=False), local.acquire, lambda: f"{os.getpid()}, this process", out_dir, wait, on_wait)
    try:
        if fcntl is None:
            yield
            return
        try:
            real_folder(path.parent)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise DigestError(f"cannot open the build lock: {exc.strerror}", path) from None
        try:
            _take(lambda: _try_lockf(fd, path), lambda: fcntl.lockf(fd, fcntl.LOCK_EX), lambda: _holder(fd), out_dir, wait, on_wait)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {role}".strip().encode() + b"\n", 0)
            yield
        finally:
            os.close(fd)  # releases the lock; the file stays (deleting it would let two builds lock two files)
    finally:
        local.release()
