"""The build cache: an unchanged rebuild does nothing; any change, even one made mid-build, rebuilds."""

from __future__ import annotations

import subprocess
import sys

from site_src.build import build

from .conftest import ROOT
from .test_build import tree_digest

EXTRA = "\n\nA Paper Added While The Build Ran\n\nWe add a paper. It arrives during a build. The next build must show it.\n"


def mtimes(folder):
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_an_unchanged_rebuild_rewrites_nothing_and_never_imports_scikit_learn(content_copy, tmp_path):
    out = tmp_path / "build"
    build(content_copy, out)
    before, digest = mtimes(out), tree_digest(out)
    script = (
        "import sys; from pathlib import Path; from site_src.build import build; "
        f"report = build(Path({str(content_copy)!r}), Path({str(out)!r})); "
        "print(sorted(report.stages), 'sklearn' in sys.modules, report.papers)"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[0] == "['cache'] False 340"
    assert mtimes(out) == before and tree_digest(out) == digest


def test_an_edit_made_during_a_build_is_built_next_time(content_copy, tmp_path):
    out = tmp_path / "build"
    dump = content_copy / "dumps" / "003_e7d9a4a7239a3bcf.txt"

    def edit_while_building(_warning):  # the feeds warning comes mid-build, after the dumps were read
        if "A Paper Added" not in dump.read_text(encoding="utf-8"):
            dump.write_text(dump.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")

    first = build(content_copy, out, on_warning=edit_while_building)
    assert first.papers == 340
    second = build(content_copy, out)
    assert "cache" not in second.stages and second.papers == 341


def test_a_touched_output_folder_is_rebuilt(content_copy, tmp_path):
    out = tmp_path / "build"
    build(content_copy, out)
    (out / "about" / "index.html").unlink()
    report = build(content_copy, out)
    assert "cache" not in report.stages
    assert (out / "about" / "index.html").is_file()
