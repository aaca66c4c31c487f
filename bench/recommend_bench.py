"""The For-you budgets on a 34,000-paper site, in Chromium: what the page transfers, and how long ranking takes.

1. Bytes: the For-you page opened with three stars, every response it loads (HTML, CSS, scripts, the manifest,
   the recent papers, one vector bucket per star) counted as a host that gzips sends it (gzip -6 of the body).
   Budget: 300 KB.
2. Time: the browser's ranking (assets/recommend/rank.js, in the page) of 1,000 candidates with real vectors from
   the site's files, three of them starred, with the CPU slowed 4× (CDP Emulation.setCPUThrottlingRate); the
   median of 7 runs after one warm-up. Budget: 100 ms.

Uses bench/.work/34000/build when `make bench` (bench/run.py) left it, else generates and builds the corpus.
Run: `python bench/recommend_bench.py [--papers 34000]`; appends its numbers to bench/recommend_eval.md's
neighbour bench/recommend_bench.md and exits non-zero when a budget is missed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

from tests.conftest import CHROMIUM, http_server  # noqa: E402

BYTES_BUDGET = 300_000
MS_BUDGET = 100.0
CANDIDATES = 1000
THROTTLE = 4

RANK_IN_PAGE = """async ([count, runs]) => {
  const rank = await import("../assets/recommend/rank.js");
  const vectors = await import("../assets/recommend/vectors.js");
  const get = async (path) => (await fetch("../" + path)).json();
  const manifest = await get("data/recommend/manifest.json");
  const vocabulary = new vectors.Vocabulary();
  let papers = vectors.readPapers(await get(manifest.recent), vocabulary);
  for (let b = 0; papers.length < count + 200 && b < manifest.buckets; b++)
    papers = papers.concat(vectors.readPapers(await get(manifest.papers.replace("{}", b)), vocabulary));
  const candidates = papers.slice(0, count);
  const starred = [candidates[3], candidates[100], candidates[500]];
  const others = papers.slice(count);
  const times = [];
  for (let run = 0; run <= runs; run++) {
    const start = performance.now();
    const result = rank.recommend(starred, candidates, others, vocabulary.terms, { count: 20 });
    if (run > 0) times.push(performance.now() - start);  // the first run warms the JIT up
    if (result.length !== 20) throw new Error("no ranking");
  }
  return { times, candidates: candidates.length, others: others.length };
}"""


def site(papers: int) -> Path:
    """A built site of `papers` generated papers: make bench's own when it is there."""
    left = ROOT / "bench" / ".work" / str(papers) / "build"
    if (left / "data" / "recommend" / "manifest.json").is_file():
        return left
    from site_src.build import build

    base = ROOT / "bench" / ".work" / f"recommend-{papers}"
    shutil.rmtree(base, ignore_errors=True)
    pool = generate.real_papers(generate.shared_dir())
    generate.generate(papers, base / "content", pool)
    start = time.perf_counter()
    build(base / "content", base / "build", lock=False, cache=False)
    print(f"[recommend] built {papers:,} papers in {time.perf_counter() - start:.0f} s", flush=True)
    return base / "build"


def measure(build: Path) -> dict:
    from playwright.sync_api import sync_playwright

    papers = json.loads((build / "data" / "papers.json").read_text(encoding="utf-8"))
    stars = [{"slug": p["slug"], "title": p["title"]} for p in random.Random(27).sample(papers, 3)]
    top = build.parent / "served"
    shutil.rmtree(top, ignore_errors=True)
    top.mkdir()
    (top / "digest").symlink_to(build.resolve())
    with http_server(top) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM) if CHROMIUM.exists() else None, args=["--no-sandbox"])
        context = browser.new_context()
        # the stars are there before the page's scripts run, and For you is the first page this browser loads
        context.add_init_script(f"localStorage.setItem('paper-digest:stars:/digest/', {json.dumps(json.dumps(stars))})")
        tab = context.new_page()
        sizes: dict[str, tuple[int, int]] = {}

        def count(response):
            body = response.body() if response.ok else b""
            sizes[response.url] = (len(body), len(gzip.compress(body, 6)))

        tab.on("response", count)
        tab.goto(f"{url}/digest/for-you/")
        tab.wait_for_selector("#for-you li.paper")
        tab.wait_for_load_state("networkidle")
        tab.remove_listener("response", count)
        cdp = context.new_cdp_session(tab)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
        ranked = tab.evaluate(RANK_IN_PAGE, [CANDIDATES, 7])
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        browser.close()
    shutil.rmtree(top, ignore_errors=True)
    return {"papers": len(papers), "files": sizes, "ranked": ranked}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=34000)
    parser.add_argument("--build", type=Path, help="measure this built site instead")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "recommend_bench.md")
    args = parser.parse_args()
    result = measure(args.build or site(args.papers))
    files = result["files"]
    raw, zipped = sum(s[0] for s in files.values()), sum(s[1] for s in files.values())
    ms = statistics.median(result["ranked"]["times"])
    lines = [
        f"# For-you budgets on {result['papers']:,} generated papers (bench/recommend_bench.py)", "",
        "| measure | value | budget | |", "|---|---|---|---|",
        f"| For-you page with 3 stars, transferred (gzip) | {zipped / 1000:.0f} KB ({raw / 1000:.0f} KB raw, {len(files)} files) | "
        f"{BYTES_BUDGET // 1000} KB | {'met' if zipped <= BYTES_BUDGET else 'NOT MET'} |",
        f"| ranking {result['ranked']['candidates']:,} candidates (+{result['ranked']['others']} other papers as negatives), "
        f"CPU slowed {THROTTLE}×, median of {len(result['ranked']['times'])} | {ms:.1f} ms | {MS_BUDGET:.0f} ms | "
        f"{'met' if ms <= MS_BUDGET else 'NOT MET'} |",
        "", "Files the page loaded (gzip bytes):", "",
    ]
    lines += [f"- {u.split('/digest/', 1)[-1] or '(page)'}: {z:,}" for u, (_, z) in sorted(files.items(), key=lambda kv: -kv[1][1])]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if zipped <= BYTES_BUDGET and ms <= MS_BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
