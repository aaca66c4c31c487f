"""Search relevance benchmark: our search against Pagefind on the same built sites, the same queries, one run.

Two sites are built with `digest build`: a corpus site of every paper the shared API responses list in
May-July 2025 (about 1,470 real papers with abstracts, authors and Hugging Face's AI keywords), and the
shipped seed site. Pagefind (the `pagefind[bin]` package, the bench extra) indexes each built site's
paper pages: the `<article>` of the page (title, authors, topics, abstract, AI summary and keywords),
without the related papers and digests listed under it.

The queries (bench/search_relevance.js runs them through both engines):
- known-item, keywords: a reader remembers what a paper was about in Hugging Face's words: its rarest
  AI keyword (plus the next rarest while the query has fewer than 3 words), at most 5 words;
- known-item, abstract: 3 distinctive words of one paper's abstract (among its 10 rarest words that at
  least one other paper also uses), in the abstract's order;
- topic: hand-written queries for the themes of bench/topic_themes.yaml (a person's grouping of seed
  papers; bench/search_relevance_topics.yaml), judged against the theme's papers on the seed site.
Known-item papers are drawn with a fixed seed, so every run asks the same queries.

Measures, per engine: MRR@10 (1/rank of the first relevant paper in the first 10, else 0), recall@10 (relevant
papers in the first 10 over min(10, relevant)), queries with no result, bytes a cold query downloads
(gzip: engine code, and index + result details of the first 10), query time in node (cold: from nothing
loaded to the first 10 results' details; warm: the same query again).

Usage: python bench/search_relevance.py [--out bench/search_relevance.md]   (`make bench-search`)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import shared_dir  # noqa: E402

WORK = ROOT / "bench" / ".work" / "search-relevance"
CORPUS_MONTHS = ("2025-05", "2025-06", "2025-07")
PER_KIND = 110  # known-item queries of each kind
SEED = 16
SHOWN = 10
_WORD = re.compile(r"[a-z][a-z0-9]+")
# lunr's English stop words and research boilerplate: never a distinctive word
_COMMON = set("""a able about across after all almost also am among an and any are as at be because been but by can cannot
could dear did do does either else ever every for from get got had has have he her hers him his how however i if in into
is it its just least let like likely may me might most must my neither no nor not of off often on only or other our own
rather said say says she should since so some than that the their them then there these they this tis to too twas us
wants was we were what when where which while who whom why will with would yet you your we our propose proposed paper
results show shows novel method methods approach based using model models data task tasks performance existing new""".split())


def build_site(content: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-m", "site_src", "build", "--content", str(content), "--out", str(out), "-q"],
                   cwd=ROOT, check=True, stderr=subprocess.DEVNULL)


def index_with_pagefind(build: Path) -> Path:
    """Pagefind's bundle of build's paper pages, in build/pagefind/ (as a site using Pagefind would serve it)."""
    bundle = build / "pagefind"
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(build), "--output-path", str(bundle), "--silent",
                    "--glob", "papers/*/index.html", "--root-selector", "article.paper-page",
                    "--exclude-selectors", "section[aria-labelledby=related]",
                    "--exclude-selectors", "section[aria-labelledby=seen]"], check=True)
    return bundle


def corpus_content(shared: Path, content: Path) -> None:
    shutil.rmtree(content, ignore_errors=True)
    (content / "dumps").mkdir(parents=True)
    for path in sorted((shared / "corpora").glob("*/api-json/*.json")):
        if path.name.startswith(CORPUS_MONTHS):
            shutil.copyfile(path, content / "dumps" / path.name)
    (content / "site.yaml").write_text("title: Relevance benchmark\nlanguage: en\ntopics:\n  seed: 0\n", encoding="utf-8")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def known_item_queries(papers: list[dict]) -> list[dict]:
    """PER_KIND keyword queries and PER_KIND abstract-word queries, each naming the one paper it looks for."""
    df: dict[str, int] = {}
    for p in papers:
        for w in set(_words(" ".join([p["title"], p["abstract"], *p["ai_keywords"]]))):
            df[w] = df.get(w, 0) + 1
    rng = random.Random(SEED)
    order = sorted(range(len(papers)), key=lambda i: papers[i]["slug"])
    rng.shuffle(order)
    queries, seen = [], set()

    def add(kind: str, text: str, paper: dict) -> None:
        if text and text not in seen:
            seen.add(text)
            queries.append({"set": kind, "query": text, "relevant": [paper["url"]]})

    with_keywords = [i for i in order if len(papers[i]["ai_keywords"]) >= 2]
    for i in with_keywords[:PER_KIND]:
        keywords = sorted(papers[i]["ai_keywords"], key=lambda k: (min((df.get(w, 0) for w in _words(k)), default=10**9), k))
        words = _words(keywords[0])
        if len(words) < 3 and len(keywords) > 1:
            words += [w for w in _words(keywords[1]) if w not in words]
        add("known-item: keywords", " ".join(words[:5]), papers[i])
    rest = [i for i in order if i not in set(with_keywords[:PER_KIND])]
    for i in rest[:PER_KIND]:
        abstract = _words(papers[i]["abstract"])
        candidates = sorted({w for w in abstract if len(w) >= 4 and w not in _COMMON and df[w] >= 2}, key=lambda w: (df[w], w))[:10]
        picked = set(rng.sample(candidates, min(3, len(candidates))))
        add("known-item: abstract", " ".join(dict.fromkeys(w for w in abstract if w in picked)), papers[i])
    return queries


def topic_queries(papers: list[dict]) -> list[dict]:
    """The hand-written theme queries, each judged against every paper of its theme."""
    themes = yaml.safe_load((ROOT / "bench" / "topic_themes.yaml").read_text(encoding="utf-8"))
    asked = yaml.safe_load((ROOT / "bench" / "search_relevance_topics.yaml").read_text(encoding="utf-8"))
    queries = []
    for theme, texts in asked.items():
        urls = []
        for prefix in themes[theme]:
            matches = [p["url"] for p in papers if p["title"].startswith(prefix)]
            if len(matches) != 1:
                raise SystemExit(f"bench/topic_themes.yaml: {prefix!r} matches {len(matches)} seed papers")
            urls += matches
        queries += [{"set": "topic", "query": text, "relevant": urls} for text in texts]
    return queries


def judge(found: list[str], relevant: list[str]) -> tuple[float, float]:
    """MRR@10 and recall@10 of one ranked list of URLs."""
    top = found[:SHOWN]
    rank = next((r for r, url in enumerate(top, 1) if url in relevant), None)
    return (1 / rank if rank else 0.0), len(set(top) & set(relevant)) / min(SHOWN, len(relevant))


def summarize(rows: list[dict], engine: str) -> dict:
    scores = [judge(r[engine]["urls"], r["relevant"]) for r in rows]
    runs = [r[engine] for r in rows]
    ms = sorted(run["warmMs"] for run in runs)
    return {"queries": len(rows), "mrr": statistics.fmean(s[0] for s in scores), "recall": statistics.fmean(s[1] for s in scores),
            "empty": sum(1 for run in runs if run["total"] == 0),
            "engine_kb": statistics.fmean(run["engineBytes"] for run in runs) / 1024,
            "index_kb": statistics.fmean(run["indexBytes"] for run in runs) / 1024,
            "max_index_kb": max(run["indexBytes"] for run in runs) / 1024,
            "cold_ms": statistics.median(run["coldMs"] for run in runs),
            "warm_ms": statistics.median(ms), "warm_p95_ms": ms[min(len(ms) - 1, int(0.95 * len(ms)))]}


ENGINES = (("ours", "our search"), ("pagefind", "Pagefind"))


def phrase_table(rows: list[dict]) -> str:
    """Quoted phrases: what the position shards cost, against checking the text of every paper with all the words."""
    lines = ["## Quoted phrases: term positions or a check against the text", "",
             "The topic queries (seed site) and keyword queries (corpus site) of two words or more, quoted. Positions: the "
             "position shards of the phrase's terms (what the page loads). Text: the title and abstract of every paper "
             "with all the words, in chunks of 64 papers, that a check against the text would need. KB gzip, per phrase.", "",
             "| site | phrases | papers with all the words, mean | with the phrase, mean | positions KB, mean / max | text KB, mean / max |",
             "|---|---|---|---|---|---|"]
    for site in sorted({r["site"] for r in rows}):
        chosen = [r for r in rows if r["site"] == site]
        pos, text = [r["positionBytes"] / 1024 for r in chosen], [r["textBytes"] / 1024 for r in chosen]
        lines.append(f"| {site} | {len(chosen)} | {statistics.fmean(r['candidates'] for r in chosen):.0f} | "
                     f"{statistics.fmean(r['matches'] for r in chosen):.0f} | {statistics.fmean(pos):.1f} / {max(pos):.1f} | "
                     f"{statistics.fmean(text):.1f} / {max(text):.1f} |")
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    sets = sorted({r["set"] for r in rows})
    lines = ["| queries | engine | MRR@10 | recall@10 | no result | KB per query (index + first 10) | engine code KB | "
             "worst KB | query ms, warm median / p95 | cold ms, median |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name in [*sets, "all"]:
        chosen = [r for r in rows if name in ("all", r["set"])]
        for engine, label in ENGINES:
            s = summarize(chosen, engine)
            lines.append(f"| {name} ({s['queries']}) | {label} | {s['mrr']:.3f} | {s['recall']:.3f} | {s['empty']} | "
                         f"{s['index_kb']:.1f} | {s['engine_kb']:.1f} | {s['max_index_kb']:.1f} | "
                         f"{s['warm_ms']:.1f} / {s['warm_p95_ms']:.1f} | {s['cold_ms']:.1f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "search_relevance.md")
    parser.add_argument("--label", default="", help="a line saying what was measured (written above the table)")
    args = parser.parse_args()
    shared = shared_dir()
    if shared is None:
        print("bench-search: ../shared (the real corpora) not found; nothing to measure")
        return 0
    try:
        import pagefind  # noqa: F401
    except ImportError:
        print("bench-search: Pagefind is not installed; run .venv/bin/pip install -e '.[bench]'")
        return 1
    started = time.monotonic()
    WORK.mkdir(parents=True, exist_ok=True)
    corpus_content(shared, WORK / "corpus")
    seed = WORK / "seed"
    shutil.rmtree(seed, ignore_errors=True)
    shutil.copytree(ROOT / "content", seed)  # the build may write a lock into its content folder: not into ours
    jobs = []
    for name, content, make in (("corpus", WORK / "corpus", known_item_queries), ("seed", seed, topic_queries)):
        build = WORK / f"{name}-build"
        build_site(content, build)
        papers = json.loads((build / "data" / "papers.json").read_text(encoding="utf-8"))
        queries = make(papers)
        phrases = [f'"{q["query"]}"' for q in queries if q["set"] != "known-item: abstract" and " " in q["query"]][:40]
        jobs.append({"name": name, "build": str(build), "pagefind": str(index_with_pagefind(build)), "queries": queries, "phrases": phrases})
    (WORK / "jobs.json").write_text(json.dumps(jobs), encoding="utf-8")
    subprocess.run(["node", str(ROOT / "bench" / "search_relevance.js"), str(WORK / "jobs.json"), str(WORK / "runs.json")], check=True)
    measured = json.loads((WORK / "runs.json").read_text(encoding="utf-8"))
    runs = measured["runs"]
    relevant = [q["relevant"] for job in jobs for q in job["queries"]]
    rows = [{**run, "relevant": rel} for run, rel in zip(runs, relevant, strict=True)]
    result = table(rows)
    print(result)
    papers = [len(json.loads((Path(j["build"]) / "data" / "papers.json").read_text(encoding="utf-8"))) for j in jobs]
    note = (f"{args.label}\n\n" if args.label else "") + (
        f"`make bench-search` (`python bench/search_relevance.py`): {len(rows)} queries, known-item on a {papers[0]:,}-paper "
        f"corpus site (the shared API responses of {CORPUS_MONTHS[0]}..{CORPUS_MONTHS[-1]}), topic on the {papers[1]}-paper seed "
        f"site; both engines over the same built sites in one node process, {time.monotonic() - started:.0f} s in all. "
        "KB are gzip (level 6; Pagefind's files are gzip already). Times are noisy: a 2-core machine shared with other work.")
    phrases = phrase_table(measured["phrases"])
    print(phrases)
    args.out.write_text(f"# Search relevance: our search and Pagefind\n\n{note}\n\n{result}\n\n{phrases}\n", encoding="utf-8")
    (WORK / "rows.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
