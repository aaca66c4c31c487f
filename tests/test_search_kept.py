"""The search index's kept work (outputs/search/kept.py): a build that reuses it writes the bytes a build without it
writes, whatever changed since (a new day, a dump back in the middle, a removed dump, an edited abstract), and a
damaged, foreign or planted cache file is only a miss. Real papers: the seed dumps and committed API days."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from site_src.build import build
from site_src.config import load_config
from site_src.ingest import read_corpus
from site_src.outputs.search import FIELDS, index_files, kept

from .conftest import CONTENT, api_day


def _documents() -> list[dict]:
    """The seed papers and three API days' as search documents, a topic label each (real text, no site assembled)."""
    content = CONTENT
    papers = read_corpus(content / "dumps", load_config(content / "site.yaml"))[0].papers
    return [
        {"slug": p.slug, "title": p.title, "abstract": p.abstract, "topics": ("Speech · Audio" if i % 3 else "Agents"),
         "authors": ", ".join(p.authors), "keywords": ", ".join(p.ai_keywords), "arxiv": p.arxiv_id or ""}
        for i, p in enumerate(papers)
    ]


DOCS = _documents()


def _shown(docs: list[dict]) -> list[dict]:
    return [{"t": d["title"], "u": d["slug"] + "/", "k": [], "s": ""} for d in docs]


def _files(docs: list[dict], cache: Path | None) -> dict[str, bytes]:
    return index_files(docs, _shown(docs), {"v": list(range(len(docs)))}, cache)


def _edited(docs: list[dict]) -> list[dict]:
    """Docs with one abstract in the middle rewritten and one topic label changed."""
    docs = [dict(d) for d in docs]
    docs[len(docs) // 2]["abstract"] = "Quokka sonar, entirely rewritten. " + docs[len(docs) // 2]["abstract"][:200]
    docs[7]["topics"] = "Marsupial Acoustics"
    return docs


ODD_WORDS = 'a]],[b x\\y q"uote 数据 ],[[ émigré'  # what JSON escapes, brackets inside a term, other scripts


def _odd(slug: str, where: tuple[str, ...]) -> dict:
    doc = {"slug": slug, "title": "Plain title", "abstract": "Plain words.", "topics": "", "authors": "", "keywords": "", "arxiv": ""}
    return doc | {field: f"{doc[field]} {ODD_WORDS}" for field in where}


ODD = [_odd("odd-1", ("abstract",)), _odd("odd-2", ("title", "authors")), _odd("odd-3", ("keywords",)),
       _odd("odd-4", ("title", "abstract", "topics"))]

CHANGES = {  # (yesterday's documents, today's)
    "a new day": (DOCS[:-40], DOCS),
    "a day back in the middle": (DOCS[:100] + DOCS[140:], DOCS),
    "a day removed": (DOCS, DOCS[:100] + DOCS[140:]),
    "the last papers removed": (DOCS, DOCS[:-25]),
    "an abstract and a label edited": (DOCS, _edited(DOCS)),
    "nothing": (DOCS, DOCS),
    "every paper new": (DOCS[:50], DOCS[50:]),
    "a new day of odd words": (DOCS[:30] + ODD[:1], DOCS[:30] + ODD),
    "a new day of odd words, outside the phrase fields": (DOCS[:30] + ODD[:2], DOCS[:30] + ODD[:3]),
}


def test_day_after_day_the_index_is_the_one_built_without(tmp_path):
    """Papers appended three times over (each day joined to entries that were themselves joined)."""
    cache = tmp_path / "search"
    for end in (len(DOCS) - 90, len(DOCS) - 60, len(DOCS) - 59, len(DOCS)):
        assert _files(DOCS[:end], cache) == _files(DOCS[:end], None)


@pytest.mark.parametrize("change", CHANGES)
def test_with_the_kept_work_the_index_is_the_one_built_without(tmp_path, change):
    yesterday, today = CHANGES[change]
    cache = tmp_path / ".digest-cache" / "search"
    assert _files(yesterday, cache) == _files(yesterday, None)
    assert (cache / kept.INDEX_FILE).is_file()

    assert _files(today, cache) == _files(today, None)
    assert _files(today, cache) == _files(today, None)  # and again, from what today's build kept


def test_a_term_no_changed_paper_has_keeps_its_entry_as_kept(tmp_path):
    """The kept entries are really used: one planted in the file comes out for a term the new day does not bring
    (so the tests above compare a reused index, not one built anew each time)."""
    cache = tmp_path / "search"
    _files(DOCS[:-40], cache)
    old = kept._load(cache / kept.INDEX_FILE, kept._salt(list(FIELDS), ("title", "abstract")), len(FIELDS))
    fresh = kept.index.tokenize(list(FIELDS), DOCS[-40:], ())
    untouched = sorted(t for t in set(old.tokens.terms) - set(fresh.terms) if t.isascii() and t.isalpha())[0]
    t = old.tokens.terms.index(untouched)
    planted = str(old.entries[t][0], "utf-8").replace(f'["{untouched}",', f'["{untouched}",[0],[1],[1],', 1)
    entries = dict(zip(old.tokens.terms, old.entries)) | {untouched: (planted.encode(), len(planted))}
    kept._save(cache / kept.INDEX_FILE, kept._salt(list(FIELDS), ("title", "abstract")), old.keys, old.tokens, entries,
               dict(zip(old.tokens.terms, old.at_entries)))

    files = _files(DOCS, cache)

    assert any(planted.encode() in data for name, data in files.items() if name.startswith("shards/"))
    assert files != _files(DOCS, None)


def _damaged(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _digit(path: Path) -> None:
    """One count in the last kept entry changed: the file keeps its shape, only its check tells."""
    data = path.read_bytes()
    at = data.rindex(b",1,")
    path.write_bytes(data[:at] + b",7," + data[at + 3 :])


def _garbage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 3 : len(data) // 3 + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


def _foreign(path: Path) -> None:
    path.write_bytes(b"\x93NUMPY" + os.urandom(200))


def _link(path: Path) -> None:
    target = path.with_name("elsewhere.npy")
    path.rename(target)
    path.symlink_to(target)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


@pytest.mark.parametrize("spoil", [_damaged, _digit, _garbage, _foreign, _link, _folder])
def test_a_spoiled_kept_file_is_a_miss_never_an_error_or_a_wrong_index(tmp_path, spoil):
    cache = tmp_path / "search"
    _files(DOCS[:-40], cache)
    spoil(cache / kept.INDEX_FILE)

    assert _files(DOCS, cache) == _files(DOCS, None)


def test_a_build_keeps_the_index_work_in_its_cache_and_a_new_day_gives_a_cold_builds_bytes(tmp_path):
    """The whole build: yesterday's site with its cache, then a new API day; search/ as a build without a cache
    writes it."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    shutil.copy(api_day("2025-06-03"), content / "dumps")
    build(content, tmp_path / "build", lock=True)
    assert (tmp_path / ".digest-cache" / "search" / kept.INDEX_FILE).is_file()

    shutil.copytree(content, tmp_path / "cold-content")  # with yesterday's lock, as the cached build reads it
    for folder in (content, tmp_path / "cold-content"):
        shutil.copy(api_day("2025-06-04"), folder / "dumps")
    build(content, tmp_path / "build", lock=True)
    build(tmp_path / "cold-content", tmp_path / "cold", lock=True, cache=False)

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert tree(tmp_path / "build" / "search") == tree(tmp_path / "cold" / "search")
