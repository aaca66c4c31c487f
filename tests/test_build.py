"""End to end: the real seed site, its pages and links, determinism, escaping and the CLI."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from site_src.build import build

from .conftest import ROOT


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def internal_refs(page: Path) -> list[str]:
    parser = _Refs()
    parser.feed(page.read_text(encoding="utf-8"))
    return [r for r in parser.refs if not urlsplit(r).scheme and not r.startswith(("#", "//"))]


def tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_seed_site_has_every_page(seed_build):
    assert (seed_build / "index.html").is_file()
    assert len(list((seed_build / "papers").glob("*/index.html"))) == 340
    topics = list((seed_build / "topics").glob("*/index.html"))
    assert 8 <= len(topics) <= 40
    assert len(list((seed_build / "digests").glob("*/index.html"))) == 4
    assert (seed_build / "about" / "index.html").is_file()
    assert (seed_build / "assets" / "style.css").is_file()


def test_papers_json_lists_every_paper_with_its_links(seed_build):
    records = json.loads((seed_build / "data" / "papers.json").read_text(encoding="utf-8"))
    assert len(records) == 340
    slugs = {r["slug"] for r in records}
    for record in records:
        assert set(record) >= {"slug", "title", "abstract", "url", "topics", "related", "digests"}
        assert (seed_build / record["url"] / "index.html").is_file()
        assert set(record["related"]) <= slugs and record["slug"] not in record["related"]
        for topic in record["topics"]:
            assert (seed_build / "topics" / topic / "index.html").is_file()
        for digest in record["digests"]:
            assert (seed_build / "digests" / digest / "index.html").is_file()


def test_every_internal_link_and_asset_resolves(seed_build):
    broken = []
    for page in seed_build.rglob("*.html"):
        if page.name == "404.html":
            continue  # served at any missing URL, it links root-absolute: test_publish checks it over HTTP
        for ref in internal_refs(page):
            target = (page.parent / unquote(urlsplit(ref).path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or seed_build.resolve() not in target.parents:
                broken.append(f"{page.relative_to(seed_build)} -> {ref}")
    assert broken == []


def test_paper_page_shows_abstract_topics_related_and_digests(seed_build):
    records = json.loads((seed_build / "data" / "papers.json").read_text(encoding="utf-8"))
    lora = next(r for r in records if r["title"] == "LoRA: Low-Rank Adaptation of Large Language Models")
    html = (seed_build / lora["url"] / "index.html").read_text(encoding="utf-8")
    assert "<h1>LoRA: Low-Rank Adaptation of Large Language Models</h1>" in html
    assert 'href="https://github.com/microsoft/LoRA"' in html  # a URL in the abstract became a link
    assert f'href="../../topics/{lora["topics"][0]}/"' in html
    for related in lora["related"]:
        assert f'href="../../papers/{related}/"' in html
    assert "Related papers" in html and "Appeared in" in html


def test_two_builds_of_the_same_content_are_byte_identical(seed_build, tmp_path):
    again = tmp_path / "again"
    build(ROOT / "content", again, lock=False)
    assert tree_digest(again) == tree_digest(seed_build)


def test_a_build_leaves_nothing_frozen_for_the_garbage_collector(tmp_path):
    """The build freezes its site for the collector while its outputs allocate; `digest serve` lives on after it,
    so every build, failed or not, must hand those objects back (else each rebuild's site would stay for ever)."""
    import gc

    build(ROOT / "content", tmp_path / "build", lock=False)
    assert gc.get_freeze_count() == 0
    with pytest.raises(Exception):
        build(ROOT / "content", tmp_path / "build", lock=False, cache=False, strict=True, size_limit=1)
    assert gc.get_freeze_count() == 0


SCRIPT_TITLE = '<script>alert("x")</script> Attention & "Quotes"'


def test_script_in_a_title_is_escaped_on_every_page_kind(content_copy, tmp_path):
    dump = content_copy / "dumps" / "hostile.txt"
    abstract = "We study <script>alert(1)</script> in abstracts. It must stay text. See https://example.org/a?b=1&c=2 now."
    dump.write_text(f"{SCRIPT_TITLE}\n\n{abstract}\n", encoding="utf-8")
    out = tmp_path / "build"
    build(content_copy, out)
    pages = [p for p in out.rglob("*.html")]
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
    records = json.loads((out / "data" / "papers.json").read_text(encoding="utf-8"))
    hostile = next(r for r in records if r["title"] == SCRIPT_TITLE)
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Attention &amp; &#34;Quotes&#34;"
    kinds = {
        "paper": out / hostile["url"] / "index.html",
        "topic": out / "topics" / hostile["topics"][0] / "index.html",
        "digest": out / "digests" / "hostile" / "index.html",
        "home": out / "index.html",
    }
    for kind, page in kinds.items():
        assert escaped in page.read_text(encoding="utf-8"), kind
    paper_html = kinds["paper"].read_text(encoding="utf-8")
    assert 'href="https://example.org/a?b=1&amp;c=2"' in paper_html


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "site_src", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_reports_bad_dump_with_file_and_line_and_exit_1(content_copy, tmp_path):
    broken = content_copy / "dumps" / "broken.txt"
    broken.write_text("A Title Without Its Abstract\n")
    result = run_cli("build", "--content", str(content_copy), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {broken}:1: title line without an abstract (the file ends after 'A Title Without Its Abstract')"
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_cli_build_prints_summary_and_parameters(content_copy, tmp_path):
    fresh = run_cli("build", "--no-lock", "--content", str(content_copy), "--out", str(tmp_path / "a"))
    assert fresh.returncode == 0, fresh.stderr
    assert re.search(r"340 papers \(374 entries in 4 digests\), \d+ topics in \d+ areas, \d+ pages", fresh.stdout)
    assert "method=spectral clustering" in fresh.stdout and "seed=0" in fresh.stdout and "min_df=2" in fresh.stdout
    locked = run_cli("build", "--content", str(content_copy), "--out", str(tmp_path / "b"))
    assert locked.returncode == 0, locked.stderr
    assert "method=reused from topics.lock.json" in locked.stdout and "min_df=2" in locked.stdout


def test_strict_turns_warnings_into_errors(content_copy, tmp_path):
    site_yaml = content_copy / "site.yaml"
    site_yaml.write_text(site_yaml.read_text() + "\n", encoding="utf-8")
    text = site_yaml.read_text().replace("dumps:\n", "dumps:\n  missing.txt:\n    title: Gone\n")
    site_yaml.write_text(text)
    relaxed = run_cli("build", "--content", str(content_copy), "--out", str(tmp_path / "a"))
    assert relaxed.returncode == 0
    assert "warning:" in relaxed.stderr and "missing.txt" in relaxed.stderr
    strict = run_cli("build", "--strict", "--content", str(content_copy), "--out", str(tmp_path / "b"))
    assert strict.returncode == 1 and "missing.txt" in strict.stderr
    assert not (tmp_path / "b").exists()


def test_strict_lists_every_warning_then_fails_with_their_count(content_copy, tmp_path):
    site_yaml = content_copy / "site.yaml"
    text = site_yaml.read_text().replace("dumps:\n", "dumps:\n  gone-1.txt:\n    title: Gone\n  gone-2.txt:\n    title: Gone too\n")
    site_yaml.write_text(text)
    strict = run_cli("build", "--strict", "--content", str(content_copy), "--out", str(tmp_path / "b"))
    assert strict.returncode == 1
    warnings = [line for line in strict.stderr.splitlines() if line.startswith("warning:")]
    assert any("gone-1.txt" in w for w in warnings) and any("gone-2.txt" in w for w in warnings)
    assert any("base_url" in w for w in warnings)  # the seed site.yaml has none: feeds are skipped
    assert f"aborted with {len(warnings)} warnings in strict mode" in strict.stderr
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("command", [[], ["build"], ["clean"]])
def test_help_documents_every_option(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    if command == ["build"]:
        for option in ("--content", "--out", "--base-url", "--strict"):
            assert option in result.stdout
