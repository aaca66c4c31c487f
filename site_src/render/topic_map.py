"""The topic map: topics as circles sized by their papers, similar topics near each other (inline SVG).

Two drawings of the same map: a wide one for desktops (800 units, drawn at about 1 CSS px per unit) and a
narrow, portrait one for phones (320 units, the first principal axis running down the page), of which
style.css shows one. Both write their labels at a fixed size (13 and 12 units) that stays at least 12 CSS px
where each is shown. A circle's area is in proportion to the papers its topic page lists (every circle at least
44 units across, a finger's tap target); a label wider than its circle runs across it and beyond, into space
kept free for it: the label's width is estimated from per-letter widths of common sans fonts, on the wide side.
This module only computes coordinates; templates/topics.html draws them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MARGIN, GAP, PAD = 6, 6, 4  # canvas edge, between circles, between a label and its circle
MIN_RADIUS = 22  # 44 units across: a tap target on a phone
FILLED_SHARE = 0.42  # of the canvas that the circles cover together
LINE_HEIGHT = 1.2  # em
MOST_LINES = 4
# Letter widths in em, generous for DejaVu Sans, Helvetica, Roboto and Segoe UI (measured in Chromium).
_NARROW, _WIDE = set("fijlrtI.,:;'!|()[]-· "), set("mwMWQOGDCH@%")


@dataclass(frozen=True)
class Canvas:
    """How big one drawing is and how it draws: `name` is its class in style.css ("wide" or "narrow")."""

    name: str
    width: int
    font: float  # label size in canvas units
    aspect: float  # height / width it aims at; more circles than fit make it taller
    largest: float  # the largest radius that papers alone give (a site of two topics gets no giant discs)
    transpose: bool  # the first principal axis runs down the page


WIDE = Canvas("wide", 800, 13, 0.6, 100, False)
NARROW = Canvas("narrow", 320, 12, 1.6, 80, True)


@dataclass(frozen=True)
class Circle:
    url: str
    label: str  # the topic's full label, for the tooltip
    lines: tuple[tuple[str, float], ...]  # what is written inside, each line with its y
    size: int
    x: float
    y: float
    r: float
    area: int = 0  # its topic's area's number (AreaView.number): the circle's colour


@dataclass(frozen=True)
class MapDrawing:
    name: str
    width: int
    height: int
    font: float
    circles: tuple[Circle, ...]


@dataclass(frozen=True)
class TopicMap:
    drawings: tuple[MapDrawing, ...]  # wide, then narrow

    @property
    def circles(self) -> tuple[Circle, ...]:
        return self.drawings[0].circles if self.drawings else ()


def text_width(text: str, font: float) -> float:
    """An upper estimate of the drawn width of `text` at `font` units."""
    return font * sum(0.34 if c in _NARROW else 0.9 if c in _WIDE else 0.72 if c.isupper() else 0.6 for c in text)


def _tokens(phrase: str) -> list[str]:
    """Words, with long hyphenated ones split after their hyphens ("Self-", "Supervised")."""
    tokens = []
    for word in phrase.split():
        parts = word.split("-")
        tokens += [p + "-" for p in parts[:-1] if p] + [parts[-1]] if len(word) > 10 and len(parts) > 1 else [word]
    return tokens


def _wrap(tokens: list[str], width: float, font: float) -> list[str]:
    lines = [tokens[0]]
    for token in tokens[1:]:
        joined = lines[-1] + ("" if lines[-1].endswith("-") else " ") + token
        if text_width(joined, font) <= width:
            lines[-1] = joined
        else:
            lines.append(token)
    return lines


def _reach(lines: list[str], font: float) -> float:
    """Radius of the smallest circle around the block of lines, with PAD to spare."""
    wide = max(text_width(line, font) for line in lines)
    high = len(lines) * font * LINE_HEIGHT
    return math.hypot(wide / 2, high / 2) + PAD


def _fit(phrase: str, font: float) -> list[str]:
    """The wrapping of one phrase that needs the smallest circle."""
    tokens = _tokens(phrase)
    best = None
    for width in sorted({text_width(" ".join(tokens[i : j + 1]), font) for i in range(len(tokens)) for j in range(i, len(tokens))}):
        lines = _wrap(tokens, width, font)
        if len(lines) <= MOST_LINES and (best is None or _reach(lines, font) < _reach(best, font)):
            best = lines
    return best or _wrap(tokens, math.inf, font)


def _label(phrases: tuple[str, ...], room: float, font: float) -> list[str]:
    """The first phrase always; the next ones while they fit in a circle of radius `room`."""
    lines = _fit(phrases[0], font) if phrases else []
    for phrase in phrases[1:]:
        more = lines + _fit(phrase, font)
        if len(more) > MOST_LINES or _reach(more, font) > room:
            break
        lines = more
    return lines


def _separate(centres: np.ndarray, radii: np.ndarray, size: np.ndarray, rounds: int = 500) -> np.ndarray:
    """Push overlapping circles apart (all pairs at once, a few hundred rounds), keep them on the canvas."""
    k = len(radii)
    low, high = MARGIN + radii[:, None], size - MARGIN - radii[:, None]
    points = np.clip(centres.copy(), low, high)
    # Coincident centres get a tiny, fixed nudge so they have a direction to part in.
    points += np.stack([np.cos(np.arange(k)), np.sin(np.arange(k))], axis=1) * 1e-3
    for _ in range(rounds):
        delta = points[:, None, :] - points[None, :, :]
        distance = np.sqrt((delta**2).sum(axis=2)) + np.eye(k)
        overlap = radii[:, None] + radii[None, :] + GAP - distance
        np.fill_diagonal(overlap, 0)
        if overlap.max() <= GAP / 4:  # every pair at least three quarters of GAP apart: settled
            break
        push = np.clip(overlap, 0, None) / 2
        points += (delta / distance[:, :, None] * push[:, :, None]).sum(axis=1) * 0.5
        points = np.clip(points, low, high)
    return points


def _overlaps(points: np.ndarray, radii: np.ndarray) -> bool:
    distance = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)) + np.eye(len(radii)) * 1e9
    return bool((distance < radii[:, None] + radii[None, :] + GAP / 2).any())


def _even(positions: np.ndarray) -> np.ndarray:
    """Half each coordinate, half its rank: the order stays, a far-off topic no longer leaves an empty band."""
    if len(positions) < 2:
        return positions
    ranks = np.argsort(np.argsort(positions, axis=0, kind="stable"), axis=0, kind="stable") / (len(positions) - 1)
    return (positions + ranks) / 2


def draw(topics, canvas: Canvas, areas: dict[str, int] | None = None) -> MapDrawing:
    """Place each topic (TopicView) on one canvas from its 2-D map position; the height follows from the circles.
    `areas`: each area's number by its slug, the colour of its topics' circles."""
    areas = areas or {}
    font = canvas.font
    # The count a circle stands for is the count its topic page lists (own and second-topic papers alike).
    sizes = np.array([max(len(t.papers), 1) for t in topics], dtype=float)
    aimed = canvas.width * canvas.aspect
    scale = math.sqrt(FILLED_SHARE * canvas.width * aimed / (math.pi * sizes.sum()))
    # Area in proportion to papers; only the smallest circles are held at a tap target's size and the largest at
    # the canvas' limit, so a circle is never drawn smaller than one of fewer papers.
    radii = np.clip(scale * np.sqrt(sizes), MIN_RADIUS, min(canvas.largest, canvas.width / 2 - MARGIN))
    labels = [_label(t.phrases, r, font) for t, r in zip(topics, radii)]
    # A label wider than its circle is written across it and beyond: the space kept free around a circle
    # (its footprint) holds the label, so no label runs into another circle.
    footprints = np.array([max(r, _reach(lines, font) if lines else 0) for r, lines in zip(radii, labels)])
    footprints = np.minimum(footprints, canvas.width / 2 - MARGIN)
    positions = _even(np.array([t.position for t in topics], dtype=float))
    if canvas.transpose:
        positions = positions[:, ::-1]
    height = max(aimed, float((np.pi * footprints**2).sum()) / (FILLED_SHARE * canvas.width))
    for _ in range(20):  # a crowded canvas grows until every circle has its own place
        size = np.array([canvas.width, height])
        span = size - 2 * (MARGIN + footprints.max())
        points = _separate(MARGIN + footprints.max() + positions * span, footprints, size)
        if not _overlaps(points, footprints):
            break
        height *= 1.1
    circles = []
    for topic, (x, y), r, lines, count in zip(topics, points, radii, labels, sizes):
        first = y - (len(lines) - 1) * font * LINE_HEIGHT / 2
        placed = tuple((line, round(float(first + i * font * LINE_HEIGHT), 1)) for i, line in enumerate(lines))
        area = areas.get(topic.area.id, 0) if topic.area else 0
        circles.append(Circle(topic.url, topic.label, placed, len(topic.papers), round(float(x), 1), round(float(y), 1), round(float(r), 1), area))
    return MapDrawing(canvas.name, canvas.width, math.ceil(height), font, tuple(circles))


def layout(topics, areas=()) -> TopicMap:
    """The wide and the narrow drawing of the topic map (none without topics), each circle coloured by its area
    (AreaView)."""
    if not topics:
        return TopicMap(())
    numbers = {a.slug: a.number for a in areas}
    return TopicMap((draw(topics, WIDE, numbers), draw(topics, NARROW, numbers)))
