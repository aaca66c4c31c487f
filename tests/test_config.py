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


# The settings are declared once (site_src/config/__init__.py); everything below holds the rest to that declaration.


def _every_setting(section=SiteConfig, prefix=()):
    """(keys, field) of every declared setting, sections opened."""
    from dataclasses import is_dataclass

    from site_src.config import settings_of

    for f, kind in settings_of(section):
        if is_dataclass(kind):
            yield from _every_setting(kind, (*prefix, f.name))
        else:
            yield (*prefix, f.name), f, kind


def _other_value(f, kind):
    """A valid value for the setting that is not its default."""
    from site_src.config import plain_type

    plain, _ = plain_type(kind)
    default = f.default
    meta = f.metadata
    if f.name == "base_url":
        return "https://example.org/elsewhere/", "https://example.org/elsewhere/"
    if f.name == "dumps":
        return {"a.txt": {"date": "2025-03-12"}}, None
    if plain is str:
        return "xx-other", "xx-other"
    if plain is bool:
        return not default, not default
    if plain is float:
        value = round((meta["high"] if meta["high"] is not None else 1) * 0.37, 2)
        return value, value
    low = meta["low"] or 0
    value = max(low, 0) + 3 if default is None or default == low + 3 else (default or low) + 1
    return value, value


def test_every_declared_setting_is_read_from_site_yaml(tmp_path):
    """A setting whose value site.yaml gives but the loader drops (it keeps the default) fails here."""
    import yaml

    for keys, f, kind in _every_setting():
        written, expected = _other_value(f, kind)
        data = written
        for key in reversed(keys):
            data = {key: data}
        path = tmp_path / "site.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        config = load_config(path)
        value = config
        for key in keys:
            value = getattr(value, key)
        if f.name == "dumps":
            assert str(value["a.txt"].date) == "2025-03-12"
        else:
            assert value == expected, keys
            default = f.default if f.default is not None else None
            assert value != default, keys


def test_configuration_docs_are_generated_from_the_declarations():
    """docs/configuration.md is written by `python -m site_src.config.docs`; a setting added, removed or
    re-documented without regenerating it fails here."""
    from site_src.config.docs import DOC, configuration_markdown

    assert DOC.read_text(encoding="utf-8") == configuration_markdown()
    for keys, f, kind in _every_setting():
        assert f"`{'.'.join(keys)}`" in DOC.read_text(encoding="utf-8")


def test_the_new_site_yaml_names_every_setting_and_loads_uncommented(tmp_path):
    """`digest new` writes every setting (commented, with its default); uncommented, the file loads to the defaults."""
    import re

    from site_src.config.docs import scaffold_yaml

    text = scaffold_yaml("My digest", None)
    for keys, f, kind in _every_setting():
        assert re.search(rf"^#?\s*{keys[-1]}:", text, re.M), keys
    uncommented = re.sub(r"^# ?(\s*\w+:)", r"\1", text, flags=re.M)
    uncommented = re.sub(r"^(\s*dumps:).*$", r"\1 {}", uncommented, flags=re.M)
    uncommented = re.sub(r"^(\s*(year|base_url):).*$", r"\1", uncommented, flags=re.M)
    path = tmp_path / "site.yaml"
    path.write_text(uncommented, encoding="utf-8")
    config = load_config(path)
    assert config.topics == SiteConfig().topics
    assert (config.title, config.language, config.feed_items) == ("My digest", "en", SiteConfig().feed_items)
