"""Score the site's topic grouping against two people's themes, and the quality of its labels.

Two theme sets: `bench/topic_themes.yaml` (167 of the 340 seed papers in 15 themes; recipes are tuned
on it) and `bench/topic_themes_api.yaml` (261 of the 3,4xx papers of 2025 from real daily-papers API
responses in 15 themes, made before any grouping was looked at; held out, only reported) and
`bench/topic_themes_late2025.yaml` (196 of the 2,298 papers of September-December 2025 from the JSON Feed
snapshots, days the API set does not cover, in 16 themes; made the same way, held out). For each
set and recipe: pairwise precision, recall and F1 (pairs of themed papers put together by the grouping
vs. by the person), the mean and the spread (max - min) of F1 over seeds, and a label-quality figure:
the share of a topic's papers whose title or abstract contains the topic's first label phrase (median
and minimum over topics). Run: `make topics-eval` (needs ../shared for the API set).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_src.config import SiteConfig, TopicSettings  # noqa: E402
from site_src.ingest import read_corpus  # noqa: E402

API_DAYS = ROOT.parent / "shared" / "corpora" / "hf-api-daily-papers-jeongiin" / "api-json"
API_YEAR = "2025-"
FEED_DAYS = ROOT.parent / "shared" / "corpora" / "hf-papers-jsonfeed-markert" / "snapshots"
FEED_FROM = "2025-09-01"  # the JSON Feed days after the last 2025 API day: no paper in common with the API set
FEED_FAILED = "Something is wrong - no hf papers feed generated"


class Outcome(NamedTuple):
    """What a recipe gives: each paper's topics, and per topic its first label phrase and its own papers."""

    paper_topics: list[set[int]]
    labels: list[str]
    members: list[list[int]]


Recipe = Callable[[list[str], list[str], int], Outcome]


@dataclasses.dataclass
class ThemeSet:
    name: str
    titles: list[str]
    abstracts: list[str]
    picked: np.ndarray  # indices of the themed papers
    gold: np.ndarray  # their theme numbers


def load_themes(papers, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(paper indices, theme number) of every paper a theme names, by arXiv id or by the start of its title;
    each entry must match exactly one paper."""
    themes = yaml.safe_load(path.read_text(encoding="utf-8"))
    titles = [p.title for p in papers]
    by_id = {p.arxiv_id: i for i, p in enumerate(papers) if p.arxiv_id}
    indices, labels = [], []
    for number, (name, entries) in enumerate(themes.items()):
        for entry in entries:
            entry = str(entry)
            matches = [by_id[entry]] if entry in by_id else [i for i, t in enumerate(titles) if t.startswith(entry)]
            if len(matches) != 1:
                raise SystemExit(f"{path}: theme {name!r}: {entry!r} matches {len(matches)} papers")
            indices.append(matches[0])
            labels.append(number)
    if len(set(indices)) != len(indices):
        raise SystemExit(f"{path}: a paper stands in two themes")
    return np.array(indices), np.array(labels)


def seed_set() -> ThemeSet:
    papers = read_corpus(ROOT / "content" / "dumps", SiteConfig())[0].papers
    picked, gold = load_themes(papers, ROOT / "bench" / "topic_themes.yaml")
    return ThemeSet("seeds (tuned on)", [p.title for p in papers], [p.abstract for p in papers], picked, gold)


def api_set() -> ThemeSet | None:
    """The 2025 API days as one corpus (read through the site's own reader), or None without ../shared."""
    days = sorted(API_DAYS.glob(API_YEAR + "*.json"))
    if not days:
        return None
    with tempfile.TemporaryDirectory() as folder:
        for day in days:
            (Path(folder) / day.name).symlink_to(day)
        papers = read_corpus(Path(folder), SiteConfig())[0].papers
    picked, gold = load_themes(papers, ROOT / "bench" / "topic_themes_api.yaml")
    return ThemeSet("API 2025 (held out)", [p.title for p in papers], [p.abstract for p in papers], picked, gold)


def late_set() -> ThemeSet | None:
    """September to December 2025 from the JSON Feed snapshots (one dump a day, read by the site's own reader),
    or None without ../shared."""
    days = [d for d in sorted(FEED_DAYS.glob("2025-*/hf_papers.json")) if d.parent.name >= FEED_FROM]
    days = [d for d in days if FEED_FAILED not in d.read_text(encoding="utf-8")]
    if not days:
        return None
    with tempfile.TemporaryDirectory() as folder:
        for day in days:
            (Path(folder) / f"{day.parent.name}.json").symlink_to(day)
        papers = read_corpus(Path(folder), SiteConfig())[0].papers
    picked, gold = load_themes(papers, ROOT / "bench" / "topic_themes_late2025.yaml")
    return ThemeSet("late 2025 (held out)", [p.title for p in papers], [p.abstract for p in papers], picked, gold)


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


def _plain(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()) + " "


def label_quality(outcome: Outcome, titles: list[str], abstracts: list[str]) -> tuple[float, float]:
    """Median and minimum over topics of the share of its papers whose title or abstract holds its first label
    phrase (case, hyphens and punctuation aside)."""
    shares = []
    for phrase, members in zip(outcome.labels, outcome.members):
        if not members:
            continue
        needle = _plain(phrase)
        shares.append(sum(needle in _plain(titles[i] + " " + abstracts[i]) for i in members) / len(members))
    return (statistics.median(shares), min(shares)) if shares else (0.0, 0.0)


def from_grouping(grouping) -> Outcome:
    """An Outcome from the site's Grouping."""
    sets = [{int(t) for t in row if t >= 0} for row in grouping.paper_topics]
    labels = [t.label[0] for t in grouping.topics]
    members = [list(t.members[: t.size]) for t in grouping.topics]
    return Outcome(sets, labels, members)


def site_recipe(settings: TopicSettings) -> Recipe:
    def run(titles, abstracts, seed):
        from site_src.topics.model import group_papers

        return from_grouping(group_papers(titles, abstracts, dataclasses.replace(settings, seed=seed)))

    return run


def baseline(titles, abstracts, seed) -> Outcome:
    """Naive: k-means on plain TF-IDF of title + abstract, English stop words only, at the site's topic count."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    from site_src.topics.graph import topic_count

    X = TfidfVectorizer(stop_words="english").fit_transform([t + " " + a for t, a in zip(titles, abstracts)])
    k = topic_count(len(titles), TopicSettings())
    labels = KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(X)
    return Outcome([{int(c)} for c in labels], [], [])


def evaluate(recipe: Recipe, theme_set: ThemeSet, seeds: int) -> dict:
    runs, quality, seconds, topics = [], [], [], []
    for seed in range(seeds):
        start = time.perf_counter()
        outcome = recipe(theme_set.titles, theme_set.abstracts, seed)
        seconds.append(time.perf_counter() - start)
        runs.append(pairwise_scores(theme_set.gold, [outcome.paper_topics[i] for i in theme_set.picked]))
        topics.append(len(outcome.members) or len(set().union(*outcome.paper_topics)))
        if outcome.labels:
            quality.append(label_quality(outcome, theme_set.titles, theme_set.abstracts))
    f1 = [r[2] for r in runs]
    return {
        "precision": statistics.mean(r[0] for r in runs),
        "recall": statistics.mean(r[1] for r in runs),
        "f1": statistics.mean(f1),
        "spread": max(f1) - min(f1),
        "label_median": statistics.mean(q[0] for q in quality) if quality else None,
        "label_min": min(q[1] for q in quality) if quality else None,
        "topics": statistics.mean(topics),
        "seconds": statistics.median(seconds),
    }


def row(name: str, theme_set: ThemeSet, s: dict) -> str:
    label = "–" if s["label_median"] is None else f"{s['label_median']:.2f} / {s['label_min']:.2f}"
    return (
        f"| {name} | {theme_set.name} | {s['topics']:.0f} | {s['precision']:.3f} | {s['recall']:.3f} | **{s['f1']:.3f}** "
        f"| {s['spread']:.3f} | {label} | {s['seconds']:.1f} |"
    )


HEADER = (
    "| recipe | theme set | topics | precision | recall | F1 | F1 spread | label share median / min | s per fit |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5, help="seeds to average over (at least 5 for the note)")
    parser.add_argument("--sweep", action="store_true", help="also score a sweep of settings (on the seeds only)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the k-means baseline")
    args = parser.parse_args()

    sets = [seed_set()]
    held_out = api_set()
    if held_out is None:
        print(f"({API_DAYS} not found: the held-out API theme set is skipped)")
    else:
        sets.append(held_out)
    late = late_set()
    if late is not None:
        sets.append(late)
    for s in sets:
        print(f"{s.name}: {len(s.titles)} papers; {len(s.picked)} of them in {s.gold.max() + 1} themes")
    print()
    print(HEADER)
    default = TopicSettings()
    recipes: list[tuple[str, Recipe, list[ThemeSet]]] = []
    if not args.no_baseline:
        recipes.append(("baseline: k-means on TF-IDF", baseline, sets))
    if args.sweep:
        sweep = [("count=18", {"count": 18}), ("count=34", {"count": 34}), ("title_weight=1", {"title_weight": 1}),
                 ("max_df=0.2", {"max_df": 0.2}), ("second_topic=0", {"second_topic": 0.0})]
        for name, change in sweep:
            recipes.append((name, site_recipe(dataclasses.replace(default, **change)), sets[:1]))
    recipes.append(("**site default**", site_recipe(default), sets))
    for name, recipe, on in recipes:
        for theme_set in on:
            print(row(name, theme_set, evaluate(recipe, theme_set, args.seeds)), flush=True)
    fields = ", ".join(f"{f.name}={getattr(default, f.name)}" for f in dataclasses.fields(default))
    print(f"\nsite default: {fields}")


if __name__ == "__main__":
    main()
