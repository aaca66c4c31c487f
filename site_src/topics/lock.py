"""topics.lock.json, the file: what keeps topic URLs and labels stable from one build to the next.

The lock remembers, for the last build: each topic's slug, label, centroid terms, map position, papers and
area, each area's slug and label, plus a fingerprint of the inputs. A build with the same fingerprint takes its topics from the
lock as they are (same bytes out, no factorization). A build with a few new papers (the papers grew by
at most a fifth since the topics were fitted) places each new paper on the remembered topic whose
centroid is closest and changes nothing else. Past that, a build warm-starts the topic
model from the remembered centroids, matches the new topics to the remembered ones (optimal
assignment on paper overlap and centroid similarity), keeps their slugs and labels, and leaves a
redirect behind for every topic that disappears, so no topic URL ever stops resolving. Areas are named the
same way: matched on their papers, kept slugs and labels, redirects for those that disappear.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

from site_src.config import TopicSettings
from site_src.errors import DigestError
from site_src.text.slugs import is_slug
from site_src.files.source import LOCK_LIMIT, read_text

LOCK_NAME = "topics.lock.json"
LOCK_VERSION = 1
# Bump when the topic algorithm changes, so old fingerprints stop matching.
ALGORITHM = "knn-spectral-5"  # 2: grab-bags dissolved, labels led by the phrase most papers use; 3: areas; 4: labels keep
# an acronym or its words, not both, show a phrase with the word it is cut from, and take no verb or half a name alone;
# 5: a large grab-bag keeps the papers that write its heading, the others join a headed topic or only their area
OLDER_ALGORITHMS = ("knn-spectral-1", "knn-spectral-2", "knn-spectral-3", "knn-spectral-4")


@dataclass(frozen=True)
class LockedTopic:
    slug: str
    label: tuple[str, ...]
    position: tuple[float, float]
    terms: dict  # centroid's top terms -> weight
    papers: tuple[str, ...]  # paper slugs, primary members first (as in Topic.members)
    primary: int  # how many of `papers` are primary members
    related: tuple[str, ...]  # slugs of related topics
    area: str = ""  # slug of its area


@dataclass(frozen=True)
class LockedArea:
    slug: str
    label: tuple[str, ...]
    papers: tuple[str, ...] = ()  # slugs of its papers without a topic of their own (Area.papers)


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
    areas: tuple[LockedArea, ...] = ()
    retired_areas: tuple[RetiredTopic, ...] = ()  # area URLs that redirect (successor: an area's slug)


# Topic settings that came with an algorithm: a lock an older algorithm wrote was hashed without them.
SETTING_SINCE = {"areas": "knn-spectral-3"}


def settings_hash(settings: TopicSettings, algorithm: str = ALGORITHM) -> str:
    """What, besides the papers, the fitted topics depend on: the algorithm and the topic settings (those it knew)."""
    order = (*OLDER_ALGORITHMS, ALGORITHM)
    known = {name: value for name, value in dataclasses.asdict(settings).items()
             if order.index(SETTING_SINCE.get(name, order[0])) <= order.index(algorithm)}
    return hashlib.sha256(json.dumps([algorithm, known], sort_keys=True).encode()).hexdigest()[:16]


def fitted_by_an_older_algorithm(lock: TopicLock, settings: TopicSettings) -> bool:
    """Whether the lock's topics were fitted with these settings by an algorithm before ALGORITHM: then the new
    fit's labels are what changed, and they replace the remembered ones (the URLs stay)."""
    return any(lock.settings == settings_hash(settings, older) for older in OLDER_ALGORITHMS)


def paper_keys(titles: list[str], abstracts: list[str]) -> list[bytes]:
    """Each paper's text as a key: a hash of its title and abstract, all a paper's topics depend on of it besides
    its slug (any text, lone surrogates included). The term counts kept between builds are filed under it too."""
    return [hashlib.sha256(f"{len(t)}\0{t}{a}".encode("utf-8", "surrogatepass")).digest()[:16] for t, a in zip(titles, abstracts)]


def fingerprint(slugs: list[str], keys: list[bytes], settings: TopicSettings) -> str:
    """A hash of everything the grouping depends on: the algorithm, the settings, and each paper's slug and text
    (paper_keys)."""
    digest = hashlib.sha256(json.dumps([ALGORITHM, dataclasses.asdict(settings)], sort_keys=True).encode())
    digest.update(b"keys\0")  # not how earlier locks hashed their inputs (fingerprinted_before)
    digest.update("\0".join(slugs).encode("utf-8", "surrogatepass"))
    digest.update(b"".join(keys))
    return digest.hexdigest()


def fingerprinted_before(lock: TopicLock, slugs: list[str], titles: list[str], abstracts: list[str], settings: TopicSettings) -> bool:
    """Whether the lock's fingerprint is these inputs' as earlier locks wrote it (each paper's record through
    json.dumps: ten times the cost of `fingerprint` at 34,000 papers), so that such a lock still counts as
    unchanged inputs. Worked out only for a lock that holds exactly these papers (no other can match)."""
    if set(slugs) != placed(lock):
        return False
    digest = hashlib.sha256()
    digest.update(json.dumps([ALGORITHM, dataclasses.asdict(settings)], sort_keys=True).encode())
    for record in zip(slugs, titles, abstracts):
        digest.update(json.dumps(record).encode())
    return lock.fingerprint == digest.hexdigest()


def read_lock(path: Path) -> TopicLock | None:
    """The lock file, or None when there is none; a damaged one is an error naming the file."""
    if not os.path.lexists(path):
        return None
    text = read_text(path, LOCK_LIMIT)
    try:
        data = json.loads(text)
        if data.get("version") != LOCK_VERSION:
            raise ValueError(f"unknown version {data.get('version')!r}")
        topics = tuple(
            LockedTopic(
                t["slug"], tuple(t["label"]), tuple(t["position"]), dict(t["terms"]),
                tuple(t["papers"]), int(t["primary"]), tuple(t["related"]), t.get("area", ""),
            )
            for t in data["topics"]
        )
        retired = tuple(RetiredTopic(r["slug"], tuple(r["label"]), r["successor"]) for r in data["retired"])
        areas = tuple(LockedArea(a["slug"], tuple(a["label"]), tuple(a.get("papers", ()))) for a in data.get("areas", []))
        retired_areas = tuple(RetiredTopic(r["slug"], tuple(r["label"]), r["successor"]) for r in data.get("retired_areas", []))
        slugs = [t.slug for t in topics] + [r.slug for r in retired] + [a.slug for a in areas] + [r.slug for r in retired_areas]
        bad = next((s for s in slugs if not is_slug(s)), None)
        if bad is not None:  # slugs become folder names in build/: only ones slugify could have made
            raise ValueError(f"{bad!r} is not a slug (lowercase a-z, 0-9 and single hyphens)")
        related = {str(slug): tuple(map(str, others)) for slug, others in data.get("related_papers", {}).items()}
        lock = TopicLock(
            data["fingerprint"], topics, retired, int(data.get("fitted", 0)), str(data.get("settings", "")), related, areas, retired_areas,
        )
        _check_types(lock)
        return lock
    except json.JSONDecodeError as exc:
        raise DigestError(f"damaged lock file: {exc.msg} (column {exc.colno}); delete it to start afresh", path, exc.lineno) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DigestError(f"damaged lock file: {exc}; delete it to start afresh", path) from None


def _check_types(lock: TopicLock) -> None:
    """A ValueError naming the first field a hand edit left of the wrong type or pointing nowhere."""
    def texts(values) -> bool:
        return all(isinstance(v, str) for v in values)

    def number(v) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)

    slugs = [t.slug for t in lock.topics]
    if not isinstance(lock.fingerprint, str) or len(set(slugs)) != len(slugs):
        raise ValueError("the fingerprint is not text, or two topics share a slug")
    for t in lock.topics:
        if not (texts(t.label) and len(t.position) == 2 and all(map(number, t.position)) and texts(t.papers)
                and 0 <= t.primary <= len(t.papers)
                and texts(t.terms) and all(map(number, t.terms.values())) and set(t.related) <= set(slugs)):
            raise ValueError(f"topic {t.slug!r} has a field of the wrong type, or names a topic that is not there")
    for r in lock.retired + lock.retired_areas:
        if not (texts(r.label) and isinstance(r.successor, str)):
            raise ValueError(f"retired topic or area {r.slug!r} has a field of the wrong type")
    areas = [a.slug for a in lock.areas]
    if len(set(areas)) != len(areas) or not all(texts(a.label) and texts(a.papers) for a in lock.areas):
        raise ValueError("two areas share a slug, or an area's label or papers are not text")
    in_topics = {s for t in lock.topics for s in t.papers[: t.primary]}
    loose = [s for a in lock.areas for s in a.papers]
    if len(set(loose)) != len(loose) or not in_topics.isdisjoint(loose):
        raise ValueError("a paper is listed twice without a topic, or both in a topic and without one")
    if areas and any(t.area not in areas for t in lock.topics):
        raise ValueError(f"topic {next(t.slug for t in lock.topics if t.area not in areas)!r} names an area that is not there")


def has_areas(lock: TopicLock) -> bool:
    """Whether every topic of the lock has its area (a lock from before areas has none: its topics are fitted again)."""
    return bool(lock.areas) or not lock.topics


def names_only(lock: TopicLock, paper_slugs: list[str]) -> bool:
    """Whether every paper the lock's topics list is among paper_slugs (a hand edit may have added others)."""
    return placed(lock) <= set(paper_slugs)


def placed(lock: TopicLock) -> set[str]:
    """Every paper the lock places: in its topics, or in an area without a topic of its own."""
    return {slug for t in lock.topics for slug in t.papers} | {slug for a in lock.areas for slug in a.papers}


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
        "areas": [{"slug": a.slug, "label": list(a.label), **({"papers": list(a.papers)} if a.papers else {})} for a in lock.areas],
        "retired_areas": [dataclasses.asdict(r) | {"label": list(r.label)} for r in lock.retired_areas],
        "related_papers": {slug: list(lock.related_papers[slug]) for slug in sorted(lock.related_papers)},
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def write_lock(path: Path, data: bytes) -> bool:
    """Write the lock's bytes (lock_bytes) when they changed, atomically and never through a link; True when it was written."""
    from site_src.files.safe_write import write_file
    from site_src.files.source import read_bytes

    try:
        unchanged = not os.path.islink(path) and read_bytes(path, LOCK_LIMIT) == data
    except DigestError:  # missing, a link to nothing, not a regular file: written anew
        unchanged = False
    if unchanged:
        return False
    write_file(path, data)
    return True
