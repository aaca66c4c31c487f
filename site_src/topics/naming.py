"""Lasting topic and area names: new ones matched to the remembered ones (slugs and labels kept), retired ones redirected.

Only naming and the lock's records of a grouping; the grouping itself comes from model.py.
"""

from __future__ import annotations

from itertools import chain, repeat

import numpy as np

from site_src.text.slugs import unique_slugs
from site_src.topics.lock import LockedArea, LockedTopic, RetiredTopic, TopicLock

MATCH_THRESHOLD = 0.3


def match_topics(new_papers: list[set[str]], new_terms: list[dict], lock: TopicLock) -> dict[int, int]:
    """New topic index -> locked topic index, by optimal assignment on paper overlap plus centroid cosine."""
    from scipy.optimize import linear_sum_assignment

    old = lock.topics
    if not old or not new_papers:
        return {}
    vocabulary = sorted(set().union(*new_terms, *(t.terms for t in old)))
    column = {term: i for i, term in enumerate(vocabulary)}

    def matrix(term_maps):
        M = np.zeros((len(term_maps), len(vocabulary)))
        for row, terms in enumerate(term_maps):
            M[row, [column[t] for t in terms]] = list(terms.values())
        return M / np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1e-12)

    cosine = matrix(new_terms) @ matrix([t.terms for t in old]).T
    overlap = _overlap(new_papers, [set(t.papers[: t.primary]) for t in old])
    score = overlap + cosine / 2
    rows, cols = linear_sum_assignment(-score)
    return {int(r): int(c) for r, c in zip(rows, cols) if overlap[r, c] >= MATCH_THRESHOLD or cosine[r, c] >= 2 * MATCH_THRESHOLD}


def _overlap(new: list[set[str]], old: list[set[str]]) -> np.ndarray:
    """Jaccard overlap of every new paper set with every old one."""
    return np.array([[len(a & b) / max(len(a | b), 1) for b in old] for a in new]).reshape(len(new), len(old))


def area_papers(lock: TopicLock) -> list[set[str]]:
    """Each locked area's papers: its topics' own papers."""
    return [{p for t in lock.topics if t.area == a.slug for p in t.papers[: t.primary]} | set(a.papers) for a in lock.areas]


def match_areas(new_papers: list[set[str]], lock: TopicLock) -> dict[int, int]:
    """New area index -> locked area index, by optimal assignment on paper overlap (areas are broad: their papers
    tell them apart)."""
    from scipy.optimize import linear_sum_assignment

    if not lock.areas or not new_papers:
        return {}
    overlap = _overlap(new_papers, area_papers(lock))
    rows, cols = linear_sum_assignment(-overlap)
    return {int(r): int(c) for r, c in zip(rows, cols) if overlap[r, c] >= MATCH_THRESHOLD}


def name_topics(labels: list[str], slugs_of_labels, matched: dict[int, int], old: list[str], retired: list[str]) -> list[str]:
    """Slugs for the new topics (or areas): the `old` slug where matched, else a fresh one no old URL (`old`,
    `retired`) uses."""
    taken = set(old) | set(retired)
    fresh = slugs_of_labels(labels)
    names = []
    for index, label in enumerate(labels):
        if index in matched:
            names.append(old[matched[index]])
            continue
        slug, suffix = fresh[index], 2
        while slug in taken:
            slug, suffix = f"{fresh[index]}-{suffix}", suffix + 1
        taken.add(slug)
        names.append(slug)
    return names


def topic_slugs(labels: list[str]) -> list[str]:
    slugs = unique_slugs(((label, label) for label in labels), max_length=40, fallback="topic")
    return [slugs[label] for label in labels]


def related_map(related: np.ndarray, paper_slugs: list[str], rows: np.ndarray | None = None) -> dict[str, tuple[str, ...]]:
    """Each paper's related papers by slug, as the lock keeps them; with `rows`, only those papers'."""
    rows = np.arange(len(paper_slugs)) if rows is None else rows
    return {paper_slugs[i]: tuple(paper_slugs[j] for j in row if j >= 0) for i, row in zip(rows.tolist(), related[rows].tolist())}


def related_map_since(lock: TopicLock, related: np.ndarray, remembered: np.ndarray, new: np.ndarray, paper_slugs: list[str]):
    """related_map(related, paper_slugs) after new papers were placed: the lock's lists where a paper's related papers
    are still its `remembered` ones (the lock's, as rows), mapped anew for the `new` papers and those whose changed
    (a day's placement at 34,000 papers: a few hundred rows, not 34,000)."""
    kept = lock.related_papers
    listed = np.fromiter(map(kept.__contains__, paper_slugs), dtype=bool, count=len(paper_slugs))
    lengths = np.fromiter(map(len, map(kept.get, paper_slugs, repeat(()))), dtype=np.int64, count=len(paper_slugs))
    # A lock's list is the remembered row exactly where the row dropped and cut none of it (a hand-edited lock may differ).
    as_kept = listed & ((remembered >= 0).sum(axis=1) == lengths)
    changed = np.union1d(np.flatnonzero((related != remembered).any(axis=1) | ~as_kept), new)
    return {**dict(zip(paper_slugs, map(kept.get, paper_slugs))), **related_map(related, paper_slugs, changed)}


def remembered_related(lock: TopicLock, paper_slugs: list[str], count: int, papers: list[str]) -> np.ndarray | None:
    """The lock's related papers of `papers` as rows of indices into paper_slugs (-1: none); None when it lacks them."""
    remembered = lock.related_papers
    if not all(slug in remembered for slug in papers):
        return None
    index = {slug: i for i, slug in enumerate(paper_slugs)}
    listed = [remembered[slug] for slug in papers]
    others = np.array([index.get(other, -1) for other in chain.from_iterable(listed)], dtype=np.int64)
    row = np.repeat(np.array([index[slug] for slug in papers], dtype=np.int64), [len(r) for r in listed])
    row, others = row[others >= 0], others[others >= 0]  # papers that are gone are dropped, the rest move up
    # Each paper's entries stand together: their places in its row count from where its run starts.
    starts = np.concatenate([[0], np.flatnonzero(row[1:] != row[:-1]) + 1]) if len(row) else np.zeros(0, dtype=np.int64)
    place = np.arange(len(row)) - np.repeat(starts, np.diff(np.append(starts, len(row))))
    rows = np.full((len(paper_slugs), count), -1, dtype=np.int64)
    keep = place < count
    rows[row[keep], place[keep]] = others[keep]
    return rows


def topics_of_papers(topics, count: int) -> np.ndarray:
    """(papers, 2): each paper's topic and second topic (-1: none), from the topics' member lists."""
    paper_topics = np.full((count, 2), -1, dtype=np.int64)
    for number, topic in enumerate(topics):
        paper_topics[list(topic.members[: topic.size]), 0] = number
        paper_topics[list(topic.members[topic.size :]), 1] = number
    return paper_topics


def locked(grouping, slugs: tuple[str, ...], paper_slugs: list[str], area_slugs: tuple[str, ...]) -> tuple[LockedTopic, ...]:
    return tuple(
        LockedTopic(
            slug, topic.label, topic.position, topic.terms,
            tuple(paper_slugs[i] for i in topic.members), topic.size, tuple(slugs[r] for r in topic.related),
            area_slugs[topic.area],
        )
        for slug, topic in zip(slugs, grouping.topics)
    )


def locked_areas(grouping, area_slugs: tuple[str, ...], paper_slugs: list[str]) -> tuple[LockedArea, ...]:
    return tuple(LockedArea(slug, area.label, tuple(paper_slugs[i] for i in area.papers)) for slug, area in zip(area_slugs, grouping.areas))


def retire(lock: TopicLock, matched: dict[int, int], grouping, slugs, paper_slugs) -> tuple[RetiredTopic, ...]:
    """Locked topics no new topic took over: each redirects to the topic that holds most of its papers."""
    home = {paper_slugs[i]: slugs[n] for n, t in enumerate(grouping.topics) for i in t.members[: t.size]}
    old = [(t.slug, t.label, t.papers[: t.primary]) for t in lock.topics]
    return _retired(old, lock.retired, set(matched.values()), home)


def retire_areas(lock: TopicLock, matched: dict[int, int], grouping, area_slugs, paper_slugs) -> tuple[RetiredTopic, ...]:
    """Locked areas no new area took over: each redirects to the area that holds most of its papers."""
    home = {paper_slugs[i]: area_slugs[t.area] for t in grouping.topics for i in t.members[: t.size]}
    home.update((paper_slugs[i], slug) for slug, area in zip(area_slugs, grouping.areas) for i in area.papers)
    old = [(a.slug, a.label, sorted(papers)) for a, papers in zip(lock.areas, area_papers(lock))]
    return _retired(old, lock.retired_areas, set(matched.values()), home)


def _retired(old: list[tuple], earlier: tuple[RetiredTopic, ...], kept: set[int], home: dict[str, str]) -> tuple[RetiredTopic, ...]:
    """Redirects for the `old` (slug, label, papers) not `kept`, each to the new slug most of its papers are `home`
    in, and the `earlier` redirects, following their targets."""
    moved = {}
    for number, (slug, _, papers) in enumerate(old):
        if number in kept:
            continue
        votes = sorted(home[p] for p in papers if p in home)
        moved[slug] = max(sorted(set(votes)), key=votes.count, default="")
    retired = [RetiredTopic(slug, label, moved[slug]) for slug, label, _ in old if slug in moved]
    for redirect in earlier:  # an older redirect follows its target if that moved too
        successor, hops = redirect.successor, 0
        while successor in moved and hops < 100:
            successor, hops = moved[successor], hops + 1
        retired.append(RetiredTopic(redirect.slug, redirect.label, successor))
    return tuple(sorted(retired, key=lambda r: r.slug))
