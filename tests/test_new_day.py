"""A new day costs what it changed: pages it did not change are neither rendered nor rewritten.

"Rewritten" is seen on the file system: a file whose bytes did not change is the previous build's own file
(the same inode, the same modification time), so sync tools and Pages' upload see no change in it.
"""

from __future__ import annotations

import os
import shutil

from site_src.build import build
from site_src.files.write import MARKER

from .conftest import ROOT

DAYS = ROOT / "tests" / "fixtures" / "json"  # real daily-papers API answers
YESTERDAY, NEW_DAY = DAYS / "2025-06-03.json", DAYS / "2025-08-01.json"
URL = "https://example.org/digest/"


def files(folder):
    """Each file's bytes, inode and modification time, by path."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.name != MARKER:
            stat = path.stat()
            found[path.relative_to(folder).as_posix()] = (path.read_bytes(), stat.st_ino, stat.st_mtime_ns)
    return found


def test_a_new_day_rewrites_only_the_files_whose_bytes_it_changed(content_copy, tmp_path):
    out = tmp_path / "build"
    shutil.copy(YESTERDAY, content_copy / "dumps" / YESTERDAY.name)  # a site with dated days already
    build(content_copy, out, base_url=URL)
    before = files(out)
    shutil.copy(NEW_DAY, content_copy / "dumps" / NEW_DAY.name)

    report = build(content_copy, out, base_url=URL)

    after = files(out)
    same = [name for name in after if name in before and after[name][0] == before[name][0]]
    changed = [name for name in after if name not in before or after[name][0] != before[name][0]]
    assert len(same) > len(after) / 2 and changed  # the day changed some files and left most alone
    for name in same:  # the very file the last build wrote: not written again
        assert after[name][1:] == before[name][1:], name
    for name in changed:
        assert after[name][1] != before.get(name, (None, None))[1], name
    assert report.rendered < report.pages / 2  # and most pages were not even rendered
    assert any(name.startswith("digests/2025-08-01") for name in changed)


def _edit_in_place(path) -> tuple[bytes, int]:
    """One byte of path changed, its size and inode kept; returns (its bytes before, its modification time before)."""
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    with open(path, "r+b") as handle:
        handle.write(b"X")
    return before, mtime


def test_a_file_edited_by_hand_in_build_is_written_again(content_copy, tmp_path):
    """The write stage tells an unchanged file by the listing the last build kept (size, modification time and a
    hash of what it wrote) without reading it; a file edited since has another modification time, so it is read,
    found changed, and written again."""
    out = tmp_path / "build"
    shutil.copy(YESTERDAY, content_copy / "dumps" / YESTERDAY.name)
    build(content_copy, out, base_url=URL)
    robots = out / "robots.txt"
    built, _ = _edit_in_place(robots)
    shutil.copy(NEW_DAY, content_copy / "dumps" / NEW_DAY.name)

    build(content_copy, out, base_url=URL)

    assert robots.read_bytes() == built


def test_a_hand_edit_that_puts_back_the_modification_time_is_not_seen(content_copy, tmp_path):
    """The listing's limit, as make's and rsync's (and the render memo's): an edit of the same size that also sets
    the file's modification time back looks like the file the last build wrote, and is not read again."""
    out = tmp_path / "build"
    shutil.copy(YESTERDAY, content_copy / "dumps" / YESTERDAY.name)
    build(content_copy, out, base_url=URL)
    robots = out / "robots.txt"
    built, mtime = _edit_in_place(robots)
    os.utime(robots, ns=(mtime, mtime))
    shutil.copy(NEW_DAY, content_copy / "dumps" / NEW_DAY.name)

    build(content_copy, out, base_url=URL)

    assert robots.read_bytes() != built and robots.stat().st_mtime_ns == mtime  # kept as it stood: not read
    build(content_copy, out, base_url=URL, cache=False)  # without the cache every file is read, and this one put right
    assert robots.read_bytes() == built


def test_the_output_listing_the_write_stage_gives_is_the_one_a_walk_of_build_gives(content_copy, tmp_path):
    """The build cache's listing of build/ is taken from what the write stage wrote (no second walk of the tree):
    it must be the listing a walk gives, or the next unchanged build would not be a hit."""
    import json

    from site_src.files.cache import cache_path, output_listing

    out = tmp_path / "build"
    shutil.copy(YESTERDAY, content_copy / "dumps" / YESTERDAY.name)
    build(content_copy, out, base_url=URL)
    shutil.copy(NEW_DAY, content_copy / "dumps" / NEW_DAY.name)
    build(content_copy, out, base_url=URL)  # some pages kept, some written, some linked

    saved = json.loads(cache_path(out, f"{out.name}.json").read_text(encoding="utf-8"))
    assert saved["output"] == output_listing(out.absolute())
    assert build(content_copy, out, base_url=URL).stages.keys() == {"cache"}  # and the next build is a hit
