"""Areas, the level above topics: each holds whole topics, on its page, in its feeds, in data/papers.json and on the map."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import feedparser
import lxml.html
import numpy as np
import pytest

from site_src.build import build
from site_src.config import SiteConfig, TopicSettings
from site_src.ingest import read_corpus
from site_src.topics.areas import MOST_AREAS, area_count, fit_areas
from site_src.topics.lock import LOCK_NAME, read_lock
from site_src.topics.model import group_papers

from .conftest import SEEDS, SHARED_API
from .test_feeds import BASE, date_dumps, dated_build, dated_content  # noqa: F401  (fixtures)


def records(out: Path) -> list[dict]:
    return json.loads((out / "data" / "papers.json").read_text(encoding="utf-8"))


def area_of_topics(out: Path) -> dict[str, str]:
    """Each topic's area, as data/papers.json gives it with the papers whose own topic it is."""
    found = defaultdict(set)
    for r in records(out):
        found[r["topics"][0]].add(r["area"])
    assert all(len(areas) == 1 for areas in found.values()), "papers of one topic in two areas"
    return {topic: areas.pop() for topic, areas in found.items()}


def links_under(page: Path, folder: str) -> list[str]:
    """The slugs of the `folder` pages (topics, papers) a page's main content links to, in order."""
    tree = lxml.html.fromstring(page.read_bytes())
    hrefs = tree.xpath("//main//a/@href")
    return [m.group(1) for href in hrefs for m in [re.search(rf"(?:^|/){folder}/([^/#]+)/$", href)] if m]


@pytest.fixture(scope="module")
def seed_grouping():
    papers = read_corpus(SEEDS, SiteConfig())[0].papers
    return group_papers([p.title for p in papers], [p.abstract for p in papers], TopicSettings())


def test_every_topic_sits_in_exactly_one_area_and_every_area_holds_a_topic(seed_grouping):
    areas = np.array([t.area for t in seed_grouping.topics])
    assert len(seed_grouping.areas) == area_count(len(seed_grouping.topics), TopicSettings()) >= 4
    assert ((areas >= 0) & (areas < len(seed_grouping.areas))).all()
    assert set(areas.tolist()) == set(range(len(seed_grouping.areas)))
    sizes = [sum(t.size for t in seed_grouping.topics if t.area == a) for a in range(len(seed_grouping.areas))]
    assert sizes == sorted(sizes, reverse=True)  # numbered largest first
    assert all(1 <= len(a.label) <= 2 for a in seed_grouping.areas)


def test_area_count_follows_the_topics_and_the_setting():
    assert area_count(25, TopicSettings()) == 6
    assert area_count(200, TopicSettings()) == MOST_AREAS
    assert area_count(3, TopicSettings()) == 2
    assert area_count(25, TopicSettings(areas=3)) == 3
    assert area_count(2, TopicSettings(areas=5)) == 2


def test_areas_join_the_topics_that_share_words():
    """Two clear families of topic centroids come out as two areas, whatever order the topics come in."""
    rng = np.random.RandomState(0)
    a, b = np.eye(20)[0], np.eye(20)[10]
    centroids = np.array([a + 0.2 * rng.rand(20) for _ in range(4)] + [b + 0.2 * rng.rand(20) for _ in range(3)])
    unit = centroids / np.linalg.norm(centroids, axis=1, keepdims=True)
    order = rng.permutation(7)
    found = fit_areas(unit[order], np.ones(7), 2)
    family = (order < 4).astype(int)
    assert (found == found[0]).sum() in (3, 4) and all((found[family == f] == found[family == f][0]).all() for f in (0, 1))


def test_area_pages_list_their_topics_and_only_their_papers(seed_build):
    topic_area = area_of_topics(seed_build)
    papers = {r["slug"]: r for r in records(seed_build)}
    pages = sorted((seed_build / "areas").glob("*/index.html"))
    assert {p.parent.name for p in pages} == set(topic_area.values())
    for page in pages:
        area = page.parent.name
        assert sorted(set(links_under(page, "topics"))) == sorted(t for t, a in topic_area.items() if a == area), area
        listed = links_under(page, "papers")
        assert listed and all(papers[slug]["area"] == area for slug in listed), area


def test_papers_json_gives_each_paper_its_area_and_topics_as_before(seed_build):
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in (seed_build / "areas").glob("*/index.html")}
    for r in records(seed_build):
        assert r["topics"] and len(r["topics"]) == len(r["topic_labels"])
        assert r["area"] in pages and r["area_label"]
        assert f">{r['area_label']}</h1>" in pages[r["area"]].replace("&amp;", "&")


def test_topic_and_paper_pages_lead_back_through_area_and_topic(seed_build):
    topic_area = area_of_topics(seed_build)
    for topic, area in topic_area.items():
        crumbs = lxml.html.fromstring((seed_build / "topics" / topic / "index.html").read_bytes()).xpath("//nav[@class='breadcrumbs']//a/@href")
        assert crumbs[-1].endswith(f"areas/{area}/"), topic
    for r in records(seed_build)[:40]:
        crumbs = lxml.html.fromstring((seed_build / "papers" / r["slug"] / "index.html").read_bytes()).xpath("//nav[@class='breadcrumbs']//a/@href")
        assert [c.rstrip("/").split("/")[-2:] for c in crumbs] == [["areas", r["area"]], ["topics", r["topics"][0]]]


def test_topics_index_groups_topics_under_their_area_and_the_map_colours_them_so(seed_build):
    topic_area = area_of_topics(seed_build)
    tree = lxml.html.fromstring((seed_build / "topics" / "index.html").read_bytes())
    colour = {}
    for section in tree.xpath("//main//section"):
        heading = section.xpath(".//h2")[0]
        area = heading.xpath(".//a/@href")[0].rstrip("/").split("/")[-1]
        colour[area] = heading.xpath(".//span[contains(@class,'swatch')]/@class")[0].split()[-1]
        listed = [h.rstrip("/").split("/")[-1] for h in section.xpath(".//ul[@class='topics']/li/a/@href")]
        assert sorted(listed) == sorted(t for t, a in topic_area.items() if a == area)
    assert len(set(colour.values())) == len(colour) > 1  # one colour an area
    circles = tree.xpath("//figure[@class='topic-map']//svg[contains(@class,'wide')]/a")
    assert len(circles) == len(topic_area)
    for circle in circles:
        topic = circle.get("href").rstrip("/").split("/")[-1]
        assert circle.get("class") == colour[topic_area[topic]], topic


def test_area_feeds_parse_and_hold_only_the_areas_papers(dated_build):  # noqa: F811
    topic_area = area_of_topics(dated_build)
    area_of_paper = {r["slug"]: r["area"] for r in records(dated_build)}
    areas = sorted(p for p in (dated_build / "areas").iterdir() if p.is_dir())
    assert {a.name for a in areas} == set(topic_area.values())
    for folder in areas:
        for name in ("feed.xml", "atom.xml"):
            parsed = feedparser.parse((folder / name).read_bytes())
            assert parsed.bozo == 0 and parsed.entries, (folder, name)
            slugs = [e.link.removeprefix(BASE + "papers/").rstrip("/") for e in parsed.entries]
            assert all(area_of_paper[s] == folder.name for s in slugs), folder
        # feed_items=1000: the feed holds every paper of the area
        expected = sum(1 for a in area_of_paper.values() if a == folder.name)
        assert len(json.loads((folder / "feed.json").read_bytes())["items"]) == expected
    opml = (dated_build / "feeds.opml").read_text(encoding="utf-8")
    group = re.search(r'<outline text="Areas"[^>]*>(.*?)</outline>\s*<outline text="Topics"', opml, re.S)
    assert group and all(f"areas/{a.name}/feed.xml" in group.group(1) for a in areas)


def test_the_lock_keeps_area_slugs_when_a_new_day_is_placed_and_when_topics_are_fitted_again(content_copy, tmp_path):
    build(content_copy, tmp_path / "first")
    first = read_lock(content_copy / LOCK_NAME)
    assert first.areas and all(t.area in {a.slug for a in first.areas} for t in first.topics)
    shutil.copy(Path(__file__).resolve().parent / "fixtures" / "json" / "2025-08-01.json", content_copy / "dumps")
    report = build(content_copy, tmp_path / "placed")
    assert "placed on the topics" in report.topic_params["method"]
    placed = read_lock(content_copy / LOCK_NAME)
    assert placed.areas == first.areas and [t.area for t in placed.topics] == [t.area for t in first.topics]
    # A whole day more, and the size of the fit forgotten: the next build fits the topics and areas again,
    # warm-started from the lock.
    shutil.copy(Path(__file__).resolve().parent / "fixtures" / "json" / "2025-06-26.json", content_copy / "dumps")
    data = json.loads((content_copy / LOCK_NAME).read_text(encoding="utf-8"))
    data["fitted"] = 0
    (content_copy / LOCK_NAME).write_text(json.dumps(data), encoding="utf-8")
    report = build(content_copy, tmp_path / "refit")
    assert "warm-started" in report.topic_params["method"]
    refit = read_lock(content_copy / LOCK_NAME)
    kept = {a.slug for a in first.areas} & {a.slug for a in refit.areas}
    assert len(kept) >= len(first.areas) - 1, (first.areas, refit.areas)
    for area in first.areas:  # every area URL of the first build still resolves: a page, or a redirect to one
        page = tmp_path / "refit" / "areas" / area.slug / "index.html"
        assert page.is_file(), area.slug
        refresh = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', page.read_text(encoding="utf-8"))
        assert not refresh or (page.parent / refresh.group(1) / "index.html").resolve().is_file()


def test_real_areas_are_named_by_phrases_a_third_of_their_papers_use(shared_dir, tmp_path):
    """On the 3,956 real API papers every area but one (the area of what fits nowhere else: safety, RAG, multilingual,
    medical) carries a label a third of its papers write, either phrase, counted by regular expression over titles and
    abstracts. Counted over 50 central papers, as a topic's phrases are, two areas fall short: "Mixture-of-Experts ·
    Activation" (31%) and "Safety · Medical" (20%); over AREA_PAPERS papers only the second (24%)."""
    for day in sorted((shared_dir / SHARED_API).glob("*.json")):
        (tmp_path / day.name).symlink_to(day)
    real = read_corpus(tmp_path, SiteConfig())[0].papers
    grouping = group_papers([p.title for p in real], [p.abstract for p in real], TopicSettings())
    plain = [" " + re.sub(r"[^a-z0-9]+", " ", (p.title + " " + p.abstract).lower()) + " " for p in real]
    short = []
    for number, area in enumerate(grouping.areas):
        own = [i for t in grouping.topics if t.area == number for i in t.members[: t.size]] + list(area.papers)
        phrases = [" " + re.sub(r"[^a-z0-9]+", " ", phrase.lower()) + " " for phrase in area.label]
        uses = sum(any(phrase in plain[i] for phrase in phrases) for i in own)
        if uses < len(own) / 3:
            short.append((area.label, uses, len(own)))
    assert len(grouping.areas) >= 6 and len(short) <= 1, short


def test_an_area_whose_topics_the_curator_merges_away_redirects_and_its_papers_follow(content_copy, tmp_path):
    """curation.yaml merges every topic of the smallest area into the largest topic: the area's page becomes a
    redirect to the topics index, and its papers take the area of the topic they joined."""
    build(content_copy, tmp_path / "first")
    lock = read_lock(content_copy / LOCK_NAME)
    smallest = lock.areas[-1].slug
    merged = [t.slug for t in lock.topics if t.area == smallest]
    survivor = lock.topics[0]
    assert survivor.area != smallest and merged
    (content_copy / "curation.yaml").write_text(f"topics:\n  {survivor.slug}:\n    merge: [{', '.join(merged)}]\n", encoding="utf-8")
    out = tmp_path / "curated"
    build(content_copy, out)
    page = (out / "areas" / smallest / "index.html").read_text(encoding="utf-8")
    assert re.search(r'http-equiv="refresh" content="0; url=[^"]*topics/"', page)
    moved = {p for t in lock.topics if t.area == smallest for p in t.papers[: t.primary]}
    for r in records(out):
        if r["slug"] in moved:
            assert r["topics"][0] == survivor.slug and r["area"] == survivor.area
    assert smallest not in {p.parent.name for p in (out / "areas").glob("*/index.html") if "refresh" not in p.read_text(encoding="utf-8")}


def test_papers_without_a_topic_are_listed_under_their_area_kept_by_the_lock_and_left_so_by_a_new_day(content_copy, tmp_path):
    """The lock says three papers of the largest topic have no topic of their own (as topics/split.sort_out leaves a
    grab-bag's papers that write no heading): the build lists them on their area's page and in its feed, on no topic
    page, with `topics: []` and their area in data/papers.json and a breadcrumb to the area; a new day placed on the
    topics keeps them so (fails when the lock's area papers are not read, or are taken for new papers)."""
    date_dumps(content_copy, feed_items=1000)  # every paper in every feed
    build(content_copy, tmp_path / "first")
    data = json.loads((content_copy / LOCK_NAME).read_text(encoding="utf-8"))
    topic = data["topics"][0]
    loose = topic["papers"][topic["primary"] - 3 : topic["primary"]]
    topic["papers"] = [p for p in topic["papers"] if p not in loose]
    topic["primary"] -= 3
    area = next(a for a in data["areas"] if a["slug"] == topic["area"])
    area["papers"] = loose
    (content_copy / LOCK_NAME).write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "loose"
    build(content_copy, out, base_url=BASE)
    by_slug = {r["slug"]: r for r in records(out)}
    for slug in loose:
        assert by_slug[slug]["topics"] == [] and by_slug[slug]["area"] == area["slug"], by_slug[slug]
        page = lxml.html.parse(str(out / "papers" / slug / "index.html"))
        crumbs = page.xpath("//nav[@class='breadcrumbs']//a/@href")
        assert any(f"areas/{area['slug']}/" in href for href in crumbs) and not any("/topics/" in href for href in crumbs)
    area_page = lxml.html.parse(str(out / "areas" / area["slug"] / "index.html"))
    listed = area_page.xpath("//h2[@id='without-a-topic']/following-sibling::ol[1]//a[@class='title']/@href")
    assert [href.rstrip("/").rsplit("/", 1)[-1] for href in listed] == loose
    topic_page = (out / "topics" / topic["slug"] / "index.html").read_text(encoding="utf-8")
    assert not any(f"papers/{slug}/" in topic_page for slug in loose)
    feed = feedparser.parse((out / "areas" / area["slug"] / "feed.xml").read_bytes())
    assert all(any(slug in entry.link for entry in feed.entries) for slug in loose)
    shutil.copy(Path(__file__).resolve().parent / "fixtures" / "json" / "2025-08-01.json", content_copy / "dumps")
    report = build(content_copy, tmp_path / "placed")
    assert "placed on the topics" in report.topic_params["method"]
    placed = read_lock(content_copy / LOCK_NAME)
    assert next(a for a in placed.areas if a.slug == area["slug"]).papers == tuple(loose)
    assert not {s for t in placed.topics for s in t.papers} & set(loose)
