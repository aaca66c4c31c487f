"""JSON dumps: the daily-papers API reader, the JSON Feed reader, choosing by content, merging, bad files.

Core tests run on real excerpts in tests/fixtures/json/ (see excerpt.py there); the corpus tests run on the
whole real days and snapshots committed in tests/fixtures/api/ and tests/fixtures/jsonfeed/, and on every file
of ../shared/corpora as well where it is present (its counts are then checked too).
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_src.build import build
from site_src.config import SiteConfig, load_config
from site_src.errors import DigestError
from site_src.ingest import merge_papers, paper_key, read_corpus, read_digests, read_entries
from site_src.ingest.jsonfeed import SENTINEL
from site_src.records import Digest
from site_src.text.links import safe_url
from site_src.files.source import read_text

from .conftest import FEED_SNAPSHOTS, SHARED_API, SHARED_FEEDS, api_days, shared_or_none

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "json"
SEEDS = Path(__file__).resolve().parent.parent / "content" / "dumps"
AI_LABEL = "AI-generated summary"


def read(path: Path):
    return read_entries(path, read_text(path))


def raw_papers(path: Path) -> list[dict]:
    return [element["paper"] for element in json.loads(path.read_text("utf-8"))]


def dumps_with(tmp_path: Path, *names: str, rename: dict[str, str] | None = None) -> Path:
    folder = tmp_path / "dumps"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / name, folder / (rename or {}).get(name, name))
    return folder


# --- the API reader -------------------------------------------------------------------------------


def test_api_response_gives_each_paper_with_id_authors_upvotes_and_links():
    path = FIXTURES / "2025-08-01.json"
    raw = {p["id"]: p for p in raw_papers(path)}
    dump = read(path)
    assert [e.arxiv_id for e in dump.entries] == list(raw)
    for entry in dump.entries:
        paper = raw[entry.arxiv_id]
        assert entry.authors == tuple(a["name"] for a in paper["authors"])
        assert entry.upvotes == paper["upvotes"]
        assert entry.github_url == paper.get("githubRepo")
        assert entry.project_url == paper.get("projectPage")
        assert entry.ai_summary == paper["ai_summary"]
        assert entry.ai_keywords == tuple(paper["ai_keywords"])
        assert entry.published == dt.date.fromisoformat(paper["publishedAt"][:10])
    phi = next(e for e in dump.entries if e.arxiv_id == "2507.23779")
    assert phi.github_url.startswith("https://github.com/") and phi.project_url.startswith("https://")


def test_api_titles_and_abstracts_lose_arxiv_hard_wraps():
    path = FIXTURES / "2025-08-01.json"
    raw = {p["id"]: p for p in raw_papers(path)}
    assert any("\n" in p["summary"] for p in raw.values()) and any("\n" in p["title"] for p in raw.values())
    for entry in read(path).entries:
        assert "\n" not in entry.title and "\n" not in entry.abstract and "  " not in entry.abstract
        assert entry.title == " ".join(raw[entry.arxiv_id]["title"].split())
        assert entry.abstract.split() == raw[entry.arxiv_id]["summary"].split()


def test_paper_listed_twice_in_one_response_is_one_entry():
    path = FIXTURES / "2025-06-03.json"
    assert [p["id"] for p in raw_papers(path)] == ["2506.01920", "2506.01920"]
    assert [e.arxiv_id for e in read(path).entries] == ["2506.01920"]


def test_api_digest_date_comes_from_file_name_else_submitted_on_daily_at(tmp_path):
    folder = dumps_with(tmp_path, "2025-08-01.json", "2025-01-10.json", rename={"2025-08-01.json": "listing.json"})
    top_level_days = {e["publishedAt"][:10] for e in json.loads((FIXTURES / "2025-08-01.json").read_text("utf-8"))}
    assert "2025-08-01" not in top_level_days  # so the date below cannot have come from the top-level publishedAt
    digests, _ = read_digests(folder, SiteConfig())
    dates = {d.source.name: d.date for d in digests}
    assert dates == {"listing.json": dt.date(2025, 8, 1), "2025-01-10.json": dt.date(2025, 1, 10)}


def test_api_file_without_any_date_is_undated_and_site_yaml_date_wins(tmp_path):
    folder = dumps_with(tmp_path, "2025-01-10.json", rename={"2025-01-10.json": "early.json"})
    digests, _ = read_digests(folder, SiteConfig())
    assert digests[0].date is None  # no date in the name, and this early schema has no submittedOnDailyAt
    (tmp_path / "site.yaml").write_text("dumps:\n  early.json:\n    date: 2025-01-09\n", "utf-8")
    digests, _ = read_digests(folder, load_config(tmp_path / "site.yaml"))
    assert digests[0].date == dt.date(2025, 1, 9)


# --- the JSON Feed reader -------------------------------------------------------------------------


def test_feed_keeps_ai_summary_apart_from_the_abstract():
    feed = read(FIXTURES / "feed-2025-08-01.json")
    api = {e.arxiv_id: e for e in read(FIXTURES / "2025-08-01.json").entries}
    items = json.loads((FIXTURES / "feed-2025-08-01.json").read_text("utf-8"))["items"]
    assert all(AI_LABEL in item["content_text"] for item in items)
    assert [e.arxiv_id for e in feed.entries] == [re.search(r"\d{4}\.\d{5}", i["url"]).group(0) for i in items]
    for entry in feed.entries:
        assert entry.ai_summary and entry.abstract
        assert AI_LABEL not in entry.abstract and entry.ai_summary not in entry.abstract
        if entry.arxiv_id in api:  # the same paper from the API: the split matches the API's two fields
            assert entry.abstract == api[entry.arxiv_id].abstract
            assert entry.ai_summary == api[entry.arxiv_id].ai_summary
    assert feed.date == dt.date(2025, 8, 1)  # the newest item's date_published


def test_feed_from_before_ai_summaries_is_all_abstract():
    items = json.loads((FIXTURES / "feed-2025-03-01.json").read_text("utf-8"))["items"]
    entries = read(FIXTURES / "feed-2025-03-01.json").entries
    assert [e.abstract for e in entries] == [" ".join(i["content_text"].split()) for i in items]
    assert all(e.ai_summary == "" and "\n" not in e.title for e in entries)


def test_feed_item_with_empty_content_is_a_paper_without_abstract_and_a_warning(tmp_path):
    folder = dumps_with(tmp_path, "feed-2025-06-02.json")
    corpus, warnings = read_corpus(folder, SiteConfig())
    empty = [p for p in corpus.papers if not p.abstract]
    assert [p.arxiv_id for p in empty] == ["2505.23832"]
    assert any("without an abstract" in str(w) and "feed-2025-06-02.json" in str(w) for w in warnings)


def test_json_feed_1_1_authors_are_read(tmp_path):
    data = json.loads((FIXTURES / "feed-2025-03-01.json").read_text("utf-8"))
    data["version"] = "https://jsonfeed.org/version/1.1"
    data["items"][0]["authors"] = [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(data, indent=2), "utf-8")
    entries = read(path).entries
    assert entries[0].authors == ("Ada Lovelace", "Alan Turing") and entries[1].authors == ()
    assert entries[1].line > entries[0].line > 1  # each item's line in the pretty-printed file


def test_unknown_json_feed_version_is_an_error(tmp_path):
    data = json.loads((FIXTURES / "feed-2025-03-01.json").read_text("utf-8"))
    data["version"] = "https://jsonfeed.org/version/2"
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(DigestError, match="version"):
        read(path)


# --- bad files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, says",
    [
        ("error-body.json", "API error body.*can't find the page"),
        ("bare-number.json", r"only a number \(1\)"),
        ("pyrepr-2024-12-17.json", "Python-repr dump"),
        ("feed-sentinel.json", re.escape(SENTINEL)),
    ],
)
def test_bad_json_files_get_an_error_naming_the_file(name, says):
    path = FIXTURES / name
    with pytest.raises(DigestError) as caught:
        read(path)
    assert caught.value.path == path and str(caught.value).startswith(f"{path}:")
    assert re.search(says, caught.value.message)


def test_invalid_json_error_gives_line_and_column(tmp_path):
    text = json.dumps(json.loads((FIXTURES / "feed-2025-03-01.json").read_text("utf-8")), indent=2)
    broken = text.replace('"url":', '"url"', 1)
    line = broken[: broken.index('"url"')].count("\n") + 1
    path = tmp_path / "feed.json"
    path.write_text(broken, "utf-8")
    with pytest.raises(DigestError) as caught:
        read(path)
    assert caught.value.line == line and re.search(rf"invalid JSON at line {line}, column \d+", caught.value.message)


def test_whole_file_python_repr_is_named_as_one(tmp_path):
    strings = json.loads((FIXTURES / "pyrepr-2024-12-17.json").read_text("utf-8"))
    path = tmp_path / "day.json"
    path.write_text(repr([ast.literal_eval(s) for s in strings]), "utf-8")
    with pytest.raises(DigestError, match="Python-repr dump"):
        read(path)


def test_empty_day_is_a_warning_and_no_digest(tmp_path):
    folder = dumps_with(tmp_path, "empty-day-2025-01-11.json", "2025-01-10.json")
    digests, warnings = read_digests(folder, SiteConfig())
    assert [d.source.name for d in digests] == ["2025-01-10.json"]
    assert [w.path.name for w in warnings] == ["empty-day-2025-01-11.json"] and "empty day" in warnings[0].message


# --- choosing the reader by content ---------------------------------------------------------------


def test_reader_is_chosen_by_content_not_extension(tmp_path):
    api_as_txt = tmp_path / "saved.txt"
    shutil.copy(FIXTURES / "2025-08-01.json", api_as_txt)
    capture_as_json = tmp_path / "capture.json"
    shutil.copy(FIXTURES / "capture-aug-1.txt", capture_as_json)
    assert [e.arxiv_id for e in read(api_as_txt).entries] == [p["id"] for p in raw_papers(FIXTURES / "2025-08-01.json")]
    capture = read(capture_as_json)
    assert capture.heading == "Aug 1" and [e.arxiv_id for e in capture.entries] == [None, None]


def test_capture_whose_first_title_starts_with_a_bracket_is_still_a_capture(tmp_path):
    capture = (FIXTURES / "capture-aug-1.txt").read_text("utf-8")
    body = capture[capture.index("Phi-Ground") :]  # no page chrome: the file starts with a title
    path = tmp_path / "capture.txt"
    path.write_text("[Tech report] " + body, "utf-8")
    assert read(path).entries[0].title.startswith("[Tech report] Phi-Ground")
    path = tmp_path / "capture.json"
    path.write_text("[Tech report] " + body, "utf-8")
    with pytest.raises(DigestError, match="invalid JSON at line 1, column 2"):
        read(path)


# --- merging --------------------------------------------------------------------------------------


def test_same_paper_from_capture_api_and_feed_becomes_one_paper(tmp_path):
    folder = dumps_with(tmp_path, "capture-aug-1.txt", "2025-08-01.json", "feed-2025-08-01.json")
    corpus, _ = read_corpus(folder, SiteConfig())
    by_id = {p.arxiv_id: p for p in corpus.papers}
    phi = by_id["2507.23779"]  # in all three dumps
    assert len(phi.digests) == 3 and phi.upvotes and phi.authors and phi.github_url and phi.ai_summary
    seed_prover = by_id["2507.23726"]  # in the capture (no id) and the feed (no authors)
    assert len(seed_prover.digests) == 2 and seed_prover.ai_summary
    titles = [paper_key(p.title) for p in corpus.papers]
    assert len(titles) == len(set(titles)) == len(corpus.papers)
    for digest in corpus.digests:
        assert len(corpus.listings[digest.id]) == len(digest.entries)


def test_merge_keeps_the_richest_fields(tmp_path):
    folder = dumps_with(tmp_path, "2025-08-01.json")
    (digest,), _ = read_digests(folder, SiteConfig())
    entry = digest.entries[0]
    poorer = dataclasses.replace(entry, abstract=entry.abstract[:40], authors=entry.authors[:1], upvotes=entry.upvotes + 5)
    later = Digest("later", digest.source, "later", None, None, (poorer,))
    (paper,) = [p for p in merge_papers([digest, later]) if p.arxiv_id == entry.arxiv_id]
    assert paper.abstract == entry.abstract and paper.authors == entry.authors
    assert paper.upvotes == entry.upvotes + 5 and paper.digests == (digest.id, "later")


# --- paper pages and data/papers.json -------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))


def test_paper_page_and_papers_json_show_authors_upvotes_and_links(content_copy, tmp_path):
    shutil.copy(FIXTURES / "feed-2025-08-01.json", content_copy / "dumps")
    # Links the data must not turn into links: one paper of the day gets hostile code and project URLs.
    day = json.loads((FIXTURES / "2025-08-01.json").read_text("utf-8"))
    hostile = next(e for e in day if e["paper"]["id"] == "2507.22968")
    hostile["paper"].update(githubRepo="javascript:alert(1)", projectPage="data:text/html,<b>x</b>")
    (content_copy / "dumps" / "2025-08-01.json").write_text(json.dumps(day), "utf-8")
    out = tmp_path / "build"
    build(content_copy, out)
    records = {r["arxiv_id"]: r for r in json.loads((out / "data" / "papers.json").read_text("utf-8")) if r["arxiv_id"]}
    phi = records["2507.23779"]
    raw = next(p for p in raw_papers(FIXTURES / "2025-08-01.json") if p["id"] == "2507.23779")
    assert phi["authors"] == [a["name"] for a in raw["authors"]] and phi["upvotes"] == raw["upvotes"]
    assert phi["links"] == {
        "arxiv": "https://arxiv.org/abs/2507.23779",
        "hf": "https://huggingface.co/papers/2507.23779",
        "pdf": "https://arxiv.org/pdf/2507.23779",
        "code": raw["githubRepo"],
        "project": raw["projectPage"],
    }
    assert phi["ai_summary"] == raw["ai_summary"] and phi["ai_keywords"] == raw["ai_keywords"]
    page = (out / phi["url"] / "index.html").read_text("utf-8")
    links = _Links()
    links.feed(page)
    assert set(phi["links"].values()) <= set(links.hrefs)
    assert html.escape(raw["authors"][0]["name"]) in page and f"{raw['upvotes']} upvotes" in page
    assert sorted(records["2507.22968"]["links"]) == ["arxiv", "hf", "pdf"]
    hrefs = [h for p in (out / "papers").glob("*/index.html") for h in _hrefs(p)]
    assert hrefs and not any(h.startswith(("javascript", "data")) for h in hrefs)


def _hrefs(page: Path) -> list[str]:
    links = _Links()
    links.feed(page.read_text("utf-8"))
    return links.hrefs


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://github.com/ByteDance-Seed/Seed-Prover", True),
        ("http://example.org/project?a=1&b=2", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("/relative/path", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("https://example.org/\nx", False),
        ("", False),
        (None, False),
    ],
)
def test_only_absolute_http_urls_become_links(url, safe):
    assert safe_url(url) == (url if safe else None)


# --- every file of the real corpora ---------------------------------------------------------------


def _feed_ids(path: Path) -> set[str]:
    items = json.loads(path.read_text("utf-8"))["items"]
    return {m.group(0) for item in items if (m := re.search(r"\d{4}\.\d{4,5}", item.get("url") or ""))}


def corpus(committed: list[Path], in_shared: str) -> list[Path]:
    """The committed files, and where ../shared is present every file of its corpus that `in_shared` matches."""
    shared = shared_or_none()
    return committed + (sorted(shared.glob(in_shared)) if shared else [])


def test_every_api_response_yields_its_distinct_papers():
    files = corpus(api_days(), f"{SHARED_API}/*.json")
    seen = set()
    for path in files:
        expected = {p["id"] for p in raw_papers(path)}
        entries = read(path).entries
        assert [e.arxiv_id for e in entries] == list(dict.fromkeys(p["id"] for p in raw_papers(path))), path
        assert all(e.title and e.abstract and "\n" not in e.title + e.abstract for e in entries), path
        seen |= expected
    if shared_or_none():
        assert len(files) >= 12 + 198 and len(seen) == 3956
    else:  # 12 whole days: 327 entries, 326 papers (2025-06-03 lists 2506.01920 twice)
        assert len(files) >= 12 and len(seen) >= 326


def test_every_python_repr_original_gets_the_documented_error():
    files = corpus([FIXTURES / "pyrepr-2024-12-17.json", FIXTURES / "bare-number.json"],
                   "corpora/hf-api-daily-papers-jeongiin/original-pyrepr/*.json")
    assert len(files) == 2 + 49 * bool(shared_or_none())
    for path in files:
        bare = path.read_text("utf-8").strip() == "1"
        with pytest.raises(DigestError, match=r"only a number \(1\)" if bare else "Python-repr dump") as caught:
            read(path)
        assert caught.value.path == path


def test_every_feed_snapshot_yields_its_papers_or_the_sentinel_error():
    files = corpus(sorted(FEED_SNAPSHOTS.glob("*/hf_papers.json")), f"{SHARED_FEEDS}/*/hf_papers.json")
    seen, sentinels = set(), []
    for path in files:
        titles = {item["title"] for item in json.loads(path.read_text("utf-8"))["items"]}
        if titles == {SENTINEL}:
            with pytest.raises(DigestError, match="failure item"):
                read(path)
            sentinels.append(path.parent.name)
            continue
        entries = read(path).entries
        assert {e.arxiv_id for e in entries} == _feed_ids(path) and len(entries) == len(_feed_ids(path)), path
        assert not any(AI_LABEL in e.abstract or AI_LABEL in e.ai_summary for e in entries), path
        seen |= _feed_ids(path)
    if shared_or_none():
        assert len(files) == 3 + 329 and sentinels == ["2025-04-03"] * 2 and len(seen) == 5711
    else:  # 2025-02-07 (plain abstracts), 2025-06-09 (AI summary and page chrome before the abstract), the sentinel
        assert sentinels == ["2025-04-03"] and len(seen) == 21 + 18


def test_saved_api_error_body_is_rejected():
    """tests/fixtures/json/error-body.json is ../shared/corpora/edge-cases-deep-diver/papers.json, byte for byte."""
    path = FIXTURES / "error-body.json"
    with pytest.raises(DigestError, match="API error body") as caught:
        read(path)
    assert caught.value.path == path


def _fold(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


def test_seeds_and_both_corpora_build_into_one_site(content_copy, tmp_path):
    """The seeds, the API days and the feed snapshots (committed; all of ../shared/corpora where present) in one site."""
    shared = shared_or_none()
    dumps = content_copy / "dumps"
    api_files = corpus(api_days(), f"{SHARED_API}/*.json")
    for path in api_files:
        shutil.copy(path, dumps / path.name)
    feed_files = []
    for path in corpus(sorted(FEED_SNAPSHOTS.glob("*/hf_papers.json")), f"{SHARED_FEEDS}/*/hf_papers.json"):
        if path.parent.name != "2025-04-03":  # the sentinel day: an error, by design
            feed_files.append(path)
            shutil.copy(path, dumps / f"feed-{path.parent.name}.json")
    # Fewer topics than `auto` (about 80 at this size) keep the test's topic fit quick; ingest is what is tested here.
    site_yaml = content_copy / "site.yaml"
    site_yaml.write_text(site_yaml.read_text("utf-8").replace("count: auto", "count: 20"), "utf-8")
    out = tmp_path / "build"
    report = build(content_copy, out)

    ids = {p["id"] for path in api_files for p in raw_papers(path)} | set().union(*map(_feed_ids, feed_files))
    records = json.loads((out / "data" / "papers.json").read_text("utf-8"))
    assert {r["arxiv_id"] for r in records if r["arxiv_id"]} == ids
    # Seed captures carry no ids; those whose title some API or feed entry has merge into that paper.
    corpus_titles = {_fold(p["title"]) for path in api_files for p in raw_papers(path)}
    corpus_titles |= {_fold(i["title"]) for path in feed_files for i in json.loads(path.read_text("utf-8"))["items"]}
    seeds, _ = read_digests(SEEDS, load_config(SEEDS.parent / "site.yaml"))
    seed_titles = {_fold(e.title) for d in seeds for e in d.entries}
    merged_seeds = sum(1 for title in seed_titles if title in corpus_titles)
    assert merged_seeds > 0
    assert report.papers == len(records) == len(ids) + len(seed_titles) - merged_seeds
    assert 6500 < len(records) < 7200 if shared else len(records) > 650

    # A paper in the API's answer and the feed of the same day: one record, with what each source knows.
    day, arxiv = ("2025-06-20", "2506.14965") if shared else ("2025-06-09", "2505.21115")
    in_both = [r for r in records if r["arxiv_id"] == arxiv]
    assert len(in_both) == 1
    paper = in_both[0]
    assert paper["authors"] and paper["upvotes"] is not None
    assert day in paper["digests"] and f"feed-{day}" in paper["digests"]
    assert [paper_key(r["title"]) for r in records].count(paper_key(paper["title"])) == 1
    page = (out / paper["url"] / "index.html").read_text("utf-8")
    assert html.escape(paper["authors"][0]) in page and "upvote" in page

    if not shared:
        return
    think = next(r for r in records if "<think>" in r["title"])  # a real title that looks like HTML (2025-04-11)
    page = (out / think["url"] / "index.html").read_text("utf-8")
    assert "&lt;think&gt;" in page and "<think>" not in page
