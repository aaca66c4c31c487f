"""Search benchmark: index and store size (raw, gzip), and lunr.js load and query time in node.

Usage: python bench/search_bench.py [BUILD_DIR]   (default: build/, made by `make site`)
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["speech recognition", "lora", "large language models", "diffusion", "retrieval augmented generation",
           "reinforcement learning", "code generation", "quantization", "recog", "title:^*~"]

NODE = r"""
const { performance } = require("node:perf_hooks");
const fs = require("node:fs");
const [root, indexPath, queriesJson] = process.argv.slice(1);
let t = performance.now();
const lunr = require(root + "/node_modules/lunr/lunr.min.js");
const search = require(root + "/templates/assets/search.js");
const loadScript = performance.now() - t;
t = performance.now();
const index = lunr.Index.load(JSON.parse(fs.readFileSync(indexPath, "utf8")));
const loadIndex = performance.now() - t;
const queries = JSON.parse(queriesJson);
const times = [];
let hits = 0;
for (let round = 0; round < 20; round++) {
  for (const q of queries) {
    t = performance.now();
    hits += search.runQuery(lunr, index, q).length;
    times.push(performance.now() - t);
  }
}
times.sort((a, b) => a - b);
const pick = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(JSON.stringify({ loadScript, loadIndex, median: pick(0.5), p95: pick(0.95), max: times[times.length - 1], runs: times.length }));
"""


def size_line(label: str, path: Path) -> str:
    data = path.read_bytes()
    return f"{label:<10} {len(data) / 1024:9.1f} KiB raw {len(gzip.compress(data, 9)) / 1024:8.1f} KiB gzip  ({path.name})"


def main(build_dir: Path) -> None:
    index = next((build_dir / "search").glob("index.*.json"))
    store = next((build_dir / "search").glob("store.*.json"))
    papers = len(json.loads(store.read_text(encoding="utf-8")))
    print(f"search over {papers} papers in {build_dir}")
    print(size_line("index", index))
    print(size_line("store", store))
    print(size_line("lunr.js", next((build_dir / "assets").glob("lunr-*.js"))))
    run = subprocess.run(["node", "-e", NODE, str(ROOT), str(index), json.dumps(QUERIES)],
                         capture_output=True, text=True, check=True)
    t = json.loads(run.stdout)
    print(f"node: lunr.js load {t['loadScript']:.1f} ms, index parse+load {t['loadIndex']:.1f} ms")
    print(f"node: query median {t['median']:.2f} ms, p95 {t['p95']:.2f} ms, max {t['max']:.2f} ms over {t['runs']} queries")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build")
