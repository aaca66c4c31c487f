"""Score the site's areas against the people's themes of `bench/topics_eval.py`: does each theme sit in one area?

For every theme of the three theme sets (seeds, tuned on; API 2025 and late 2025, held out) and every seed: the
share of the theme's papers whose area (the area of their own topic) is the theme's most common one. "Area recall"
is that share averaged over themes (each theme counts once), then over seeds, with its spread (max - min). A theme
split over two topics of one area scores 1: areas are judged on keeping a person's theme together, which topics
need not. Beside it, the same figure with the topics given to areas at random (same number of areas, same number
of topics in each; 20 draws a seed): what any grouping of the topics into that many areas would reach, since a few
large areas hold most papers. Run: `python bench/areas_eval.py [--seeds 3]` (needs ../shared for the held-out sets).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from site_src.config import TopicSettings  # noqa: E402
from topics_eval import ThemeSet, api_set, late_set, seed_set  # noqa: E402

RANDOM_DRAWS = 20


def area_recall(gold: np.ndarray, area: np.ndarray) -> float:
    """The mean over themes of the share of a theme's papers in its most common area."""
    shares = [np.bincount(area[gold == theme]).max() / (gold == theme).sum() for theme in np.unique(gold)]
    return float(np.mean(shares))


def evaluate(theme_set: ThemeSet, seeds: int) -> dict:
    from site_src.topics.model import group_papers

    recalls, chance, areas, topics = [], [], [], []
    for seed in range(seeds):
        grouping = group_papers(theme_set.titles, theme_set.abstracts, TopicSettings(seed=seed))
        topic_area = np.array([t.area for t in grouping.topics])
        own = grouping.paper_topic[theme_set.picked]
        recalls.append(area_recall(theme_set.gold, topic_area[own]))
        random = np.random.RandomState(seed)
        chance.append(statistics.mean(area_recall(theme_set.gold, random.permutation(topic_area)[own]) for _ in range(RANDOM_DRAWS)))
        areas.append(len(grouping.areas))
        topics.append(len(grouping.topics))
    return {
        "recall": statistics.mean(recalls), "spread": max(recalls) - min(recalls), "chance": statistics.mean(chance),
        "areas": statistics.mean(areas), "topics": statistics.mean(topics),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(f"| theme set | themes | topics | areas | area recall (spread), {args.seeds} seeds | topics given to areas at random |")
    print("|---|---|---|---|---|---|")
    for make in (seed_set, api_set, late_set):
        theme_set = make()
        if theme_set is None:
            print(f"| {make.__name__}: ../shared not found, skipped | | | | | |")
            continue
        s = evaluate(theme_set, args.seeds)
        print(f"| {theme_set.name} | {len(np.unique(theme_set.gold))} | {s['topics']:.0f} | {s['areas']:.0f} | "
              f"{s['recall']:.2f} ({s['spread']:.2f}) | {s['chance']:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
