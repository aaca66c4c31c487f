"""What the topic stage hands on: topics, each paper's place among them, their lasting names (no SciPy needed to read it)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Topic:
    label: tuple[str, ...]  # 2-4 display phrases, most distinctive first
    members: tuple[int, ...]  # paper indices: its own papers, most central first, then second-topic papers
    related: tuple[int, ...]  # indices of the most similar other topics
    size: int = 0  # how many of `members` are its own papers (the rest are second-topic members)
    position: tuple[float, float] = (0.5, 0.5)  # on the topic map, in [0, 1]; similar topics sit close
    terms: dict = field(default_factory=dict, compare=False)  # centroid's top terms -> weight (max 1)
    area: int = 0  # index of its area in Grouping.areas


@dataclass(frozen=True)
class Area:
    """A broad area holding whole topics (areas.py); which topics: those whose `area` is its index."""

    label: tuple[str, ...]  # 1-2 display phrases, most distinctive first
    papers: tuple[int, ...] = ()  # its papers without a topic of their own (a grab-bag's, model.sort_out), closest first


@dataclass(frozen=True)
class Grouping:
    topics: tuple[Topic, ...]
    paper_topics: np.ndarray  # (papers, 2): each paper's topic (-1: none, listed under its area), its second topic or -1
    related: np.ndarray  # (papers, settings.related) related paper indices, -1 where none
    params: dict
    areas: tuple[Area, ...] = ()  # every topic's `area` indexes these

    @property
    def paper_topic(self) -> np.ndarray:
        return self.paper_topics[:, 0]


@dataclass(frozen=True)
class NamedGrouping:
    """The grouping with its topics' lasting names, the redirects, and the lock to write."""

    grouping: Grouping
    slugs: tuple[str, ...]  # one per topic of `grouping`
    retired: tuple  # RetiredTopic (lock.py), one per topic URL that now redirects
    lock: object  # the TopicLock (lock.py) to write after the build
    area_slugs: tuple[str, ...] = ()  # one per area of `grouping`
    retired_areas: tuple = ()  # RetiredTopic (lock.py), one per area URL that now redirects
