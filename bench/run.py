"""`make bench`: our builds beside Hugo, MkDocs and Pelican on the same papers, and every stage of ours measured.

Corpora: the shipped seed site; the 3,956 real papers of ../shared's API responses (198 days); and a
generated 34,000-paper corpus (bench/generate.py). At each: a cold build (no build/, no cache, no topics
lock), a no-change rebuild, and one new day two ways: with yesterday's build/ and .digest-cache/ (what
pages.yml and daily.yml restore with actions/cache) and with only yesterday's lock committed (a runner that
lost its cache). Real papers: each the median of 3, then each peer (bench/peers.py) building the same papers,
median of 3. At 34,000: once each (a peer whose projected time would pass the budget is skipped with a note;
--no-budget runs them all). Each build runs in its own process, so peak RSS is that build's.
Prints the side-by-side table (seconds, and each of our builds as a ratio to each peer) and the stage
table, and writes both to bench/results.md.

Usage: python bench/run.py [--sizes 34000] [--repeats 3] [--no-peers] [--out bench/results.md]
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
import peers  # noqa: E402
import search_bench  # noqa: E402

WORK = ROOT / "bench" / ".work"
BUDGET = 15 * 60  # seconds: `make bench` must finish within this
from site_src.build import STAGES as BUILD_STAGES  # noqa: E402

STAGES = ("cache", *BUILD_STAGES)  # a cache hit runs only "cache"
REAL = "hf-api-daily-papers-jeongiin/api-json"
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
STARTED = time.perf_counter()


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


def search_payload(build: Path) -> dict:
    """What a browser downloads for the first query ("speech recognition" typed): manifest, search modules, the index shards
    it needs and the store chunks of the 8 results the panel shows; raw and gzip. Also the worst of the QUERIES."""
    found = search_bench.first_queries(build)
    return {key: found[key] for key in ("raw_kb", "gzip_kb", "worst_raw_kb", "worst_gzip_kb", "worst_query")}


def query_times(build: Path) -> dict:
    """The page's scorer in node over the (parsed) shards, ms over 20 rounds."""
    found = search_bench.first_queries(build)
    return {key: found[key] for key in ("median", "p95", "max")}


def tree_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (the lower middle of an even count), with every run's seconds beside it."""
    ordered = sorted(runs, key=lambda r: r["wall"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["runs"] = [r["wall"] for r in runs]
    return chosen


def measure(base: Path, count: int, label: str, cases: list[tuple[str, object]], repeats: int) -> list[dict]:
    """Each case (name, setup run before every one of its builds) built `repeats` times; the median run is kept."""
    content, out = base / "content", base / "build"
    rows = []
    for case, setup in cases:
        runs = []
        for _ in range(repeats):
            setup()
            before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} if out.exists() else {}
            result = run_build(content, out)
            result["rewritten"] = sum(1 for p in out.rglob("*") if p.is_file() and before.get(p) != p.stat().st_mtime_ns)
            runs.append(result)
        result = _median_run(runs)
        files, size = tree_size(out)
        result.update(size=count, label=label, case=case, files=files, bytes=size, **search_payload(out))
        if case == "cold":
            result["query"] = query_times(out)
        rows.append(result)
        print(f"[{label}] {case}: {result['wall']:.2f}s wall (runs {', '.join(f'{w:.1f}' for w in result['runs'])}), "
              f"{result['rss_mb']:.0f} MB peak", flush=True)
    return rows


def _clear(*paths: Path):
    """A setup step: remove these files and folders."""
    def clear():
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    return clear


def _then(*steps):
    def run():
        for step in steps:
            step()
    return run


def _copy(source: Path, target: Path):
    """A setup step: target becomes a copy of source (a file or a folder)."""
    def copy():
        _clear(target)()
        if source.is_dir():
            shutil.copytree(source, target, copy_function=shutil.copy2)
        else:
            shutil.copy2(source, target)
    return copy


def _copy_together(source: Path, target: Path, *names: str):
    """A setup step: target/NAME becomes a copy of source/NAME for each name, in one `cp -a`, which keeps files linked
    twice among them linked (the trash's and build/'s)."""
    def copy():
        _clear(*(target / name for name in names))()
        subprocess.run(["cp", "-a", *(str(source / name) for name in names), str(target)], check=True)
    return copy


def bench_seed_site() -> list[dict]:
    """The shipped content/ (the four seed dumps and their topics.lock.json), as `make site` builds it."""
    base = WORK / "seed"
    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(ROOT / "content", base / "content")
    cold = _clear(base / "build", base / ".digest-cache")
    return measure(base, 340, "340 (seed site)", [("cold", cold), ("no change", lambda: None)], 1)


# The two daily cases, named alike at every size: what pages.yml and (since it keeps the cache) daily.yml do,
# and a runner that lost its cache: only the committed lock.
WITH_CACHE = "one new day, yesterday's build/ and .digest-cache/"
LOCK_ONLY = "one new day, only the lock"
REAL_SITE_YAML = generate.SITE_YAML.replace("Benchmark Digest", "Real Papers Digest")


def bench_real(shared: Path, repeats: int) -> tuple[list[dict], Path]:
    """The 3,956 real papers: cold, no change, and one new day (with only the lock, then with build/ and .digest-cache/)."""
    base = WORK / "real"
    shutil.rmtree(base, ignore_errors=True)
    content, build, cache = base / "content", base / "build", base / ".digest-cache"
    days = sorted((shared / "corpora" / REAL).glob("*.json"))
    (content / "dumps").mkdir(parents=True)
    (content / "site.yaml").write_text(REAL_SITE_YAML, encoding="utf-8")
    for day in days[:-2]:
        shutil.copy(day, content / "dumps" / day.name)
    # Yesterday, on the curator's machine: a build of every day but the last, whose lock is committed; itself a new
    # day after the day before's build, so its cache's trash holds the site before (what the next build fills again).
    t = time.perf_counter()
    run_build(content, build)
    shutil.copy(days[-2], content / "dumps" / days[-2].name)
    run_build(content, build)
    yesterday = base / "yesterday"
    yesterday.mkdir()
    shutil.copy2(content / "topics.lock.json", yesterday / "topics.lock.json")
    # What the workflows' actions/cache keeps: build/ and .digest-cache/, its trash too, in one archive that keeps the
    # trash's links to build/'s files as links (so copied in one `cp -a`).
    _copy_together(base, yesterday, "build", ".digest-cache")()
    shutil.copy(days[-1], content / "dumps" / days[-1].name)
    print(f"[real] yesterday's build ({len(days) - 1} days) in {time.perf_counter() - t:.1f}s", flush=True)
    lock = content / "topics.lock.json"
    fresh_runner = _then(_clear(build, cache), _copy(yesterday / "topics.lock.json", lock))
    cases = [
        ("cold", _clear(build, cache, lock)),
        ("no change", lambda: None),
        (LOCK_ONLY, fresh_runner),
        (WITH_CACHE, _then(fresh_runner, _copy_together(yesterday, base, "build", ".digest-cache"))),
    ]
    rows = measure(base, 3956, f"{3956:,} real", cases, repeats)
    return rows, content


def bench_size(count: int, pool: list[dict], repeats: int) -> tuple[list[dict], Path]:
    base = WORK / str(count)
    t = time.perf_counter()
    generate.generate(count, base / "content", pool, extra_days=2)
    print(f"[{count}] generated in {time.perf_counter() - t:.1f}s", flush=True)
    content, out = base / "content", base / "build"
    day_before, new_day = sorted((base / "extra").iterdir())

    def add_dump(day: Path):
        return lambda: shutil.copy(day, content / "dumps" / day.name)

    cases = [("cold", _clear(out, base / ".digest-cache", content / "topics.lock.json")), ("no change", lambda: None)]
    rows = measure(base, count, f"{count:,}", cases, repeats)
    # Yesterday was itself a new day (not measured), so the cache's trash holds the site before, as every day.
    add_dump(day_before)()
    t = time.perf_counter()
    run_build(content, out)
    print(f"[{count}] yesterday's new day in {time.perf_counter() - t:.1f}s", flush=True)
    lock = content / "topics.lock.json"
    shutil.copy2(lock, base / "yesterday.lock.json")
    # The new day must start from yesterday's lock and output: it runs once; then from the lock alone.
    rows += measure(base, count, f"{count:,}", [(WITH_CACHE, add_dump(new_day))], 1)
    only_lock = _then(_clear(out, base / ".digest-cache"), _copy(base / "yesterday.lock.json", lock))
    rows += measure(base, count, f"{count:,}", [(LOCK_ONLY, only_lock)], 1)
    return rows, content


def bench_peers(content: Path, label: str, repeats: int, commands: dict, before: dict) -> list[dict]:
    """Every installed peer building content/'s papers (with its topics lock), median of `repeats` cold builds.
    A peer whose projected time (from its `before` row, scaled by papers) would pass the budget is skipped."""
    site = peers.read_site(content)
    rows = []
    for name, command in commands.items():
        project = content.parent / f"peer-{name}"
        earlier = before.get(name)
        if earlier:
            projected = earlier["wall"] * len(site.papers) / earlier["papers"] * repeats
            if time.perf_counter() - STARTED + projected > BUDGET:
                rows.append({"peer": name, "label": label, "version": earlier["version"], "papers": len(site.papers),
                             "skipped": f"projected {projected:.0f} s would pass the {BUDGET // 60} min budget"})
                print(f"[{label}] {name}: skipped, {rows[-1]['skipped']}", flush=True)
                continue
        peers.prepare(name, site, project)
        runs = [peers.build(command, project) for _ in range(repeats)]
        row = _median_run(runs)
        row.update(peer=name, label=label, version=peers.version(name, command), papers=len(site.papers))
        rows.append(row)
        print(f"[{label}] {row['version']}: {row['wall']:.2f}s wall (runs {', '.join(f'{w:.1f}' for w in row['runs'])}), "
              f"{row['files']:,} files", flush=True)
    return rows


def side_by_side(ours: list[dict], peer_rows: list[dict]) -> str:
    """Peers' seconds, then each of our builds in seconds and as a ratio to each peer on the same corpus."""
    names = [n for n in peers.PEERS if any(p["peer"] == n for p in peer_rows)]
    head = ["papers", "build", "seconds", "runs"] + [f"× {n}" for n in ("Hugo", "MkDocs", "Pelican") if n.lower() in names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for p in peer_rows:
        if "skipped" in p:
            lines.append(f"| {p['label']} | {p['version']} | skipped: {p['skipped']} | |" + " |" * len(names))
        else:
            runs = ", ".join(f"{w:.1f}" for w in p["runs"])
            lines.append(f"| {p['label']} | {p['version']} | {p['wall']:.2f} | {runs} |" + " |" * len(names))
    for r in ours:
        if r["label"].startswith("340"):
            continue
        same = {p["peer"]: p for p in peer_rows if p["label"] == r["label"] and "wall" in p}
        ratios = [f"{r['wall'] / same[n]['wall']:.2f}" if n in same else "–" for n in names]
        runs = ", ".join(f"{w:.1f}" for w in r.get("runs", [r["wall"]]))
        lines.append(f"| {r['label']} | ours, {r['case']} | {r['wall']:.2f} | {runs} | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


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


def _load(averages) -> str:
    return " / ".join(f"{value:.1f}" for value in averages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="34000", help="generated corpora after the real one, e.g. 340,3400,34000")
    parser.add_argument("--repeats", type=int, default=3, help="builds per case on the real papers (the median is shown)")
    parser.add_argument("--no-peers", action="store_true", help="measure only our builds")
    parser.add_argument("--no-budget", action="store_true", help="run every size and peer even past the 15-minute budget")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    shared = generate.shared_dir()
    if shared is None:
        print("bench: ../shared (the real corpora) not found; skipping the benchmark")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    if args.no_budget:
        global BUDGET
        BUDGET = 10**9
    commands, missing = ({}, []) if args.no_peers else peers.installed()
    for line in missing:
        print(f"bench: {line}", flush=True)
    pool = generate.real_papers(shared)
    load_at_start = os.getloadavg()
    print(f"load average at start: {load_at_start[0]:.1f}", flush=True)
    rows, skipped = bench_seed_site(), []
    real_rows, content = bench_real(shared, args.repeats)
    rows += real_rows
    peer_rows = bench_peers(content, real_rows[0]["label"], args.repeats, commands, {})
    for count in (int(s) for s in args.sizes.split(",") if s):
        last = [r for r in rows if r["case"] in ("cold", WITH_CACHE, LOCK_ONLY, "no change") and not r["label"].startswith("340")]
        projected = sum(r["wall"] for r in last if r["label"] == last[-1]["label"]) * count / last[-1]["size"]
        if time.perf_counter() - STARTED + projected > BUDGET:
            skipped.append(f"{count:,} papers skipped: projected {projected:.0f} s from the {last[-1]['size']:,}-paper "
                           f"builds would pass the {BUDGET // 60} min budget of `make bench` (run with --no-budget to force)")
            print(skipped[-1], flush=True)
            continue
        size_rows, content = bench_size(count, pool, 3 if count < 10000 else 1)
        rows += size_rows
        before = {p["peer"]: p for p in peer_rows if "wall" in p}
        peer_rows += bench_peers(content, size_rows[0]["label"], 3 if count < 10000 else 1, commands, before)
    note = "".join(f"\n\n**{line}.**" for line in skipped + missing)
    note += (f"\n\n{len(pool):,} real papers in the pool (../shared corpora); larger corpora recombine them. Real papers: "
             f"median of {args.repeats} builds per case (every run's seconds beside it); 34,000: one build each. "
             f"Machine: {os.cpu_count()} cores, load average (1, 5, 15 min) {_load(load_at_start)} at the start and "
             f"{_load(os.getloadavg())} at the end (other work on the machine inflates every time). Whole benchmark: {time.perf_counter() - STARTED:.0f} s.\n")
    text = ("## Side by side\n\n" + side_by_side(rows, peer_rows) + "\n\n## Every stage of our builds\n\n" + table(rows) + note)
    print(text)
    args.out.write_text("# `make bench` results\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
