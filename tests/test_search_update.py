"""A new day rewrites only the search files its own terms touch, the store chunk it adds to, and the manifest.

Scores are computed in the browser from what each term's entry stores about the papers that have it
(outputs/search/shards.py), and papers keep their numbers (new ones come last), so the entry of a term the new
day does not bring stays byte for byte as it was, and so does every file of such entries (content-hashed names).
Built on the seed site plus real API days (tests/fixtures/json), the topic lock kept between the two builds as the
daily workflow keeps it.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

from site_src.build import build

from .conftest import CONTENT, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "json"


@pytest.fixture(scope="module")
def day_added(tmp_path_factory) -> tuple[Path, Path]:
    """search/ of the seed site with two API days, and of the same site the next build, with one more day."""
    root = tmp_path_factory.mktemp("update")
    shutil.copytree(CONTENT, root / "content")
    for day in ("2025-01-10", "2025-06-03"):
        shutil.copy(FIXTURES / f"{day}.json", root / "content" / "dumps" / f"{day}.json")
    build(root / "content", root / "before", lock=True, cache=False)
    shutil.copy(FIXTURES / "2025-08-01.json", root / "content" / "dumps" / "2025-08-01.json")
    build(root / "content", root / "after", lock=True, cache=False)
    return root / "before" / "search", root / "after" / "search"


def _json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _listings(search: Path) -> dict[str, list]:
    manifest = _json(search / "manifest.json")
    return {"shards": manifest["shards"], "positions": _json(search / manifest["positions"])["shards"]}


def _entries(search: Path, listing: list) -> dict[str, list]:
    return {entry[0]: entry for name, _ in listing for entry in _json(search / name)}


def _papers(entry: list, first: int, stride: int) -> list[list[int]]:
    """The paper numbers of an entry, per field (the delta-encoded lists at first, first + stride, ...)."""
    out = []
    for deltas in entry[first::stride]:
        total, numbers = 0, []
        for d in deltas:
            total += d
            numbers.append(total)
        out.append(numbers)
    return out


def test_papers_keep_their_numbers_and_the_new_days_papers_come_last(day_added):
    before, after = day_added
    old, new = _json(before / "manifest.json"), _json(after / "manifest.json")
    assert new["papers"] == old["papers"] + 3  # 2025-08-01.json lists three papers
    full = old["papers"] // old["store"]["chunk"]
    assert full >= 5 and new["store"]["files"][:full] == old["store"]["files"][:full]  # every full chunk as it was
    shown = [record for name in new["store"]["files"] for record in _json(after / name)]
    day = {" ".join(e["paper"]["title"].split()) for e in _json(FIXTURES / "2025-08-01.json")}
    assert {r["t"] for r in shown[old["papers"]:]} == day


@pytest.mark.parametrize(("kind", "first", "stride"), [("shards", 1, 3), ("positions", 1, 2)])
def test_an_entry_changes_only_where_a_new_paper_has_the_term(day_added, kind, first, stride):
    before, after = day_added
    count = _json(before / "manifest.json")["papers"]
    old, new = _entries(before, _listings(before)[kind]), _entries(after, _listings(after)[kind])
    assert set(old) <= set(new)
    changed = [term for term in new if old.get(term) != new[term]]
    assert 50 < len(changed) < len(new) / 4
    for term in changed:
        papers = _papers(new[term], first, stride)
        assert any(n >= count for field in papers for n in field), term  # a new paper has it ...
        if term in old:  # ... and the old papers' part is as it was
            for was, now in itertools.zip_longest(_papers(old[term], first, stride), papers, fillvalue=[]):  # trailing empty fields are left out
                assert now[: len(was)] == was and all(n >= count for n in now[len(was):]), term


@pytest.mark.parametrize("kind", ["shards", "positions"])
def test_a_file_is_rewritten_only_when_it_holds_a_term_the_new_day_touched(day_added, kind):
    before, after = day_added
    old_listing, new_listing = _listings(before)[kind], _listings(after)[kind]
    old, new = _entries(before, old_listing), _entries(after, new_listing)
    touched = {term for term in new if old.get(term) != new[term]}
    new_files = {name for name, _ in new_listing}
    file_of_key = {key: name for name, keys in new_listing for key in keys}
    terms_of = {name: [e[0] for e in _json(after / name)] for name in new_files}
    kept = rewritten = 0
    for name, keys in old_listing:
        if name in new_files:
            kept += 1
            assert (before / name).read_bytes() == (after / name).read_bytes()
            continue
        rewritten += 1
        # its own terms were touched, or a new key (of a new term) joined it in the file its keys moved to
        holders = {file_of_key[key] for key in keys}
        assert any(t in touched for t in (e[0] for e in _json(before / name))) or any(
            t in touched for holder in holders for t in terms_of[holder]), name
    assert kept > 0 and rewritten > 0
