"""Research: For you's terms weighed by the papers that came first (the build's reference, recommend.reference_size)
against weights from every paper, as the build did until December 2026.

A new day costs only its own papers while the weights stay put (docs/recommendations.md); the price is that the
newest papers' words do not move the weights until the papers reach the next reference size, so at worst the newest
1 - 1/REFERENCE_GROWTH of the papers (a eleventh) weigh nothing. Scored as bench/recommend_eval.py scores the
shipped vectors (its theme sets, draws and node ranking), over more draw seeds: every paper; the build's reference
for the set's size; the worst case, the newest eleventh out; and for scale the newest sixth out. Run:
`python bench/recommend_reference.py [--draws 10]` (needs ../shared for the held-out sets).
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

from site_src.outputs.recommend import REFERENCE_GROWTH, paper_vectors  # noqa: E402
from site_src.outputs.recommend.vectors import pair_counts, tfidf, with_pairs  # noqa: E402
from site_src.topics.vectors import counts_of, documents, tokenize  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10, help="draw seeds, from the evaluation's first")
    args = parser.parse_args()
    seeds = range(ev.DRAW_SEEDS[0], ev.DRAW_SEEDS[0] + args.draws)
    for themes in ev.theme_sets():
        n = len(themes.titles)
        tokens = tokenize(documents(themes.titles, themes.abstracts, 2))
        words, pairs = counts_of(tokens), pair_counts(tokens)
        choices = [
            ("every paper", None),
            (f"the build's reference ({len(themes.reference())} of {n})", themes.reference()),
            ("the newest eleventh out (the worst case)", np.sort(themes.first_seen[: int(n / REFERENCE_GROWTH)])),
            ("the newest sixth out", np.sort(themes.first_seen[: int(n / 1.2)])),
        ]
        for name, reference in choices:
            vectors = paper_vectors(tfidf(with_pairs(words, pairs, reference=reference), reference=reference))[0]
            rows, dims = ev.sparse_rows(vectors.unit()), vectors.rows.shape[1]
            found = [ev.p_at_10(rows, dims, ev.trials(themes.picked, themes.gold, n, seed), {})[0] for seed in seeds]
            scores = np.array([[f["themed"], f["mixed"]] for f in found])
            print(f"{themes.name}, {name}: themed {scores[:, 0].mean():.3f} (sd {scores[:, 0].std():.3f}), "
                  f"with distractors {scores[:, 1].mean():.3f} (sd {scores[:, 1].std():.3f})", flush=True)


if __name__ == "__main__":
    main()
