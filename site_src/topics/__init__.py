"""Topics: the stage that groups papers into labelled topics with lasting URLs, and finds related papers.

`group` is its one entry point. It takes the lock (lock.py) into account: a build with the same inputs takes
the topics from it as they are; a few new papers are placed on the remembered topics (fold-in); otherwise
the topics are fitted again (model.py), warm-started while the settings are unchanged, and named after the remembered ones (naming.py).
Areas (areas.py) group whole topics; the lock keeps their names the same way.
With a cache folder (.digest-cache/topics beside build/), the papers' term counts are kept between builds
(term_counts.py), so placing a day's papers tokenizes only that day's. It does not read dumps or render
anything; SciPy is imported only when a fit or fold-in needs it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from site_src.config import TopicSettings
from site_src.topics.grouping import Area, Grouping, NamedGrouping, Topic
from site_src.topics.lock import (
    LOCK_NAME, TopicLock, fingerprint, fingerprinted_before, fitted_by_an_older_algorithm, has_areas, lock_bytes, names_only, paper_keys, placed,
    read_lock, settings_hash, write_lock,
)
from site_src.topics.naming import (
    locked, locked_areas, match_areas, match_topics, name_topics, related_map, related_map_since, remembered_related, retire, retire_areas, topic_slugs,
    topics_of_papers,
)

# New papers are placed on the remembered topics until the papers reach this many times those the topics
# were fitted on; then the topics are fitted again (warm-started), so they follow a growing corpus.
FOLD_IN_GROWTH = 1.2


def _from_lock(lock: TopicLock, paper_slugs: list[str], related: np.ndarray, params: dict):

    index = {slug: i for i, slug in enumerate(paper_slugs)}
    position = {t.slug: i for i, t in enumerate(lock.topics)}
    area = {a.slug: i for i, a in enumerate(lock.areas)}
    topics = tuple(
        Topic(t.label, tuple(index[s] for s in t.papers), tuple(position[r] for r in t.related), t.primary, t.position, t.terms, area[t.area])
        for t in lock.topics
    )
    params = {**params, "areas": len(lock.areas), "method": "reused from topics.lock.json (inputs unchanged)"}
    return Grouping(topics, topics_of_papers(topics, len(paper_slugs)), related, params, _areas(lock, paper_slugs))


def _areas(lock: TopicLock, paper_slugs: list[str]) -> tuple[Area, ...]:
    index = {slug: i for i, slug in enumerate(paper_slugs)}
    return tuple(Area(a.label, tuple(index[s] for s in a.papers)) for a in lock.areas)


def _can_fold_in(lock: TopicLock, paper_slugs: list[str], settings: TopicSettings) -> bool:
    """New papers go onto the remembered topics, without a new fit, while all of these hold: there are new
    papers, the lock knows its fit (same settings and algorithm), every remembered paper is still there, and the papers have not
    grown past FOLD_IN_GROWTH times those the topics were fitted on. Otherwise (no new paper but other
    changes, a paper gone, an empty topic) the topics are fitted again."""
    if not lock.fitted or lock.settings != settings_hash(settings) or len(paper_slugs) > FOLD_IN_GROWTH * lock.fitted or not has_areas(lock):
        return False
    return placed(lock) < set(paper_slugs) and all(t.primary > 0 for t in lock.topics)


def _fold_in(lock: TopicLock, paper_slugs: list[str], counts, settings: TopicSettings, stamp: str):
    """The remembered topics as they are, each new paper on the topic whose centroid is closest to it."""
    from site_src.topics.model import fold_in

    index = {slug: i for i, slug in enumerate(paper_slugs)}
    position = {t.slug: i for i, t in enumerate(lock.topics)}
    area = {a.slug: i for i, a in enumerate(lock.areas)}
    known = placed(lock)
    new = np.array([i for i, slug in enumerate(paper_slugs) if slug not in known], dtype=np.int64)
    remembered = remembered_related(lock, paper_slugs, settings.related, sorted(known))
    places, weight, related = fold_in(counts, settings, [t.terms for t in lock.topics], new, remembered)
    topics = []
    for number, t in enumerate(lock.topics):
        own = places[:, 0] == number
        joined = new[own][np.lexsort((new[own], -weight[own]))].tolist()  # strongest first, ties by index
        seconds = new[places[:, 1] == number].tolist()
        members = [index[s] for s in t.papers[: t.primary]] + joined + [index[s] for s in t.papers[t.primary :]] + seconds
        related_topics = tuple(position[r] for r in t.related)
        topics.append(Topic(t.label, tuple(members), related_topics, t.primary + len(joined), t.position, t.terms, area[t.area]))
    params = {
        "papers": len(paper_slugs), "topics": len(topics), "areas": len(lock.areas), **dataclasses.asdict(settings),
        "method": f"{len(new)} new papers placed on the topics of topics.lock.json (fitted on {lock.fitted} papers; "
        f"refitted past {int(FOLD_IN_GROWTH * lock.fitted)})",
    }
    grouping = Grouping(tuple(topics), topics_of_papers(topics, len(paper_slugs)), related, params, _areas(lock, paper_slugs))
    slugs, area_slugs = tuple(t.slug for t in lock.topics), tuple(a.slug for a in lock.areas)
    related_papers = related_map(related, paper_slugs) if remembered is None else related_map_since(lock, related, remembered, new, paper_slugs)
    new_lock = dataclasses.replace(lock, fingerprint=stamp, topics=locked(grouping, slugs, paper_slugs, area_slugs), related_papers=related_papers)
    return NamedGrouping(grouping, slugs, lock.retired, new_lock, area_slugs, lock.retired_areas)


def _counted(titles: list[str], abstracts: list[str], keys: list[bytes], settings: TopicSettings, cache: Path | None):
    """The papers' term counts, those of papers counted before taken from the cache folder."""
    from site_src.topics.term_counts import counted

    return counted(titles, abstracts, settings.title_weight, keys, cache)


def group(papers, settings: TopicSettings, lock: TopicLock | None, cache: Path | None = None) -> NamedGrouping:
    """Group the papers, naming topics after the lock where they continue a remembered one. `cache`: a folder
    kept between builds for the papers' term counts (None: none; the result is the same either way)."""

    paper_slugs = [p.slug for p in papers]
    titles = [p.title for p in papers]
    abstracts = [p.abstract for p in papers]
    keys = paper_keys(titles, abstracts)
    stamp = fingerprint(paper_slugs, keys, settings)
    if lock and lock.fingerprint != stamp and fingerprinted_before(lock, paper_slugs, titles, abstracts, settings):
        lock = dataclasses.replace(lock, fingerprint=stamp)  # unchanged inputs, as an earlier lock recorded them
    if lock and lock.fingerprint == stamp and names_only(lock, paper_slugs) and has_areas(lock):  # else a hand-edited lock: not trusted
        params = {"papers": len(papers), "topics": len(lock.topics), **dataclasses.asdict(settings)}
        related = remembered_related(lock, paper_slugs, settings.related, paper_slugs)
        if related is None:  # a lock from before related papers were kept: compute them and keep them
            from site_src.topics import model

            related = model.related_only(_counted(titles, abstracts, keys, settings, cache), settings, [t.terms for t in lock.topics])
            lock = dataclasses.replace(lock, related_papers=related_map(related, paper_slugs))
        grouping = _from_lock(lock, paper_slugs, related, params)
        if not lock.fitted:  # a lock from before fits were recorded: its topics were fitted on exactly these papers
            lock = dataclasses.replace(lock, fitted=len(papers), settings=settings_hash(settings))
        return NamedGrouping(grouping, tuple(t.slug for t in lock.topics), lock.retired, lock, tuple(a.slug for a in lock.areas), lock.retired_areas)
    if lock and _can_fold_in(lock, paper_slugs, settings):
        return _fold_in(lock, paper_slugs, _counted(titles, abstracts, keys, settings, cache), settings, stamp)
    from site_src.topics import model, term_counts
    from site_src.topics.vectors import counts_of, documents, tokenize

    # The fit continues the remembered topics, unless the topic settings changed (a new topics.count, say):
    # then it starts afresh, and only the names of topics that still match carry over.
    warm = lock is not None and lock.settings == settings_hash(settings)
    remembered = {slug: row for row, t in enumerate(lock.topics) for slug in t.papers[: t.primary]} if warm else {}
    prior_topic = np.array([remembered.get(slug, -1) for slug in paper_slugs], dtype=np.int64)
    docs = documents(titles, abstracts, settings.title_weight)
    tokens = tokenize(docs)
    counts = counts_of(tokens)
    if cache is not None:  # kept for the next build, which may only place a day's papers on these topics
        term_counts.remember(cache, keys, counts, settings.title_weight)
    term_counts.share(keys, tokens, settings.title_weight)  # For you pairs them without tokenizing again
    grouping = model.group_papers(titles, abstracts, settings, prior_topic, tokens, counts)
    new_sets = [{paper_slugs[i] for i in t.members[: t.size]} for t in grouping.topics]
    matched = match_topics(new_sets, [t.terms for t in grouping.topics], lock) if lock else {}
    # A continued topic keeps its remembered label, unless an older algorithm fitted it: then the new labels are
    # the point of the change (its URL stays all the same).
    older = lock is not None and fitted_by_an_older_algorithm(lock, settings)
    relabel = {} if older else matched
    relabelled = tuple(
        dataclasses.replace(t, label=lock.topics[relabel[n]].label) if n in relabel else t
        for n, t in enumerate(grouping.topics)
    )
    grouping = dataclasses.replace(grouping, topics=relabelled)
    old, gone = ([t.slug for t in lock.topics], [r.slug for r in lock.retired]) if lock else ([], [])
    slugs = tuple(name_topics([" · ".join(t.label) for t in relabelled], topic_slugs, matched, old, gone))
    retired = retire(lock, matched, grouping, slugs, paper_slugs) if lock else ()
    grouping, area_slugs, retired_areas = _named_areas(grouping, paper_slugs, lock, keep_labels=not older)
    new_lock = TopicLock(
        stamp, locked(grouping, slugs, paper_slugs, area_slugs), retired, len(papers), settings_hash(settings),
        related_map(grouping.related, paper_slugs), locked_areas(grouping, area_slugs, paper_slugs), retired_areas,
    )
    return NamedGrouping(grouping, slugs, retired, new_lock, area_slugs, retired_areas)


def _named_areas(grouping: Grouping, paper_slugs: list[str], lock: TopicLock | None, keep_labels: bool):
    """(the grouping with continued areas' remembered labels, the areas' slugs, the areas' redirects): areas are named
    after the lock's as topics are, matched on their papers; with `keep_labels` a continued area keeps its label."""
    papers = [set() for _ in grouping.areas]
    for t in grouping.topics:
        papers[t.area].update(paper_slugs[i] for i in t.members[: t.size])
    for number, area in enumerate(grouping.areas):
        papers[number].update(paper_slugs[i] for i in area.papers)
    matched = match_areas(papers, lock) if lock else {}
    if keep_labels and matched:
        areas = tuple(dataclasses.replace(a, label=lock.areas[matched[n]].label) if n in matched else a for n, a in enumerate(grouping.areas))
        grouping = dataclasses.replace(grouping, areas=areas)
    old, gone = ([a.slug for a in lock.areas], [r.slug for r in lock.retired_areas]) if lock else ([], [])
    area_slugs = tuple(name_topics([" · ".join(a.label) for a in grouping.areas], topic_slugs, matched, old, gone))
    retired = retire_areas(lock, matched, grouping, area_slugs, paper_slugs) if lock else ()
    return grouping, area_slugs, retired


__all__ = ["group", "Grouping", "NamedGrouping", "Topic", "TopicLock", "LOCK_NAME", "read_lock", "lock_bytes", "write_lock"]
