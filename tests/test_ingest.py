"""The text-capture reader on the four real seed dumps, and its errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_src.config import DumpMeta, SiteConfig
from site_src.errors import DigestError
from site_src.ingest import digest_date, merge_papers, read_corpus, read_digests
from site_src.ingest.text import parse_text_dump

from .conftest import SEEDS

SEED_COUNTS = {
    "000_9e4e85290f684f28.txt": 56,
    "001_e016dad873a756eb.txt": 197,
    "002_d0a1b90939778342.txt": 71,
    "003_e7d9a4a7239a3bcf.txt": 50,
}


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(SEEDS, SiteConfig())[0]


def parse(name: str):
    path = SEEDS / name
    return parse_text_dump(path, path.read_text(encoding="utf-8"))


def test_every_seed_dump_gives_its_exact_number_of_entries():
    counts = {name: len(parse(name).entries) for name in SEED_COUNTS}
    assert counts == SEED_COUNTS
    assert sum(counts.values()) == 374


def test_seed_corpus_has_340_distinct_papers(corpus):
    assert sum(len(d.entries) for d in corpus.digests) == 374
    assert len(corpus.papers) == 340
    assert len({p.slug for p in corpus.papers}) == 340


def test_blank_line_layout_reads_titles_abstracts_and_date_header():
    dump = parse("000_9e4e85290f684f28.txt")
    assert dump.heading == "May 30"
    first = dump.entries[0]
    assert first.title == "Training Language Models on Synthetic Edit Sequences Improves Code Synthesis"
    assert first.abstract.startswith("Software engineers mainly write code by editing existing programs.")
    assert first.abstract.endswith("including Codex and AlphaCode.")
    assert first.line == 11
    assert dump.entries[1].title.startswith("Pre-train, Prompt, and Predict")
    last = dump.entries[-1]
    assert last.title == "Programming Every Example: Lifting Pre-training Data Quality like Experts at Scale"
    assert last.line == 231


def test_back_to_back_layout_drops_chrome_and_glued_subscribe():
    dump = parse("001_e016dad873a756eb.txt")
    assert dump.heading is None
    assert dump.entries[0].title == "ChipNeMo: Domain-Adapted LLMs for Chip Design"
    assert dump.entries[0].line == 3
    assert dump.entries[1].title == "Impact of Tokenization on Language Models: An Analysis for Turkish"
    assert dump.entries[-1].title == "Hyperparameters in Reinforcement Learning and How To Tune Them"
    titles = [e.title for e in dump.entries]
    assert not any(t.startswith("Subscribe") or t.startswith("Get trending") for t in titles)


@pytest.mark.parametrize("name,heading", [("002_d0a1b90939778342.txt", "Mar 12"), ("003_e7d9a4a7239a3bcf.txt", "Mar 14")])
def test_date_headers_are_read(name, heading):
    assert parse(name).heading == heading


def test_no_chrome_line_becomes_a_paper(corpus):
    chrome = {"new", "Subscribe", "byAK and the research community", "Get trending papers in your email inbox!"}
    assert not chrome & {p.title for p in corpus.papers}
    assert all(len(p.abstract) > 200 for p in corpus.papers)


def test_same_paper_in_several_dumps_is_one_paper_listing_each_digest(corpus):
    repeated = [p for p in corpus.papers if len(p.digests) > 1]
    # 374 entries - 340 papers = 34 extra appearances, spread over the repeated papers
    assert sum(len(p.digests) - 1 for p in repeated) == 34
    by_title = {p.title: p for p in corpus.papers}
    ernie = by_title["ERNIE-Gram: Pre-Training with Explicitly N-Gram Masked Language Modeling for Natural Language Understanding"]
    listed_in = {d.id for d in corpus.digests if ernie.slug in corpus.listings[d.id]}
    assert set(ernie.digests) == listed_in == {"000-9e4e85290f684f28", "001-e016dad873a756eb", "002-d0a1b90939778342"}


def test_merge_keeps_the_longest_abstract_and_first_title(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("Neural Databases\n\nShort abstract. It says little. Only three sentences here.\n")
    b.write_text("neural   databases\n\nA longer abstract. It says a good deal more. It has four sentences. Really.\n")
    digests, _ = read_digests(tmp_path, SiteConfig())
    [paper] = merge_papers(digests)
    assert paper.title == "Neural Databases"
    assert paper.abstract.startswith("A longer abstract.")
    assert paper.digests == ("a", "b")


def test_truncated_dump_is_an_error_with_file_and_line(tmp_path):
    text = (SEEDS / "003_e7d9a4a7239a3bcf.txt").read_text()
    lines = text.splitlines()
    truncated = tmp_path / "dumps" / "truncated.txt"
    truncated.parent.mkdir()
    truncated.write_text("\n".join(lines[:-2]) + "\n")  # drop the last abstract (and its blank line)
    with pytest.raises(DigestError) as caught:
        read_digests(truncated.parent, SiteConfig())
    assert caught.value.path == truncated
    assert caught.value.line == 207
    assert str(caught.value).startswith(f"{truncated}:207: title line without an abstract")


def test_missing_abstract_in_the_middle_is_an_error_at_that_title(tmp_path):
    lines = (SEEDS / "001_e016dad873a756eb.txt").read_text().splitlines()
    del lines[5]  # the abstract of the title on line 5
    broken = tmp_path / "broken.txt"
    broken.write_text("\n".join(lines))
    with pytest.raises(DigestError) as caught:
        parse_text_dump(broken, broken.read_text())
    assert caught.value.line == 5
    assert "without an abstract" in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "new\n\nSubscribe\n",
        "# README\n\nThis project builds a site.\n",
        "A long paragraph of prose. " * 30,
    ],
)
def test_text_that_is_not_a_dump_is_an_error(tmp_path, text):
    path = tmp_path / "notes.txt"
    path.write_text(text)
    with pytest.raises(DigestError) as caught:
        parse_text_dump(path, text)
    assert caught.value.path == path


def test_invalid_utf8_names_file_and_byte_offset(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"Title\n\nAbstract \xff here. Two. Three.\n")
    with pytest.raises(DigestError, match=r"bad.txt:3: not valid UTF-8 at byte offset 16"):
        read_digests(tmp_path, SiteConfig())


def test_date_from_site_yaml_wins_over_file_name_and_header():
    path = Path("2024-03-12_page.txt")
    config = SiteConfig(year=2023, dumps={path.name: DumpMeta(date=dt.date(2020, 1, 2))})
    assert digest_date(path, "Mar 14", config) == dt.date(2020, 1, 2)
    assert digest_date(path, "Mar 14", SiteConfig(year=2023)) == dt.date(2024, 3, 12)
    assert digest_date(Path("page.txt"), "Mar 14", SiteConfig(year=2023)) == dt.date(2023, 3, 14)


def test_no_date_source_means_undated_never_a_guess(corpus):
    assert digest_date(Path("page.txt"), "Mar 14", SiteConfig()) is None
    assert all(d.date is None for d in corpus.digests)
    assert [d.heading for d in corpus.digests] == ["May 30", None, "Mar 12", "Mar 14"]


def test_impossible_dates_are_errors():
    with pytest.raises(DigestError, match="impossible date"):
        digest_date(Path("2024-02-30.txt"), None, SiteConfig())
    with pytest.raises(DigestError, match="not a day of 2023"):
        digest_date(Path("page.txt"), "Feb 29", SiteConfig(year=2023))
