"""The topic map on the topics index: an inline SVG circle per topic, each linking to its topic page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from site_src.render.topic_map import HEIGHT, WIDTH


class _Map(HTMLParser):
    def __init__(self):
        super().__init__()
        self.in_svg = False
        self.links: list[str] = []
        self.circles: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.in_svg = True
        elif self.in_svg and tag == "a":
            self.links.append(attrs["href"])
        elif self.in_svg and tag == "circle":
            self.circles.append({k: float(attrs[k]) for k in ("cx", "cy", "r")})

    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_svg = False


def read_map(seed_build) -> _Map:
    parser = _Map()
    parser.feed((seed_build / "topics" / "index.html").read_text(encoding="utf-8"))
    return parser


def test_every_topic_has_one_circle_linking_to_its_page(seed_build):
    topic_map = read_map(seed_build)
    pages = {p.parent.name for p in (seed_build / "topics").glob("*/index.html")}
    linked = [re.fullmatch(r"\.\./topics/([a-z0-9-]+)/", href).group(1) for href in topic_map.links]
    assert sorted(linked) == sorted(pages)
    assert len(topic_map.circles) == len(pages)


def test_circles_stay_on_the_canvas_and_do_not_overlap(seed_build):
    circles = read_map(seed_build).circles
    for c in circles:
        assert c["r"] <= c["cx"] <= WIDTH - c["r"] and c["r"] <= c["cy"] <= HEIGHT - c["r"]
    for i, a in enumerate(circles):
        for b in circles[i + 1 :]:
            distance = ((a["cx"] - b["cx"]) ** 2 + (a["cy"] - b["cy"]) ** 2) ** 0.5
            assert distance >= a["r"] + b["r"] - 1.0, (a, b)


def test_map_renders_in_chromium_and_its_circles_open_topics(browser, served, tmp_path):
    tab = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.goto(f"{served}/paper-digest/topics/")
    svg = tab.locator("figure.topic-map svg")
    box = svg.bounding_box()
    assert box and box["width"] > 500 and box["height"] > 250
    circles = tab.locator("figure.topic-map circle")
    assert circles.count() >= 8
    first = circles.nth(0).bounding_box()
    assert first and first["width"] > 20  # drawn, with a real size
    tab.screenshot(path=str(tmp_path / "topics.png"))
    label = tab.locator("figure.topic-map a").nth(0).locator("title").text_content()
    tab.locator("figure.topic-map a").nth(0).click()
    tab.wait_for_load_state()
    assert tab.url.startswith(f"{served}/paper-digest/topics/") and tab.url != f"{served}/paper-digest/topics/"
    assert tab.locator("h1").text_content() == label.rsplit(":", 1)[0]
    assert errors == []
    tab.close()
