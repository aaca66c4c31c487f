"""Score the site's topic grouping of the seed papers against a person's themes (bench/topic_themes.yaml).

Prints pairwise precision, recall and F1 for a naive baseline, a sweep of recipes and the site's
chosen defaults, each averaged over several seeds. Run: `make topics-eval`.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
from pathlib import Path

import numpy as np
import yaml
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_src.config import SiteConfig, TopicSettings  # noqa: E402
from site_src.ingest import read_corpus  # noqa: E402
from site_src.topics.model import group_papers  # noqa: E402


def load_themes(papers, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(paper indices, theme number) of every paper a theme names; each prefix must match one paper."""
    themes = yaml.safe_load(path.read_text(encoding="utf-8"))
    titles = [p.title for p in papers]
    indices, labels = [], []
    for number, (name, prefixes) in enumerate(themes.items()):
        for prefix in prefixes:
            matches = [i for i, t in enumerate(titles) if t.startswith(prefix)]
            if len(matches) != 1:
                raise SystemExit(f"{path}: theme {name!r}: {prefix!r} matches {len(matches)} papers")
            indices.append(matches[0])
            labels.append(number)
    if len(set(indices)) != len(indices):
        raise SystemExit(f"{path}: a paper stands in two themes")
    return np.array(indices), np.array(labels)


def pairwise_scores(gold: np.ndarray, predicted: list[set[int]]) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1: pairs of papers put together by the grouping vs. by the person."""
    n = len(gold)
    same_gold = gold[:, None] == gold[None, :]
    topics = sorted(set().union(*predicted))
    member = np.array([[t in p for t in topics] for p in predicted], dtype=float)
    same_pred = (member @ member.T) > 0
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    both = (same_gold & same_pred & upper).sum()
    precision = both / max((same_pred & upper).sum(), 1)
    recall = both / max((same_gold & upper).sum(), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    return precision, recall, f1


def baseline(titles, abstracts, k: int, seed: int) -> list[set[int]]:
    """Naive: k-means on plain TF-IDF of title + abstract, English stop words only."""
    X = TfidfVectorizer(stop_words="english").fit_transform([t + " " + a for t, a in zip(titles, abstracts)])
    labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(X)
    return [{int(label)} for label in labels]


def site_recipe(titles, abstracts, settings: TopicSettings) -> list[set[int]]:
    grouping = group_papers(titles, abstracts, settings)
    return [{int(t) for t in row if t >= 0} for row in grouping.paper_topics]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5, help="seeds to average over")
    parser.add_argument("--sweep", action="store_true", help="also score a sweep of recipes")
    args = parser.parse_args()

    papers = read_corpus(ROOT / "content" / "dumps", SiteConfig())[0].papers
    titles = [p.title for p in papers]
    abstracts = [p.abstract for p in papers]
    picked, gold = load_themes(papers, ROOT / "bench" / "topic_themes.yaml")
    print(f"{len(papers)} papers; {len(picked)} of them in {gold.max() + 1} hand-made themes\n")

    def score(make) -> str:
        runs = []
        for seed in range(args.seeds):
            grouping = make(seed)
            runs.append(pairwise_scores(gold, [grouping[i] for i in picked]))
        p, r, f = (statistics.mean(x[i] for x in runs) for i in range(3))
        spread = max(x[2] for x in runs) - min(x[2] for x in runs)
        return f"{p:.3f} | {r:.3f} | **{f:.3f}** | {spread:.3f} |"

    default = TopicSettings()
    print("| recipe | precision | recall | F1 | F1 spread over seeds |")
    print("|---|---|---|---|---|")
    k = group_papers(titles, abstracts, default).params["topics"]
    print(f"| baseline: k-means on TF-IDF, k={k} |", score(lambda s: baseline(titles, abstracts, k, s)))
    recipes = []
    if args.sweep:
        for count in (12, 15, 18, 22, 26):
            recipes.append((f"count={count}", dataclasses.replace(default, count=count)))
        for weight in (1, 3):
            recipes.append((f"title_weight={weight}", dataclasses.replace(default, title_weight=weight)))
        for max_df in (0.2, 0.8):
            recipes.append((f"max_df={max_df}", dataclasses.replace(default, max_df=max_df)))
        recipes.append(("min_df=3", dataclasses.replace(default, min_df=3)))
        for share in (0.0, 0.4, 0.8):
            recipes.append((f"second_topic={share}", dataclasses.replace(default, second_topic=share)))
    recipes.append(("**site default**", default))
    for name, settings in recipes:
        print(f"| {name} |", score(lambda s: site_recipe(titles, abstracts, dataclasses.replace(settings, seed=s))))
    fields = ", ".join(f"{f.name}={getattr(default, f.name)}" for f in dataclasses.fields(default))
    print(f"\nsite default: {fields}; method: NMF (nndsvda) on TF-IDF, c-TF-IDF labels")


if __name__ == "__main__":
    main()
