"""Research (not the product): For you's vectors with the most frequent word pairs as terms besides the words.

Scored as bench/recommend_eval.py scores the shipped vectors (its theme sets, draws and node ranking), over more
draw seeds: P@10 themed and with distractors per draw seed, and their means. docs/recommendations.md reports the
result ("Tried and not kept"). Run: `python bench/recommend_pairs.py [--draws 10] [--top 2000]` (needs ../shared).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import recommend_eval as ev  # noqa: E402

from site_src.outputs.recommend import paper_vectors  # noqa: E402
from site_src.outputs.recommend.vectors import paper_counts, tfidf  # noqa: E402
from site_src.topics.vectors import TOKEN_PATTERN, Counts, documents  # noqa: E402


def with_pairs(counts: Counts, docs: list[str], top: int) -> Counts:
    """The word counts, and the `top` word pairs (English stop words out, in 2 or more papers) most papers use."""
    vectorizer = CountVectorizer(token_pattern=TOKEN_PATTERN, ngram_range=(2, 2), stop_words="english", min_df=2)
    pairs = vectorizer.fit_transform(docs).astype(np.float32)
    names = vectorizer.get_feature_names_out()
    kept = np.sort(np.argsort(-np.bincount(pairs.indices, minlength=pairs.shape[1]), kind="stable")[:top])
    return Counts(sp.hstack([counts.matrix, pairs[:, kept]]).tocsr(), np.concatenate([counts.words, names[kept].astype(str)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10, help="draw seeds, from the evaluation's first")
    parser.add_argument("--top", type=int, default=2000)
    args = parser.parse_args()
    seeds = range(ev.DRAW_SEEDS[0], ev.DRAW_SEEDS[0] + args.draws)
    for themes in ev.theme_sets():
        counts = paper_counts(themes.titles, themes.abstracts, 2)
        docs = documents(themes.titles, themes.abstracts, 2)
        for name, chosen in (("shipped", counts), (f"{args.top} word pairs", with_pairs(counts, docs, args.top))):
            vectors = paper_vectors(tfidf(chosen))[0]
            rows, dims = ev.sparse_rows(vectors.unit()), vectors.rows.shape[1]
            found = [ev.p_at_10(rows, dims, ev.trials(themes.picked, themes.gold, len(themes.titles), seed), {})[0] for seed in seeds]
            scores = np.array([[f["themed"], f["mixed"]] for f in found])
            print(f"{themes.name}, {name}: themed {scores[:, 0].mean():.3f} ({' '.join(f'{v:.3f}' for v in scores[:, 0])}), "
                  f"with distractors {scores[:, 1].mean():.3f} ({' '.join(f'{v:.3f}' for v in scores[:, 1])})", flush=True)


if __name__ == "__main__":
    main()
