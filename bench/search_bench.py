"""Search benchmark: what a browser downloads for a first query (raw, gzip), and query time in node.

A first query loads manifest.json, the page's search modules (templates/assets/search/*.js, all of them: the
widget every page loads and the rest it imports on first use), the index shards its words need and the store
chunks of the results the header panel shows (8). Query time, from shards already parsed: the page's scorer.

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
TYPICAL = "speech recognition"  # typed, so its last word is also searched as a prefix
SHOWN = 8  # results in the header panel: their store chunks are fetched

NODE = r"""
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
const [root, searchDir, queriesJson, shownText] = process.argv.slice(1);
const { readManifest, shardFiles } = await import(root + "/templates/assets/search/shards.js");
const { score } = await import(root + "/templates/assets/search/scorer.js");
const manifest = readManifest(JSON.parse(fs.readFileSync(path.join(searchDir, "manifest.json"), "utf8")));
const parsed = {};
const shard = (file) => parsed[file] || (parsed[file] = JSON.parse(fs.readFileSync(path.join(searchDir, file), "utf8")));
const queries = JSON.parse(queriesJson);
const shown = Number(shownText);
// What the page runs: the scorer over the shard arrays, then the metadata (highlighted words) of the shown results.
const scorer = (q, shards) => { const r = score(manifest, shards, q); r.slice(0, shown).forEach((m) => m.matchData); return r; };
const out = [];
const times = [];
for (const q of queries) {
  const keys = shardFiles(manifest, q);
  keys.forEach(shard);  // fetched and parsed: not part of the query time
  let results = [];
  for (let round = 0; round < 20; round++) {
    const t = performance.now();
    results = scorer(q, keys.map(shard));
    times.push(performance.now() - t);
  }
  const chunks = [...new Set(results.slice(0, shown).map((r) => manifest.store.files[Math.floor(r.ref / manifest.store.chunk)]))];
  out.push({ query: q, results: results.length, files: [...keys, ...chunks] });
}
times.sort((a, b) => a - b);
const pick = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(JSON.stringify({ queries: out, scorer: { median: pick(0.5), p95: pick(0.95), max: times[times.length - 1], runs: times.length } }));
"""


def run_node(build_dir: Path, queries: list[str]) -> dict:
    """Per query: the shard and store files it loads; query times over 20 rounds of every query."""
    run = subprocess.run(["node", "--input-type=module", "-e", NODE, str(ROOT), str(build_dir / "search"), json.dumps(queries), str(SHOWN)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def payload(build_dir: Path, files: list[str]) -> tuple[int, int]:
    """Raw and gzip bytes of manifest.json, the page's search modules and the given files under search/."""
    paths = [build_dir / "search" / "manifest.json", *sorted((build_dir / "assets" / "search").glob("*.js"))]
    paths += [build_dir / "search" / name for name in files]
    data = [p.read_bytes() for p in paths]
    return sum(map(len, data)), sum(len(gzip.compress(d, 6)) for d in data)


def first_queries(build_dir: Path) -> dict:
    """The typical first query's payload, the worst of QUERIES, and the node query times."""
    found = run_node(build_dir, [TYPICAL, *QUERIES])
    sizes = [(payload(build_dir, q["files"]), q) for q in found["queries"]]
    (raw, gz), _ = sizes[0]
    (worst_raw, worst_gz), worst = max(sizes, key=lambda s: s[0][1])
    return {"raw_kb": raw / 1024, "gzip_kb": gz / 1024, "worst_raw_kb": worst_raw / 1024, "worst_gzip_kb": worst_gz / 1024,
            "worst_query": worst["query"], "scorer": found["scorer"],
            # what the page runs (bench/run.py's table reads these)
            "median": found["scorer"]["median"], "p95": found["scorer"]["p95"], "max": found["scorer"]["max"],
            "per_query": [{"query": q["query"], "results": q["results"], "files": len(q["files"]), "gzip_kb": s[1] / 1024}
                          for s, q in sizes]}


def main(build_dir: Path) -> None:
    manifest = json.loads((build_dir / "search" / "manifest.json").read_text(encoding="utf-8"))
    keys = sum(len(keys) for _, keys in manifest["shards"])
    print(f"search over {manifest['papers']} papers in {build_dir}: {keys} shards in {len(manifest['shards'])} files, "
          f"{len(manifest['split'])} split keys, {len(manifest['store']['files'])} store chunks")
    m = first_queries(build_dir)
    for q in m["per_query"]:
        print(f"  {q['query']!r:36} {q['results']:6} results, {q['files']:3} files, first query {q['gzip_kb']:7.1f} KiB gzip")
    print(f"first query {TYPICAL!r}: {m['raw_kb']:.1f} KiB raw, {m['gzip_kb']:.1f} KiB gzip (manifest, search modules, shards, store chunks)")
    print(f"worst of QUERIES {m['worst_query']!r}: {m['worst_raw_kb']:.1f} KiB raw, {m['worst_gzip_kb']:.1f} KiB gzip")
    t = m["scorer"]
    print(f"node, the page's scorer: median {t['median']:.2f} ms, p95 {t['p95']:.2f} ms, max {t['max']:.2f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build")
