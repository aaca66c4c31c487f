"""Stable topics: the lock file keeps topic URLs and labels across rebuilds, and old URLs never 404."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from site_src.build import build
from site_src.errors import DigestError
from site_src.topics.lock import LOCK_NAME, lock_bytes, read_lock

from .conftest import API_DAYS, api_day
from .test_build import tree_digest

HELD_BACK = "003_e7d9a4a7239a3bcf.txt"


def own_topics(out: Path) -> dict[str, str]:
    return {r["slug"]: r["topics"][0] for r in json.loads((out / "data" / "papers.json").read_text(encoding="utf-8"))}


def topic_urls(out: Path) -> set[str]:
    return {p.parent.name for p in (out / "topics").glob("*/index.html")}


def resolves(out: Path, slug: str) -> bool:
    """A topic URL resolves: its page exists, and a redirect there leads to a page that exists."""
    page = out / "topics" / slug / "index.html"
    if not page.is_file():
        return False
    refresh = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page.read_text(encoding="utf-8"))
    return not refresh or (page.parent / refresh.group(1) / "index.html").resolve().is_file()


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """The first three seed dumps built, then all four, into two outputs, with the lock file between them."""
    from .conftest import CONTENT

    top = tmp_path_factory.mktemp("lock")
    content = top / "content"
    shutil.copytree(CONTENT, content)
    (content / LOCK_NAME).unlink(missing_ok=True)
    held = top / HELD_BACK
    shutil.move(content / "dumps" / HELD_BACK, held)
    build(content, top / "first")
    first_lock = (content / LOCK_NAME).read_bytes()
    # Forget the size of the fit, so the second build fits the topics again (warm-started from the lock)
    # instead of placing the new papers on them: this fixture tests the refit.
    data = json.loads(first_lock)
    data["fitted"] = 0
    (content / LOCK_NAME).write_text(json.dumps(data), encoding="utf-8")
    shutil.move(held, content / "dumps" / HELD_BACK)
    report = build(content, top / "second")
    return content, top / "first", top / "second", first_lock, report


def test_most_papers_keep_their_topic_when_a_dump_is_added(two_builds):
    _, first, second, _, report = two_builds
    assert "warm-started" in report.topic_params["method"]
    before, after = own_topics(first), own_topics(second)
    kept = sum(before[slug] == after[slug] for slug in before)
    assert kept >= 0.9 * len(before), f"only {kept} of {len(before)} papers kept their topic"


def test_every_topic_url_of_the_first_build_still_resolves(two_builds):
    _, first, second, _, _ = two_builds
    old = topic_urls(first)
    assert old
    assert all(resolves(second, slug) for slug in old)


def test_lock_file_round_trips(two_builds):
    content, _, _, first_lock, _ = two_builds
    path = content / LOCK_NAME
    lock = read_lock(path)
    assert lock_bytes(lock) == path.read_bytes()
    assert path.read_bytes() != first_lock  # the second build recorded the new grouping
    assert {t.slug for t in lock.topics} == topic_urls(content.parent / "second") - {r.slug for r in lock.retired}


def test_unchanged_inputs_reuse_the_lock_and_give_the_same_bytes(two_builds, tmp_path):
    content, _, second, _, _ = two_builds
    report = build(content, tmp_path / "again")
    assert "reused from topics.lock.json" in report.topic_params["method"]
    assert not report.lock_written
    assert tree_digest(tmp_path / "again") == tree_digest(second)


def test_a_topic_that_disappears_leaves_a_redirect(content_copy, tmp_path):
    build(content_copy, tmp_path / "one")
    path = content_copy / LOCK_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    gone = dict(data["topics"][0], slug="vanished-topic", label=["Vanished"], terms={"zzzz": 1.0}, papers=[], primary=0, related=[])
    data["topics"].append(gone)
    data["fingerprint"] = "changed"
    path.write_text(json.dumps(data), encoding="utf-8")
    build(content_copy, tmp_path / "two")
    lock = read_lock(path)
    earlier = [r["slug"] for r in data.get("retired", [])]  # the shipped lock's own redirects stay
    assert [r.slug for r in lock.retired] == earlier + ["vanished-topic"]
    assert resolves(tmp_path / "two", "vanished-topic")
    page = (tmp_path / "two" / "topics" / "vanished-topic" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' in page and "noindex" in page


def test_damaged_lock_is_an_error_naming_the_file(content_copy, tmp_path):
    (content_copy / LOCK_NAME).write_text('{"version": 1, "topics": [', encoding="utf-8")
    with pytest.raises(DigestError) as caught:
        build(content_copy, tmp_path / "out")
    assert caught.value.path == content_copy / LOCK_NAME
    assert "damaged lock file" in caught.value.message
    assert not (tmp_path / "out").exists()


def test_no_lock_builds_leave_content_alone(content_copy, tmp_path):
    (content_copy / LOCK_NAME).unlink(missing_ok=True)
    build(content_copy, tmp_path / "out", lock=False)
    assert not (content_copy / LOCK_NAME).exists()


# --- a few new papers join the remembered topics; many new papers refit them ------------------------------

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "json"


def test_a_few_new_papers_join_the_remembered_topics_and_nothing_else_moves(content_copy, tmp_path):
    build(content_copy, tmp_path / "one")
    before = read_lock(content_copy / LOCK_NAME)
    assert before.fitted == 340  # recorded even for the lock shipped before fits were recorded
    shutil.copy(FIXTURES / "2025-08-01.json", content_copy / "dumps")
    report = build(content_copy, tmp_path / "two")
    after = read_lock(content_copy / LOCK_NAME)
    assert "placed on the topics" in report.topic_params["method"]
    assert after.fitted == 340 and [t.slug for t in after.topics] == [t.slug for t in before.topics]
    new = set().union(*(t.papers for t in after.topics)) - set().union(*(t.papers for t in before.topics))
    assert len(new) == 3
    for old, now in zip(before.topics, after.topics):
        assert now.label == old.label and now.terms == old.terms
        assert now.papers[: old.primary] == old.papers[: old.primary]  # every remembered paper stays, in order
        assert set(old.papers[old.primary :]) <= set(now.papers[now.primary :])
    assert sum(now.primary - old.primary for old, now in zip(before.topics, after.topics)) == 3
    # Related papers: a remembered paper's come from its remembered ones and the new papers; new papers get some.
    for slug, related in before.related_papers.items():
        assert set(after.related_papers[slug]) <= set(related) | new
    # (a new paper with nothing above the related floor lists none, as any paper would)
    assert any(after.related_papers[slug] for slug in new)
    assert any(set(after.related_papers[slug]) & new for slug in before.related_papers)


@pytest.fixture
def fits(monkeypatch) -> list[str]:
    """The names of the topic model's entry points as they are called: a spy around the real functions
    (a fit, a fold-in, related papers alone), which still run and return what they return."""
    from site_src.topics import model

    called: list[str] = []
    for name in ("group_papers", "fold_in", "related_only", "fit_topics"):
        real = getattr(model, name)
        monkeypatch.setattr(model, name, lambda *a, _real=real, _name=name, **k: called.append(_name) or _real(*a, **k))
    return called


def test_a_build_from_an_unchanged_lock_runs_no_topic_model(content_copy, tmp_path, fits):
    """The lock keeps topics and related papers, so a build whose inputs match it fits nothing."""
    (content_copy / LOCK_NAME).unlink(missing_ok=True)
    first = build(content_copy, tmp_path / "one", cache=False)
    assert fits == ["group_papers", "fit_topics"] and first.papers == 340  # the spy sees a fit
    fits.clear()
    second = build(content_copy, tmp_path / "two", cache=False)
    assert fits == [] and second.topic_params["method"].startswith("reused from topics.lock.json")
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_a_hand_edited_lock_is_built_as_written(content_copy, tmp_path):
    """A curator moves a paper to another topic in topics.lock.json: with the inputs unchanged, the site shows
    the lock as it is, and the lock file is not rewritten (a fit would put the paper back and rewrite it)."""
    (content_copy / LOCK_NAME).unlink(missing_ok=True)
    build(content_copy, tmp_path / "one", cache=False)
    data = json.loads((content_copy / LOCK_NAME).read_text(encoding="utf-8"))
    source, target = data["topics"][0], data["topics"][1]
    moved = source["papers"].pop(0)  # its most central paper
    source["primary"] -= 1
    target["papers"].insert(0, moved)
    target["primary"] += 1
    edited = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    (content_copy / LOCK_NAME).write_bytes(edited)
    report = build(content_copy, tmp_path / "two", cache=False)
    assert own_topics(tmp_path / "one")[moved] == source["slug"]
    assert own_topics(tmp_path / "two")[moved] == target["slug"]
    assert (content_copy / LOCK_NAME).read_bytes() == edited and not report.lock_written


def test_papers_grown_by_more_than_a_fifth_are_fitted_again(content_copy, tmp_path):
    held = content_copy.parent / "held"
    held.mkdir()
    shutil.move(content_copy / "dumps" / "001_e016dad873a756eb.txt", held)  # the largest seed dump
    (content_copy / LOCK_NAME).unlink()
    first = build(content_copy, tmp_path / "one")
    assert read_lock(content_copy / LOCK_NAME).fitted == first.papers
    shutil.move(held / "001_e016dad873a756eb.txt", content_copy / "dumps")
    second = build(content_copy, tmp_path / "two")
    assert second.papers > 1.2 * first.papers
    assert "placed" not in second.topic_params["method"]
    assert read_lock(content_copy / LOCK_NAME).fitted == second.papers


# --- refits never corrupt: no paper twice in a topic, no topic twice on a paper -------------------------------

FIVE_DAYS = [f"2025-06-0{day}.json" for day in range(2, 7)]


def assert_no_repeats(content: Path, out: Path) -> None:
    """Each topic lists a paper once, each paper names a topic once: lock, data/papers.json, pages and feeds."""
    from lxml import html

    lock = read_lock(content / LOCK_NAME)
    for topic in lock.topics:
        assert len(set(topic.papers)) == len(topic.papers), f"lock: {topic.slug} repeats a paper"
    for paper in json.loads((out / "data" / "papers.json").read_text(encoding="utf-8")):
        assert len(set(paper["topics"])) == len(paper["topics"]), f"papers.json: {paper['slug']} repeats a topic"
    for page in (out / "topics").glob("*/index.html"):
        links = [a for a in html.fromstring(page.read_bytes()).xpath("//main//a/@href") if "/papers/" in a]
        assert len(set(links)) == len(links), f"{page}: lists a paper twice"
    for page in (out / "papers").glob("*/index.html"):
        # The breadcrumb (area › topic) names the own topic once more, as a way back, not as a chip.
        chips = html.fromstring(page.read_bytes()).xpath("//main//a[contains(@href, '/topics/')][not(ancestor::nav)]/@href")
        assert len(set(chips)) == len(chips), f"{page}: shows a topic twice"
    feeds = list(out.rglob("*.xml"))
    assert any("topics" in str(f) for f in feeds)
    for feed in feeds:
        ids = re.findall(r"<(?:guid|id)[^>]*>([^<]+)</(?:guid|id)>", feed.read_text(encoding="utf-8"))
        assert len(set(ids)) == len(ids), f"{feed}: repeats an item"


def test_seeds_plus_five_api_days_refit_without_repeats(content_copy, tmp_path):
    """The reported case: the seeds' lock, then five API days (547 papers: a refit), then a fold-in rebuild."""
    days = API_DAYS
    build(content_copy, tmp_path / "seeds", base_url="https://example.org/")
    for day in FIVE_DAYS:
        shutil.copy(days / day, content_copy / "dumps" / day)
    report = build(content_copy, tmp_path / "refit", base_url="https://example.org/")
    assert report.papers == 547 and "fitted" not in report.topic_params["method"].split(";")[0]
    assert_no_repeats(content_copy, tmp_path / "refit")
    shutil.copy(days / "2025-06-09.json", content_copy / "dumps" / "2025-06-09.json")
    build(content_copy, tmp_path / "fold-in", base_url="https://example.org/")
    assert_no_repeats(content_copy, tmp_path / "fold-in")


def test_a_changed_topic_count_is_honoured_with_a_lock(content_copy, tmp_path):
    """The lock records the settings it was fitted with; a new topics.count fits afresh with that many topics."""
    build(content_copy, tmp_path / "one")
    old = read_lock(content_copy / LOCK_NAME)
    site = content_copy / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("count: auto", "count: 10"), encoding="utf-8")
    report = build(content_copy, tmp_path / "two")
    assert report.topics == 10 and report.topic_params["topics_chosen"] == "site.yaml"
    lock = read_lock(content_copy / LOCK_NAME)
    assert len(lock.topics) == 10 and lock.settings != old.settings
    assert all(resolves(tmp_path / "two", t.slug) for t in old.topics)  # the other topics redirect


# --- a property: any sequence of added and removed dumps keeps every list free of repeats ----------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.booleans(), st.integers(0, 5)), min_size=2, max_size=4))
def test_random_adds_and_removes_of_dumps_never_repeat_a_paper_or_topic(tmp_path_factory, steps):
    """Seeds, then a random sequence of API days added or removed (refits and fold-ins alike), each build
    checked: no paper twice in a topic, no topic twice on a paper, no topic URL lost."""
    from .conftest import CONTENT

    days = [api_day(f"2025-06-0{day}") for day in (2, 3, 4, 5, 6, 9)]
    top = tmp_path_factory.mktemp("steps")
    content = top / "content"
    shutil.copytree(CONTENT, content)
    build(content, top / "out-0", base_url="https://example.org/")
    seen: set[str] = set()
    for number, (add, day) in enumerate(steps, start=1):
        target = content / "dumps" / days[day].name
        if add:
            shutil.copy(days[day], target)
        else:
            target.unlink(missing_ok=True)
        seen |= topic_urls(top / f"out-{number - 1}")
        build(content, top / f"out-{number}", base_url="https://example.org/")
        assert_no_repeats(content, top / f"out-{number}")
        assert all(resolves(top / f"out-{number}", slug) for slug in seen)


def test_a_lock_an_older_algorithm_wrote_takes_the_new_labels_and_keeps_its_urls(tmp_path):
    """A lock written before areas existed (hashed without the `areas` setting, by knn-spectral-2) is recognised as
    an older algorithm's: the refit keeps every matched topic's URL and gives it the new label."""
    from site_src.config import load_config

    from .conftest import CONTENT

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / LOCK_NAME).unlink(missing_ok=True)
    build(content, tmp_path / "fresh")
    data = json.loads((content / LOCK_NAME).read_text(encoding="utf-8"))
    new_labels = {t["slug"]: t["label"] for t in data["topics"]}
    # As knn-spectral-2 wrote it: its settings had no `areas`.
    known = dataclasses.asdict(load_config(content / "site.yaml").topics)
    del known["areas"]
    data["settings"] = hashlib.sha256(json.dumps(["knn-spectral-2", known], sort_keys=True).encode()).hexdigest()[:16]
    for topic in data["topics"]:
        topic["label"] = ["Remembered Label"]
    data.pop("areas", None)
    (content / LOCK_NAME).write_text(json.dumps(data), encoding="utf-8")
    build(content, tmp_path / "again")
    again = {t["slug"]: t["label"] for t in json.loads((content / LOCK_NAME).read_text(encoding="utf-8"))["topics"]}
    assert set(again) == set(new_labels)  # the same fit matched to the same slugs: every URL kept
    assert again == new_labels  # and not one remembered label carried over
