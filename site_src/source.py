"""Where the build's files come from: one UTF-8 rule for dumps, pages and site.yaml; the built-in theme and lunr.js."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DigestError

PACKAGE = Path(__file__).resolve().parent  # this package's own code: a build's output depends on it too
# An installed wheel carries the built-in theme and lunr.js here (hatch_build.py copies them in); run from a
# checkout or an editable install, they are the checkout's own templates/ and node_modules/.
_SHIPPED = PACKAGE / "builtin"
_CHECKOUT = PACKAGE.parent
_HOME = _SHIPPED if (_SHIPPED / "templates").is_dir() else _CHECKOUT
BUILTIN_TEMPLATES = _HOME / "templates"


def files_under(folder: Path) -> list[Path]:
    """Every file under folder, in a fixed order; Python caches and node_modules left out."""
    if not folder.is_dir():
        return []
    found = []
    for base, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", "node_modules"))
        found += [Path(base, n) for n in sorted(names) if not n.endswith(".pyc")]
    return found


def lunr_js_bases(project_dir: Path) -> list[Path]:
    """Where node_modules/lunr is looked for: the curator's project first, then the copy this package ships."""
    return [project_dir, _HOME]


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is allowed); anything else is an error naming the byte offset."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DigestError(f"not valid UTF-8 at byte offset {exc.start}", path, line) from None


def read_text(path: Path) -> str:
    try:
        return decode(path, path.read_bytes())
    except OSError as exc:
        raise DigestError(f"cannot read: {exc.strerror}", path) from None
