"""Fuzzing every dump reader: any text or bytes give entries or a DigestError, never another exception or a hang.

Example counts are kept modest so the suite stays fast; `HYPOTHESIS_PROFILE=deep` runs ten times more.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_src.config import SiteConfig
from site_src.errors import DigestError
from site_src.ingest import read_corpus, read_entries
from site_src.ingest.dump import Dump
from site_src.ingest.readers import read_json_dump
from site_src.ingest.jsonfeed import VERSIONS
from site_src.ingest.text import CHROME, parse_text_dump
from site_src.text.slugs import SLUG, slugify, unique_slugs
from site_src.files.source import decode

# No deadline: the suite asserts no timings; a hang would stall it, which CI's time limit turns into a failure.
settings.register_profile("suite", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

NAMES = st.sampled_from([Path("dumps/day.txt"), Path("dumps/day.json"), Path("dumps/day")])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
API_KEYS = ["id", "title", "summary", "authors", "upvotes", "githubRepo", "projectPage", "ai_summary",
            "ai_keywords", "publishedAt", "submittedOnDailyAt"]
FEED_KEYS = ["id", "url", "external_url", "title", "content_text", "content_html", "summary",
             "date_published", "authors", "author"]
API = st.lists(
    st.fixed_dictionaries(
        {"paper": st.dictionaries(st.sampled_from(API_KEYS), JSON, max_size=8) | JSON},
        optional={"title": JSON, "summary": JSON, "publishedAt": JSON},
    ),
    min_size=1,
    max_size=5,
)
FEED = st.fixed_dictionaries(
    {"version": st.sampled_from([*VERSIONS, "https://jsonfeed.org/version/2", 1])},
    optional={"items": st.lists(st.dictionaries(st.sampled_from(FEED_KEYS), JSON, max_size=8) | JSON, max_size=5) | JSON},
)
# Lines a capture is made of, so the text reader gets past its first checks and into pairing.
LINES = st.sampled_from([*sorted(CHROME), "Mar 12", "Sept. 3", "", " \t\u00a0", "A Short Title: With Colon",
                         "We propose a method. It works well. Results improve. Code is out.",
                         "x" * 401, "Subscribe" + "Glued Title"]) | st.text(max_size=80)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])


def entries_or_error(path: Path, text: str) -> Dump | None:
    """The reader's result, or None for its documented error; any other exception fails the test."""
    try:
        dump = read_entries(path, text)
    except DigestError as error:
        assert error.path == path and error.message
        assert error.line is None or error.line >= 1
        return None
    for entry in dump.entries:
        assert entry.title and entry.title == entry.title.strip() and entry.line >= 1
    return dump


@given(st.text(), NAMES)
def test_any_text_gives_entries_or_the_documented_error(text, path):
    entries_or_error(path, text)


@given(st.binary(), NAMES)
def test_any_bytes_give_entries_or_an_error_naming_file_and_offset(data, path):
    try:
        text = decode(path, data)
    except DigestError as error:
        assert error.path == path and "byte offset" in error.message
        return
    entries_or_error(path, text)


@given(st.lists(st.tuples(LINES, ENDINGS), max_size=30))
def test_capture_shaped_text_pairs_titles_and_abstracts_or_names_the_line(lines):
    text = "".join(line + ending for line, ending in lines)
    path = Path("dumps/capture.txt")
    try:
        dump = parse_text_dump(path, text)
    except DigestError as error:
        assert error.path == path
        assert error.line is None or 1 <= error.line <= text.count("\n") + text.count("\r") + 1
        return
    assert all(e.title and e.abstract for e in dump.entries)


@given(JSON, NAMES)
def test_any_json_value_gives_entries_or_the_documented_error(value, path):
    entries_or_error(path, json.dumps(value))


@given(API, NAMES)
def test_api_shaped_json_with_any_field_values_gives_entries_or_the_documented_error(value, path):
    text = json.dumps(value, indent=1)
    dump = entries_or_error(path, text)
    if dump is not None:  # links from the data are http(s) or nothing
        assert all((e.github_url or "http").startswith("http") for e in dump.entries)


@given(FEED, NAMES)
def test_feed_shaped_json_with_any_field_values_gives_entries_or_the_documented_error(value, path):
    entries_or_error(path, json.dumps(value, indent=1))


@given(st.text(min_size=1).map(lambda t: "[" + t), NAMES)
def test_text_opening_like_json_gives_entries_or_the_documented_error(text, path):
    entries_or_error(path, text)


FILE_NAMES = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=30
).filter(lambda name: name not in (".", "..") and len(name.encode("utf-8")) < 200)


@settings(max_examples=40)
@given(st.dictionaries(FILE_NAMES, st.binary(max_size=300) | st.text(max_size=300).map(str.encode), min_size=1, max_size=4),
       st.sampled_from([None, 2024]))
def test_a_dumps_folder_of_any_files_gives_a_corpus_or_the_documented_error(files, year):
    with tempfile.TemporaryDirectory() as folder:
        dumps = Path(folder)
        for name, data in files.items():
            (dumps / name).write_bytes(data)
        try:
            corpus, _ = read_corpus(dumps, SiteConfig(year=year))
        except DigestError as error:
            assert error.path is not None
            return
    ids = [d.id for d in corpus.digests]
    slugs = [p.slug for p in corpus.papers]
    assert len(set(ids)) == len(ids) and len(set(slugs)) == len(slugs)
    assert all(SLUG.fullmatch(s) and len(s) <= 80 for s in ids + slugs)


@given(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=700)), max_size=12, unique_by=lambda kt: kt[0]))
def test_unique_slugs_are_unique_short_and_safe_for_any_titles(keyed):
    slugs = unique_slugs(keyed, fallback="paper")
    assert set(slugs) == {key for key, _ in keyed}
    assert len(set(slugs.values())) == len(slugs)
    assert all(SLUG.fullmatch(s) and len(s) <= 80 for s in slugs.values())


@given(st.text())
def test_slugify_of_any_text_is_a_safe_name(text):
    slug = slugify(text)
    assert SLUG.fullmatch(slug) and len(slug) <= 70 and slug.lower() not in ("con", "nul", "aux", "prn")


# --- big files: a clear outcome, and they finish (time and memory are measured, not asserted) ----------------

PAPER = {"paper": {"id": "2401.00001", "title": "A Paper", "summary": "An abstract. " * 40}}


def test_a_50_mb_single_line_capture_is_a_clear_error(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * (10 * 1024 * 1024))  # 50 MB, no line break
    with pytest.raises(DigestError, match="expected a paper title, found a paragraph") as raised:
        read_entries(path, decode(path, path.read_bytes()))
    assert raised.value.path == path and raised.value.line == 1


def test_a_50_mb_single_line_api_response_gives_its_papers(tmp_path):
    """Minified JSON is one line; 50 MB of it is about 60,000 listings of 3 distinct papers."""
    three = [json.dumps({"paper": {**PAPER["paper"], "id": f"2401.0000{n}", "title": f"Paper {n}"}}) for n in (1, 2, 3)]
    items = three * (50 * 1024 * 1024 // sum(map(len, three)) + 1)
    path = tmp_path / "huge.json"
    path.write_text("[" + ",".join(items) + "]", encoding="utf-8")
    dump = read_entries(path, decode(path, path.read_bytes()))
    assert [e.title for e in dump.entries] == ["Paper 1", "Paper 2", "Paper 3"]
    assert all(e.line == 1 for e in dump.entries)


def test_a_200000_line_capture_gives_100000_papers(tmp_path):
    path = tmp_path / "long.txt"
    lines = []
    for number in range(100_000):
        lines += [f"Paper Number {number}", f"Abstract of paper {number}. It has sentences. Several of them. Really."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dump = read_entries(path, decode(path, path.read_bytes()))
    assert len(dump.entries) == 100_000
    assert dump.entries[-1].title == "Paper Number 99999" and dump.entries[-1].line == 199_999


def test_a_200000_line_file_of_junk_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_text("Short line\n" * 200_000, encoding="utf-8")
    with pytest.raises(DigestError, match="title line without an abstract") as raised:
        read_entries(path, decode(path, path.read_bytes()))
    assert raised.value.line == 1


def test_feed_with_megabytes_of_spaces_and_brackets_is_read_in_linear_time():
    """Regexes with `\\s*` around a label or `<[^>]*>` took minutes on such input; now it is one pass."""
    feed = {"version": VERSIONS[1], "items": [
        {"url": "https://huggingface.co/papers/2401.00001", "title": "Spaces", "content_text": " " * 4_000_000 + "End."},
        {"url": "https://huggingface.co/papers/2401.00002", "title": "Brackets", "content_html": "<" * 4_000_000},
    ]}
    dump = read_json_dump(Path("feed.json"), json.dumps(feed))
    assert [e.abstract[:4] for e in dump.entries] == ["End.", "<<<<"]


@given(st.text(st.sampled_from("ab \t\u00a0\u2028\u3000\x1c")), st.integers(1, 8))
def test_long_lines_fold_in_chunks_exactly_like_short_ones(line, chunk):
    from site_src.ingest.dump import unwrap

    assert unwrap(line, chunk) == " ".join(line.split())
