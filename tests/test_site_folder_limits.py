"""The build in hostile surroundings: links out of content/, a read-only or full disk, a FIFO in build/."""

from __future__ import annotations

import os
import subprocess

import pytest

from site_src.build import build
from site_src.errors import DigestError
from site_src.files.write import MARKER
from tests.hostile import ROOT, digest_argv, run_disk_full, run_read_only


@pytest.fixture
def secret(tmp_path_factory):
    """A file outside the site folder (tmp_path holds the site: content/ and build/)."""
    path = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    path.write_text("Training Secret Models\n\nTOKEN=hunter2 leaks into the site.\n")
    return path


@pytest.mark.parametrize("where", ["pages/secret.md", "dumps/2024-05-30-secret.txt", "site.yaml", "curation.yaml",
                                   "pages", "../templates/base.html"])
def test_a_link_in_content_to_outside_the_site_is_refused_naming_it(content_copy, tmp_path, secret, where):
    link = content_copy / where
    if link.exists() or link.is_symlink():
        if link.is_dir():
            import shutil
            shutil.rmtree(link)
        else:
            link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret.parent if where == "pages" else secret)

    with pytest.raises(DigestError) as caught:
        build(content_copy, tmp_path / "build", lock=False)

    assert str(caught.value) == (f"{os.path.normpath(link)}: a symbolic link to {secret.parent if where == 'pages' else secret}, "
                                 "outside the site folder; only files inside it are read (put the file itself here)")
    assert not (tmp_path / "build").exists()


def test_a_link_within_the_site_folder_is_read(content_copy, tmp_path):
    shared = content_copy.parent / "shared-pages"
    shared.mkdir()
    (shared / "team.md").write_text("# Team\n\nWe read papers.\n", encoding="utf-8")
    (content_copy / "pages" / "team.md").symlink_to(shared / "team.md")

    build(content_copy, tmp_path / "build", lock=False)

    assert "We read papers." in (tmp_path / "build" / "team" / "index.html").read_text(encoding="utf-8")


def test_a_build_with_content_read_only_succeeds_and_says_the_lock_was_not_written(content_copy, tmp_path):
    (content_copy / "topics.lock.json").unlink()  # so the build has a lock to write
    out = tmp_path / "build"

    result = run_read_only(content_copy, digest_argv("build", "--content", content_copy, "--out", out))

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (f"warning: {content_copy / 'topics.lock.json'}: cannot write: Read-only file system; the site was built, "
            "but without the lock its topic names and URLs may change with the next build") in result.stderr
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    assert not (content_copy / "topics.lock.json").exists()


def test_a_build_on_a_full_disk_fails_in_one_line_and_leaves_the_previous_site(content_copy, tmp_path):
    out = tmp_path / "build"
    build(content_copy, out, lock=False)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (content_copy / "pages" / "about.md").write_text("# About\n\nchanged\n", encoding="utf-8")

    result = run_disk_full(digest_argv("build", "--content", content_copy, "--out", out), limit=1000)  # the changed page is larger; the kept ones are links, not writes

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == f"error: {out.absolute()}: cannot write the site: File too large"
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_check_reports_a_fifo_in_build_instead_of_waiting_on_it(seed_build, tmp_path):
    import shutil

    out = tmp_path / "build"
    shutil.copytree(seed_build, out)
    os.mkfifo(out / "stuck.html")

    result = subprocess.run(digest_argv("check", "--out", out, "--content", ROOT / "content"), cwd=ROOT, capture_output=True,
                            text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})

    assert result.returncode == 1
    assert f"{out / 'stuck.html'}: broken link stuck.html (not a regular file (a FIFO, a device or a link); a built site holds only files)" in result.stderr
