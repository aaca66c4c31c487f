"""Where the build's files come from: the built-in theme and the curator's files, read safely.

Only regular files are read, within a size limit, with one UTF-8 rule for them all. A FIFO would block a
read forever and a link to /dev/zero would read until memory runs out, so every input is opened without
blocking and checked to be a regular file before a byte is read. This module does not parse anything;
the readers (ingest, pages, config) do.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from site_src.errors import DigestError
from site_src.text.clean import clean

PACKAGE = Path(__file__).resolve().parent.parent  # this package's own code: a build's output depends on it too
# An installed wheel carries the built-in theme here (hatch_build.py copies it in); run from a checkout or an
# editable install, it is the checkout's own templates/.
_SHIPPED = PACKAGE / "builtin"
_CHECKOUT = PACKAGE.parent
_HOME = _SHIPPED if (_SHIPPED / "templates").is_dir() else _CHECKOUT
BUILTIN_TEMPLATES = _HOME / "templates"

# The largest file of each kind a build reads (docs/reliability.md). The largest real
# daily-papers response is about 0.3 MB; these leave room for years of growth and refuse bombs.
DUMP_LIMIT = 20_000_000
TEXT_LIMIT = 1_000_000  # a Markdown page, site.yaml, curation.yaml
LOCK_LIMIT = 200_000_000  # topics.lock.json, which the build writes itself (about 3 kB per paper)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def check_regular(path: Path) -> None:
    """An error naming path unless it is a regular file (or a link to one)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            raise DigestError("a symbolic link to a file that does not exist; remove it or fix its target", path) from None
        raise DigestError("file not found", path) from None
    except OSError as exc:
        raise DigestError(f"cannot read: {exc.strerror}", path) from None
    if not stat.S_ISREG(mode):
        raise DigestError(f"{_kind(mode)}, not a regular file; only regular files are read (remove it)", path)


def open_regular(path: Path) -> int:
    """A file descriptor for reading path, which must be a regular file: never blocks, even on a FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        check_regular(path)  # says why when it can: a dangling link, a missing file
        raise DigestError(f"cannot read: {exc.strerror}", path) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise DigestError(f"{_kind(mode)}, not a regular file; only regular files are read (remove it)", path)
    return fd


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is an error naming the file."""
    fd = open_regular(path)
    try:
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise DigestError(f"cannot read: {exc.strerror}", path) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise DigestError(f"larger than {limit:,} bytes, the most a build reads from such a file", path)
    return data


def files_under(folder: Path) -> list[Path]:
    """Every file under folder, in a fixed order; Python caches and node_modules left out.

    Anything but a regular file (a FIFO, a device, a socket, a dangling link) is an error naming it.
    """
    if not folder.is_dir():
        return []
    found = []
    for base, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "node_modules"))
        found += [Path(base, n) for n in sorted(names) if not n.endswith(".pyc")]
    for path in found:
        check_regular(path)
    return found


def check_links(folders: list[Path], site: Path) -> None:
    """An error naming the first link under folders that leads outside the site folder (or nowhere).

    A cloned repository can hold `content/pages/x.md -> /proc/self/environ`: read, it would be published.
    Links within the site folder are fine (a shared page, a dumps folder kept elsewhere in the repository).
    """
    allowed = [os.path.realpath(site)] + [os.path.realpath(folder) for folder in folders]
    for folder in folders:
        if not os.path.isdir(folder):
            continue
        for base, dirs, names in os.walk(folder):  # never into a linked folder: it is checked as a link instead
            dirs.sort()
            for name in sorted(dirs + names):
                path = os.path.join(base, name)
                if not os.path.islink(path):
                    continue
                target = os.path.realpath(path)
                if not any(target == root or target.startswith(root + os.sep) for root in allowed):
                    raise DigestError(
                        f"a symbolic link to {target}, outside the site folder; only files inside it are read "
                        "(put the file itself here)", Path(path))


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is allowed); anything else is an error naming the byte offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DigestError(f"not valid UTF-8 at byte offset {exc.start}", path, line) from None


def read_text(path: Path, limit: int = TEXT_LIMIT) -> str:
    """A regular UTF-8 file of at most `limit` bytes, decoded and cleaned of control characters (text.clean)."""
    return clean(decode(path, read_bytes(path, limit)))
