"""How good "For you" is: star 3 papers of a theme, count how many of the 10 recommendations share the theme.

The anchor is arxiv-sanity-lite's recommender, run in Python as its compute.py and serve.py do: scikit-learn's
TfidfVectorizer over title, abstract and authors (1-2-word terms, English stop words, sublinear counts, min_df 5,
max_df 0.5, 10,000 terms), and LinearSVC(C=0.01, class_weight="balanced") trained on every paper of the corpus
(the stars positive, the rest negative). Ours is the browser's code (templates/assets/recommend/rank.js, run in
node) on the compact vectors the build writes (site_src/outputs/recommend/), trained only on what a For-you page
loads: the stars and the candidates. The candidates stand in for the recent papers: every other paper of the
theme set ("themed"), or those with 300 papers of no theme mixed in ("+ distractors", which count as misses).

Three theme sets, as for the topics (bench/topics_eval.py): bench/topic_themes.yaml (the seed papers; the compact
vectors were first tuned on it), bench/topic_themes_api.yaml (2025 API papers) and bench/topic_themes_late2025.yaml
(September-December 2025 from the JSON Feed snapshots); the last two held out. Precision@10 is the share of
on-theme papers among the ten, out of at most the theme's other papers; averaged over 5 seeded draws of 3 stars
per theme with at least 8 papers, and for the shipped ranking the range over three seeds of those draws (which
papers are starred moves P@10 more than most choices below). Compared: the ranking's feedback (rank.js),
smoothing, kept terms, quantization, how terms are chosen, the title's weight. Last, reported and never used for
a choice: the Chromium acceptance test's two themes (tests/fixtures/recent_themes.yaml) on the 3,956-paper site,
ranked as its For-you page ranks, for the test's stars and over 20 seeded draws of three. Run: `python bench/recommend_eval.py` (needs ../shared for the held-out sets);
writes bench/recommend_eval.md. Exits non-zero when the shipped vectors keep < 90% of the anchor.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_src.outputs.recommend import Encoded, paper_vectors, reference_size, vector_file  # noqa: E402
from site_src.outputs.recommend.vectors import KEEP, SHARED, SMOOTH, compact, paper_counts, tfidf  # noqa: E402

_spec = importlib.util.spec_from_file_location("topics_eval", ROOT / "bench" / "topics_eval.py")
topics_eval = importlib.util.module_from_spec(_spec)
sys.modules["topics_eval"] = topics_eval  # its dataclasses look their module up
_spec.loader.exec_module(topics_eval)

TRIALS = 5
STARS = 3
DISTRACTORS = 300
SHIPPED = f"smoothed {SMOOTH}, kept {KEEP}, 8-bit, shared {SHARED} (shipped)"
DRAW_SEEDS = (27, 28, 29)  # the first is every row's; the shipped row is also drawn with the others


@dataclass
class Themes:
    name: str
    titles: list[str]
    abstracts: list[str]
    authors: list[str]  # the anchor reads them, as arxiv-sanity-lite does
    picked: np.ndarray
    gold: np.ndarray
    first_seen: np.ndarray  # rows in the order the papers first appeared (recommend.first_seen's order)

    def reference(self) -> np.ndarray:
        """The rows whose papers weigh the terms, as the build chooses them (recommend.reference_size)."""
        return np.sort(self.first_seen[: reference_size(len(self.titles))])


def _read(days: list[Path], name_of, themes: str, name: str) -> Themes:
    """The days as one corpus, read by the site's own reader, with the themes of bench/`themes`."""
    from site_src.config import SiteConfig
    from site_src.ingest import read_corpus

    with tempfile.TemporaryDirectory() as folder:
        for day in days:
            (Path(folder) / name_of(day)).symlink_to(day)
        corpus = read_corpus(Path(folder), SiteConfig())[0]
    papers = corpus.papers
    picked, gold = topics_eval.load_themes(papers, ROOT / "bench" / themes)
    number = {d.id: n for n, d in enumerate(corpus.digests)}
    first = np.array([min((number[d] for d in p.digests), default=len(number)) for p in papers], dtype=np.int64)
    return Themes(name, [p.title for p in papers], [p.abstract for p in papers], [" ".join(p.authors) for p in papers], picked, gold,
                  np.lexsort((np.arange(len(papers)), first)))


def theme_sets():
    """The seed set and, with ../shared, the two held-out sets (the days bench/topics_eval.py reads)."""
    yield _read(sorted((ROOT / "content" / "dumps").iterdir()), lambda d: d.name, "topic_themes.yaml", "seeds (tuned on)")
    api = sorted(topics_eval.API_DAYS.glob(topics_eval.API_YEAR + "*.json"))
    if api:
        yield _read(api, lambda d: d.name, "topic_themes_api.yaml", "API 2025 (held out)")
    late = [d for d in sorted(topics_eval.FEED_DAYS.glob("2025-*/hf_papers.json")) if d.parent.name >= topics_eval.FEED_FROM]
    late = [d for d in late if topics_eval.FEED_FAILED not in d.read_text(encoding="utf-8")]
    if late:
        yield _read(late, lambda d: f"{d.parent.name}.json", "topic_themes_late2025.yaml", "late 2025 (held out)")


def trials(picked: np.ndarray, gold: np.ndarray, n: int, seed: int = DRAW_SEEDS[0]) -> list[dict]:
    """Seeded draws of 3 stars per theme of at least 8 papers, with both candidate pools."""
    rng = random.Random(seed)
    themed = set(picked.tolist())
    others = sorted(set(range(n)) - themed)
    distractors = sorted(rng.sample(others, min(DISTRACTORS, len(others))))
    out = []
    for theme in sorted(set(gold.tolist())):
        members = sorted(picked[gold == theme].tolist())
        if len(members) < 8:
            continue
        for _ in range(TRIALS):
            stars = sorted(rng.sample(members, STARS))
            pool = sorted(themed - set(stars))
            out.append({"theme": theme, "members": members, "stars": stars, "themed": pool, "mixed": sorted(pool + distractors)})
    return out


def precision(top: list[int], trial: dict) -> float:
    relevant = set(trial["members"]) - set(trial["stars"])
    return sum(1 for i in top[:10] if i in relevant) / min(10, len(relevant))


def anchor(texts: list[str], cases: list[dict]) -> dict[str, list[list[int]]]:
    """arxiv-sanity-lite's ranking of each pool for each draw of stars."""
    from sklearn import svm
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        strip_accents="unicode", lowercase=True, analyzer="word", stop_words="english",
        token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b", ngram_range=(1, 2), max_features=10000,
        norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True, max_df=0.5, min_df=5,
    )
    X = vectorizer.fit_transform(texts)
    tops = {"themed": [], "mixed": []}
    for case in cases:
        y = np.zeros(len(texts))
        y[case["stars"]] = 1
        clf = svm.LinearSVC(class_weight="balanced", max_iter=10000, tol=1e-6, C=0.01, dual=True)
        clf.fit(X, y)
        s = clf.decision_function(X)
        for pool in tops:
            candidates = np.array(case[pool])
            tops[pool].append(candidates[np.lexsort((candidates, -s[candidates]))][:10].tolist())
    return tops


def sparse_rows(U: sp.csr_matrix) -> list:
    U = U.tocsr()
    return [[U.indices[U.indptr[r]:U.indptr[r + 1]].tolist(), U.data[U.indptr[r]:U.indptr[r + 1]].tolist()] for r in range(U.shape[0])]


def variants(titles: list[str], abstracts: list[str], reference: np.ndarray | None = None) -> dict[str, tuple[list, int, float, dict]]:
    """name -> (rows as [ids, values], terms, gzipped bytes per paper of the files the browser would load, options
    of the browser's ranking). `reference`: the rows whose papers weigh the terms (None: all)."""
    slugs = [f"p{i}" for i in range(len(titles))]

    def weigh(title_weight=2, rows=reference):
        return tfidf(paper_counts(titles, abstracts, title_weight, reference=rows), reference=rows)

    weighted = weigh()
    out = {"full TF-IDF, not smoothed (ours, float)": (sparse_rows(weighted.X), weighted.X.shape[1], float("nan"), {})}

    def add(label, v, **options):
        size = len(gzip.compress(vector_file(v, list(range(len(titles))), Encoded(slugs, titles)), 9)) / len(titles)
        out[label] = (sparse_rows(v.unit()), v.rows.shape[1], size, options)

    shipped = paper_vectors(weighted)[0]
    add(SHIPPED, shipped)
    add("shipped, without feedback", shipped, feedback=0)
    add("not smoothed", compact(weighted.X, weighted.terms, df=weighted.df))
    for smooth in (0.1, 0.4):
        add(f"smoothed {smooth}", paper_vectors(weighted, smooth=smooth)[0])
    for keep in (16, 24, 48):
        add(f"kept {keep}", paper_vectors(weighted, keep=keep)[0])
    add("4-bit", paper_vectors(weighted, levels=16)[0])
    add("strongest by weight alone (shared 0)", paper_vectors(weighted, shared=0)[0])
    add("title counted once", paper_vectors(weigh(1))[0])
    if reference is not None and len(reference) < len(titles):
        add("terms weighed by every paper (until December 2026)", paper_vectors(weigh(rows=None))[0])
    return out


def browser_tops(rows: list, dims: int, cases: list[dict], pool: str, options: dict) -> tuple[list[list[int]], float]:
    """The browser module's top 10 for each draw, and its median milliseconds per ranking."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.json", Path(folder) / "out.json"
        trials_in = [{"stars": c["stars"], "candidates": c[pool], "others": c.get("others", [])} for c in cases]
        source.write_text(json.dumps({"dims": dims, "papers": rows, "trials": trials_in, "options": options}), encoding="utf-8")
        subprocess.run(["node", str(ROOT / "bench" / "recommend_rank.mjs"), str(source), str(target)], check=True)
        result = json.loads(target.read_text(encoding="utf-8"))
    return [r["top"] for r in result], float(np.median([r["ms"] for r in result]))


def p_at_10(rows: list, dims: int, cases: list[dict], options: dict) -> tuple[dict[str, float], float]:
    """Mean precision@10 of the browser's ranking over `cases`, per pool, and its median ms per ranking."""
    scores, ms = {}, 0.0
    for pool in ("themed", "mixed"):
        tops, ms = browser_tops(rows, dims, cases, pool, options)
        scores[pool] = float(np.mean([precision(t, c) for t, c in zip(tops, cases)]))
    return scores, ms


ACCEPTANCE_DRAWS = 20


def acceptance() -> list[str]:
    """The Chromium acceptance test's themes (tests/fixtures/recent_themes.yaml) on the 3,956-paper site of every
    API day, ranked as its For-you page ranks (the recent papers, negatives from the stars' buckets): hits of 10
    for the test's stars (each theme's first three) and over seeded draws of three of its papers. Reported only:
    nothing is chosen by it (the test's themes are held out from every choice)."""
    import yaml

    from site_src.build import build
    from site_src.outputs.recommend import bucket_of

    days = sorted(topics_eval.API_DAYS.glob("*.json"))
    if not days:
        return []
    themes = yaml.safe_load((ROOT / "tests" / "fixtures" / "recent_themes.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        (content / "dumps").mkdir(parents=True)
        for day in days:
            shutil.copy(day, content / "dumps" / day.name)
        out = Path(folder) / "build"
        build(content, out, lock=False, cache=False)
        read = lambda path: json.loads((out / path).read_text(encoding="utf-8"))  # noqa: E731
        manifest, papers = read("data/recommend/manifest.json"), read("data/papers.json")
        files = [read(manifest["recent"])] + [read(manifest["papers"].replace("{}", str(b))) for b in range(manifest["buckets"])]
    vocabulary: dict[str, int] = {}
    rows, number = [], {}
    for data in files:
        for slug, _, gaps, levels in data["papers"]:
            if slug not in number:
                ids = [vocabulary.setdefault(data["terms"][i], len(vocabulary)) for i in np.cumsum(gaps) - 1]
                norm = float(np.linalg.norm(levels))
                number[slug] = len(rows)
                rows.append([ids, [v / norm for v in levels]])
    recent = [number[row[0]] for row in files[0]["papers"]]
    bucket = {}
    for b, data in enumerate(files[1:]):
        for row in data["papers"]:
            bucket.setdefault(b, []).append(number[row[0]])
    by_id = {p["arxiv_id"]: number[p["slug"]] for p in papers if p["arxiv_id"]}
    rng = random.Random(27)
    lines = [f"## The acceptance test's themes on the 3,956-paper site ({len(recent)} recent papers; reported, never tuned on)", "",
             f"| theme | its first 3 starred (the test) | {ACCEPTANCE_DRAWS} draws of 3: mean (min-max) |", "|---|---|---|"]
    slug_of = {v: k for k, v in number.items()}
    for name, ids in themes.items():
        members = [by_id[str(i)] for i in ids]
        draws = [members[:3]] + [rng.sample(members, STARS) for _ in range(ACCEPTANCE_DRAWS)]
        cases = []
        for stars in draws:
            buckets = sorted({bucket_of(slug_of[s], manifest["buckets"]) for s in stars})
            cases.append({"stars": stars, "members": members, "recent": recent, "others": [r for b in buckets for r in bucket[b]]})
        tops, _ = browser_tops(rows, len(vocabulary), cases, "recent", {})
        hits = [len(set(t) & (set(c["members"]) - set(c["stars"]))) for t, c in zip(tops, cases)]
        rest = hits[1:]
        lines.append(f"| {name} | {hits[0]} of 10 | {np.mean(rest):.2f} ({min(rest)}-{max(rest)}) |")
        print(lines[-1], flush=True)
    return lines + [""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "recommend_eval.md")
    args = parser.parse_args()
    lines = ["# For you: precision@10 against arxiv-sanity-lite's SVM (bench/recommend_eval.py)", ""]
    verdict = 0
    for themes in theme_sets():
        start = time.perf_counter()
        n = len(themes.titles)
        cases = trials(themes.picked, themes.gold, n)
        # the anchor reads authors too, as arxiv-sanity-lite does; ours does not (docs/recommendations.md)
        texts = [" ".join(parts) for parts in zip(themes.titles, themes.abstracts, themes.authors)]
        anchored = anchor(texts, cases)
        base = {pool: np.mean([precision(t, c) for t, c in zip(anchored[pool], cases)]) for pool in anchored}
        lines += [f"## {themes.name}: {n:,} papers, {len(set(themes.gold.tolist()))} themes, {len(cases)} draws of {STARS} stars", ""]
        lines += ["| representation | bytes/paper (gzip) | P@10 themed | share of anchor | P@10 + distractors | share of anchor | ms/ranking |", "|---|---|---|---|---|---|---|"]
        lines.append(f"| anchor: arxiv-sanity-lite SVM, full TF-IDF | – | {base['themed']:.3f} | 100% | {base['mixed']:.3f} | 100% | – |")
        for label, (rows, dims, size, options) in variants(themes.titles, themes.abstracts, themes.reference()).items():
            scores, ms = p_at_10(rows, dims, cases, options)
            shares = {pool: scores[pool] / base[pool] if base[pool] else float("nan") for pool in scores}
            shown = "–" if size != size else f"{size:.0f}"
            lines.append(
                f"| {label} | {shown} | {scores['themed']:.3f} | {shares['themed']:.0%} | {scores['mixed']:.3f} | "
                f"{shares['mixed']:.0%} | {ms:.1f} |"
            )
            print(lines[-1], flush=True)
            if label == SHIPPED:
                verdict |= min(shares.values()) < 0.9
                spread = [p_at_10(rows, dims, trials(themes.picked, themes.gold, n, seed), options)[0] for seed in DRAW_SEEDS[1:]]
                spread.append(scores)
                ranges = {pool: (min(s[pool] for s in spread), max(s[pool] for s in spread)) for pool in scores}
                shipped_line = (f"Shipped, draws of stars seeded {', '.join(map(str, DRAW_SEEDS))}: P@10 themed "
                                f"{ranges['themed'][0]:.3f}-{ranges['themed'][1]:.3f}, + distractors {ranges['mixed'][0]:.3f}-{ranges['mixed'][1]:.3f}.")
        lines += ["", shipped_line, "", f"({time.perf_counter() - start:.0f} s)", ""]
    lines += acceptance()
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return int(verdict)


if __name__ == "__main__":
    sys.exit(main())
