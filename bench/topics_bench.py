"""The topic stage alone, timed: a cold fit at 340 (seeds), 3,956 (every real API paper) and 34,000 (generated)
papers, and placing one more day's papers on the remembered topics (fold-in) at 34,000.

Each case runs in this process after the papers are read (reading is not timed); the numbers are the
median of `--repeat` runs. The cold fit keeps the papers' term counts in a cache folder as a build does
(.digest-cache/topics), and each one-day run starts from that cache as the cold fit left it. Also measures how well the sampled fit's approximate placement agrees with
the exact neighbour search it stands for. Run: `python bench/topics_bench.py` (part of `make bench`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

from site_src.config import SiteConfig, TopicSettings  # noqa: E402
from site_src.ingest import read_corpus  # noqa: E402
from site_src.topics import group  # noqa: E402

WORK = ROOT / "bench" / ".work" / "topics"


def _read(folder: Path):
    return list(read_corpus(folder, SiteConfig())[0].papers)


def _timed(repeat: int, run, before=lambda: None) -> tuple[str, object]:
    """'wall / CPU' seconds, medians over `repeat` runs (CPU time is what the work costs on a machine shared
    with other jobs, where wall time also counts waiting), and the last result. `before` runs untimed before each."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        before()
        start, cpu = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return f"{statistics.median(walls):.2f} / {statistics.median(cpus):.2f}", result


def corpora(sizes: list[int]):
    """(label, papers, papers with one more day or None) for each size."""
    shared = generate.shared_dir()
    for size in sizes:
        if size == 340:
            yield "340 (seeds)", _read(ROOT / "content" / "dumps"), None
        elif size == 3956:
            with tempfile.TemporaryDirectory() as folder:
                for day in sorted((shared / "corpora" / "hf-api-daily-papers-jeongiin" / "api-json").glob("*.json")):
                    (Path(folder) / day.name).symlink_to(day)
                yield "3,956 (real API papers)", _read(Path(folder)), None
        else:
            base = WORK / str(size)
            if not (base / "content" / "dumps").is_dir():
                generate.generate(size, base / "content", generate.real_papers(shared))
            papers = _read(base / "content" / "dumps")
            with tempfile.TemporaryDirectory() as folder:
                for day in list((base / "content" / "dumps").iterdir()) + list((base / "extra").iterdir()):
                    (Path(folder) / day.name).symlink_to(day)
                yield f"{size:,} (generated)", papers, _read(Path(folder))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="340,3956,34000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if generate.shared_dir() is None:
        print("topics bench: ../shared (the real corpora) not found; skipping")
        return 0
    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores shared; timings are noisy under load)")
    print("| papers | case | topics | seconds wall / CPU (median of %d) |\n|---|---|---|---|" % args.repeat)
    settings = TopicSettings()
    group(*next(corpora([340]))[1:2], settings, None)  # imports (scikit-learn, SciPy) once, outside the timings
    scratch = Path(tempfile.mkdtemp(prefix="topics-bench-"))
    cache, yesterday = scratch / "topics", scratch / "yesterday"
    for label, papers, grown in corpora([int(s) for s in args.sizes.split(",")]):
        seconds, named = _timed(args.repeat, lambda: group(papers, settings, None, cache), lambda: shutil.rmtree(cache, ignore_errors=True))
        print(f"| {label} | cold fit | {len(named.grouping.topics)} | {seconds} |", flush=True)
        if grown is not None:
            shutil.rmtree(yesterday, ignore_errors=True)
            shutil.copytree(cache, yesterday)

            def as_yesterday():
                shutil.rmtree(cache, ignore_errors=True)
                shutil.copytree(yesterday, cache)

            seconds, again = _timed(args.repeat, lambda: group(grown, settings, named.lock, cache), as_yesterday)
            method = again.grouping.params["method"].split(" (")[0]
            print(f"| {label} | one day added ({len(grown) - len(papers)} papers): {method} | {len(again.grouping.topics)} | {seconds} |", flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
