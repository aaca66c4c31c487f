"""Charts: papers per digest, the largest topics and topic sparklines, from a small real Site and the seed build."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import lxml.html
import pytest

from site_src.render.charts import build_charts, digests_chart, sparkline, topic_counts, topics_chart
from site_src.render.environment import environment
from site_src.config import SiteConfig
from site_src.assemble import DigestView, PaperView, Site, TopicView


def _site() -> Site:
    """Three dated digests out of file order, one with only a page heading, one with nothing: in site order."""
    papers = {f"p{i}": PaperView(slug=f"p{i}", url=f"papers/p{i}/", title=f"Paper {i}", abstract="Abstract.", summary="Abstract.") for i in range(10)}
    digests = (
        DigestView("a", "digests/a/", "First", dt.date(2024, 3, 1), None, ("p0", "p1")),
        DigestView("b", "digests/b/", "Second", dt.date(2024, 3, 8), None, ("p1", "p2", "p3", "p4")),
        DigestView("c", "digests/c/", "Third", dt.date(2025, 1, 2), None, ("p5",)),
        DigestView("d", "digests/d/", "Headed", None, "Mar 12", ("p6", "p7", "p8")),
        DigestView("e", "digests/e/", "Bare", None, None, ("p9",)),
    )
    topics = (
        TopicView("small", "topics/small/", "Small · Topic", ("Small", "Topic"), ("p5", "p9")),
        TopicView("large", "topics/large/", "Large · Topic", ("Large", "Topic"), ("p0", "p1", "p2", "p6", "p7")),
        TopicView("tie", "topics/tie/", "Also · Two", ("Also", "Two"), ("p3", "p4")),
    )
    return Site(SiteConfig(), papers, topics, digests, (), {})


def test_digest_bars_follow_the_lists_order_newest_first_with_lengths_in_proportion():
    site = _site()
    chart = digests_chart(site)
    assert [b.url for b in chart.bars] == [d.url for d in site.newest_first] == [f"digests/{x}/" for x in "cbaed"]
    assert [b.value for b in chart.bars] == [1, 4, 2, 1, 3]
    longest = max(chart.bars, key=lambda b: b.width)
    assert longest.value == 4
    for bar in chart.bars:
        assert bar.width == pytest.approx(longest.width * bar.value / 4, abs=0.2)
        assert bar.x == 0.0  # one baseline
    assert [b.y for b in chart.bars] == sorted(b.y for b in chart.bars)


def test_undated_digests_are_marked_and_never_given_a_date():
    bars = digests_chart(_site()).bars
    assert [b.dated for b in bars] == [True, True, True, False, False]
    assert [b.label for b in bars] == ["Third · Jan 2", "Second · Mar 8", "First · Mar 1", "Bare", "Headed · Mar 12"]
    assert bars[4].title == "Headed (Mar 12, year not known): 3 papers"
    assert bars[3].title == "Bare (undated): 1 papers"
    assert not re.search(r"\d{4}", bars[3].title + bars[4].title)
    assert "5 digests, newest first, then those without a known date:" in digests_chart(_site()).description


def test_largest_topics_first_ties_by_slug():
    chart = topics_chart(_site(), limit=2)
    assert [(b.url, b.value) for b in chart.bars] == [("topics/large/", 5), ("topics/small/", 2)]
    assert chart.bars[1].width == pytest.approx(chart.bars[0].width * 2 / 5, abs=0.2)
    assert "Large · Topic: 5 papers" in chart.description


def test_topic_counts_per_digest_and_sparkline_points():
    site = _site()
    counts = topic_counts(site)
    assert counts.tolist() == [[0, 0, 1, 0, 1], [2, 2, 0, 2, 0], [0, 2, 0, 0, 0]]
    line = build_charts(site).sparklines["large"]
    xs = [x for x, _ in line.dots]
    ys = [y for _, y in line.dots]
    assert xs == sorted(xs) and len(xs) == 5
    assert ys[0] == ys[1] == ys[3] == min(ys) and ys[2] == ys[4] == max(ys)  # highest counts on top
    assert line.description == "Papers per digest, oldest first: Mar 1: 2, Mar 8: 2, Jan 2: 0, Mar 12: 2, undated: 0"


def test_a_single_digest_sparkline_is_one_dot_in_the_middle():
    line = sparkline([3], ["undated"])
    assert len(line.dots) == 1 and line.dots[0][1] == line.top
    assert line.dots[0][0] == pytest.approx((line.left + line.width - 4) / 2, abs=0.1)


def test_sparkline_carries_its_scale():
    line = sparkline([0, 5, 2], ["Mar 1", "Mar 8", "Jan 2"])
    assert line.most == 5 and line.ends == ("Mar 1", "Jan 2")
    assert [y for _, y in line.dots] == [line.bottom, line.top, pytest.approx(line.bottom - (line.bottom - line.top) * 2 / 5, abs=0.1)]


def test_many_digests_chart_the_newest_few():
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(40)]
    site = Site(SiteConfig(), {}, (), tuple(DigestView(str(i), f"digests/{i}/", f"{d.day} {d:%B %Y}", d, None, ()) for i, d in enumerate(days)), (), {})
    chart = digests_chart(site)
    assert [b.label for b in chart.bars][:2] == ["9 February 2024", "8 February 2024"]  # the title says the date
    assert len(chart.bars) == 8 and chart.description.startswith("The 8 newest of 40 digests, newest first")


def test_home_and_topic_pages_draw_the_charts_with_text_alternatives(seed_build):
    home = lxml.html.fromstring((seed_build / "index.html").read_bytes())
    digest_svg, topics_svg = home.xpath("//svg[contains(@class, 'chart')]")
    for svg in (digest_svg, topics_svg):
        assert svg.get("role") == "img"
        labels = [home.get_element_by_id(i) for i in svg.get("aria-labelledby").split()]
        assert [e.tag for e in labels] == ["title", "desc"] and all(e.text_content().strip() for e in labels)
    listed = [li.text_content() for li in home.xpath("//section[@aria-labelledby='digests']//li")]
    bar_titles = digest_svg.xpath(".//rect/title/text()")
    assert len(bar_titles) == len(listed) == 4
    for title, item in zip(bar_titles, listed):
        assert title.rsplit(": ", 1)[0].split(" (")[0] in item and title.rsplit(": ", 1)[1] in item  # same digest, same count
    assert len(topics_svg.xpath(".//rect")) == 8
    topic = next(p for p in (seed_build / "topics").iterdir() if p.is_dir())
    page = lxml.html.fromstring((topic / "index.html").read_bytes())
    (spark,) = page.xpath("//svg[@class='sparkline']")
    assert spark.get("aria-label").startswith("Papers per digest, oldest first: ")
    assert len(spark.xpath(".//circle")) == 4
    scale = spark.xpath(".//text/text()")
    assert scale[1] == "0" and int(scale[0]) >= 1 and len(scale) == 4  # highest count, 0, first and last digest


def test_a_sparkline_draws_its_values_as_dots_only_where_they_stand_apart():
    """43 digests leave 4 px between values, a dot's width: dots; 44 or 680 would smear the line (and cost 30 KB a
    topic page at 680): the line alone, through every value."""
    apart, close = sparkline([1, 2] * 21 + [1], ["Mar 1"] * 43), sparkline([1, 2] * 22, ["Mar 1"] * 44)
    assert apart.dotted and not close.dotted and len(close.points.split()) == 44
    assert close.description.startswith("Papers per digest, oldest first, over 44 digests from Mar 1 to Mar 1; none in the other 0: Mar 1: 1, ")
    assert apart.description.startswith("Papers per digest, oldest first: Mar 1: 1, Mar 1: 2, ")
    macros = environment([Path(__file__).resolve().parent.parent / "templates"]).get_template("_macros.html").module
    for line, circles in ((apart, 43), (close, 0)):
        svg = lxml.html.fragment_fromstring(str(macros.sparkline(line)))
        assert len(svg.xpath(".//circle")) == circles and len(svg.xpath(".//polyline")) == 1


def test_a_long_sparkline_says_every_value_once_and_draws_a_level_stretch_as_its_two_ends():
    values = [0] * 30 + [2] + [0] * 20 + [1, 1, 1]
    labels = [f"d{i}" for i in range(len(values))]
    line = sparkline(values, labels)
    assert line.description == "Papers per digest, oldest first, over 54 digests from d0 to d53; none in the other 50: d30: 2, d51: 1, d52: 1, d53: 1"
    points = [tuple(map(float, p.split(","))) for p in line.points.split()]
    by_index = [line.dots[i] for i in (0, 29, 30, 31, 50, 51, 53)]  # each level stretch's ends, and the peak
    assert points == by_index
