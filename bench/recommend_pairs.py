"""Research: For you's vectors with words alone against the shipped ones (words and the PAIRS most used word pairs),
and against other counts of pairs (--top).

Scored as bench/recommend_eval.py scores the shipped vectors (its theme sets, draws and node ranking), over more
draw seeds: P@10 themed and with distractors per draw seed, and their means. docs/recommendations.md reports the
result. Run: `python bench/recommend_pairs.py [--draws 10] [--top 2000]` (needs ../shared).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import recommend_eval as ev  # noqa: E402

from site_src.outputs.recommend import paper_vectors  # noqa: E402
from site_src.outputs.recommend.vectors import PAIRS, pair_counts, tfidf, with_pairs  # noqa: E402
from site_src.topics.vectors import counts_of, documents, tokenize  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10, help="draw seeds, from the evaluation's first")
    parser.add_argument("--top", type=int, default=PAIRS, help="word pairs kept, besides the shipped count")
    args = parser.parse_args()
    seeds = range(ev.DRAW_SEEDS[0], ev.DRAW_SEEDS[0] + args.draws)
    for themes in ev.theme_sets():
        tokens = tokenize(documents(themes.titles, themes.abstracts, 2))
        words, pairs = counts_of(tokens), pair_counts(tokens)
        tops = [("words alone", words), (f"shipped ({PAIRS} word pairs)", with_pairs(words, pairs))]
        if args.top != PAIRS:
            tops.append((f"{args.top} word pairs", with_pairs(words, pairs, args.top)))
        for name, chosen in tops:
            vectors = paper_vectors(tfidf(chosen))[0]
            rows, dims = ev.sparse_rows(vectors.unit()), vectors.rows.shape[1]
            found = [ev.p_at_10(rows, dims, ev.trials(themes.picked, themes.gold, len(themes.titles), seed), {})[0] for seed in seeds]
            scores = np.array([[f["themed"], f["mixed"]] for f in found])
            print(f"{themes.name}, {name}: themed {scores[:, 0].mean():.3f} ({' '.join(f'{v:.3f}' for v in scores[:, 0])}), "
                  f"with distractors {scores[:, 1].mean():.3f} ({' '.join(f'{v:.3f}' for v in scores[:, 1])})", flush=True)


if __name__ == "__main__":
    main()
