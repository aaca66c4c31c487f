"""The home-made lunr index (site_src/lunr_index.py) gives the very bytes the `lunr` package gives."""

from __future__ import annotations

import json
from pathlib import Path

from lunr import lunr

from site_src.config import load_config
from site_src.ingest import read_corpus
from tests.search_oracle import build_index
from site_src.outputs.search import FIELDS

ROOT = Path(__file__).resolve().parent.parent


def _bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _documents(content: Path) -> list[dict]:
    papers = read_corpus(content / "dumps", load_config(content / "site.yaml"))[0].papers
    return [
        {"slug": p.slug, "title": p.title, "abstract": p.abstract, "topics": " ".join(p.ai_keywords[:2]), "authors": ", ".join(p.authors),
         "keywords": ", ".join(p.ai_keywords)}
        for p in papers
    ]


def _assert_same_as_lunr_package(documents: list[dict]) -> None:
    reference = lunr(ref="slug", fields=list(FIELDS), documents=documents).serialize()
    assert _bytes(build_index("slug", list(FIELDS), documents)) == _bytes(reference)


def test_index_of_the_seed_papers_equals_the_lunr_package_byte_for_byte():
    _assert_same_as_lunr_package(_documents(ROOT / "content"))


def test_index_of_awkward_text_equals_the_lunr_package():
    documents = [
        {"slug": "a", "title": "The the THE: a-b -- c\xa0d", "abstract": "", "topics": "", "authors": "Ünïcode Naïve, O'Brien", "keywords": ""},
        {"slug": "b", "title": "...!!! ??", "abstract": "running runs ran runner's (nested) [brackets]", "topics": "x·y", "authors": "", "keywords": "fine-tuning, LoRA"},
        {"slug": "c", "title": "Tabs\tand\nnewlines\r\fand\vmore", "abstract": "2024 1.5x 3-D", "topics": "a", "authors": "—", "keywords": "a, a, the"},
    ]
    _assert_same_as_lunr_package(documents)


def test_index_of_a_generated_3400_paper_corpus_equals_the_lunr_package(generated_3400):
    _assert_same_as_lunr_package(_documents(generated_3400))
