"""Slugs: short, lowercase ASCII, unique, stable, and never a path outside the output folder."""

from __future__ import annotations

import json
import re

import pytest

from site_src.text.slugs import slugify, unique_slugs

SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# Real titles (the seed captures', and the daily-papers API's odd ones) with their slugs worked out by hand:
# accents folded to ASCII, other letters and punctuation dropped, words joined by one hyphen, and a slug longer
# than 60 characters cut back to its last whole word.
HAND_MADE = [
    ("ChipNeMo: Domain-Adapted LLMs for Chip Design", "chipnemo-domain-adapted-llms-for-chip-design"),
    ("A Pretrainer's Guide to Training Data: Measuring the Effects of Data Age, Domain Coverage, Quality, & Toxicity",
     "a-pretrainer-s-guide-to-training-data-measuring-the-effects"),
    ("CodeT5+: Open Code Large Language Models for Code Understanding and Generation",
     "codet5-open-code-large-language-models-for-code"),
    ("Continual Pre-Training of Large Language Models: How to (re)warm your model?",
     "continual-pre-training-of-large-language-models-how-to-re"),
    ("CPT-Boosted Wav2vec2.0: Towards Noise Robust Speech Recognition for Classroom Environments",
     "cpt-boosted-wav2vec2-0-towards-noise-robust-speech"),
    ("Bit Cipher -- A Simple yet Powerful Word Representation System that Integrates Efficiently with Language Models",
     "bit-cipher-a-simple-yet-powerful-word-representation-system"),
    ("Éclair -- Extracting Content and Layout with Integrated Reading Order for Documents",
     "eclair-extracting-content-and-layout-with-integrated-reading"),  # exactly 60
    ("PokéChamp: an Expert-level Minimax Language Agent", "pokechamp-an-expert-level-minimax-language-agent"),
    ("φ-Decoding: Adaptive Foresight Sampling for Balanced Inference-Time\n  Exploration and Exploitation",
     "decoding-adaptive-foresight-sampling-for-balanced-inference"),
    ("π^3: Scalable Permutation-Equivariant Visual Geometry Learning",
     "3-scalable-permutation-equivariant-visual-geometry-learning"),
    ("SWE-Lancer: Can Frontier LLMs Earn $1 Million from Real-World Freelance Software Engineering?",
     "swe-lancer-can-frontier-llms-earn-1-million-from-real-world"),
    ("DeepSeek-R1 Thoughtology: Let's <think> about LLM Reasoning", "deepseek-r1-thoughtology-let-s-think-about-llm-reasoning"),
    ("LoRA: Low-Rank Adaptation of Large Language Models", "lora-low-rank-adaptation-of-large-language-models"),
]


@pytest.mark.parametrize("title, slug", HAND_MADE, ids=[slug[:30] for _, slug in HAND_MADE])
def test_real_titles_get_the_slugs_worked_out_by_hand(title, slug):
    assert slugify(title) == slug


def test_a_title_without_a_word_break_in_its_second_half_is_cut_at_60():
    assert slugify("A " + "x" * 100) == "a-" + "x" * 58
    assert slugify("Word " * 200) == "-".join(["word"] * 12)  # 59 characters: the 13th word would pass 60


def test_every_paper_of_the_seed_site_has_a_short_lowercase_ascii_unique_slug(seed_build):
    papers = json.loads((seed_build / "data" / "papers.json").read_text(encoding="utf-8"))
    slugs = [paper["slug"] for paper in papers]
    assert len(slugs) == 340 and len(set(slugs)) == 340
    for slug in slugs:
        assert slug.isascii() and slug == slug.lower() and SAFE.match(slug) and "--" not in slug, slug
        assert 1 <= len(slug) <= 60, slug
    assert sorted(p.name for p in (seed_build / "papers").iterdir() if p.is_dir()) == sorted(slugs)


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
