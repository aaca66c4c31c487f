"""The papers' term counts kept between builds (.digest-cache/topics/): a day's build with them gives the very bytes a
build without them gives, and a paper whose text changed is counted again, never taken from the cache.

Real builds of the seed site with real API days added (tests/fixtures/json/2025-08-07.json, then 2025-06-26.json),
placed on the seed topics (fold-in), once with yesterday's cache in place and once without any.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from site_src.build import build
from site_src.files.cache import cache_path
from site_src.topics import LOCK_NAME
from site_src.topics.term_counts import COUNTS_FILE

from .test_build import tree_digest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "json"
DAY = "2025-06-26.json"


def _site(top: Path, day: str = "2025-08-07.json") -> Path:
    """A project folder with the seed content and its lock, and a first day placed on its topics: that build counts
    every paper, so its cache holds them all."""
    from .conftest import CONTENT

    shutil.copytree(CONTENT, top / "content")
    shutil.copy(FIXTURES / day, top / "content" / "dumps" / day)
    build(top / "content", top / "build")
    assert (cache_path(top / "build", "topics") / COUNTS_FILE).is_file()
    return top


def _day_with(abstracts: dict[str, str]) -> list:
    """The API day, with the abstracts of the papers of these arXiv ids replaced."""
    day = json.loads((FIXTURES / DAY).read_text(encoding="utf-8"))
    for item in day:
        if item["paper"]["id"] in abstracts:
            item["paper"]["summary"] = item["summary"] = abstracts[item["paper"]["id"]]
    return day


def _lock_and_tree(project: Path, out: str, cache: bool) -> tuple[bytes, str, str]:
    report = build(project / "content", project / out, cache=cache)
    assert "placed on the topics" in report.topic_params["method"]  # a fold-in: what the counts serve
    return (project / "content" / LOCK_NAME).read_bytes(), tree_digest(project / out), report.topic_params["method"]


def test_a_day_built_with_the_cache_gives_the_bytes_of_one_built_without(tmp_path):
    with_cache, without = _site(tmp_path / "a"), tmp_path / "b"
    shutil.copytree(with_cache / "content", without / "content")  # the lock as the first build left it
    for project in (with_cache, without):
        shutil.copy(FIXTURES / DAY, project / "content" / "dumps" / DAY)
    first = _lock_and_tree(with_cache, "build", cache=True)
    second = _lock_and_tree(without, "build", cache=False)
    assert first == second
    assert not cache_path(without / "build", "topics").exists()  # that build counted every paper afresh


@pytest.fixture
def other_abstract():
    """An abstract a speech paper would have: far from the code paper 2506.18403 it replaces."""
    from .conftest import CONTENT
    from site_src.config import SiteConfig
    from site_src.ingest import read_corpus

    papers = read_corpus(CONTENT / "dumps", SiteConfig())[0].papers
    speech = [p.abstract for p in papers if "speech recognition" in p.abstract.lower()]
    return " ".join(speech[:6])


def test_a_paper_whose_abstract_changed_is_counted_again(tmp_path, other_abstract):
    """Yesterday's build counted the day as it was; the day's abstract is then corrected and the day placed again on
    the same remembered topics: the cache must not hand back the old counts (the paper would land as before)."""
    from .conftest import CONTENT

    project = tmp_path / "a"
    shutil.copytree(CONTENT, project / "content")
    lock = (project / "content" / LOCK_NAME).read_bytes()
    dumps = project / "content" / "dumps"
    (dumps / DAY).write_text(json.dumps(_day_with({})), encoding="utf-8")
    before = _lock_and_tree(project, "build", cache=True)  # the cache now holds the day as it was
    (project / "content" / LOCK_NAME).write_bytes(lock)  # the same remembered topics
    (dumps / DAY).write_text(json.dumps(_day_with({"2506.18403": other_abstract})), encoding="utf-8")
    changed = _lock_and_tree(project, "build", cache=True)
    fresh = tmp_path / "b"
    shutil.copytree(project / "content", fresh / "content")
    (fresh / "content" / LOCK_NAME).write_bytes(lock)
    assert changed == _lock_and_tree(fresh, "build", cache=False)
    assert changed[0] != before[0]  # the new abstract moved the paper: the case is one a stale row would get wrong


def test_a_damaged_counts_file_or_a_linked_cache_folder_changes_nothing(tmp_path):
    """A counts file cut short or overwritten is not used (the day is counted afresh, same bytes); a cache folder that
    is a link to another folder is neither read nor written through."""
    from .conftest import CONTENT

    expected = None
    for case in ("cut", "garbage", "link"):
        project = tmp_path / case
        shutil.copytree(CONTENT, project / "content")
        shutil.copy(FIXTURES / DAY, project / "content" / "dumps" / DAY)
        folder = cache_path(project / "build", "topics")
        folder.parent.mkdir(parents=True)
        elsewhere = tmp_path / f"elsewhere-{case}"
        elsewhere.mkdir()
        if case == "link":  # a well-formed file there, but of other counts: read through the link, it would show
            _doubled(_good_counts(tmp_path), elsewhere)
            folder.symlink_to(elsewhere, target_is_directory=True)
            planted = (elsewhere / COUNTS_FILE).read_bytes()
        else:
            folder.mkdir()
            good = _good_counts(tmp_path).read_bytes()
            (folder / COUNTS_FILE).write_bytes(good[: len(good) // 2] if case == "cut" else good[:200] + bytes(len(good) - 200))
        result = _lock_and_tree(project, "build", cache=True)
        expected = expected or _lock_and_tree(_fresh(tmp_path), "build", cache=False)
        assert result == expected, case
        if case == "link":
            assert sorted(p.name for p in elsewhere.iterdir()) == [COUNTS_FILE]
            assert (elsewhere / COUNTS_FILE).read_bytes() == planted


def _fresh(tmp_path: Path) -> Path:
    from .conftest import CONTENT

    project = tmp_path / "fresh"
    shutil.copytree(CONTENT, project / "content")
    shutil.copy(FIXTURES / DAY, project / "content" / "dumps" / DAY)
    return project


def _good_counts(tmp_path: Path) -> Path:
    """A counts file as a fold-in of the day writes it (made once per test)."""
    path = tmp_path / "good" / COUNTS_FILE
    if not path.is_file():
        project = tmp_path / "good-site"
        from .conftest import CONTENT

        shutil.copytree(CONTENT, project / "content")
        shutil.copy(FIXTURES / DAY, project / "content" / "dumps" / DAY)
        build(project / "content", project / "build")
        path.parent.mkdir()
        shutil.copy(cache_path(project / "build", "topics") / COUNTS_FILE, path)
    return path


def _doubled(path: Path, folder: Path) -> None:
    """The counts file at path, every count doubled, written into folder."""
    from site_src.topics import term_counts

    with path.open("rb") as handle:
        arrays = {name: np.lib.format.read_array(handle, allow_pickle=False) for name in term_counts.ARRAYS}
    arrays["counts"] = arrays["counts"] * 2
    with (folder / COUNTS_FILE).open("wb") as handle:
        for name in term_counts.ARRAYS:
            np.lib.format.write_array(handle, arrays[name], allow_pickle=False)
