"""How good "For you" is: star 3 papers of a theme, count how many of the 10 recommendations share the theme.

The anchor is arxiv-sanity-lite's recommender, run in Python as its compute.py and serve.py do: scikit-learn's
TfidfVectorizer over title, abstract and authors (1-2-word terms, English stop words, sublinear counts, min_df 5,
max_df 0.5, 10,000 terms), and LinearSVC(C=0.01, class_weight="balanced") trained on every paper of the corpus
(the stars positive, the rest negative). Ours is the browser's code (templates/assets/recommend/rank.js, run in
node) on the compact vectors the build writes (site_src/outputs/recommend/), trained only on what a For-you page
loads: the stars and the candidates. The candidates stand in for the recent papers: every other paper of the
theme set ("themed"), or those with 300 papers of no theme mixed in ("+ distractors", which count as misses).

Two theme sets, as for the topics: bench/topic_themes.yaml (the seed papers; the compact vectors were tuned on
it) and bench/topic_themes_api.yaml (2025 API papers; held out, only reported). Precision@10 is the share of
on-theme papers among the ten, out of at most the theme's other papers; averaged over 5 seeded draws of 3 stars
per theme with at least 8 papers. Representations compared: kept terms (8..48 per paper), quantization (8 or 4
bits) and a random projection (dense, int8). Run: `python bench/recommend_eval.py` (needs ../shared for the
held-out set); writes bench/recommend_eval.md. Exits non-zero when the shipped vectors keep < 90% of the anchor.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_src.outputs.recommend import vector_file  # noqa: E402
from site_src.outputs.recommend.vectors import KEEP, SHARED, compact, paper_text, tfidf  # noqa: E402

_spec = importlib.util.spec_from_file_location("topics_eval", ROOT / "bench" / "topics_eval.py")
topics_eval = importlib.util.module_from_spec(_spec)
sys.modules["topics_eval"] = topics_eval  # its dataclasses look their module up
_spec.loader.exec_module(topics_eval)

TRIALS = 5
STARS = 3
DISTRACTORS = 300
SHIPPED = f"kept {KEEP}, 8-bit, shared {SHARED} (shipped)"
SWEEP_KEEP = (8, 16, 24, 32, 48)
SWEEP_SHARED = (0.5, 1.0)
SWEEP_MIN_DF = (5, 10)


def theme_sets():
    """(name, papers, picked, gold) for the seed set and, with ../shared, the held-out API set."""
    from site_src.config import SiteConfig
    from site_src.ingest import read_corpus

    papers = read_corpus(ROOT / "content" / "dumps", SiteConfig())[0].papers
    yield ("seeds (tuned on)", papers, *topics_eval.load_themes(papers, ROOT / "bench" / "topic_themes.yaml"))
    days = sorted(topics_eval.API_DAYS.glob(topics_eval.API_YEAR + "*.json"))
    if days:
        with tempfile.TemporaryDirectory() as folder:
            for day in days:
                (Path(folder) / day.name).symlink_to(day)
            papers = read_corpus(Path(folder), SiteConfig())[0].papers
        yield ("API 2025 (held out)", papers, *topics_eval.load_themes(papers, ROOT / "bench" / "topic_themes_api.yaml"))


def trials(picked: np.ndarray, gold: np.ndarray, n: int) -> list[dict]:
    """Seeded draws of 3 stars per theme of at least 8 papers, with both candidate pools."""
    rng = random.Random(27)
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


def anchor(papers, cases: list[dict]) -> dict[str, list[list[int]]]:
    """arxiv-sanity-lite's ranking of each pool for each draw of stars."""
    from sklearn import svm
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        strip_accents="unicode", lowercase=True, analyzer="word", stop_words="english",
        token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b", ngram_range=(1, 2), max_features=10000,
        norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True, max_df=0.5, min_df=5,
    )
    X = vectorizer.fit_transform([" ".join([p.title, p.abstract, " ".join(p.authors)]) for p in papers])
    tops = {"themed": [], "mixed": []}
    for case in cases:
        y = np.zeros(len(papers))
        y[case["stars"]] = 1
        clf = svm.LinearSVC(class_weight="balanced", max_iter=10000, tol=1e-6, C=0.01, dual=True)
        clf.fit(X, y)
        s = clf.decision_function(X)
        for pool in tops:
            candidates = np.array(case[pool])
            tops[pool].append(candidates[np.lexsort((candidates, -s[candidates]))][:10].tolist())
    return tops


def projected(X: sp.csr_matrix, dims: int) -> tuple[list, list, int]:
    """A seeded Gaussian random projection of the full rows to `dims` numbers, int8-quantized per row."""
    rng = np.random.default_rng(27)
    P = rng.standard_normal((X.shape[1], dims)).astype(np.float32) / np.sqrt(dims)
    dense = np.asarray(X @ P)
    scale = np.abs(dense).max(axis=1, keepdims=True)
    q = np.rint(dense / np.where(scale > 0, scale, 1) * 127)
    q /= np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
    ids = list(range(dims))
    return [[ids, row.tolist()] for row in q], [dims * 1.0], dims


def sparse_rows(U: sp.csr_matrix) -> list:
    U = U.tocsr()
    return [[U.indices[U.indptr[r]:U.indptr[r + 1]].tolist(), U.data[U.indptr[r]:U.indptr[r + 1]].tolist()] for r in range(U.shape[0])]


def variants(papers) -> dict[str, tuple[list, int, float]]:
    """name -> (rows as [ids, values], terms, gzipped bytes per paper of the files the browser would load)."""
    texts = [paper_text(p.title, p.abstract, p.authors) for p in papers]
    slugs, titles = [p.slug for p in papers], [p.title for p in papers]
    out = {}
    X, terms = tfidf(texts)
    out["full TF-IDF (ours, float)"] = (sparse_rows(X), X.shape[1], float("nan"))

    def add(label, v):
        size = len(gzip.compress(vector_file(v, list(range(len(papers))), slugs, titles), 9)) / len(papers)
        out[label] = (sparse_rows(v.unit()), v.rows.shape[1], size)

    add(SHIPPED, compact(X, terms))
    for keep in SWEEP_KEEP:
        add(f"kept {keep}, 8-bit", compact(X, terms, keep=keep, shared=0))
    add("kept 24, 4-bit, shared 0.25", compact(X, terms, levels=16))
    for shared in SWEEP_SHARED:
        add(f"kept 24, 8-bit, shared {shared}", compact(X, terms, shared=shared))
    for keep in (32, 48):
        add(f"kept {keep}, 8-bit, shared {SHARED}", compact(X, terms, keep=keep))
    for min_df in SWEEP_MIN_DF:
        Xm, tm = tfidf(texts, min_df=min_df)
        add(f"kept 24, 8-bit, min_df {min_df}", compact(Xm, tm, shared=0))
    Xf, tf = tfidf(texts, field_stop=True)
    add("shipped, with the field's stop words too", compact(Xf, tf))
    for dims in (128, 256):
        rows, _, d = projected(X, dims)
        out[f"projection {dims}, int8"] = (rows, d, dims + 60.0)  # dims bytes and a title
    return out


def browser_tops(rows: list, dims: int, cases: list[dict], pool: str) -> tuple[list[list[int]], float]:
    """The browser module's top 10 for each draw, and its median milliseconds per ranking."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.json", Path(folder) / "out.json"
        trials_in = [{"stars": c["stars"], "candidates": c[pool]} for c in cases]
        source.write_text(json.dumps({"dims": dims, "papers": rows, "trials": trials_in}), encoding="utf-8")
        subprocess.run(["node", str(ROOT / "bench" / "recommend_rank.mjs"), str(source), str(target)], check=True)
        result = json.loads(target.read_text(encoding="utf-8"))
    return [r["top"] for r in result], float(np.median([r["ms"] for r in result]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "recommend_eval.md")
    args = parser.parse_args()
    lines = ["# For you: precision@10 against arxiv-sanity-lite's SVM (bench/recommend_eval.py)", ""]
    verdict = 0
    for name, papers, picked, gold in theme_sets():
        start = time.perf_counter()
        cases = trials(picked, gold, len(papers))
        anchored = anchor(papers, cases)
        base = {pool: np.mean([precision(t, c) for t, c in zip(anchored[pool], cases)]) for pool in anchored}
        lines += [f"## {name}: {len(papers):,} papers, {len(set(gold.tolist()))} themes, {len(cases)} draws of {STARS} stars", ""]
        lines += ["| representation | bytes/paper (gzip) | P@10 themed | share of anchor | P@10 + distractors | share of anchor | ms/ranking |", "|---|---|---|---|---|---|---|"]
        lines.append(f"| anchor: arxiv-sanity-lite SVM, full TF-IDF | – | {base['themed']:.3f} | 100% | {base['mixed']:.3f} | 100% | – |")
        for label, (rows, dims, size) in variants(papers).items():
            scores, ms = {}, 0.0
            for pool in ("themed", "mixed"):
                tops, ms = browser_tops(rows, dims, cases, pool)
                scores[pool] = np.mean([precision(t, c) for t, c in zip(tops, cases)])
            shares = {pool: scores[pool] / base[pool] if base[pool] else float("nan") for pool in scores}
            shown = "–" if size != size else f"{size:.0f}"
            lines.append(
                f"| {label} | {shown} | {scores['themed']:.3f} | {shares['themed']:.0%} | {scores['mixed']:.3f} | "
                f"{shares['mixed']:.0%} | {ms:.1f} |"
            )
            if label == SHIPPED and min(shares.values()) < 0.9:
                verdict = 1
            print(lines[-1], flush=True)
        lines += ["", f"({time.perf_counter() - start:.0f} s)", ""]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return verdict


if __name__ == "__main__":
    sys.exit(main())
