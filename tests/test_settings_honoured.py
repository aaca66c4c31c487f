"""Every setting of site.yaml changes the built site: each test sets one key away from its default, builds the
seed dumps, and checks what that key is for. A setting that loading or the pipeline ignores fails here.

Observed through `build` and its output only (not config internals), so the tests hold whatever shape the
settings' declaration takes. The default build is the session's seed_build (the shipped site.yaml, no base URL).
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
import yaml

from site_src.build import build

BASE = "https://example.org/digest/"
UNDATED = "001_e016dad873a756eb.txt"  # the capture with no date header
MARCH_12 = "002_d0a1b90939778342.txt"  # its header says "Mar 12", no year


def built_with(content: Path, out: Path, **settings):
    """Build `content` after merging `settings` into its site.yaml (a `topics` or `dumps` dict merges into it)."""
    path = content / "site.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in settings.items():
        if key in ("topics", "dumps"):
            for name, inner in value.items():
                if key == "dumps":
                    data[key][name] = {**data[key].get(name, {}), **inner}
                else:
                    data[key][name] = inner
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = build(content, out, lock=False, cache=False)
    return report, out


def papers(out: Path) -> list[dict]:
    return json.loads((out / "data" / "papers.json").read_text(encoding="utf-8"))


def partition(out: Path) -> set[frozenset[str]]:
    """The grouping as the site shows it: the sets of papers that share an own (first) topic."""
    groups: dict[str, set[str]] = {}
    for paper in papers(out):
        groups.setdefault(paper["topics"][0], set()).add(paper["slug"])
    return {frozenset(group) for group in groups.values()}


def second_topics(out: Path) -> int:
    return sum(len(paper["topics"]) == 2 for paper in papers(out))


def topic_pages(out: Path) -> int:
    return sum(1 for _ in (out / "topics").glob("*/index.html"))


def html(out: Path, page: str = "index.html") -> str:
    return (out / page).read_text(encoding="utf-8")


# --- topics: -----------------------------------------------------------------------------------------------


def test_topics_seed_changes_the_grouping_and_is_reported(content_copy, tmp_path, seed_build):
    report, out = built_with(content_copy, tmp_path / "out", topics={"seed": 7})
    assert report.topic_params["seed"] == 7
    assert partition(out) != partition(seed_build)  # spectral embedding and k-means start from the seed
    again, out2 = built_with(content_copy, tmp_path / "again", topics={"seed": 7})
    assert partition(out2) == partition(out)  # and the same seed gives the same topics


def test_topics_second_topic_zero_gives_no_paper_two_topics(content_copy, tmp_path, seed_build):
    assert second_topics(seed_build) > 10  # the default, 0.6, gives some papers a second topic
    report, out = built_with(content_copy, tmp_path / "out", topics={"second_topic": 0})
    assert second_topics(out) == 0 and report.topic_params["second_topic"] == 0
    assert partition(out) == partition(seed_build)  # only the second topics change


def test_topics_second_topic_lower_gives_more_papers_two_topics(content_copy, tmp_path, seed_build):
    _, low = built_with(content_copy, tmp_path / "low", topics={"second_topic": 0.3})
    _, high = built_with(content_copy, tmp_path / "high", topics={"second_topic": 1.0})
    assert second_topics(low) > second_topics(seed_build) > second_topics(high)


def test_topics_count_sets_the_number_of_topics(content_copy, tmp_path, seed_build):
    # auto: 1.4 x sqrt(340 papers) = 26 asked for; up to a quarter dissolve as grab-bags (docs/topics.md)
    assert 20 <= topic_pages(seed_build) <= 26
    report, out = built_with(content_copy, tmp_path / "out", topics={"count": 12})
    assert report.topics == 12 and topic_pages(out) == 12
    assert len({paper["topics"][0] for paper in papers(out)}) == 12


def test_topics_max_count_bounds_the_automatic_count(content_copy, tmp_path):
    report, out = built_with(content_copy, tmp_path / "out", topics={"max_count": 8})
    assert 6 <= report.topics <= 8 and topic_pages(out) == report.topics  # 8 asked for, grab-bags dissolved


def test_topics_related_sets_how_many_related_papers_each_paper_lists(content_copy, tmp_path, seed_build):
    assert max(len(paper["related"]) for paper in papers(seed_build)) == 5
    _, out = built_with(content_copy, tmp_path / "out", topics={"related": 2})
    counts = [len(paper["related"]) for paper in papers(out)]
    assert max(counts) == 2 and counts.count(2) > len(counts) / 2  # fewer only below the similarity floor
    page = html(out, f"papers/{papers(out)[0]['slug']}/index.html")
    for slug in papers(out)[0]["related"]:
        assert f"papers/{slug}/" in page


@pytest.mark.parametrize("setting", [{"min_df": 6}, {"max_df": 0.05}, {"title_weight": 6}], ids=lambda s: next(iter(s)))
def test_topics_word_settings_change_the_words_and_the_grouping(setting, content_copy, tmp_path, seed_build):
    """min_df and max_df cut the vocabulary from below and above; title_weight repeats each title in its document."""
    default, _ = built_with(content_copy, tmp_path / "default")
    report, out = built_with(content_copy, tmp_path / "out", topics=setting)
    (name, value), = setting.items()
    assert report.topic_params[name] == value
    if name != "title_weight":
        assert report.topic_params["vocabulary"] < default.topic_params["vocabulary"]
    assert partition(out) != partition(seed_build)


# --- the top level -----------------------------------------------------------------------------------------


def test_title_description_and_language_are_on_every_page(content_copy, tmp_path):
    _, out = built_with(content_copy, tmp_path / "out", title="Lab Reading Group", description="What we read this week.", language="de")
    for page in ("index.html", "topics/index.html", f"papers/{papers(out)[0]['slug']}/index.html"):
        text = html(out, page)
        assert '<html lang="de">' in text and "Lab Reading Group" in text and "Paper Digest" not in text, page
    assert '<meta name="description" content="What we read this week.">' in html(out)


def test_base_url_in_site_yaml_gives_absolute_links_a_sitemap_and_feeds(content_copy, tmp_path, seed_build):
    assert not (seed_build / "sitemap.xml").exists() and not (seed_build / "feed.xml").exists()
    _, out = built_with(content_copy, tmp_path / "out", base_url="https://example.org/lab/")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>https://example.org/lab/papers/{papers(out)[0]['slug']}/</loc>" in sitemap
    assert '<link rel="canonical" href="https://example.org/lab/">' in html(out)
    assert feedparser.parse((out / "feed.xml").read_bytes()).feed.link == "https://example.org/lab/"


def test_feed_items_bounds_every_feed(content_copy, tmp_path):
    _, full = built_with(content_copy, tmp_path / "full", base_url=BASE)  # in site.yaml
    assert len(feedparser.parse((full / "feed.xml").read_bytes()).entries) == 50  # the default
    _, out = built_with(content_copy, tmp_path / "out", base_url=BASE, feed_items=3)
    feeds = sorted(out.rglob("feed.xml"))
    assert len(feeds) > 20  # the site's and each topic's
    for feed in feeds:
        assert len(feedparser.parse(feed.read_bytes()).entries) <= 3, feed
    assert len(feedparser.parse((out / "feed.xml").read_bytes()).entries) == 3


def test_year_dates_captures_whose_header_has_no_year(content_copy, tmp_path, seed_build):
    assert "12 March" not in html(seed_build) and "last file first (no digest has a known date)" in html(seed_build)
    _, out = built_with(content_copy, tmp_path / "out", year=2023)
    assert "year not known" not in html(out)
    assert "Listing of Mar 12 (12 March 2023)" in html(out)
    assert '<time datetime="2023-03-12">12 March 2023' in html(out, "digests/index.html")


def test_dumps_title_and_date_apply_to_their_dump(content_copy, tmp_path, seed_build):
    assert "Undated listing (undated)" in html(seed_build)
    _, out = built_with(content_copy, tmp_path / "out", dumps={UNDATED: {"title": "Autumn reading", "date": "2023-11-02"}})
    page = html(out, "digests/001-e016dad873a756eb/index.html")
    assert "<title>Autumn reading · Paper Digest</title>" in page
    assert "Undated listing" not in html(out) and "Autumn reading (2 November 2023)" in html(out)
