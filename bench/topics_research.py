"""Research (not the product): measure each step of the kNN-graph spectral recipe on both theme sets.

Tune on the seed themes only; the API themes are held out. Needs PyStemmer (`pip install PyStemmer`, research only)
and the background files of bench/topics_background.py. Run: `python bench/topics_research.py [--only NAME] [--held-out]`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import topics_proto as proto  # noqa: E402
from topics_eval import HEADER, Outcome, api_set, evaluate, row, seed_set, site_recipe  # noqa: E402

from site_src.config import TopicSettings  # noqa: E402
from site_src.topics.graph import topic_count  # noqa: E402
from site_src.topics.labels import class_tfidf as _class_tfidf, pick_label  # noqa: E402
from site_src.topics.wording import display as _display  # noqa: E402
from site_src.topics.vectors import tokenize  # noqa: E402

BACKGROUND = ROOT / "bench" / ".work" / "background.npz"


def labels_for(titles, abstracts, assignment, k):
    docs = [(t + ". ") * 2 + a for t, a in zip(titles, abstracts)]
    score, phrases, _ = _class_tfidf(tokenize(docs), np.arange(len(docs)), assignment, k)
    score = score.toarray()
    candidates = np.argsort(-score, axis=1, kind="stable")[:, :20]
    labels, members = [], []
    for t in range(k):
        own = np.flatnonzero(assignment == t).tolist()
        label = pick_label([phrases[i] for i in candidates[t] if score[t, i] > 0])
        texts = [titles[i] for i in own] + [abstracts[i] for i in own[:20]]
        labels.append(_display(label[0], texts) if label else f"Topic {t + 1}")
        members.append(own)
    return labels, members


def spectral_recipe(stem=True, join=True, background=False, neighbours=15, umap=True, expand=None, consensus=0,
                    per_sqrt=None, title_weight=2, max_df=0.5, n_init=4, assign="kmeans", second=0.0, stop_stems=True):
    bg = proto.load_background(BACKGROUND if stem else BACKGROUND.with_name("background_words.npz")) if background or expand else None

    def run(titles, abstracts, seed):
        proto.STOP_STEMS = stop_stems
        X, words, idf = proto.tfidf(titles, abstracts, bg if background else None, title_weight, join, stem, max_df=max_df)
        if expand:
            m, beta, rare = expand
            X = proto.expand(X, bg, words, idf, m, beta, rare)
        n = X.shape[0]
        k = topic_count(n, TopicSettings()) if per_sqrt is None else max(2, round(per_sqrt * np.sqrt(n)))
        idx, sim = proto.knn(X, neighbours)
        P = proto.fuzzy_graph(idx, sim, n, umap)
        if consensus:
            runs = [proto.spectral(P, k, seed * 100 + r, n_init=1)[0] for r in range(consensus)]
            # Co-association as a graph: how often two neighbours fell together, on the kNN edges only.
            rows, cols = P.nonzero()
            agree = np.mean([a[rows] == a[cols] for a in runs], axis=0)
            import scipy.sparse as sp

            Q = sp.csr_matrix((agree * P.data[np.argsort(np.lexsort((cols, rows)))] if False else agree, (rows, cols)), shape=P.shape)
            Q = Q.multiply(P).tocsr()
            Q.eliminate_zeros()
            assignment = proto.spectral(Q, k, seed, n_init=n_init)[0]
        else:
            assignment = proto.spectral(P, k, seed, n_init=n_init, assign=assign)
            assignment = assignment if assign == "qr" else assignment[0]
        labels, members = labels_for(titles, abstracts, assignment, k)
        sets = [{int(a)} for a in assignment]
        if second:
            import scipy.sparse as sp

            onehot = sp.csr_matrix((np.ones(n), (np.arange(n), assignment)), shape=(n, k))
            A = np.asarray((P @ onehot).todense())
            A[np.arange(n), assignment] = np.maximum(A[np.arange(n), assignment], A.max(axis=1))
            A[np.arange(n), assignment] += 1e-9
            runner = np.argsort(-A, axis=1, kind="stable")[:, 1]
            top, nxt = A[np.arange(n), assignment], A[np.arange(n), runner]
            for i in np.flatnonzero(nxt >= second * top):
                sets[i].add(int(runner[i]))
        return Outcome(sets, labels, members)

    return run


RECIPES = {
    "nmf (today)": lambda: site_recipe(TopicSettings()),
    "spectral, plain tfidf": lambda: spectral_recipe(stem=False, join=False),
    "spectral, cosine weights": lambda: spectral_recipe(stem=False, join=False, umap=False),
    "cos +join+stem": lambda: spectral_recipe(umap=False),
    "cos +join+stem +bg": lambda: spectral_recipe(umap=False, background=True),
    "cos +join +bg": lambda: spectral_recipe(umap=False, stem=False, background=True),
    "cos +bg k=10": lambda: spectral_recipe(umap=False, background=True, neighbours=10),
    "cos +bg k=25": lambda: spectral_recipe(umap=False, background=True, neighbours=25),
    "cos +bg +expand(10,0.5,0.5)": lambda: spectral_recipe(umap=False, background=True, expand=(10, 0.5, 0.5)),
    "cos +bg +consensus5": lambda: spectral_recipe(umap=False, background=True, consensus=5),
    "cos plain qr": lambda: spectral_recipe(umap=False, stem=False, join=False, assign="qr"),
    "cos plain kmeans1": lambda: spectral_recipe(umap=False, stem=False, join=False, n_init=1),
    "cos plain second0.6": lambda: spectral_recipe(umap=False, stem=False, join=False, second=0.6),
    "cos plain second0.4": lambda: spectral_recipe(umap=False, stem=False, join=False, second=0.4),
    "cos stem bg second0.6": lambda: spectral_recipe(umap=False, background=True, second=0.6),
    "cos plain consensus5": lambda: spectral_recipe(umap=False, stem=False, join=False, consensus=5),
    "cos plain bg": lambda: spectral_recipe(umap=False, stem=False, join=False, background=True),
    "cos stem nobg tw1": lambda: spectral_recipe(umap=False, title_weight=1),
    "v3 stem keepstems": lambda: spectral_recipe(umap=False, stop_stems=False),
    "v3 stem keepstems bg": lambda: spectral_recipe(umap=False, stop_stems=False, background=True),
    "v3 nojoin stem bg": lambda: spectral_recipe(umap=False, join=False, background=True),
    "v3 plain consensus5 second0.6": lambda: spectral_recipe(umap=False, stem=False, join=False, consensus=5, second=0.6),
    "v4 plain bgwords": lambda: spectral_recipe(umap=False, stem=False, join=False, background=True),
    "v4 plain bgwords second0.6": lambda: spectral_recipe(umap=False, stem=False, join=False, background=True, second=0.6),
    "v4 join bgwords second0.6": lambda: spectral_recipe(umap=False, stem=False, background=True, second=0.6),
    "v4 plain bgwords expand second0.6": lambda: spectral_recipe(umap=False, stem=False, join=False, background=True, second=0.6, expand=(10, 0.3, 0.6)),
    "v4 plain second0.6 k25": lambda: spectral_recipe(umap=False, stem=False, join=False, second=0.6, neighbours=25),
    "v4 plain second0.6 k10": lambda: spectral_recipe(umap=False, stem=False, join=False, second=0.6, neighbours=10),
    "v4 plain second0.6 umap": lambda: spectral_recipe(stem=False, join=False, second=0.6),
    "spectral +join+stem": lambda: spectral_recipe(),
    "spectral +join+stem +bg df": lambda: spectral_recipe(background=True),
    "spectral +bg +expand(10,0.5,0.5)": lambda: spectral_recipe(background=True, expand=(10, 0.5, 0.5)),
    "spectral +bg +expand(10,0.3,0.7)": lambda: spectral_recipe(background=True, expand=(10, 0.3, 0.7)),
    "spectral +bg +consensus5": lambda: spectral_recipe(background=True, consensus=5),
    "spectral +bg k=10": lambda: spectral_recipe(background=True, neighbours=10),
    "spectral +bg k=25": lambda: spectral_recipe(background=True, neighbours=25),
    "spectral +bg tw=1": lambda: spectral_recipe(background=True, title_weight=1),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", help="recipe names (substring)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--held-out", action="store_true", help="also score the held-out API themes")
    args = parser.parse_args()
    sets = [seed_set()] + ([api_set()] if args.held_out else [])
    print(HEADER)
    for name, make in RECIPES.items():
        if args.only and not any(o in name for o in args.only):
            continue
        recipe = make()
        for s in sets:
            print(row(name, s, evaluate(recipe, s, args.seeds)), flush=True)


if __name__ == "__main__":
    main()
