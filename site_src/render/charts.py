"""Charts: papers per digest, the largest topics and each topic's sparkline, as coordinates for inline SVG.

Everything is computed here at build time; the templates only draw the shapes. The digests chart runs in
the order of the digest lists (newest first, undated last) and shows the newest few; a topic's sparkline runs
oldest to newest, left to right, with its scale. An undated digest is marked as such and never given a date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from site_src.assemble import DigestView, Site

DIGESTS_WIDTH = TOPICS_WIDTH = 400
ROW = 40
DIGEST_ROWS = LARGEST_TOPICS = 8
# The sparkline is drawn at its own size in CSS px (no scaling), so its 11-unit scale text is 11 px.
SPARK_WIDTH, SPARK_HEIGHT, SPARK_LEFT, SPARK_TOP, SPARK_PLOT = 200, 46, 26, 6, 24
# A dot is 4 px wide (r=2): closer than that, dots only thicken the line into a smear. At 680 digests they were
# 0.25 px apart and 30 KB of <circle> on each of 750 topic pages (22 MB of the 34,000-paper site).
DOT_GAP = 4
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
    points: str  # "x,y x,y ..." for <polyline>: the dots' but for those on a level stretch between two others
    dots: tuple[tuple[float, float], ...]
    description: str
    most: int = 0  # the scale: 0 at `bottom`, `most` at `top`
    left: float = 0.0  # where the plot starts; the scale's numbers stand left of it
    top: float = 0.0
    bottom: float = 0.0
    ends: tuple[str, str] = ("", "")  # the first and the last digest, under the line's ends
    dotted: bool = True  # each value drawn as a dot too: only where the dots stand apart (DOT_GAP)


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
    if digest.date_in_title:  # "7 July 2025" is not followed by "(7 July 2025)"
        return digest.title
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


def digests_chart(site: Site, limit: int = DIGEST_ROWS) -> BarChart:
    """Horizontal bars: papers per digest in the order of the digest lists (newest first, undated last)."""
    shown = site.newest_first[:limit]
    counts = [len(d.papers) for d in shown]
    most = max(counts, default=0) or 1
    room = DIGESTS_WIDTH - 40  # leaves space for the count after the longest bar
    bars = []
    for i, (digest, count) in enumerate(zip(shown, counts)):
        label = digest.title if digest.date_in_title or not (digest.date or digest.heading) else f"{digest.title} · {digest_label(digest)}"
        bars.append(
            Bar(
                label=_shorten(label),
                title=f"{digest_title(digest)}: {count} papers",
                url=digest.url,
                value=count,
                x=0.0,
                y=_r(i * ROW + 18),
                width=_r(max(room * count / most, 1.0)),
                height=12.0,
                dated=digest.date is not None,
                label_x=0.0,
                label_y=_r(i * ROW + 13),
            )
        )
    words = "; ".join(b.title for b in bars)
    first = "newest" if site.order_words.startswith("newest") else "first"
    more = f"the {len(bars)} {first} of {len(site.digests):,} digests" if len(site.digests) > len(bars) else f"{len(bars)} digests"
    description = f"{more}, {site.order_words}"
    return BarChart(DIGESTS_WIDTH, len(bars) * ROW + 2, tuple(bars), f"{description[0].upper()}{description[1:]}: {words}.")


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
    """A small line through the values (oldest digest first), highest at the top, with its scale: 0 and the
    highest count beside it, the first and last digest under it; a single value sits in the middle."""
    most = max(values, default=0) or 1
    bottom = SPARK_TOP + SPARK_PLOT
    inner_w = SPARK_WIDTH - SPARK_LEFT - 4
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0
    dots = tuple(
        (_r(SPARK_LEFT + (i * step if len(values) > 1 else inner_w / 2)), _r(bottom - SPARK_PLOT * v / most))
        for i, v in enumerate(values)
    )
    ends = (labels[0], labels[-1]) if len(labels) > 1 else ((labels[0], "") if labels else ("", ""))
    dotted = len(values) < 2 or step >= DOT_GAP
    if dotted:
        words = ", ".join(f"{label}: {value}" for label, value in zip(labels, values))
        description = f"Papers per digest, oldest first: {words}"
    else:  # every value still, the zeros in one phrase: 680 of them were 7 KB of "Jan 3: 0, " on each topic page
        shown = [(label, value) for label, value in zip(labels, values) if value]
        words = ", ".join(f"{label}: {value}" for label, value in shown)
        description = (f"Papers per digest, oldest first, over {len(values):,} digests from {ends[0]} to {ends[1]}; "
                       f"none in the other {len(values) - len(shown):,}: {words}")
    # A point between two at its height adds nothing to the line: the zeros between papers are most of them.
    kept = [d for i, d in enumerate(dots) if i in (0, len(dots) - 1) or not dots[i - 1][1] == d[1] == dots[i + 1][1]]
    return Sparkline(
        SPARK_WIDTH,
        SPARK_HEIGHT,
        " ".join(f"{x},{y}" for x, y in kept),
        dots,
        description,
        most,
        SPARK_LEFT,
        SPARK_TOP,
        bottom,
        ends,
        dotted,
    )


def build_charts(site: Site) -> Charts:
    """Every chart of the site."""
    counts = topic_counts(site)
    labels = [digest_label(d) for d in site.digests]
    lines = {topic.slug: sparkline(counts[i].tolist(), labels) for i, topic in enumerate(site.topics)}
    return Charts(digests_chart(site), topics_chart(site), lines)
