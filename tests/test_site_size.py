"""The site's size: reported after every build, and a warning as it nears what the host serves (files/limits.py).

A 1 GB site is not cheap to make in a test, so the seed site (about 4 MB) is built against a small limit,
`--size-limit`, which curators on other hosts set too.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from site_src.build import build
from site_src.errors import DigestError
from site_src.files.write import MARKER

from .conftest import ROOT

EXTRA = "\n\nA Paper Added On A New Day\n\nWe add a paper. It arrives on a new day. The next build must show it.\n"


def tree_bytes(folder):
    """Every file's size under folder, the build's marker left out (it is not the curator's site)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.name != MARKER)


def size_warnings(report):
    return [w for w in report.warnings if "the host serves" in w.message]


def test_the_report_gives_the_size_of_what_was_written_kept_pages_included(content_copy, tmp_path):
    out = tmp_path / "build"
    first = build(content_copy, out, lock=False)
    assert first.site_bytes == tree_bytes(out)
    assert not size_warnings(first)  # 4 MB is far from GitHub Pages' 1 GB

    with open(content_copy / "dumps" / "003_e7d9a4a7239a3bcf.txt", "a", encoding="utf-8") as dump:
        dump.write(EXTRA)
    second = build(content_copy, out, lock=False)

    assert second.rendered < second.pages  # most pages kept from the first build, not rendered
    assert second.site_bytes == tree_bytes(out) != first.site_bytes  # (a refit may leave fewer topic pages: not larger)


def test_a_site_nearing_the_hosts_limit_warns_and_a_strict_build_fails_before_writing(content_copy, tmp_path):
    out, url = tmp_path / "build", "https://example.org/digest/"  # with a base URL the seed site builds without warnings
    first = build(content_copy, out, lock=False, base_url=url)
    # As Pages' tar holds it: a 512-byte header per file and folder, each file padded to 512 bytes
    files = [p for p in out.rglob("*") if p.is_file() and p.name != MARKER]
    folders = {p for p in out.rglob("*") if p.is_dir()}
    size = sum(-(-p.stat().st_size // 512) * 512 + 512 for p in files) + 512 * len(folders)
    assert first.site_bytes < size < 1.2 * first.site_bytes
    limit = int(size / 0.85)  # the site is 85% of this limit: past the 80% the build warns from

    report = build(content_copy, out, lock=False, base_url=url, size_limit=limit)
    assert report.warnings == size_warnings(report)
    (warning,) = size_warnings(report)
    assert f"{size / 1e6:,.0f} MB" in warning.message and "85%" in warning.message
    assert "docs/publishing.md" in warning.message
    assert not build(content_copy, out, lock=False, base_url=url, size_limit=int(size / 0.75)).warnings  # 75%: quiet

    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    with pytest.raises(DigestError, match="strict mode"):
        build(content_copy, out, lock=False, base_url=url, size_limit=limit, strict=True)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_digest_build_says_the_sites_size_and_warns_under_its_size_limit(content_copy, tmp_path):
    command = [sys.executable, "-m", "site_src", "build", "--content", str(content_copy), "--out", str(tmp_path / "b"),
               "--no-lock", "--size-limit", "4"]
    env = {**os.environ, "DIGEST_BASE_URL": ""}
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "% of the 4 MB the host serves" in result.stderr
    written = sum(1 for p in (tmp_path / "b").rglob("*") if p.is_file())  # the marker included, as the summary counts it
    assert f" MB in {written:,} files" in result.stdout
