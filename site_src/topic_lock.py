"""topics.lock.json: what keeps topic URLs and labels stable from one build to the next.

The lock remembers, for the last build: each topic's slug, label, centroid terms, map position and
papers, plus a fingerprint of the inputs. A build with the same fingerprint takes its topics from the
lock as they are (same bytes out, no factorization). A build with a few new papers (the papers grew by
at most a fifth since the topics were fitted) places each new paper on the remembered topic whose
centroid is closest and changes nothing else. Past that, a build warm-starts the topic
model from the remembered centroids, matches the new topics to the remembered ones (optimal
assignment on paper overlap and centroid similarity), keeps their slugs and labels, and leaves a
redirect behind for every topic that disappears, so no topic URL ever stops resolving.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .config import TopicSettings
from .errors import DigestError
from .slugs import is_slug, unique_slugs

if TYPE_CHECKING:
    from .grouping import Grouping

LOCK_NAME = "topics.lock.json"
LOCK_VERSION = 1
# Bump when the topic algorithm changes, so old fingerprints stop matching.
ALGORITHM = "nmf-ctfidf-2"
MATCH_THRESHOLD = 0.3
# New papers are placed on the remembered topics until the papers reach this many times those the topics
# were fitted on; then the topics are fitted again (warm-started), so they follow a growing corpus.
FOLD_IN_GROWTH = 1.2


@dataclass(frozen=True)
class LockedTopic:
    slug: str
    label: tuple[str, ...]
    position: tuple[float, float]
    terms: dict  # centroid's top terms -> weight
    papers: tuple[str, ...]  # paper slugs, primary members first (as in Topic.members)
    primary: int  # how many of `papers` are primary members
    related: tuple[str, ...]  # slugs of related topics


@dataclass(frozen=True)
class RetiredTopic:
    slug: str
    label: tuple[str, ...]
    successor: str  # slug of the topic that took most of its papers


@dataclass(frozen=True)
class TopicLock:
    fingerprint: str
    topics: tuple[LockedTopic, ...]
    retired: tuple[RetiredTopic, ...] = ()
    fitted: int = 0  # how many papers the topics were last fitted on (0: not known)
    settings: str = ""  # settings_hash() of the fit
    related_papers: dict = dataclasses.field(default_factory=dict)  # paper slug -> its related papers' slugs


def settings_hash(settings: TopicSettings) -> str:
    """What, besides the papers, the fitted topics depend on: the algorithm and the topic settings."""
    return hashlib.sha256(json.dumps([ALGORITHM, dataclasses.asdict(settings)], sort_keys=True).encode()).hexdigest()[:16]


def fingerprint(slugs: list[str], titles: list[str], abstracts: list[str], settings: TopicSettings) -> str:
    """A hash of everything the grouping depends on."""
    digest = hashlib.sha256()
    digest.update(json.dumps([ALGORITHM, dataclasses.asdict(settings)], sort_keys=True).encode())
    for record in zip(slugs, titles, abstracts):
        digest.update(json.dumps(record).encode())
    return digest.hexdigest()


def read_lock(path: Path) -> TopicLock | None:
    """The lock file, or None when there is none; a damaged one is an error naming the file."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != LOCK_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        topics = tuple(
            LockedTopic(
                t["slug"], tuple(t["label"]), tuple(t["position"]), dict(t["terms"]),
                tuple(t["papers"]), int(t["primary"]), tuple(t["related"]),
            )
            for t in data["topics"]
        )
        retired = tuple(RetiredTopic(r["slug"], tuple(r["label"]), r["successor"]) for r in data["retired"])
        bad = next((s for s in [t.slug for t in topics] + [r.slug for r in retired] if not is_slug(s)), None)
        if bad is not None:  # slugs become folder names in build/: only ones slugify could have made
            raise ValueError(f"{bad!r} is not a slug (lowercase a-z, 0-9 and single hyphens)")
        related = {str(slug): tuple(map(str, others)) for slug, others in data.get("related_papers", {}).items()}
        return TopicLock(data["fingerprint"], topics, retired, int(data.get("fitted", 0)), str(data.get("settings", "")), related)
    except json.JSONDecodeError as exc:
        raise DigestError(f"damaged lock file: {exc.msg} (column {exc.colno}); delete it to start afresh", path, exc.lineno) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DigestError(f"damaged lock file: {exc}; delete it to start afresh", path) from None


def lock_bytes(lock: TopicLock) -> bytes:
    data = {
        "version": LOCK_VERSION,
        "note": "Written by `digest build`; keeps topic URLs stable. Commit it with your content.",
        "fingerprint": lock.fingerprint,
        "fitted": lock.fitted,
        "settings": lock.settings,
        "topics": [
            {**dataclasses.asdict(t), "label": list(t.label), "position": [round(x, 6) for x in t.position]}
            for t in lock.topics
        ],
        "retired": [dataclasses.asdict(r) | {"label": list(r.label)} for r in lock.retired],
        "related_papers": {slug: list(lock.related_papers[slug]) for slug in sorted(lock.related_papers)},
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def write_lock(path: Path, data: bytes) -> bool:
    """Write the lock's bytes (lock_bytes) when they changed, atomically; True when it was written."""
    if path.exists() and path.read_bytes() == data:
        return False
    staging = path.with_name(f".{path.name}.new")
    staging.write_bytes(data)
    staging.replace(path)
    return True


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


@dataclass(frozen=True)
class NamedGrouping:
    """The grouping with its topics' lasting names, the redirects, and the lock to write."""

    grouping: Grouping
    slugs: tuple[str, ...]  # one per topic of `grouping`
    retired: tuple[RetiredTopic, ...]
    lock: TopicLock


def _related_map(related: np.ndarray, paper_slugs: list[str]) -> dict[str, tuple[str, ...]]:
    """Each paper's related papers by slug, as the lock keeps them."""
    return {slug: tuple(paper_slugs[j] for j in row if j >= 0) for slug, row in zip(paper_slugs, related.tolist())}


def _remembered_related(lock: TopicLock, paper_slugs: list[str], count: int, papers: list[str]) -> np.ndarray | None:
    """The lock's related papers of `papers` as rows of indices into paper_slugs (-1: none); None when it lacks them."""
    if not all(slug in lock.related_papers for slug in papers):
        return None
    index = {slug: i for i, slug in enumerate(paper_slugs)}
    rows = np.full((len(paper_slugs), count), -1, dtype=np.int64)
    for slug in papers:
        found = [index[other] for other in lock.related_papers[slug] if other in index][:count]
        rows[index[slug], : len(found)] = found
    return rows


def _paper_topics(topics, count: int) -> np.ndarray:
    """(papers, 2): each paper's topic and second topic (-1: none), from the topics' member lists."""
    paper_topics = np.full((count, 2), -1, dtype=np.int64)
    for number, topic in enumerate(topics):
        paper_topics[list(topic.members[: topic.size]), 0] = number
        paper_topics[list(topic.members[topic.size :]), 1] = number
    return paper_topics


def _from_lock(lock: TopicLock, paper_slugs: list[str], related: np.ndarray, params: dict):
    from .grouping import Grouping, Topic

    index = {slug: i for i, slug in enumerate(paper_slugs)}
    position = {t.slug: i for i, t in enumerate(lock.topics)}
    topics = tuple(
        Topic(t.label, tuple(index[s] for s in t.papers), tuple(position[r] for r in t.related), t.primary, t.position, t.terms)
        for t in lock.topics
    )
    params = {**params, "method": "reused from topics.lock.json (inputs unchanged)"}
    return Grouping(topics, _paper_topics(topics, len(paper_slugs)), related, params)


def _can_fold_in(lock: TopicLock, paper_slugs: list[str], settings: TopicSettings) -> bool:
    """New papers go onto the remembered topics, without a new fit, while all of these hold: there are new
    papers, the lock knows its fit (same settings and algorithm), every remembered paper is still there, and the papers have not
    grown past FOLD_IN_GROWTH times those the topics were fitted on. Otherwise (no new paper but other
    changes, a paper gone, an empty topic) the topics are fitted again."""
    if not lock.fitted or lock.settings != settings_hash(settings) or len(paper_slugs) > FOLD_IN_GROWTH * lock.fitted:
        return False
    present = set(paper_slugs)
    known = {slug for t in lock.topics for slug in t.papers}
    return known < present and all(t.primary > 0 for t in lock.topics)


def _fold_in(lock: TopicLock, paper_slugs: list[str], titles: list[str], abstracts: list[str], settings: TopicSettings, stamp: str):
    """The remembered topics as they are, each new paper on the topic whose centroid is closest to it."""
    from .grouping import Grouping, Topic
    from .topics import fold_in

    index = {slug: i for i, slug in enumerate(paper_slugs)}
    position = {t.slug: i for i, t in enumerate(lock.topics)}
    known = {slug for t in lock.topics for slug in t.papers}
    new = np.array([i for i, slug in enumerate(paper_slugs) if slug not in known], dtype=np.int64)
    remembered = _remembered_related(lock, paper_slugs, settings.related, sorted(known))
    placed, weight, related = fold_in(titles, abstracts, settings, [t.terms for t in lock.topics], new, remembered)
    topics = []
    for number, t in enumerate(lock.topics):
        own = placed[:, 0] == number
        joined = new[own][np.lexsort((new[own], -weight[own]))].tolist()  # strongest first, ties by index
        seconds = new[placed[:, 1] == number].tolist()
        members = [index[s] for s in t.papers[: t.primary]] + joined + [index[s] for s in t.papers[t.primary :]] + seconds
        related_topics = tuple(position[r] for r in t.related)
        topics.append(Topic(t.label, tuple(members), related_topics, t.primary + len(joined), t.position, t.terms))
    params = {
        "papers": len(paper_slugs), "topics": len(topics), **dataclasses.asdict(settings),
        "method": f"{len(new)} new papers placed on the topics of topics.lock.json (fitted on {lock.fitted} papers; "
        f"refitted past {int(FOLD_IN_GROWTH * lock.fitted)})",
    }
    grouping = Grouping(tuple(topics), _paper_topics(topics, len(paper_slugs)), related, params)
    slugs = tuple(t.slug for t in lock.topics)
    new_lock = TopicLock(
        stamp, _locked(grouping, slugs, paper_slugs), lock.retired, lock.fitted, lock.settings, _related_map(related, paper_slugs)
    )
    return NamedGrouping(grouping, slugs, lock.retired, new_lock)


def _locked(grouping, slugs: tuple[str, ...], paper_slugs: list[str]) -> tuple[LockedTopic, ...]:
    return tuple(
        LockedTopic(
            slug, topic.label, topic.position, topic.terms,
            tuple(paper_slugs[i] for i in topic.members), topic.size, tuple(slugs[r] for r in topic.related),
        )
        for slug, topic in zip(slugs, grouping.topics)
    )


def _retire(lock: TopicLock, matched: dict[int, int], grouping, slugs, paper_slugs) -> tuple[RetiredTopic, ...]:
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


def name_grouping(papers, settings: TopicSettings, lock: TopicLock | None) -> NamedGrouping:
    """Group the papers, naming topics after the lock where they continue a remembered one."""

    paper_slugs = [p.slug for p in papers]
    titles = [p.title for p in papers]
    abstracts = [p.abstract for p in papers]
    stamp = fingerprint(paper_slugs, titles, abstracts, settings)
    if lock and lock.fingerprint == stamp:
        params = {"papers": len(papers), "topics": len(lock.topics), **dataclasses.asdict(settings)}
        related = _remembered_related(lock, paper_slugs, settings.related, paper_slugs)
        if related is None:  # a lock from before related papers were kept: compute them (scikit-learn) and keep them
            from . import topics

            related = topics.related_only(titles, abstracts, settings, [t.terms for t in lock.topics])
            lock = dataclasses.replace(lock, related_papers=_related_map(related, paper_slugs))
        grouping = _from_lock(lock, paper_slugs, related, params)
        if not lock.fitted:  # a lock from before fits were recorded: its topics were fitted on exactly these papers
            lock = dataclasses.replace(lock, fitted=len(papers), settings=settings_hash(settings))
        return NamedGrouping(grouping, tuple(t.slug for t in lock.topics), lock.retired, lock)
    if lock and _can_fold_in(lock, paper_slugs, settings):
        return _fold_in(lock, paper_slugs, titles, abstracts, settings, stamp)
    from . import topics

    priors = [t.terms for t in lock.topics] if lock else None
    remembered = {slug: row for row, t in enumerate(lock.topics) for slug in t.papers[: t.primary]} if lock else {}
    prior_topic = np.array([remembered.get(slug, -1) for slug in paper_slugs], dtype=np.int64)
    grouping = topics.group_papers(titles, abstracts, settings, priors, prior_topic)
    new_sets = [{paper_slugs[i] for i in t.members[: t.size]} for t in grouping.topics]
    matched = match_topics(new_sets, [t.terms for t in grouping.topics], lock) if lock else {}
    relabelled = tuple(
        dataclasses.replace(t, label=lock.topics[matched[n]].label) if n in matched else t
        for n, t in enumerate(grouping.topics)
    )
    grouping = dataclasses.replace(grouping, topics=relabelled)
    slugs = tuple(name_topics([" · ".join(t.label) for t in relabelled], topic_slugs, matched, lock))
    retired = _retire(lock, matched, grouping, slugs, paper_slugs) if lock else ()
    new_lock = TopicLock(
        stamp, _locked(grouping, slugs, paper_slugs), retired, len(papers), settings_hash(settings),
        _related_map(grouping.related, paper_slugs),
    )
    return NamedGrouping(grouping, slugs, retired, new_lock)
