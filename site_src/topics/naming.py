"""Lasting topic names: new topics matched to the remembered ones (slugs and labels kept), retired topics redirected.

Only naming and the lock's records of a grouping; the grouping itself comes from model.py.
"""

from __future__ import annotations

from itertools import chain

import numpy as np

from site_src.text.slugs import unique_slugs
from site_src.topics.lock import LockedTopic, RetiredTopic, TopicLock

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
    old_papers = [set(t.papers[: t.primary]) for t in old]
    overlap = np.array([[len(a & b) / max(len(a | b), 1) for b in old_papers] for a in new_papers])
    score = overlap + cosine / 2
    rows, cols = linear_sum_assignment(-score)
    return {int(r): int(c) for r, c in zip(rows, cols) if overlap[r, c] >= MATCH_THRESHOLD or cosine[r, c] >= 2 * MATCH_THRESHOLD}


def name_topics(labels: list[str], slugs_of_labels, matched: dict[int, int], lock: TopicLock | None) -> list[str]:
    """Slugs for the new topics: the locked slug where matched, else a fresh one no old URL uses."""
    taken = {t.slug for t in lock.topics} | {r.slug for r in lock.retired} if lock else set()
    fresh = slugs_of_labels(labels)
    names = []
    for index, label in enumerate(labels):
        if index in matched:
            names.append(lock.topics[matched[index]].slug)
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


def related_map(related: np.ndarray, paper_slugs: list[str]) -> dict[str, tuple[str, ...]]:
    """Each paper's related papers by slug, as the lock keeps them."""
    return {slug: tuple(paper_slugs[j] for j in row if j >= 0) for slug, row in zip(paper_slugs, related.tolist())}


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


def locked(grouping, slugs: tuple[str, ...], paper_slugs: list[str]) -> tuple[LockedTopic, ...]:
    return tuple(
        LockedTopic(
            slug, topic.label, topic.position, topic.terms,
            tuple(paper_slugs[i] for i in topic.members), topic.size, tuple(slugs[r] for r in topic.related),
        )
        for slug, topic in zip(slugs, grouping.topics)
    )


def retire(lock: TopicLock, matched: dict[int, int], grouping, slugs, paper_slugs) -> tuple[RetiredTopic, ...]:
    """Locked topics no new topic took over: each redirects to the topic that holds most of its papers."""
    home = {paper_slugs[i]: slugs[n] for n, t in enumerate(grouping.topics) for i in t.members[: t.size]}
    kept = set(matched.values())
    moved = {}
    for number, old in enumerate(lock.topics):
        if number in kept:
            continue
        votes = sorted(home[p] for p in old.papers[: old.primary] if p in home)
        moved[old.slug] = max(sorted(set(votes)), key=votes.count, default="")
    retired = [RetiredTopic(slug, old.label, moved[slug]) for old in lock.topics for slug in [old.slug] if slug in moved]
    for old in lock.retired:  # an older redirect follows its target if that moved too
        successor, hops = old.successor, 0
        while successor in moved and hops < 100:
            successor, hops = moved[successor], hops + 1
        retired.append(RetiredTopic(old.slug, old.label, successor))
    return tuple(sorted(retired, key=lambda r: r.slug))
