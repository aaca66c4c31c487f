"""Rendering only what changed: a rebuild keeps the pages whose inputs did not change, and gives the same bytes as a cold build."""

from __future__ import annotations

import shutil
from types import SimpleNamespace
from pathlib import Path

from site_src.build import build

from .conftest import CONTENT, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "json"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _content(tmp_path: Path, dumps: int) -> Path:
    content = tmp_path / f"content{dumps}"
    shutil.copytree(CONTENT, content)
    for extra in sorted((content / "dumps").iterdir())[dumps:]:
        extra.unlink()
    return content


def test_adding_a_dump_renders_few_pages_and_equals_a_cold_build(tmp_path):
    """A day's dump (three papers) added to the four seed dumps: the new pages and what links them are rendered."""
    content = _content(tmp_path, 4)
    out = tmp_path / "site" / "build"
    first = build(content, out)  # the curator's way: topics.lock.json keeps topics (and their pages) stable
    assert first.rendered == first.pages  # nothing to keep yet
    shutil.copy(FIXTURES / "2025-08-01.json", content / "dumps")
    lock_before = (content / "topics.lock.json").read_bytes()
    second = build(content, out)
    assert 0 < second.rendered < second.pages / 3, (second.rendered, second.pages)
    cold_content = tmp_path / "cold" / "content"
    shutil.copytree(content, cold_content)
    (cold_content / "topics.lock.json").write_bytes(lock_before)  # the same inputs the second build read
    cold = tmp_path / "cold" / "build"
    build(cold_content, cold, cache=False)
    assert _tree(out) == _tree(cold)


def test_a_curator_footer_reading_every_paper_rerenders_every_page(tmp_path):
    """The memo follows what templates read: a footer counting papers makes every page depend on the papers."""
    content = _content(tmp_path, 3)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text(
        (Path(__file__).resolve().parent.parent / "templates" / "base.html")
        .read_text(encoding="utf-8")
        .replace("{% block footer %}", "{% block footer %}<p>{{ site.papers | length }} papers</p>"),
        encoding="utf-8",
    )
    out = tmp_path / "build"
    build(content, out, lock=False)
    shutil.copy(sorted((CONTENT / "dumps").iterdir())[3], content / "dumps")
    again = build(content, out, lock=False)
    assert again.rendered == again.pages
    cold = tmp_path / "cold"
    build(content, cold, lock=False, cache=False)
    assert _tree(out) == _tree(cold)


def test_a_page_edited_in_the_output_is_rendered_again(tmp_path):
    content = _content(tmp_path, 3)
    out = tmp_path / "build"
    build(content, out, lock=False)
    paper = next((out / "papers").iterdir()) / "index.html"
    original = paper.read_bytes()
    paper.write_bytes(b"edited by hand")
    (content / "site.yaml").write_text((content / "site.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = build(content, out, lock=False)  # an input changed, so this is no cache hit; the edited page is redone
    assert paper.read_bytes() == original
    assert again.rendered < again.pages / 2


def test_a_changed_template_renders_every_page(tmp_path):
    content = _content(tmp_path, 4)
    out = tmp_path / "build"
    build(content, out, lock=False)
    (tmp_path / "templates").mkdir()
    source = Path(__file__).resolve().parent.parent / "templates" / "paper.html"
    (tmp_path / "templates" / "paper.html").write_text(
        source.read_text(encoding="utf-8").replace("<h1>", "<h1 class=curated>"), encoding="utf-8"
    )
    again = build(content, out, lock=False)
    assert again.rendered == again.pages
    page = next((out / "papers").iterdir()) / "index.html"
    assert b"<h1 class=curated>" in page.read_bytes()


def _reads_of(source: str, site) -> set:
    """The reads a template made of the site-wide object `site` while rendering."""
    import jinja2

    from site_src.render import memo as render_memo

    log = render_memo.Log()
    log.reads = set()
    jinja2.Environment().from_string(source).render(site=render_memo.Watched("site", site, log), slugs=["a"])
    return log.reads


def test_a_page_that_looks_up_papers_by_slug_depends_on_those_papers_only():
    """A digest page lists its papers by slug: a new day's papers (or another paper's edit) leave it kept."""

    from site_src.render import memo as render_memo

    today = SimpleNamespace(papers={"a": ("Paper A", 1), "b": ("Paper B", 2)})
    reads = _reads_of("{% for s in slugs %}{{ site.papers[s][0] }}{% endfor %}", today)
    assert reads == {("site", "papers", None, "a")}
    key = render_memo.read_key(next(iter(reads)))
    before = render_memo.Reads({"site": today}).hash(key)
    new_day = SimpleNamespace(papers={**today.papers, "b": ("Paper B, revised", 2), "c": ("Paper C", 3)})
    assert render_memo.Reads({"site": new_day}).hash(key) == before
    edited = SimpleNamespace(papers={**today.papers, "a": ("Paper A, revised", 1)})
    assert render_memo.Reads({"site": edited}).hash(key) != before
    gone = SimpleNamespace(papers={"b": today.papers["b"]})
    assert render_memo.Reads({"site": gone}).hash(key) is None  # never matches: the page is rendered again


def test_counting_or_looping_over_the_papers_depends_on_all_of_them():
    site = SimpleNamespace(papers={"a": 1, "b": 2})
    for source in ("{{ site.papers | length }}", "{% for s in site.papers %}{{ s }}{% endfor %}", "{{ 'a' in site.papers }}",
                   "{{ site.papers.get('a') }}"):
        assert _reads_of(source, site) == {("site", "papers")}, source


def test_a_page_that_shows_some_attributes_of_a_paper_depends_on_those_attributes_only():
    """A digest page shows its papers' titles and topics, not their related papers: a new day that gives an old paper
    new related papers leaves the digest page kept; an edited title does not."""
    from dataclasses import dataclass, replace

    from site_src.render import memo as render_memo

    @dataclass(frozen=True)
    class View:
        title: str
        related: tuple

    today = SimpleNamespace(papers={"a": View("Paper A", ("b",)), "b": View("Paper B", ())})
    reads = render_memo.grouped(_reads_of("{% for s in slugs %}{{ site.papers[s].title }}{{ site.papers[s].title }}{% endfor %}", today))
    assert reads == {("site", "papers", None, "a", "title")}
    both = render_memo.grouped(_reads_of("{% for s in slugs %}{{ site.papers[s].title }}{{ site.papers[s].related }}{% endfor %}", today))
    assert both == {("site", "papers", None, "a", "related,title")}
    key = render_memo.read_key(next(iter(reads)))
    before = render_memo.Reads({"site": today}).hash(key)
    new_day = SimpleNamespace(papers={**today.papers, "a": replace(today.papers["a"], related=("b", "c"))})
    assert render_memo.Reads({"site": new_day}).hash(key) == before
    edited = SimpleNamespace(papers={**today.papers, "a": replace(today.papers["a"], title="Paper A, revised")})
    assert render_memo.Reads({"site": edited}).hash(key) != before
    with_related = render_memo.read_key(next(iter(both)))
    assert render_memo.Reads({"site": new_day}).hash(with_related) != render_memo.Reads({"site": today}).hash(with_related)
    # any other use of the item depends on all of it
    assert render_memo.grouped(_reads_of("{{ site.papers[slugs[0]] }}", today)) == {("site", "papers", None, "a")}
    assert render_memo.grouped(_reads_of("{{ site.papers[slugs[0]] | pprint }}", today)) == {("site", "papers", None, "a")}
    # that the paper is there at all: a page that only asks depends on that, and the paper gone renders it again
    shown = render_memo.grouped(_reads_of("{{ site.papers[slugs[0]] is defined }}", today))
    assert shown == {("site", "papers", None, "a", "")}
    there = render_memo.read_key(next(iter(shown)))
    assert render_memo.Reads({"site": new_day}).hash(there) == render_memo.Reads({"site": today}).hash(there) is not None
    assert render_memo.Reads({"site": SimpleNamespace(papers={"b": today.papers["b"]})}).hash(there) is None
    assert render_memo.grouped(_reads_of("{{ site.papers[slugs[0]].missing }}", today)) == {("site", "papers", None, "a")}
