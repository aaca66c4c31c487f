"""BibTeX: one entry per paper with an arXiv id, and a papers.bib per topic and digest, read back by pybtex.

pybtex is a BibTeX parser that is not ours: each file must parse into the entries, fields and names we meant (an
unescaped brace breaks it). A field's LaTeX is then read back with the ten escapes LaTeX defines, so a title with
TeX's special characters must come back as written.
"""

from __future__ import annotations

import json
import re
import posixpath
from pathlib import Path

import lxml.html
import pybtex.database
import pytest

from site_src.assemble import PaperView
from site_src.outputs.bibtex import entry, tex_text
from tests.conftest import READING_DAYS


def _papers(site: Path) -> list[dict]:
    return json.loads((site / "data" / "papers.json").read_text(encoding="utf-8"))


# What LaTeX prints for each escape BibTeX fields may hold (the LaTeX manual's list of the ten special characters).
_PRINTS = {r"\textbackslash{}": "\\", r"\textasciitilde{}": "~", r"\textasciicircum{}": "^", **{f"\\{c}": c for c in "{}$&%#_"}}
_ESCAPE = re.compile("|".join(re.escape(k) for k in sorted(_PRINTS, key=len, reverse=True)) + r"|[{}]")


def _text(value: str) -> str:
    """A field's LaTeX as the text it prints: each escape as its character, grouping braces dropped."""
    return _ESCAPE.sub(lambda m: _PRINTS.get(m.group(0), ""), value)


def test_every_paper_with_an_arxiv_id_has_an_entry_its_page_links(reading_build):
    papers = _papers(reading_build)
    assert papers and all(p["arxiv_id"] for p in papers)
    for paper in papers:
        page = lxml.html.fromstring((reading_build / paper["url"] / "index.html").read_bytes())
        href = page.xpath("//ul[@class='external']//a[@class='bibtex']/@href")
        assert len(href) == 1 and posixpath.normpath(posixpath.join(paper["url"], href[0])) == f"{paper['url']}{paper['slug']}.bib"
        bib = pybtex.database.parse_bytes((reading_build / paper["url"] / f"{paper['slug']}.bib").read_bytes(), "bibtex")
        assert list(bib.entries) == [f"arXiv:{paper['arxiv_id']}"]
        found = bib.entries[f"arXiv:{paper['arxiv_id']}"]
        assert found.type == "misc" and found.fields["eprint"] == paper["arxiv_id"]
        assert found.fields["archivePrefix"] == "arXiv" and found.fields["year"] == f"20{paper['arxiv_id'][:2]}"
        assert _text(found.fields["title"]) == paper["title"]
        assert [str(p) for p in found.persons["author"]][:1] and len(found.persons["author"]) == len(paper["authors"])


def test_each_topic_and_digest_has_a_bib_of_its_papers(reading_build):
    for kind in ("topics", "digests"):
        for folder in sorted(p for p in (reading_build / kind).iterdir() if p.is_dir()):
            page = lxml.html.fromstring((folder / "index.html").read_bytes())
            href = page.xpath("//main//a[@type='application/x-bibtex']/@href")
            assert [posixpath.normpath(posixpath.join(f"{kind}/{folder.name}/", h)) for h in href] == [f"{kind}/{folder.name}/papers.bib"]
            bib = pybtex.database.parse_bytes((folder / "papers.bib").read_bytes(), "bibtex")
            listed = [h.rstrip("/").rsplit("/", 1)[1] for h in page.xpath("//main//ol[contains(@class, 'papers')]/li/a[@class='title']/@href")]
            ids = {p["slug"]: p["arxiv_id"] for p in _papers(reading_build)}
            assert list(bib.entries) == [f"arXiv:{ids[slug]}" for slug in listed], folder  # the page's order


def test_a_digest_of_the_2025_07_03_day_cites_exactly_its_ten_papers(reading_build):
    day = json.loads((READING_DAYS / "2025-07-03.json").read_text(encoding="utf-8"))
    bib = pybtex.database.parse_bytes((reading_build / "digests" / "2025-07-03" / "papers.bib").read_bytes(), "bibtex")
    assert sorted(bib.entries) == sorted(f"arXiv:{e['paper']['id']}" for e in day)


HOSTILE = [
    "100% of $5 & #1 {braces} under_score ~tilde ^caret back\\slash",
    "Unbalanced } closing { and \\end{document}",
    "Ünïcödé — PokéChamp: naïve “quotes”",
    "Control\x01 and\ttab",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_bibtex_specials_are_escaped_so_the_title_comes_back_as_written(title):
    paper = PaperView(title=title, arxiv_id="2506.01920", authors=("Ann Anderson", "Sand and Stone Lab", "B. {Brace}"), slug="x", url="papers/x/")
    bib = pybtex.database.parse_string(entry(paper), "bibtex")
    fields = bib.entries["arXiv:2506.01920"].fields
    assert _text(fields["title"]) == " ".join(title.replace("\x01", "").split())
    authors = bib.entries["arXiv:2506.01920"].persons["author"]
    assert len(authors) == 3  # "Sand and Stone Lab" stays one name, braced


def test_tex_text_leaves_no_special_unescaped():
    out = tex_text("\\ { } $ & % # _ ~ ^")
    assert out == r"\textbackslash{} \{ \} \$ \& \% \# \_ \textasciitilde{} \textasciicircum{}"
