"""The parsed-dump cache (ingest/parsed.py): a dump is parsed once per content hash, and the cache is never trusted blindly."""

from __future__ import annotations

import json
import os
import shutil

from site_src.build import build
from site_src.config import SiteConfig
from site_src.ingest import read_corpus

from .conftest import ROOT, SEEDS

FIXTURES = ROOT / "tests" / "fixtures" / "json"


def dumps_folder(tmp_path):
    """The four seed captures and three real API days: both kinds of reader."""
    folder = tmp_path / "dumps"
    shutil.copytree(SEEDS, folder)
    for name in ("2025-01-10.json", "2025-06-03.json", "2025-08-01.json", "empty-day-2025-01-11.json"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def listed(corpus):
    """Every title as its dump lists it (a merged paper takes the first listing's title)."""
    return {entry.title for digest in corpus.digests for entry in digest.entries}


def cached(cache):
    return sorted(cache.glob("*.json"))


def test_a_corpus_read_through_the_cache_is_the_corpus_read_without_it(tmp_path):
    folder, cache = dumps_folder(tmp_path), tmp_path / "cache"
    plain, plain_warnings = read_corpus(folder, SiteConfig())

    first, first_warnings = read_corpus(folder, SiteConfig(), cache)  # every dump a miss: parsed and kept
    second, second_warnings = read_corpus(folder, SiteConfig(), cache)  # every dump a hit

    assert len(cached(cache)) == len(list(folder.iterdir()))
    assert first == second == plain
    assert first_warnings == second_warnings == plain_warnings  # the empty day's warning names its file both times


def test_unchanged_bytes_are_answered_from_the_cache_and_changed_bytes_are_parsed_again(tmp_path):
    folder, cache = dumps_folder(tmp_path), tmp_path / "cache"
    read_corpus(folder, SiteConfig(), cache)
    day = folder / "2025-06-03.json"
    title = " ".join(json.loads(day.read_text(encoding="utf-8"))[0]["paper"]["title"].split())
    # Mark the kept parse of that day: a hit shows the mark, so the dump was not parsed again.
    for path in cached(cache):
        record = json.loads(path.read_text(encoding="utf-8"))
        titles = [row[record["fields"].index("title")] for row in record["entries"]]
        if title in titles:
            row = record["entries"][titles.index(title)]
            row[record["fields"].index("title")] = "Marked In The Cache"
            path.write_text(json.dumps(record), encoding="utf-8")
            kept = path
    corpus, _ = read_corpus(folder, SiteConfig(), cache)
    assert "Marked In The Cache" in listed(corpus)  # a hit on unchanged bytes

    data = json.loads(day.read_text(encoding="utf-8"))
    data[0]["paper"]["title"] = "A Title The Curator Changed"
    day.write_text(json.dumps(data), encoding="utf-8")
    corpus, _ = read_corpus(folder, SiteConfig(), cache)
    titles = listed(corpus)
    assert "A Title The Curator Changed" in titles and "Marked In The Cache" not in titles  # a miss on changed bytes
    assert not kept.exists()  # the parse of bytes no dump holds any more is pruned
    assert len(cached(cache)) == len(list(folder.iterdir()))


def test_a_malformed_or_linked_cache_file_is_a_miss_not_an_error(tmp_path):
    folder, cache = dumps_folder(tmp_path), tmp_path / "cache"
    plain, _ = read_corpus(folder, SiteConfig())
    read_corpus(folder, SiteConfig(), cache)
    files = [path for path in cached(cache) if json.loads(path.read_text(encoding="utf-8"))["entries"]]
    wrong_type = json.loads(files[0].read_text(encoding="utf-8"))
    wrong_type["entries"][0][wrong_type["fields"].index("title")] = {"not": "a string"}
    files[0].write_text(json.dumps(wrong_type), encoding="utf-8")
    files[4].write_text('{"fields": "not a list"}', encoding="utf-8")
    files[1].write_text("[1, 2", encoding="utf-8")
    planted = tmp_path / "planted.json"
    shutil.copy(files[3], planted)
    record = json.loads(planted.read_text(encoding="utf-8"))
    record["entries"][0][record["fields"].index("title")] = "Planted Through A Link"
    planted.write_text(json.dumps(record), encoding="utf-8")
    files[2].unlink()
    os.symlink(planted, files[2])

    corpus, _ = read_corpus(folder, SiteConfig(), cache)

    assert corpus == plain
    assert "Planted Through A Link" not in listed(corpus)


def test_a_cache_folder_that_is_a_link_is_never_written_through(content_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".digest-cache").mkdir()
    os.symlink(elsewhere, tmp_path / ".digest-cache" / "dumps")

    report = build(content_copy, tmp_path / "build", lock=False)

    assert report.papers == 340
    assert list(elsewhere.iterdir()) == []


def test_a_build_keeps_its_parsed_dumps_beside_the_output(content_copy, tmp_path):
    build(content_copy, tmp_path / "build", lock=False)
    assert len(cached(tmp_path / ".digest-cache" / "dumps")) == 4  # the seed captures, one file each
    build(content_copy, tmp_path / "build", lock=False, cache=False)  # --no-cache: reads none, keeps none new
    assert len(cached(tmp_path / ".digest-cache" / "dumps")) == 4


def test_the_key_follows_the_code_that_parses_and_no_other(tmp_path):
    """An edit to a reader or the text helpers re-parses every dump; one to the topics, an output or the build does
    not (a copy of the package, edited)."""
    from site_src.files.source import PACKAGE
    from site_src.ingest.parsed import code_hash

    package = tmp_path / "site_src"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__", "builtin"))
    before = code_hash(package)

    def edited(name: str) -> bytes:
        path = package / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        try:
            return code_hash.__wrapped__(package)
        finally:
            path.write_bytes(original)

    assert code_hash.__wrapped__(package) == before
    for elsewhere in ("topics/model.py", "outputs/feeds.py", "build.py", "render/__init__.py", "assemble/urls.py"):
        assert edited(elsewhere) == before, elsewhere
    for parsing in ("ingest/api_json.py", "ingest/text.py", "text/clean.py", "records.py", "files/source.py"):
        assert edited(parsing) != before, parsing
