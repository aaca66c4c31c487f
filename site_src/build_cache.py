"""The build cache: a build whose inputs and output are exactly as the last build left them does nothing.

The key is a content hash of everything a build reads (content/, the templates, lunr.js, this
package's own code, and the build's options); the last build's report and a listing of the output
(path, size, modification time) are kept in `.digest-cache/` beside the output folder. A hit
returns that report without importing scikit-learn or Jinja, and without touching the output.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from .errors import Warning
from .source import BUILTIN_TEMPLATES, PACKAGE, files_under, lunr_js_bases

CACHE_DIR = ".digest-cache"
VERSION = 1


def input_hashes(content_dir: Path) -> dict[str, bytes]:
    """The sha256 of every file the build reads, by path: taken before the build reads anything."""
    project = content_dir.absolute().parent
    roots = [content_dir, project / "templates", BUILTIN_TEMPLATES, PACKAGE]
    lunr = [base / "node_modules" / "lunr" for base in lunr_js_bases(project)]
    paths = [p for root in dict.fromkeys(r.absolute() for r in roots) for p in files_under(root)]
    paths += [d / name for d in lunr for name in ("package.json", "lunr.min.js") if (d / name).is_file()]
    return {str(path): hashlib.sha256(path.read_bytes()).digest() for path in paths}


def input_key(hashes: dict[str, bytes], options: dict) -> str:
    """One key for the inputs (as hashed by input_hashes) and the build's options."""
    digest = hashlib.sha256(json.dumps([VERSION, options], sort_keys=True, default=str).encode())
    for path in sorted(hashes):
        digest.update(path.encode() + b"\0" + hashes[path])
    return digest.hexdigest()


def with_file(hashes: dict[str, bytes], path: Path, data: bytes | None) -> dict[str, bytes]:
    """The hashes as they are once the build itself has written `data` to `path` (None: it wrote nothing)."""
    if data is None:
        return hashes
    return {**hashes, str(path.absolute()): hashlib.sha256(data).digest()}


def output_listing(out_dir: Path) -> str:
    """A hash of the output tree's names, sizes and modification times: any edit or deletion there changes it."""
    digest = hashlib.sha256()
    root = str(out_dir)
    for base, dirs, names in os.walk(root):
        dirs.sort()
        relative = os.path.relpath(base, root).replace(os.sep, "/")
        for name in sorted(names):
            stat = os.stat(os.path.join(base, name))
            path = name if relative == "." else f"{relative}/{name}"
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def cache_path(out_dir: Path, name: str) -> Path:
    """A file or folder of the cache kept beside out_dir."""
    return out_dir.absolute().parent / CACHE_DIR / name


def _cache_file(out_dir: Path) -> Path:
    return cache_path(out_dir, f"{out_dir.absolute().name}.json")


def save_json(path: Path, value) -> None:
    """Write a cache file atomically; a failure only costs the next build its shortcut, so it is ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.with_suffix(".tmp").write_text(json.dumps(value, default=str), encoding="utf-8")
        os.replace(path.with_suffix(".tmp"), path)
    except OSError:
        pass


def lookup(out_dir: Path, key: str, report_type):
    """The last build's report when its key matches and the output is untouched; else None."""
    try:
        saved = json.loads(_cache_file(out_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if saved.get("key") != key or not out_dir.is_dir() or saved.get("output") != output_listing(out_dir.absolute()):
        return None
    fields = saved["report"]
    fields["warnings"] = [Warning(*w) for w in fields.get("warnings", [])]
    fields["stages"] = {}
    fields["lock_written"] = False
    fields["rendered"] = 0  # a hit renders nothing
    return report_type(**fields)


def store(out_dir: Path, key: str, report) -> None:
    """Remember this build; a failure to write the cache only costs the next build its shortcut."""
    fields = dataclasses.asdict(report)
    fields["warnings"] = [(w.message, str(w.path) if w.path is not None else None, w.line) for w in report.warnings]
    fields.pop("stages", None)
    save_json(_cache_file(out_dir), {"key": key, "output": output_listing(out_dir.absolute()), "report": fields})
