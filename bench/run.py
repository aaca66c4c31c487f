"""`make bench`: build generated corpora of 340 / 3,400 / 34,000 papers and measure every stage.

For each size: a cold build (no build/, no cache, no topics lock), a no-change rebuild, and a
rebuild after adding one dump. Each build runs in its own process, so peak RSS is that build's.
Prints a Markdown table and writes bench/results.md.

Usage: python bench/run.py [--sizes 340,3400,34000] [--out bench/results.md]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import search_bench  # noqa: E402

WORK = ROOT / "bench" / ".work"
BUDGET = 15 * 60  # seconds: `make bench` must finish within this
from site_src.build import STAGES as BUILD_STAGES  # noqa: E402

STAGES = ("cache", *BUILD_STAGES)  # a cache hit runs only "cache"
CHILD = """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from site_src.build import build
report = build(Path(sys.argv[1]), Path(sys.argv[2]), lock=True)
print(json.dumps({"stages": report.stages, "papers": report.papers, "topics": report.topics,
                  "files": report.files, "pages": report.pages, "rendered": report.rendered,
                  "total": time.perf_counter() - start,
                  "sklearn": "sklearn" in sys.modules}))
"""


def _pss_mb(pids: list[int]) -> float:
    """Proportional set size of these processes together (shared pages counted once in all), in MB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _tree(root: int) -> list[int]:
    """root and every process descended from it (the build's render workers)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            pass
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


def run_build(content: Path, out: Path) -> dict:
    """One build in a child process: its report, wall time, peak RSS (from wait4: the largest single process)
    and the peak memory of the build and its worker processes together (PSS sampled every 0.1 s)."""
    start = time.perf_counter()
    log = WORK / "child.out"
    peak = [0.0]
    with open(log, "w") as stdout, open(WORK / "child.err", "w") as stderr:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(content), str(out)], cwd=ROOT, stdout=stdout, stderr=stderr)
        done = threading.Event()

        def sample():
            while not done.wait(0.1):
                peak[0] = max(peak[0], _pss_mb(_tree(child.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        done.set()
        sampler.join()
    wall = time.perf_counter() - start
    if status:
        raise SystemExit(f"build of {content} failed:\n{(WORK / 'child.err').read_text()}")
    result = json.loads(log.read_text().strip().splitlines()[-1])
    result.update(wall=wall, rss_mb=usage.ru_maxrss / 1024, pss_mb=peak[0])
    return result


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def search_payload(build: Path) -> dict:
    """What a browser downloads for the first query ("speech recognition" typed): manifest, lunr.js, the index shards
    it needs and the store chunks of the 8 results the panel shows; raw and gzip. Also the worst of the QUERIES."""
    found = search_bench.first_queries(build)
    return {key: found[key] for key in ("raw_kb", "gzip_kb", "worst_raw_kb", "worst_gzip_kb", "worst_query")}


def query_times(build: Path) -> dict:
    """search.js in node: assembling the mini index from the (parsed) shards plus lunr's query, ms over 20 rounds."""
    found = search_bench.first_queries(build)
    return {key: found[key] for key in ("median", "p95", "max")}


def bench_size(count: int, pool: list[dict]) -> list[dict]:
    base = WORK / str(count)
    t = time.perf_counter()
    generate.generate(count, base / "content", pool)
    print(f"[{count}] generated in {time.perf_counter() - t:.1f}s", flush=True)
    return measure(base, count, f"{count:,}", ("cold", "no change", "one dump added"))


def bench_seed_site() -> list[dict]:
    """The shipped content/ (the four seed dumps and their topics.lock.json), as `make site` builds it."""
    base = WORK / "seed"
    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(ROOT / "content", base / "content")
    return measure(base, 340, "340 (seed site)", ("cold", "no change"))


def measure(base: Path, count: int, label: str, cases: tuple[str, ...]) -> list[dict]:
    content, out = base / "content", base / "build"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(base / ".digest-cache", ignore_errors=True)
    rows = []
    for case in cases:
        if case == "one dump added":
            for extra in (base / "extra").iterdir():
                shutil.copy(extra, content / "dumps" / extra.name)
        before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} if out.exists() else {}
        result = run_build(content, out)
        files, size = tree_size(out)
        rewritten = sum(1 for p in out.rglob("*") if p.is_file() and before.get(p) != p.stat().st_mtime_ns)
        result.update(size=count, label=label, case=case, files=files, bytes=size, rewritten=rewritten, **search_payload(out))
        if case == "cold":
            result["query"] = query_times(out)
        rows.append(result)
        print(f"[{label}] {case}: {result['wall']:.2f}s wall, {result['rss_mb']:.0f} MB peak", flush=True)
    return rows


def table(rows: list[dict]) -> str:
    head = ["papers", "build", "wall s"] + [f"{s} s" for s in STAGES] + [
        "peak RSS MB (largest process)", "peak MB, all processes (PSS)", "files", "MB on disk", "pages rendered",
        "files rewritten", "search 1st query KB raw / gzip", "worst query KB gzip", "query ms median / p95", "sklearn imported"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        q = r.get("query")
        cells = [r["label"], r["case"], f"{r['wall']:.2f}"]
        cells += [f"{r['stages'].get(s, 0):.2f}" if s in r["stages"] else "–" for s in STAGES]
        cells += [f"{r['rss_mb']:.0f}", f"{r['pss_mb']:.0f}", f"{r['files']:,}", f"{r['bytes'] / 2**20:.1f}",
                  f"{r['rendered']:,} of {r['pages']:,}" if "rendered" in r else "–", f"{r['rewritten']:,}",
                  f"{r['raw_kb']:.0f} / {r['gzip_kb']:.0f}", f"{r['worst_gzip_kb']:.0f} ({r['worst_query']})",
                  f"{q['median']:.1f} / {q['p95']:.1f}" if q else "–",
                  "yes" if r["sklearn"] else "no"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="340,3400,34000")
    parser.add_argument("--no-budget", action="store_true", help="run every size even past the 15-minute budget")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    shared = generate.shared_dir()
    if shared is None:
        print("bench: ../shared (the real corpora) not found; skipping the benchmark")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    pool = generate.real_papers(shared)
    started = time.perf_counter()
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    rows, skipped = bench_seed_site(), []
    for count in (int(s) for s in args.sizes.split(",")):
        if any(r["label"] != "340 (seed site)" for r in rows) and not args.no_budget:
            # A cold build and a one-dump rebuild each grow at least linearly with the papers: project from the last size.
            last = [r for r in rows if r["case"] != "no change"]
            projected = sum(r["wall"] for r in last if r["size"] == last[-1]["size"]) * count / last[-1]["size"]
            # Small builds are dominated by fixed costs, so only a 1,000+ paper size projects the next one.
            if last[-1]["size"] >= 1000 and time.perf_counter() - started + projected > BUDGET:
                skipped.append(f"{count:,} papers skipped: projected {projected:.0f} s from the {last[-1]['size']:,}-paper "
                               f"builds would pass the {BUDGET // 60} min budget of `make bench` (run with --no-budget to force)")
                print(skipped[-1], flush=True)
                continue
        rows += bench_size(count, pool)
    text = table(rows)
    note = "".join(f"\n\n**{line}.**" for line in skipped) + (f"\n\n{len(pool):,} real papers in the pool (../shared corpora); larger corpora recombine them. "
            f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end (other work on the machine inflates every time). Whole benchmark: {time.perf_counter() - started:.0f} s.\n")
    print(text + note)
    args.out.write_text("# `make bench` results\n\n" + text + note, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
