"""site.yaml: defaults, validation errors that name the key, file and line."""

from __future__ import annotations

import datetime as dt

import pytest

from site_src.config import SiteConfig, load_config
from site_src.errors import DigestError

from .conftest import CONTENT


def write(tmp_path, text):
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_site_yaml_loads():
    config = load_config(CONTENT / "site.yaml")
    assert config.title == "Paper Digest"
    assert config.topics.count is None and config.topics.seed == 0
    assert config.dumps["001_e016dad873a756eb.txt"].title == "Undated listing"


def test_missing_file_gives_defaults(tmp_path):
    assert load_config(tmp_path / "site.yaml") == SiteConfig()


def test_unknown_key_names_key_file_and_line(tmp_path):
    path = write(tmp_path, "title: X\ntopics:\n  seed: 1\n  cuont: 5\n")
    with pytest.raises(DigestError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}:4: topics.cuont: unknown key")


@pytest.mark.parametrize(
    "text,line,fragment",
    [
        ("title: [a, b]\n", 1, "title: expected str"),
        ("year: '2024'\n", 1, "year: expected int"),
        ("topics:\n  count: 0\n", 2, "topics.count: expected a whole number >= 1"),
        ("topics:\n  max_df: 2\n", 2, "topics.max_df: expected a number in (0, 1]"),
        ("dumps:\n  a.txt:\n    date: 2024-13-01\n", 3, "dumps.a.txt.date: expected a date"),
        ("base_url: ftp://x\n", 1, "base_url: base URL must start with http"),
        ("title: x\n  bad: indent\n", 2, "invalid YAML"),
    ],
)
def test_wrong_values_are_errors_with_line(tmp_path, text, line, fragment):
    path = write(tmp_path, text)
    with pytest.raises(DigestError) as caught:
        load_config(path)
    assert caught.value.line == line
    assert fragment in str(caught.value)


def test_values_are_read(tmp_path):
    path = write(tmp_path, "base_url: https://x.github.io/d\nyear: 2024\ndumps:\n  a.txt: {date: 2024-03-12, title: T}\ntopics: {count: 12, max_df: 1}\n")
    config = load_config(path)
    assert config.base_url == "https://x.github.io/d/"
    assert config.year == 2024
    assert config.dumps["a.txt"].date == dt.date(2024, 3, 12)
    assert config.topics.count == 12 and config.topics.max_df == 1.0
