"""Charts: papers per digest, the largest topics and each topic's sparkline, as coordinates for inline SVG.

Everything is computed here at build time; the templates only draw the shapes. Digests keep the site's
order (chronological, undated last); an undated digest is marked as such and never given a date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..site import DigestView, Site

DIGESTS_WIDTH, DIGESTS_HEIGHT = 400, 180
TOPICS_WIDTH, ROW = 400, 40
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 28, 3
LARGEST_TOPICS = 8
MAX_LABELS = 8  # labels under the digest bars; with more digests only every k-th is labelled
LABEL_CHARS = 50


@dataclass(frozen=True)
class Bar:
    label: str  # short text drawn beside the bar ("" where there is no room)
    title: str  # the full text: tooltip and text alternative
    url: str
    value: int
    x: float
    y: float
    width: float
    height: float
    dated: bool = True
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    description: str  # the values in words, for screen readers
    show_values: bool = True


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: str  # "x,y x,y ..." for <polyline>
    dots: tuple[tuple[float, float], ...]
    description: str


@dataclass(frozen=True)
class Charts:
    digests: BarChart
    topics: BarChart
    sparklines: dict[str, Sparkline] = field(default_factory=dict)  # by topic slug


def digest_label(digest: DigestView) -> str:
    """A short name for a digest: its date, the page's own heading (no year), or "undated"."""
    if digest.date:
        return f"{digest.date:%b} {digest.date.day}"
    return digest.heading or "undated"


def digest_title(digest: DigestView) -> str:
    if digest.date:
        when = f"{digest.date.day} {digest.date:%B %Y}"
    elif digest.heading:
        when = f"{digest.heading}, year not known"
    else:
        when = "undated"
    return f"{digest.title} ({when})"


def topic_counts(site: Site) -> np.ndarray:
    """Papers of each topic in each digest: a topics × digests matrix (one bincount per topic over the listings)."""
    index = {slug: i for i, slug in enumerate(site.papers)}
    listed = np.array([index[slug] for d in site.digests for slug in d.papers], dtype=np.int64)
    listing = np.repeat(np.arange(len(site.digests)), [len(d.papers) for d in site.digests])
    counts = np.zeros((len(site.topics), len(site.digests)), dtype=int)
    member = np.zeros(len(index), dtype=bool)
    for row, topic in enumerate(site.topics):
        member[:] = False
        member[[index[slug] for slug in topic.papers]] = True
        counts[row] = np.bincount(listing[member[listed]], minlength=len(site.digests))
    return counts


def _r(value: float) -> float:
    return round(value, 1)


def digests_chart(site: Site) -> BarChart:
    """Vertical bars: papers per digest, in the site's digest order."""
    digests = site.digests
    counts = [len(d.papers) for d in digests]
    top, bottom, side = 18, 30, 4
    plot = DIGESTS_HEIGHT - top - bottom
    slot = (DIGESTS_WIDTH - 2 * side) / max(len(digests), 1)
    width = min(slot * 0.72, 56)
    most = max(counts, default=0) or 1
    every = max(1, math.ceil(len(digests) / MAX_LABELS))
    bars = []
    for i, (digest, count) in enumerate(zip(digests, counts)):
        height = max(plot * count / most, 1.0)
        centre = side + slot * (i + 0.5)
        labelled = (len(digests) - 1 - i) % every == 0  # the newest always gets its label
        bars.append(
            Bar(
                label=digest_label(digest) if labelled else "",
                title=f"{digest_title(digest)}: {count} papers",
                url=digest.url,
                value=count,
                x=_r(centre - width / 2),
                y=_r(top + plot - height),
                width=_r(width),
                height=_r(height),
                dated=digest.date is not None,
                label_x=_r(centre),
                label_y=_r(DIGESTS_HEIGHT - bottom + 16),
            )
        )
    undated = sum(1 for d in digests if d.date is None)
    words = "; ".join(b.title for b in bars) if len(bars) <= 30 else f"from {min(counts)} to {max(counts)} papers each"
    description = f"{len(bars)} digests, oldest first" + (f", {undated} without a known date at the end" if undated else "")
    return BarChart(DIGESTS_WIDTH, DIGESTS_HEIGHT, tuple(bars), f"{description}: {words}.", len(bars) <= 24)


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def topics_chart(site: Site, limit: int = LARGEST_TOPICS) -> BarChart:
    """Horizontal bars: the largest topics by papers, the label above each bar."""
    ranked = sorted(site.topics, key=lambda t: (-len(t.papers), t.slug))[:limit]
    most = max((len(t.papers) for t in ranked), default=0) or 1
    room = TOPICS_WIDTH - 40  # leaves space for the count after the longest bar
    bars = []
    for i, topic in enumerate(ranked):
        count = len(topic.papers)
        width = max(room * count / most, 1.0)
        bars.append(
            Bar(
                label=_shorten(topic.label),
                title=f"{topic.label}: {count} papers",
                url=topic.url,
                value=count,
                x=0.0,
                y=_r(i * ROW + 18),
                width=_r(width),
                height=12.0,
                label_x=0.0,
                label_y=_r(i * ROW + 13),
            )
        )
    words = "; ".join(b.title for b in bars)
    return BarChart(TOPICS_WIDTH, len(bars) * ROW + 2, tuple(bars), f"The {len(bars)} largest topics: {words}.")


def sparkline(values: list[int], labels: list[str]) -> Sparkline:
    """A small line through the values, highest at the top; a single value sits in the middle."""
    most = max(values, default=0) or 1
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0
    dots = tuple(
        (_r(SPARK_PAD + (i * step if len(values) > 1 else inner_w / 2)), _r(SPARK_PAD + inner_h * (1 - v / most)))
        for i, v in enumerate(values)
    )
    words = ", ".join(f"{label}: {value}" for label, value in zip(labels, values))
    return Sparkline(
        SPARK_WIDTH, SPARK_HEIGHT, " ".join(f"{x},{y}" for x, y in dots), dots, f"Papers per digest, oldest first: {words}"
    )


def build_charts(site: Site) -> Charts:
    """Every chart of the site."""
    counts = topic_counts(site)
    labels = [digest_label(d) for d in site.digests]
    lines = {topic.slug: sparkline(counts[i].tolist(), labels) for i, topic in enumerate(site.topics)}
    return Charts(digests_chart(site), topics_chart(site), lines)
