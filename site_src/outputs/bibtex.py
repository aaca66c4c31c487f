"""BibTeX: one entry per paper with an arXiv id (papers/x/x.bib), and the papers.bib of every topic and digest.

An entry is `@misc` with arXiv's eprint fields, as arXiv's own "Export BibTeX citation" gives: title, authors,
year, eprint, archivePrefix, url. The year comes from the arXiv id (2506.01920 was submitted in 2025), never
from the clock. The key is the id itself (`arXiv:2506.01920`), unique and stable across builds.

Every field's text is escaped for LaTeX: the ten characters TeX treats specially become their commands, so a
title like "100% of $5 & {more}" neither breaks the file nor runs as TeX. A name list is joined by " and ",
BibTeX's separator; a name that holds the word "and" is braced so it stays one name. Text that cannot hold
in a .bib (control characters) is removed. Papers without an arXiv id (text captures) are left out: an entry
without an id would be a guess.
"""

from __future__ import annotations

import re

from site_src.assemble import PaperView, Site, urls
from site_src.outputs.made import Made

_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_SPECIALS = re.compile(r"[\\{}$&%#_~^]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_AND = re.compile(r"\band\b", re.IGNORECASE)


def tex_text(text: str) -> str:
    """Plain text as LaTeX that prints it: specials escaped, control characters gone, whitespace one space."""
    text = " ".join(_CONTROL.sub("", text).split())
    return _SPECIALS.sub(lambda m: _SPECIAL[m.group(0)], text)


def _name(name: str) -> str:
    name = tex_text(name)
    return "{" + name + "}" if _AND.search(name) else name


def cite_key(paper: PaperView) -> str:
    return f"arXiv:{paper.arxiv_id}"


def entry(paper: PaperView) -> str:
    """One @misc entry; the title double-braced so BibTeX styles keep its capitals."""
    fields = [("title", "{" + tex_text(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_name(a) for a in paper.authors)))
    fields += [
        ("year", f"20{paper.arxiv_id[:2]}"),
        ("eprint", paper.arxiv_id),
        ("archivePrefix", "arXiv"),
        ("url", f"https://arxiv.org/abs/{paper.arxiv_id}"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{cite_key(paper)},\n{body}\n}}\n"


def _file(entries: list[str]) -> bytes:
    return "\n".join(entries).encode("utf-8")


def bibtex_files(site: Site) -> Made:
    """A .bib per citable paper, and per topic and digest with any (in the page's own order)."""
    entries = {slug: entry(p) for slug, p in site.papers.items() if p.arxiv_id}
    files = {urls.paper_bib(slug): _file([text]) for slug, text in entries.items()}
    for view in (*site.topics, *site.digests):
        listed = [entries[slug] for slug in view.papers if slug in entries]
        if listed:
            files[urls.bib(view.url)] = _file(listed)
    return Made(files)
