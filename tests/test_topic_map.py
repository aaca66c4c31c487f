"""The topic map on the topics index: an inline SVG circle per topic, each linking to its topic page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from site_src.render.topic_map import MIN_RADIUS


class _Map(HTMLParser):
    """Each drawing of the map (wide, narrow): its canvas, links and circles."""

    def __init__(self):
        super().__init__()
        self.drawings: dict[str, dict] = {}
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and self.current is None and "viewbox" in attrs:  # HTMLParser lowercases names
            _, _, width, height = map(float, attrs["viewbox"].split())
            self.current = self.drawings.setdefault(attrs["class"], {"width": width, "height": height, "links": [], "circles": []})
        elif self.current is not None and tag == "a":
            self.current["links"].append(attrs["href"])
        elif self.current is not None and tag == "circle":
            self.current["circles"].append({k: float(attrs[k]) for k in ("cx", "cy", "r")})

    def handle_endtag(self, tag):
        if tag == "svg":
            self.current = None


def read_map(seed_build) -> dict[str, dict]:
    parser = _Map()
    parser.feed((seed_build / "topics" / "index.html").read_text(encoding="utf-8"))
    return parser.drawings


def test_every_topic_has_one_circle_linking_to_its_page_in_each_drawing(seed_build):
    drawings = read_map(seed_build)
    assert sorted(drawings) == ["narrow", "wide"]
    pages = {p.parent.name for p in (seed_build / "topics").glob("*/index.html")}
    for drawing in drawings.values():
        linked = [re.fullmatch(r"\.\./topics/([a-z0-9-]+)/", href).group(1) for href in drawing["links"]]
        assert sorted(linked) == sorted(pages)
        assert len(drawing["circles"]) == len(pages)


@pytest.mark.parametrize("name", ["wide", "narrow"])
def test_circles_stay_on_the_canvas_are_tap_sized_and_do_not_overlap(seed_build, name):
    drawing = read_map(seed_build)[name]
    circles, width, height = drawing["circles"], drawing["width"], drawing["height"]
    for c in circles:
        assert c["r"] >= MIN_RADIUS
        assert c["r"] <= c["cx"] <= width - c["r"] and c["r"] <= c["cy"] <= height - c["r"]
    for i, a in enumerate(circles):
        for b in circles[i + 1 :]:
            distance = ((a["cx"] - b["cx"]) ** 2 + (a["cy"] - b["cy"]) ** 2) ** 0.5
            assert distance >= a["r"] + b["r"] - 1.0, (a, b)


_CIRCLE = re.compile(r'<a href="\.\./topics/([a-z0-9-]+)/"[^>]*>\s*<title>.*?: (\d+) papers</title>\s*<circle cx="[\d.]+" cy="[\d.]+" r="([\d.]+)">', re.S)


def _svgs(seed_build) -> list[str]:
    page = (seed_build / "topics" / "index.html").read_text(encoding="utf-8")
    return re.findall(r"<svg class=\"(?:wide|narrow)\".*?</svg>", page, re.S)


def test_map_counts_agree_with_the_topic_pages(seed_build):
    for svg in _svgs(seed_build):
        circles = _CIRCLE.findall(svg)
        assert len(circles) >= 8
        for slug, count, _ in circles:
            page = (seed_build / "topics" / slug / "index.html").read_text(encoding="utf-8")
            listed = re.search(r'<p class="meta">(\d+) papers</p>', page).group(1)
            assert count == listed, slug


def test_circle_area_grows_in_proportion_to_papers(seed_build):
    """A topic of more papers is never drawn smaller; above the tap-target minimum, area / papers is one constant."""
    for svg in _svgs(seed_build):
        circles = [(int(count), float(r)) for _, count, r in _CIRCLE.findall(svg)]
        for count_a, r_a in circles:
            for count_b, r_b in circles:
                if count_a > count_b:
                    assert r_a >= r_b, ((count_a, r_a), (count_b, r_b))
        free = [(count, r) for count, r in circles if r > MIN_RADIUS + 0.1]
        assert len(free) >= 2
        per_paper = [r * r / count for count, r in free]
        assert max(per_paper) <= 1.05 * min(per_paper), free


# Per label: its size on screen (font size times the SVG's scale), its box, and its circle's box, in CSS px.
_MEASURE = """() => [...document.querySelectorAll('figure.topic-map svg')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .flatMap(svg => [...svg.querySelectorAll('a')].map(a => {
    const scale = svg.getScreenCTM().a, circle = a.querySelector('circle').getBoundingClientRect();
    return {svg: svg.getAttribute('class'), circle: [circle.x, circle.y, circle.width],
            texts: [...a.querySelectorAll('text')].map(t => {
              const box = t.getBoundingClientRect();
              return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                      box: [box.x, box.y, box.width, box.height]};
            })};
  }))"""


@pytest.mark.parametrize("viewport, shown", [((390, 844), "narrow"), ((360, 740), "narrow"), ((1280, 900), "wide")])
def test_map_labels_read_at_12_px_and_cross_no_other_circle(browser, served, viewport, shown):
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 500, has_touch=width < 500)
    tab = context.new_page()
    tab.goto(f"{served}/paper-digest/topics/")
    circles = tab.evaluate(_MEASURE)
    context.close()
    assert {c["svg"] for c in circles} == {shown}  # one drawing on screen
    labels = [t for c in circles for t in c["texts"]]
    assert len(circles) >= 8 and len(labels) >= len(circles)
    for c in circles:
        x, y, size = c["circle"]
        assert size >= 44, c  # a finger's tap target
        assert c["texts"], c  # every circle names its topic
        others = [o for o in circles if o is not c]
        for t in c["texts"]:
            assert t["px"] >= 12, t
            assert "…" not in t["text"]
            left, top, w, h = t["box"]
            # The text's ink (its box less the font's line gap) enters no other topic's circle: a label wider than its
            # own circle runs beyond it into free space, never over a neighbour.
            for px, py in ((left, top + h * 0.2), (left + w, top + h * 0.2), (left, top + h * 0.8), (left + w, top + h * 0.8)):
                for o in others:
                    ox, oy, osize = o["circle"]
                    assert ((px - ox - osize / 2) ** 2 + (py - oy - osize / 2) ** 2) ** 0.5 >= osize / 2 - 1, (t, o["circle"])


def test_map_renders_in_chromium_and_its_circles_open_topics(browser, served, tmp_path):
    tab = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto(f"{served}/paper-digest/topics/")
    svg = tab.locator("figure.topic-map svg.wide")
    box = svg.bounding_box()
    assert box and box["width"] > 500 and box["height"] > 250
    circles = tab.locator("figure.topic-map svg.wide circle")
    assert circles.count() >= 8
    first = circles.nth(0).bounding_box()
    assert first and first["width"] > 20  # drawn, with a real size
    tab.screenshot(path=str(tmp_path / "topics.png"))
    label = tab.locator("figure.topic-map svg.wide a").nth(0).locator("title").text_content()
    tab.locator("figure.topic-map svg.wide a").nth(0).click()
    tab.wait_for_load_state()
    assert tab.url.startswith(f"{served}/paper-digest/topics/") and tab.url != f"{served}/paper-digest/topics/"
    assert tab.locator("h1").text_content() == label.rsplit(":", 1)[0]
    assert errors == []
    tab.close()
