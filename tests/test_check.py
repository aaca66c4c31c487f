"""digest check: every internal link, asset and fragment of a built site resolves, or is listed as broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_src.commands.check import BrokenLink, check_site
from site_src.cli import main


@pytest.fixture
def site_copy(seed_build, tmp_path) -> Path:
    target = tmp_path / "build"
    shutil.copytree(seed_build, target)
    return target


def add_to_page(page: Path, html: str) -> None:
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</main>", html + "\n</main>"), encoding="utf-8")


def test_seed_site_has_no_broken_links(seed_build):
    assert check_site(seed_build) == []


def test_each_broken_link_asset_and_fragment_is_listed_with_its_page(site_copy):
    (site_copy / "assets" / "style.css").unlink()
    add_to_page(
        site_copy / "about" / "index.html",
        '<a href="../papers/no-such-paper/">gone</a> <a href="../topics/#no-such-id">bad fragment</a>'
        ' <a href="#main">fine</a> <a href="https://example.org/missing">external</a> <a href="mailto:a@b.c">mail</a>',
    )

    broken = check_site(site_copy)

    about = [b for b in broken if b.page == "about/index.html"]
    assert BrokenLink("about/index.html", "../papers/no-such-paper/", "no such file") in about
    assert BrokenLink("about/index.html", "../topics/#no-such-id", "no element with id 'no-such-id' in topics/index.html") in about
    assert BrokenLink("about/index.html", "../assets/style.css", "no such file") in about
    assert len(about) == 3
    pages = {b.page for b in broken if b.url.endswith("assets/style.css")}
    # every page loads the stylesheet but 404.html, which carries it inside when built without a base URL
    assert pages == {p.relative_to(site_copy).as_posix() for p in site_copy.rglob("*.html")} - {"404.html"}


def test_relative_links_in_404_page_are_broken_because_it_is_served_at_any_address(site_copy):
    add_to_page(site_copy / "404.html", '<a href="topics/">relative</a>')

    assert check_site(site_copy) == [BrokenLink("404.html", "topics/", "no such file")]


def test_links_outside_the_base_path_are_broken(tmp_path):
    from site_src.files.write import write_site

    page = b'<a href="/other-site/">x</a><a href="/paper-digest/">home</a><p id="here"><a href="#here">self</a>'
    write_site({"index.html": page}, tmp_path / "build")

    broken = check_site(tmp_path / "build", "https://you.github.io/paper-digest/")

    assert [(b.url, b.reason.split(" (")[0]) for b in broken] == [("/other-site/", "outside the site's base path /paper-digest/")]


def test_check_command_exits_non_zero_and_lists_each_broken_link(site_copy, content_copy):
    add_to_page(site_copy / "index.html", '<a href="papers/nowhere/">x</a><a href="digests/#nope">y</a>')

    result = CliRunner().invoke(main, ["check", "--content", str(content_copy), "--out", str(site_copy)])

    assert result.exit_code == 1
    assert f"{site_copy / 'index.html'}: broken link papers/nowhere/ (no such file)" in result.output
    assert "broken link digests/#nope (no element with id 'nope'" in result.output
    assert "2 broken links" in result.output


def test_check_command_passes_on_a_good_build(seed_build, content_copy):
    result = CliRunner().invoke(main, ["check", "--content", str(content_copy), "--out", str(seed_build)])
    assert result.exit_code == 0, result.output
    assert "no broken links" in result.output
