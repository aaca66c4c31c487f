"""Slugs: short, lowercase ASCII, unique, stable, and never a path outside the output folder."""

from __future__ import annotations

import re

from site_src.text.slugs import slugify, unique_slugs

SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_slug_is_short_lowercase_ascii_and_stable():
    title = "LoRA: Low-Rank Adaptation of Large Language Models"
    assert slugify(title) == "lora-low-rank-adaptation-of-large-language-models"
    assert slugify(title) == slugify(title)
    long = slugify("Word " * 200)
    assert len(long) <= 60 and SAFE.match(long)


def test_hostile_and_odd_titles_give_safe_slugs():
    for title in ["../../etc/passwd", "CON", "Éclair: π^3 φ-Decoding", "学习", "?!…", "", "a/b\\c"]:
        slug = slugify(title)
        assert SAFE.match(slug), (title, slug)
        assert slug not in ("con", "..", ".")


def test_colliding_slugs_are_made_unique_without_moving_the_first():
    slugs = unique_slugs([("b key", "Same Title!"), ("a key", "Same title?"), ("c", "Other")])
    assert slugs["a key"] == "same-title"
    assert slugs["b key"].startswith("same-title-") and slugs["b key"] != "same-title"
    assert len(set(slugs.values())) == 3
