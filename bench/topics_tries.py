"""Research (not the product): variants of the shipped topic vectors, scored as `make topics-eval` scores the site.

Each variant changes one thing in what model.group_papers reads (the words counted, how they are weighed), by
replacing one of the functions it calls, and is scored on the three theme sets of bench/topics_eval.py (the seed
themes, tuned on; API 2025 and late 2025, held out): theme F1 and its spread over seeds. docs/topics.md reports
the results ("Tried in December 2026"). Run: `python bench/topics_tries.py [--seeds 3] [--only NAME]` (needs ../shared).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import topics_eval as te  # noqa: E402

from site_src.config import TopicSettings  # noqa: E402
from site_src.topics import model  # noqa: E402
from site_src.topics.labels import PHRASE_STOP_WORDS, phrase_matrix  # noqa: E402
from site_src.topics.vectors import Counts  # noqa: E402

COUNTS_OF, WEIGH, DOCUMENTS = model.counts_of, model.weigh, model.documents


def with_pairs(weight: float, least: int):
    """Word pairs (labels.phrase_matrix's: side by side, or across "of", "for"...; no stop word at either end) in at
    least `least` papers counted as terms besides the words, their TF-IDF weights times `weight`."""

    def counts_of(tokens):
        words = COUNTS_OF(tokens)
        C, first, last = phrase_matrix(tokens, stop=PHRASE_STOP_WORDS)
        V = len(tokens.words)
        pairs = C[:, V:].tocsc()
        keep = np.flatnonzero(np.diff(pairs.indptr) >= least)
        names = np.array([f"{tokens.words[a]} {tokens.words[b]}" for a, b in zip(first[V:][keep], last[V:][keep])], dtype=str)
        M = sp.hstack([words.matrix, pairs[:, keep].tocsr().astype(np.float32)], format="csr")
        every = np.concatenate([words.words, names])
        order = np.argsort(every, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        M = sp.csr_matrix((M.data, rank[M.indices], M.indptr), shape=M.shape)
        M.sort_indices()
        return Counts(M, every[order])

    def weigh(counts, settings):
        X, terms = WEIGH(counts, settings)
        if weight == 1 or terms is None:
            return X, terms
        scale = np.where(np.char.find(terms.get_feature_names_out().astype(str), " ") >= 0, weight, 1.0).astype(np.float32)
        X = (X @ sp.diags(scale)).tocsr()
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        return (sp.diags((1 / np.where(norms > 0, norms, 1)).astype(np.float32)) @ X).tocsr().astype(np.float32), terms

    return {"counts_of": counts_of, "weigh": weigh}


def abstract_read(words: int = 0, lead: int = 0):
    """The abstract cut to its first `words` words, or its first `lead` sentences counted once more."""

    def documents(titles, abstracts, title_weight):
        if words:
            abstracts = [" ".join(a.split()[:words]) for a in abstracts]
        if lead:
            abstracts = [a + " " + " ".join(re.split(r"(?<=[.!?])\s+", a.strip())[:lead]) for a in abstracts]
        return DOCUMENTS(titles, abstracts, title_weight)

    return {"documents": documents}


VARIANTS = {
    "shipped": {},
    "pairs": with_pairs(1.0, 2),
    "pairs at half weight": with_pairs(0.5, 2),
    "pairs in 3 or more papers": with_pairs(1.0, 3),
    "abstract's first 80 words": abstract_read(words=80),
    "abstract's first 130 words": abstract_read(words=130),
    "first sentence twice": abstract_read(lead=1),
    "first two sentences twice": abstract_read(lead=2),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    sets = [s for s in (te.seed_set(), te.api_set(), te.late_set()) if s is not None]
    print("| variant | " + " | ".join(f"{s.name}: F1 (spread)" for s in sets) + " |\n|---|" + "---|" * len(sets))
    for name, replaced in VARIANTS.items():
        if args.only and name != args.only:
            continue
        for function, value in {"counts_of": COUNTS_OF, "weigh": WEIGH, "documents": DOCUMENTS, **replaced}.items():
            setattr(model, function, value)
        scores = [te.evaluate(te.site_recipe(TopicSettings()), s, args.seeds) for s in sets]
        print(f"| {name} | " + " | ".join(f"{r['f1']:.3f} ({r['spread']:.3f})" for r in scores) + " |", flush=True)


if __name__ == "__main__":
    main()
