"""The home-made lunr index (site_src/search/index.py) gives the very bytes the `lunr` package gives.

The reference is the `lunr` package's builder with lunr.js's stems (site_src/search/stemmer.py, checked against
lunr.js in tests/test_stemmer.py): the browser stems queries with lunr.js, so that is what the index holds.
"""

from __future__ import annotations

import json
from pathlib import Path

from lunr import lunr
from lunr.builder import Builder
from lunr.stemmer import stemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.trimmer import trimmer

from site_src.config import load_config
from site_src.ingest import read_corpus
from tests.search_oracle import build_index
from site_src.search import FIELDS
from site_src.search.stemmer import stem

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


def _lunr_js_stemmer(token, i=None, tokens=None):
    return token.update(lambda text, metadata: stem(text))


def _assert_same_as_lunr_package(documents: list[dict]) -> None:
    builder = Builder()
    builder.pipeline.add(trimmer, stop_word_filter, _lunr_js_stemmer)
    builder.search_pipeline.add(stemmer)  # only its name is serialized ("stemmer", which lunr.js loads as its own)
    reference = lunr(ref="slug", fields=list(FIELDS), documents=documents, builder=builder).serialize()
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
