"""Writes what lunr.py finds for the parity queries, for tests/js/search.test.js to compare with lunr.js.

Usage: python tests/js/search_parity.py OUT_DIR  (writes the seed site's whole index to OUT_DIR/index.json, and OUT_DIR/parity.json)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lunr.index import Index

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.search_oracle import search

# Plain words, phrases, prefixes while typing, lunr syntax typed by mistake, and words no paper has.
QUERIES = (
    "speech recognition", "lora", "LoRA: Low-Rank Adaptation", "large language models", "diffusion",
    "image generation", "retrieval augmented generation", "reinforcement learning", "transformer attention",
    "code generation", "quantization", "mixture of experts", "benchmark evaluation", "multimodal vision language",
    "prompt tuning", "self-supervised", "music", "protein", "recog", "tokeniz", "robot", "agents", "math reasoning",
    "long context", "BERT", "clip", "video", "speech ", "distill", "pruning layers", "memory efficient training",
    "title:^*~", "+lora -bert", "speech~1 recog*", "^^^", "zzzzqqq", "",
    # words lunr.js's own stemmer stems unlike lunr.py's ("key" → "key", the index has "kei")
    "survey", "key", "display deploy", "play", "pathways", "delayed", "employ",
)
# Words to stem both ways besides every word of the seed papers: Porter's examples and awkward text.
STEM_WORDS = ("caresses", "ponies", "ties", "feed", "agreed", "disabled", "matting", "mating", "meeting", "milling",
              "messing", "meetings", "relational", "generalization", "oscillators", "triplicate", "hopeful", "adoption",
              "controll", "roll", "a", "by", "say", "sky", "try", "fly", "yes", "eyes", "ies", "sss", "naïve", "日本語", "x🙂y")


def assembled_site(content: Path):
    """The Site the build makes of content (topics named without a lock), for the documents search indexes."""
    from site_src import ingest, assemble as site, topics
    from site_src.config import load_config
    from site_src.curation import Curated
    from site_src.ingest import pages

    config = load_config(content / "site.yaml")
    corpus, _ = ingest.read_corpus(content / "dumps", config)
    named = topics.group(corpus.papers, config.topics, None)
    return site.assemble(config, Curated(corpus, named), pages.read_pages(content / "pages"))


def write_index(content: Path, out: Path) -> Path:
    """The whole unsharded index of content's site (refs = slugs), as lunr.js loads it."""
    from tests.search_oracle import serialized_index
    from site_src.outputs.search.shards import json_bytes

    path = out / "index.json"
    path.write_bytes(json_bytes(serialized_index(assembled_site(content))))
    return path


def stems(content: Path) -> dict[str, str]:
    """lunr.py's stem of every word of the seed papers (as its trimmer leaves them) and of STEM_WORDS."""
    from lunr.stemmer import stemmer
    from lunr.token import Token
    from lunr.trimmer import trimmer

    from site_src.outputs.search import documents

    words = set(STEM_WORDS)
    for doc in documents(assembled_site(content)):
        for value in doc.values():
            words.update(str(trimmer(Token(w, {}))) for w in str(value).lower().replace("-", " ").split())
    return {w: str(stemmer(Token(w, {}))) for w in sorted(words) if w}


def expected(index_path: Path, content: Path) -> dict:
    """The index file, the ranked refs and scores lunr.py gives for every query, and its stems."""
    index = Index.load(json.loads(index_path.read_text(encoding="utf-8")))
    results = [{"query": q, "refs": [r["ref"] for r in search(index, q)], "scores": [r["score"] for r in search(index, q)]} for q in QUERIES]
    return {"index": str(index_path), "queries": results, "stems": stems(content)}


def main(out_dir: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    (out_dir / "parity.json").write_text(json.dumps(expected(write_index(root / "content", out_dir), root / "content")), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
