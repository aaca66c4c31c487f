"""Nothing is written through a link: planted links at the names the build writes in content/ and beside build/."""

from __future__ import annotations

import os

import pytest

from site_src.build import build
from site_src.errors import DigestError
from site_src.files.cache import CACHE_DIR
from site_src.files.safe_write import write_file


@pytest.fixture
def victim(tmp_path):
    """A file outside the site that a planted link points to; it must keep its bytes."""
    path = tmp_path / "outside" / "victim.txt"
    path.parent.mkdir()
    path.write_text("keep me")
    return path


@pytest.mark.parametrize("planted", [".topics.lock.json.new", ".topics.lock.json.tmp"])
def test_a_link_at_the_locks_staging_name_is_never_written_through(content_copy, tmp_path, victim, planted):
    (content_copy / "topics.lock.json").unlink(missing_ok=True)  # so this build writes one
    (content_copy / planted).symlink_to(victim)

    report = build(content_copy, tmp_path / "build")

    assert report.lock_written
    assert victim.read_text() == "keep me"
    assert (content_copy / "topics.lock.json").is_file() and not (content_copy / "topics.lock.json").is_symlink()


def test_a_cache_folder_that_is_a_link_is_refused_and_nothing_lands_where_it_points(content_copy, tmp_path):
    elsewhere = tmp_path / "outside"
    elsewhere.mkdir()
    (tmp_path / CACHE_DIR).symlink_to(elsewhere)

    with pytest.raises(DigestError) as caught:
        build(content_copy, tmp_path / "build", lock=False)

    assert str(caught.value) == f"{tmp_path / CACHE_DIR}: a symbolic link; the build keeps its cache, lock and trash only in a real folder (remove the link)"
    assert list(elsewhere.iterdir()) == []
    assert not (tmp_path / "build").exists()


def test_a_trash_folder_that_is_a_link_is_neither_filled_nor_emptied(content_copy, tmp_path):
    out = tmp_path / "build"
    build(content_copy, out, lock=False)
    elsewhere = tmp_path / "outside"
    elsewhere.mkdir()
    (elsewhere / "build-1").mkdir()
    (elsewhere / "build-1" / ".digest-build").write_text("looks like a build")  # what empty_trash would delete
    trash = tmp_path / CACHE_DIR / "trash"
    if trash.exists():
        os.rmdir(trash)
    trash.symlink_to(elsewhere)
    (content_copy / "pages" / "about.md").write_text("# About\n\nchanged\n", encoding="utf-8")

    build(content_copy, out, lock=False)
    build(content_copy, out, lock=False, cache=True)

    assert sorted(p.name for p in elsewhere.iterdir()) == ["build-1"]
    assert (elsewhere / "build-1" / ".digest-build").read_text() == "looks like a build"


def test_write_file_refuses_a_folder_that_is_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "linked").symlink_to(tmp_path / "real")

    with pytest.raises(DigestError, match="a symbolic link where a folder was expected"):
        write_file(tmp_path / "linked" / "x.json", b"{}")
    assert list((tmp_path / "real").iterdir()) == []


def test_write_file_leaves_no_staging_file_when_it_fails(tmp_path):
    (tmp_path / "x.json").mkdir()  # a folder where the file should go: the rename fails

    with pytest.raises(DigestError, match="cannot write"):
        write_file(tmp_path / "x.json", b"{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json"]
