"""The recommend stage's vectors and More-like-this lists kept in .digest-cache/recommend/ (outputs/recommend/kept.py):
a rebuild whose papers and topics did not change uses them, and a build with them gives the bytes of one without."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from site_src.build import build
from site_src.outputs.recommend import kept
from site_src.outputs.recommend.kept import VECTORS_FILE
from site_src.files.arrays import checksum, read_arrays, write_arrays

from .conftest import ROOT

URL = "https://example.org/digest/"


def _recommend_files(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted((out / "data" / "recommend").rglob("*.json"))}


def _built(content, tmp_path):
    """(a build with the cache beside it, the kept file) of the content as it is."""
    out = tmp_path / "build"
    build(content, out, base_url=URL)
    return out, tmp_path / ".digest-cache" / "recommend" / VECTORS_FILE


def _without_cache(content, tmp_path) -> dict[str, bytes]:
    """The recommend files of a build of the content without any cache."""
    fresh = tmp_path / "fresh"
    build(content, fresh, base_url=URL, cache=False)
    return _recommend_files(fresh)


def _retitle(content, title: str) -> None:
    """A change that is no paper's: the site's title (the recommend files do not hold it)."""
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("title: Paper Digest", f"title: {title}", 1), encoding="utf-8")


def _plant_reversed_lists(path) -> None:
    """The kept file under its own key, its More-like-this lists reversed: what a build reads shows in like/*.json."""
    arrays = read_arrays(path, kept.ARRAYS, kept.FILE_LIMIT)
    papers, _, width, *_ = arrays["shape"].tolist()
    best = arrays["best"].reshape(papers, width)
    arrays["best"] = np.where(best >= 0, best, -1)[:, ::-1].copy().ravel()
    arrays["check"] = checksum(arrays, kept.CHECKED)  # planted as the build would have kept it
    write_arrays(path, arrays)


def test_a_rebuild_with_the_same_papers_uses_the_kept_vectors_and_gives_the_bytes_of_a_build_without(content_copy, tmp_path):
    out, path = _built(content_copy, tmp_path)
    assert path.is_file()
    _retitle(content_copy, "Another Title")
    stamp = path.stat().st_mtime_ns
    build(content_copy, out, base_url=URL)
    assert path.stat().st_mtime_ns == stamp  # used as it was, not computed and written again
    assert _recommend_files(out) == _without_cache(content_copy, tmp_path)


def test_kept_vectors_are_read_under_their_key_and_never_for_other_papers(content_copy, tmp_path):
    out, path = _built(content_copy, tmp_path)
    _plant_reversed_lists(path)
    _retitle(content_copy, "Another Title")
    build(content_copy, out, base_url=URL)
    for name, data in _without_cache(content_copy, tmp_path).items():
        if "/like/" in name:  # the planted lists were read: same key, same papers
            planted, computed = json.loads((out / name).read_text(encoding="utf-8")), json.loads(data)
            assert planted["like"] == {slug: lists[::-1] for slug, lists in computed["like"].items()}
    # One abstract edited: another key, so the planted file is not read; the files are those of a build without it.
    dump = next(p for p in sorted((content_copy / "dumps").iterdir()) if p.suffix == ".txt")
    lines = dump.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda n: (len(lines[n]), -n))  # an abstract
    lines[longest] += " Quantum annealing."
    dump.write_text("\n".join(lines), encoding="utf-8")
    _plant_reversed_lists(path)
    build(content_copy, out, base_url=URL)
    assert _recommend_files(out) == _without_cache(content_copy, tmp_path)


@pytest.mark.parametrize("damage", ["cut short", "a list changed"])
def test_a_damaged_kept_file_is_a_miss(content_copy, tmp_path, damage):
    out, path = _built(content_copy, tmp_path)
    if damage == "cut short":
        path.write_bytes(path.read_bytes()[:-100])
    else:  # a well-formed file whose bytes are not what the build kept: its checksum says so
        arrays = read_arrays(path, kept.ARRAYS, kept.FILE_LIMIT)
        arrays["best"] = arrays["best"][::-1].copy()  # well formed, every entry in range: what would show in like/*.json
        write_arrays(path, arrays)
    _retitle(content_copy, "Another Title")
    build(content_copy, out, base_url=URL)
    assert _recommend_files(out) == _without_cache(content_copy, tmp_path)


API = ROOT / "tests" / "fixtures" / "api"  # real API days: 208 papers, then a new day of 17
DAYS, NEW_DAY = [API / f"2025-06-0{n}.json" for n in range(2, 7)], API / "2025-06-09.json"


def _api_days(tmp_path):
    """A content folder of the seed site's settings and the real API days DAYS (NEW_DAY not yet among them)."""
    content = tmp_path / "content"
    (content / "dumps").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    for day in DAYS:
        shutil.copy(day, content / "dumps" / day.name)
    return content


@pytest.mark.parametrize("exact_up_to", [5000, 0], ids=["every pair", "within topics"])
def test_a_new_day_updates_the_kept_vectors_and_gives_the_bytes_of_a_build_without(tmp_path, monkeypatch, exact_up_to):
    """Under the same weights (the reference papers: here the first 100 to appear), a new day's build computes only
    what its papers change, and writes the bytes a build from nothing writes; as above 5,000 papers too, where papers
    meet within topics (exact_up_to 0)."""
    import site_src.build
    import site_src.outputs.recommend as recommend

    monkeypatch.setattr(recommend, "REFERENCE_FROM", 100)
    monkeypatch.setattr(recommend, "REFERENCE_GROWTH", 100.0)  # 100 papers weigh the terms, before and after the day
    monkeypatch.setattr(recommend, "EXACT_UP_TO", exact_up_to)
    monkeypatch.setattr(site_src.build, "_workers", lambda: 1)  # one process: what is computed is seen here
    content_copy = _api_days(tmp_path)
    out, path = _built(content_copy, tmp_path)
    before = _recommend_files(out)
    shutil.copy(NEW_DAY, content_copy / "dumps" / NEW_DAY.name)
    computed = []
    full, update = recommend._full, recommend.nearest.update
    monkeypatch.setattr(recommend, "_full", lambda *a, **k: computed.append("full") or full(*a, **k))
    monkeypatch.setattr(recommend.nearest, "update", lambda *a, **k: computed.append("update") or update(*a, **k))
    build(content_copy, out, base_url=URL)
    assert computed == ["update"]
    after = _recommend_files(out)
    computed.clear()
    assert after == _without_cache(content_copy, tmp_path) and computed == ["full"]
    # the day's papers entered the lists of papers that were there before: the old lists were merged, not kept
    old_slugs = set().union(*(json.loads(data)["like"] for name, data in before.items() if "/like/" in name))
    joined = 0
    for name, data in after.items():
        if "/like/" in name:
            like = json.loads(data)
            listed = [like["papers"][i][0] for slug, positions in like["like"].items() if slug in old_slugs for i in positions]
            joined += sum(slug not in old_slugs for slug in listed)
    assert joined > 0


def test_kept_vectors_are_not_read_once_titles_count_otherwise(content_copy, tmp_path):
    """topics.title_weight changes every paper's counts but not which terms it has (nor any document frequency):
    the kept vectors must not be read under it."""
    out, _ = _built(content_copy, tmp_path)
    site = content_copy / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("\ntopics:\n", "\ntopics:\n  title_weight: 3\n", 1), encoding="utf-8")
    build(content_copy, out, base_url=URL)
    assert _recommend_files(out) == _without_cache(content_copy, tmp_path)


def test_a_new_day_that_reaches_the_next_reference_size_weighs_every_paper_again(tmp_path, monkeypatch):
    """208 papers, then 225: with sizes 100, 110, 121, ... the terms are weighed by the first 193, then the first 212
    papers, so the kept vectors are not used (every weight moved) and the files are a build's from nothing."""
    import site_src.build
    import site_src.outputs.recommend as recommend

    monkeypatch.setattr(recommend, "REFERENCE_FROM", 100)
    monkeypatch.setattr(site_src.build, "_workers", lambda: 1)
    assert (recommend.reference_size(208), recommend.reference_size(225)) == (193, 212)
    content = _api_days(tmp_path)
    out, _ = _built(content, tmp_path)
    shutil.copy(NEW_DAY, content / "dumps" / NEW_DAY.name)
    computed = []
    full = recommend._full
    monkeypatch.setattr(recommend, "_full", lambda *a, **k: computed.append("full") or full(*a, **k))
    build(content, out, base_url=URL)
    assert computed == ["full"]
    assert _recommend_files(out) == _without_cache(content, tmp_path)
