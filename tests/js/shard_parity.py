"""Writes a sharded search index and the unsharded lunr index of the same documents, for the module tests, tests/js/*.test.mjs (fixture.mjs reads it).

Usage: python tests/js/shard_parity.py OUT_DIR [CONTENT_DIR]  (default: the seed content/, documents as the site makes them)
OUT_DIR gets manifest.json with its shards/, positions/ and store/ files, reference.json (one index, refs "0".."n-1"),
documents.json (the indexed documents, by paper number) and queries.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import QUERIES as BENCH_QUERIES  # noqa: E402

from site_src.outputs.search import index_files  # noqa: E402
from site_src.outputs.search.shards import json_bytes  # noqa: E402
from tests.search_oracle import numbered_index  # noqa: E402

# Plain words, phrases, prefixes while typing, lunr syntax typed by mistake, and words no paper has.
PARITY_QUERIES = (
    "speech recognition", "lora", "LoRA: Low-Rank Adaptation", "large language models", "diffusion",
    "image generation", "retrieval augmented generation", "reinforcement learning", "transformer attention",
    "code generation", "quantization", "mixture of experts", "benchmark evaluation", "multimodal vision language",
    "prompt tuning", "self-supervised", "music", "protein", "recog", "tokeniz", "robot", "agents", "math reasoning",
    "long context", "BERT", "clip", "video", "speech ", "distill", "pruning layers", "memory efficient training",
    "title:^*~", "+lora -bert", "speech~1 recog*", "^^^", "zzzzqqq", "",
    # words lunr.js's own stemmer stems unlike lunr.py's ("key" → "key", the index has "kei")
    "survey", "key", "display deploy", "play", "pathways", "delayed", "employ",
)

# Words that stem, stop words, unicode, and words no paper has; tests/js/*.test.mjs add index terms and typed prefixes.
QUERIES = [*BENCH_QUERIES, *PARITY_QUERIES, "running models", "learned learning learns", "the of and", "a", "is it",
           "naïve bayes", "über", "café", "日本語", "emoji 🙂", "ﬁne-tuning", "x", "zz", "3d", "2024", "gpt-4", "a b c d e f"]


def assembled_site(content: Path):
    """The Site the build makes of content (topics named without a lock), for the documents search indexes."""
    from site_src import assemble as site, ingest, topics
    from site_src.config import load_config
    from site_src.curation import Curated
    from site_src.ingest import pages

    config = load_config(content / "site.yaml")
    corpus, _ = ingest.read_corpus(content / "dumps", config)
    named = topics.group(corpus.papers, config.topics, None)
    return site.assemble(config, Curated(corpus, named), pages.read_pages(content / "pages"))


def corpus_documents(content: Path) -> tuple[list[dict], list[dict]]:
    """Documents and store records of a corpus straight from its dumps (topics: the papers' first two keywords)."""
    from site_src.config import load_config
    from site_src.ingest import read_corpus

    papers = read_corpus(content / "dumps", load_config(content / "site.yaml"))[0].papers
    docs = [{"slug": p.slug, "title": p.title, "abstract": p.abstract, "topics": " ".join(p.ai_keywords[:2]),
             "authors": ", ".join(p.authors), "keywords": ", ".join(p.ai_keywords), "arxiv": p.arxiv_id or ""} for p in papers]
    return docs, [{"t": p.title, "u": f"papers/{p.slug}/", "k": list(p.ai_keywords), "s": p.abstract[:160]} for p in papers]


def write_fixture(docs: list[dict], shown: list[dict], out: Path) -> None:
    for name, data in index_files(docs, shown).items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    (out / "reference.json").write_bytes(json_bytes(numbered_index(docs)))
    (out / "documents.json").write_bytes(json_bytes(docs))  # the text phrases are checked against
    (out / "queries.json").write_text(json.dumps(QUERIES), encoding="utf-8")


if __name__ == "__main__":
    write_fixture(*corpus_documents(Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "content"), Path(sys.argv[1]))
