"""Reading the curator's files: one UTF-8 rule for dumps, pages and site.yaml."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DigestError

# The checkout this package runs from: its templates/ is the built-in theme, its node_modules/ a fallback.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
BUILTIN_TEMPLATES = PACKAGE_ROOT / "templates"
PACKAGE = Path(__file__).resolve().parent  # this package's own code: a build's output depends on it too


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
    """Where node_modules/lunr is looked for: the curator's project first, then this package's checkout."""
    return [project_dir, PACKAGE_ROOT]


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
