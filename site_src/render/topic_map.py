"""The topic map: topics as circles sized by their papers, similar topics near each other (inline SVG)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

WIDTH, HEIGHT, MARGIN, GAP = 960, 600, 8, 6
FILLED_SHARE = 0.32  # of the canvas that the circles cover together


@dataclass(frozen=True)
class Circle:
    url: str
    label: str  # the topic's full label, for the tooltip
    lines: tuple[str, ...]  # what is written inside: its first phrases
    size: int
    x: float
    y: float
    r: float
    font: float


@dataclass(frozen=True)
class TopicMap:
    width: int
    height: int
    circles: tuple[Circle, ...]


def _separate(centres: np.ndarray, radii: np.ndarray, rounds: int = 400) -> np.ndarray:
    """Push overlapping circles apart (all pairs at once, a few hundred rounds), keep them on the canvas."""
    k = len(radii)
    low, high = MARGIN + radii[:, None], np.array([WIDTH, HEIGHT]) - MARGIN - radii[:, None]
    points = np.clip(centres.copy(), low, high)
    # Coincident centres get a tiny, fixed nudge so they have a direction to part in.
    points += np.stack([np.cos(np.arange(k)), np.sin(np.arange(k))], axis=1) * 1e-3
    for _ in range(rounds):
        delta = points[:, None, :] - points[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=2)) + np.eye(k)
        overlap = radii[:, None] + radii[None, :] + GAP - distance
        np.fill_diagonal(overlap, 0)
        push = np.clip(overlap, 0, None) / 2
        if not push.any():
            break
        points += (delta / distance[:, :, None] * push[:, :, None]).sum(axis=1) * 0.5
        points = np.clip(points, low, high)
    return points


def _wrap(phrases: tuple[str, ...], width: int, most: int = 3) -> tuple[str, ...]:
    """The first phrase word-wrapped to `width` characters, then the next phrases while lines remain."""
    lines: list[str] = []
    for number, phrase in enumerate(phrases):
        words = phrase.split()
        wrapped = [words[0]]
        for word in words[1:]:
            if len(wrapped[-1]) + 1 + len(word) <= width:
                wrapped[-1] += " " + word
            else:
                wrapped.append(word)
        if number and len(lines) + len(wrapped) > most:
            break
        lines += wrapped
    lines = lines[:most]
    return tuple(line if len(line) <= width else line[: width - 1] + "…" for line in lines)


def layout(topics) -> TopicMap:
    """Place each topic (TopicView) on a WIDTH x HEIGHT canvas from its 2-D map position."""
    if not topics:
        return TopicMap(WIDTH, HEIGHT, ())
    sizes = np.array([max(t.own, 1) for t in topics], dtype=float)
    scale = math.sqrt(FILLED_SHARE * WIDTH * HEIGHT / (math.pi * sizes.sum()))
    radii = np.clip(scale * np.sqrt(sizes), 22, min(WIDTH, HEIGHT) / 4)
    positions = np.array([t.position for t in topics], dtype=float)
    span = np.array([WIDTH, HEIGHT]) - 2 * (MARGIN + radii.max())
    centres = MARGIN + radii.max() + positions * span
    points = _separate(centres, radii)
    circles = []
    for topic, (x, y), r in zip(topics, points, radii):
        font = float(np.clip(r / 4.2, 10, 16))
        fits = max(4, int(2 * r * 0.85 / (font * 0.52)))  # characters that fit across the circle
        lines = _wrap(topic.phrases, fits)
        circles.append(Circle(topic.url, topic.label, lines, len(topic.papers[: topic.own]), round(float(x), 1), round(float(y), 1), round(float(r), 1), round(font, 1)))
    return TopicMap(WIDTH, HEIGHT, tuple(circles))
