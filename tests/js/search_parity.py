"""Writes what lunr.py finds for the parity queries, for tests/js/search.test.js to compare with lunr.js.

Usage: python tests/js/search_parity.py OUT_DIR  (builds content/ into OUT_DIR/build, writes OUT_DIR/parity.json)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lunr.index import Index

from site_src.search import search

# Plain words, phrases, prefixes while typing, lunr syntax typed by mistake, and words no paper has.
QUERIES = (
    "speech recognition", "lora", "LoRA: Low-Rank Adaptation", "large language models", "diffusion",
    "image generation", "retrieval augmented generation", "reinforcement learning", "transformer attention",
    "code generation", "quantization", "mixture of experts", "benchmark evaluation", "multimodal vision language",
    "prompt tuning", "self-supervised", "music", "protein", "recog", "tokeniz", "robot", "agents", "math reasoning",
    "long context", "BERT", "clip", "video", "speech ", "distill", "pruning layers", "memory efficient training",
    "title:^*~", "+lora -bert", "speech~1 recog*", "^^^", "zzzzqqq", "",
)


def expected(build_dir: Path) -> dict:
    """The index file, and the ranked refs and scores lunr.py gives for every query."""
    index_path = next((build_dir / "search").glob("index.*.json"))
    index = Index.load(json.loads(index_path.read_text(encoding="utf-8")))
    results = [{"query": q, "refs": [r["ref"] for r in search(index, q)], "scores": [r["score"] for r in search(index, q)]} for q in QUERIES]
    return {"index": str(index_path), "queries": results}


def main(out_dir: Path) -> None:
    from site_src.build import build

    root = Path(__file__).resolve().parents[2]
    build(root / "content", out_dir / "build", lock=False)
    (out_dir / "parity.json").write_text(json.dumps(expected(out_dir / "build")), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
