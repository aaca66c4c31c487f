"""site.yaml: one typed config object, loaded and validated once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from site_src.config import yaml_text
from site_src.errors import DigestError
from site_src.files.source import read_text


@dataclass(frozen=True)
class DumpMeta:
    """Per-dump settings under `dumps:` in site.yaml, keyed by file name."""

    date: dt.date | None = None
    title: str | None = None


@dataclass(frozen=True)
class TopicSettings:
    """Tunables of the topic core, under `topics:` in site.yaml."""

    count: int | None = None  # None: chosen from the number of papers
    max_count: int = 60
    seed: int = 0
    min_df: int = 2
    max_df: float = 0.5
    title_weight: int = 2
    related: int = 5
    second_topic: float = 0.6  # a paper joins a 2nd topic when its weight there is this share of its 1st; 0: never


@dataclass(frozen=True)
class SiteConfig:
    """Everything site.yaml can set, with its defaults."""

    title: str = "Paper Digest"
    description: str = ""
    base_url: str | None = None
    language: str = "en"
    year: int | None = None
    dumps: dict[str, DumpMeta] = field(default_factory=dict)
    topics: TopicSettings = field(default_factory=TopicSettings)
    feed_items: int = 50  # papers per feed, newest first
    source: Path | None = None

    @property
    def base_path(self) -> str:
        """The URL path the site is served under: `/my-digest/` for https://you.github.io/my-digest/, `/` without a base URL."""
        path = urlsplit(self.base_url).path if self.base_url else ""
        return path if path.endswith("/") else path + "/"

    def with_base_url(self, base_url: str | None) -> "SiteConfig":
        if base_url is None:
            return self
        return replace(self, base_url=_check_base_url(base_url, None, None))


# Dates stay text: we parse them, so 2024-13-01 is our error, not a crash.
_Loader = yaml_text.DATES_AS_TEXT
# Numbers stay text too, for files that name things: arXiv id 2506.10010 must not become the float 2506.1001.
TEXT_LOADER = yaml_text.loader_without("timestamp", "int", "float")
TEXT_LIMITS = {"title": 200, "description": 1_000, "language": 35}  # characters (35: the longest BCP 47 tags)


def yaml_load(text: str) -> Any:
    """The curator's YAML, bounded (yaml_text): aliases, nesting, string sizes; a duplicate key is an error."""
    return yaml_text.load(text, _Loader)


class _Reader:
    """Checks one mapping of site.yaml against the fields of a dataclass."""

    def __init__(self, path: Path, lines: dict[tuple[str, ...], int]):
        self.path = path
        self.lines = lines

    def error(self, keys: tuple, message: str) -> DigestError:
        name = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in keys).lstrip(".")
        line = self.lines.get(keys)
        if line is None and len(keys) > 1:
            line = self.lines.get(keys[:-1])
        return DigestError(f"{name}: {message}", self.path, line)

    def mapping(self, value: Any, keys: tuple[str, ...]) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(keys, f"expected a mapping, got {_kind(value)}")
        return value

    def known(self, value: dict, allowed: set[str], keys: tuple[str, ...]) -> None:
        for key in value:
            if str(key) not in allowed:
                hint = ", ".join(sorted(allowed))
                raise self.error((*keys, str(key)), f"unknown key (known keys: {hint})")

    def typed(self, value: Any, kind: type, keys: tuple[str, ...], optional: bool = False):
        if value is None and optional:
            return None
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise self.error(keys, f"expected {kind.__name__}, got {_kind(value)}")
        return value


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"[:80]


def _check_base_url(value: str, reader: _Reader | None, keys) -> str:
    if not value.startswith(("http://", "https://")):
        message = f"base URL must start with http:// or https://, got {value!r}"
        raise reader.error(keys, message) if reader else DigestError(message)
    return value.rstrip("/") + "/"


def read_yaml(path: Path, loader=_Loader) -> tuple[Any, _Reader]:
    """A YAML file's data and a reader that checks it, naming the line of each key; bad YAML is an error with its line."""
    text = read_text(path)
    try:
        data, lines = yaml_text.load_with_lines(text, loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise DigestError(f"invalid YAML: {getattr(exc, 'problem', exc)}", path, line) from None
    return data, _Reader(path, lines)


def load_config(path: Path) -> SiteConfig:
    """Read and validate site.yaml; a missing file gives the defaults."""
    if not path.exists():
        return SiteConfig()
    data, reader = read_yaml(path)
    data = reader.mapping(data, ("site.yaml",))
    plain = {"title", "description", "base_url", "language", "year", "dumps", "topics", "feed_items"}
    reader.known(data, plain, ())

    values: dict[str, Any] = {"source": path}
    for key in ("title", "description", "language"):
        if key in data:
            values[key] = reader.typed(data[key], str, (key,))
            if len(values[key]) > TEXT_LIMITS[key]:  # each is repeated on every page
                raise reader.error((key,), f"{len(values[key]):,} characters; the most is {TEXT_LIMITS[key]:,}")
    if data.get("base_url") is not None:
        base = reader.typed(data["base_url"], str, ("base_url",))
        values["base_url"] = _check_base_url(base, reader, ("base_url",))
    values["year"] = reader.typed(data.get("year"), int, ("year",), optional=True)
    values["dumps"] = _read_dumps(reader, reader.mapping(data.get("dumps"), ("dumps",)))
    values["topics"] = _read_topics(reader, reader.mapping(data.get("topics"), ("topics",)))
    if "feed_items" in data:
        values["feed_items"] = _read_feed_items(reader, data["feed_items"])
    return SiteConfig(**values)


def _read_dumps(reader: _Reader, dumps: dict) -> dict[str, DumpMeta]:
    result = {}
    for name, meta in dumps.items():
        keys = ("dumps", str(name))
        meta = reader.mapping(meta, keys)
        reader.known(meta, {"date", "title"}, keys)
        date = meta.get("date")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise reader.error((*keys, "date"), f"expected a date YYYY-MM-DD, got {date!r}") from None
        if date is not None and not isinstance(date, dt.date) or isinstance(date, dt.datetime):
            raise reader.error((*keys, "date"), f"expected a date YYYY-MM-DD, got {_kind(date)}")
        title = reader.typed(meta.get("title"), str, (*keys, "title"), optional=True)
        result[str(name)] = DumpMeta(date=date, title=title)
    return result


def _read_topics(reader: _Reader, topics: dict) -> TopicSettings:
    defaults = TopicSettings()
    kinds = {f.name: (float if f.name in ("max_df", "second_topic") else int) for f in fields(TopicSettings)}
    reader.known(topics, set(kinds), ("topics",))
    values = {}
    for name, kind in kinds.items():
        if name not in topics:
            continue
        value = topics[name]
        if name == "count" and value in (None, "auto"):
            continue
        value = reader.typed(value, kind, ("topics", name))
        low = 0 if name in ("seed", "related") else 1
        if name == "max_df" and not 0 < value <= 1:
            raise reader.error(("topics", name), f"expected a number in (0, 1], got {value}")
        if name == "second_topic" and not 0 <= value <= 1:
            raise reader.error(("topics", name), f"expected a number in [0, 1], got {value}")
        if kind is int and value < low:
            raise reader.error(("topics", name), f"expected a whole number >= {low}, got {value}")
        values[name] = value
    return replace(defaults, **values)


def _read_feed_items(reader: _Reader, value: Any) -> int:
    value = reader.typed(value, int, ("feed_items",))
    if value < 1:
        raise reader.error(("feed_items",), f"expected a whole number >= 1, got {value}")
    return value
