"""site.yaml: one typed config object, loaded and validated once. Every setting is declared once, here.

A setting is a dataclass field made by `setting()`: its type (the annotation), default, bounds and one line of
doc. Loading and validation (load_config), docs/configuration.md and the `site.yaml` that `digest new` writes
(config/docs.py) all come from these declarations; tests/test_config.py fails when the committed docs drift.
A section (`topics:`) is a field whose type is another such dataclass.
"""

from __future__ import annotations

import datetime as dt
import typing
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from site_src.config.reading import TEXT_LOADER, Reader, kind_of, read_yaml, yaml_load
from site_src.errors import DigestError

__all__ = [
    "DumpMeta", "SiteConfig", "TopicSettings", "load_config", "read_yaml", "setting", "settings_of", "yaml_load",
    "TEXT_LOADER",
]


def setting(default, doc: str, *, low=None, high=None, above=None, most: int | None = None, auto: str | None = None,
            factory=None, read=None, example: str | None = None):
    """A site.yaml setting: its default and doc, a number's bounds (`low` <= x <= `high`, or x > `above`), a text's
    `most` characters; `auto` names the word that means "chosen for you" (stored as None); `read` checks a value
    that needs more than its type (a URL, the per-dump mapping); `example` is the value the scaffold shows."""
    metadata = {"doc": doc, "low": low, "high": high, "above": above, "most": most, "auto": auto, "read": read,
                "example": example}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class DumpMeta:
    """Per-dump settings under `dumps:` in site.yaml, keyed by file name."""

    date: dt.date | None = None
    title: str | None = None


@dataclass(frozen=True)
class TopicSettings:
    """Tunables of the topic core, under `topics:` in site.yaml."""

    count: int | None = setting(None, "number of topics; auto is about 1.4 × the square root of the number of papers (26 for the seeds)",
                                low=1, auto="auto")
    max_count: int = setting(60, "upper bound for an automatic count, raised where topics would average more than 250 "
                                 "papers (136 topics at 34,000 papers)", low=1)
    areas: int | None = setting(None, "number of areas, the broad level that holds whole topics; auto is about 1.2 × the "
                                "square root of the number of topics, at most 12 (6 for the seeds)", low=1, auto="auto")
    seed: int = setting(0, "the same seed gives the same topics", low=0)
    min_df: int = setting(2, "a word must appear in at least this many papers to count", low=1)
    max_df: float = setting(0.5, "a word in more than this share of papers is ignored", above=0, high=1)
    title_weight: int = setting(2, "how many times a title's words count against the abstract's", low=1)
    related: int = setting(5, "related papers listed on each paper page", low=0)
    second_topic: float = setting(0.6, "a paper joins a second topic when its weight there is this share of its "
                                       "first; 0: never", low=0, high=1)


def _read_base_url(reader: Reader | None, value: Any, keys: tuple) -> str:
    value = reader.typed(value, str, keys) if reader else value
    if not value.startswith(("http://", "https://")):
        message = f"base URL must start with http:// or https://, got {value!r}"
        raise reader.error(keys, message) if reader else DigestError(message)
    if any(char.isspace() or not char.isprintable() for char in value):  # a newline would inject keys into site.yaml
        message = f"base URL must not hold spaces, line breaks or control characters, got {value!r}"
        raise reader.error(keys, message) if reader else DigestError(message)
    return value.rstrip("/") + "/"


def _read_date(reader: Reader, value: Any, keys: tuple) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise reader.error(keys, f"expected a date YYYY-MM-DD, got {value!r}") from None
    if value is not None and not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise reader.error(keys, f"expected a date YYYY-MM-DD, got {kind_of(value)}")
    return value


def _read_dumps(reader: Reader, value: Any, keys: tuple) -> dict[str, DumpMeta]:
    result = {}
    for name, meta in reader.mapping(value, keys).items():
        where = (*keys, str(name))
        meta = reader.mapping(meta, where)
        reader.known(meta, {"date", "title"}, where)
        date = _read_date(reader, meta.get("date"), (*where, "date"))
        title = reader.typed(meta.get("title"), str, (*where, "title"), optional=True)
        result[str(name)] = DumpMeta(date=date, title=title)
    return result


@dataclass(frozen=True)
class SiteConfig:
    """Everything site.yaml can set, with its defaults."""

    title: str = setting("Paper Digest", "the site's title, in every page's header and every feed", most=200)
    description: str = setting("", "one line under the title on the home page, the pages' meta description and the feeds'", most=1_000,
                               example="Research papers from the Hugging Face daily papers, grouped into topics.")
    base_url: str | None = setting(None, "the public URL, e.g. https://you.github.io/my-digest/: feeds, canonical links, the "
                                         "sitemap and the 404 page's links under a sub-path need it; --base-url (or "
                                         "DIGEST_BASE_URL) overrides it, and without either a GitHub `origin` remote gives it",
                                   read=_read_base_url, example="https://you.github.io/my-digest/")
    language: str = setting("en", "the pages' `lang` (a BCP 47 tag)", most=35)  # 35: the longest BCP 47 tags
    year: int | None = setting(None, "the year of date headers such as `Mar 12` in text captures (docs/content.md: how a digest's date is found)",
                               example="2025")
    dumps: dict[str, DumpMeta] = setting(None, "per-dump `date` (YYYY-MM-DD) and `title`, by file name; a name with no such file is a warning", factory=dict,
                                         read=_read_dumps, example='{"2025-03-14.json": {title: "A day worth a title"}}')
    topics: TopicSettings = setting(None, "the topic core's tunables", factory=TopicSettings)
    feed_items: int = setting(50, "papers per feed (RSS, Atom, JSON Feed), newest first", low=1)
    feed_days: int = setting(7, "the site's own feeds hold at least every paper of this many days back from the newest digest, "
                                "past feed_items if need be; 0: feed_items alone", low=0, high=3660)
    top_pages: bool = setting(True, "the top papers pages (top/week/, top/month/, top/all/): the most upvoted papers of the 7 "
                                    "and 30 days up to the newest digest and of all time, linked from the home page, with feeds")
    recent_days: int = setting(7, "For you ranks the papers of the digests dated within this many days up to the "
                                  "newest one, and at least this many of the newest digests", low=1, high=3660)
    source: Path | None = None  # where it was read from (not a setting)

    @property
    def base_path(self) -> str:
        """The URL path the site is served under: `/my-digest/` for https://you.github.io/my-digest/, `/` without a base URL."""
        path = urlsplit(self.base_url).path if self.base_url else ""
        return path if path.endswith("/") else path + "/"

    def with_base_url(self, base_url: str | None) -> "SiteConfig":
        if base_url is None:
            return self
        return replace(self, base_url=_read_base_url(None, base_url, ("base_url",)))


def settings_of(section: type) -> list[tuple[Any, type]]:
    """The settings a section declares, as (dataclass field, resolved type); plain fields (`source`) are not settings."""
    hints = typing.get_type_hints(section)
    return [(f, hints[f.name]) for f in fields(section) if "doc" in f.metadata]


def plain_type(kind: type) -> tuple[type, bool]:
    """The type a value must have, and whether it may be absent (None)."""
    args = typing.get_args(kind)
    if args and type(None) in args:
        return next(a for a in args if a is not type(None)), True
    return kind, False


def _too_long(meta, value) -> str | None:
    if meta["most"] is not None and len(value) > meta["most"]:  # each is repeated on every page
        return f"{len(value):,} characters; the most is {meta['most']:,}"
    return None


def text_problem(name: str, value: str) -> str | None:
    """What site.yaml's reading would refuse in a text setting's value (None: nothing); `digest new --title` asks too."""
    return _too_long(next(f.metadata for f, _ in settings_of(SiteConfig) if f.name == name), value)


def _read_value(reader: Reader, f, kind: type, value: Any, keys: tuple) -> Any:
    meta = f.metadata
    plain, optional = plain_type(kind)
    if optional and (value is None or (meta["auto"] and value == meta["auto"])):
        return None
    if meta["read"]:
        return meta["read"](reader, value, keys)
    if is_dataclass(kind):
        return _read_section(reader, kind, reader.mapping(value, keys), keys)
    value = reader.typed(value, plain, keys)
    problem = _too_long(meta, value)
    if problem:
        raise reader.error(keys, problem)
    _check_bounds(reader, meta, value, keys)
    return value


def _check_bounds(reader: Reader, meta: dict, value: Any, keys: tuple) -> None:
    low, high, above = meta["low"], meta["high"], meta["above"]
    if isinstance(value, float) or above is not None:
        lower_ok = value > above if above is not None else low is None or value >= low
        if not lower_ok or (high is not None and value > high):
            raise reader.error(keys, f"expected a number in {bounds_text(meta)}, got {value}")
    elif low is not None and value < low:
        raise reader.error(keys, f"expected a whole number >= {low}, got {value}")


def bounds_text(meta: dict) -> str:
    """A setting's bounds as written in errors and docs: `(0, 1]`, `[0, 1]`, `>= 1`, or "" without any."""
    low, high, above = meta["low"], meta["high"], meta["above"]
    if high is not None:
        return f"{'(' if above is not None else '['}{above if above is not None else low}, {high}]"
    return f">= {low}" if low is not None else ""


def _read_section(reader: Reader, section: type, data: dict, keys: tuple) -> Any:
    declared = settings_of(section)
    reader.known(data, {f.name for f, _ in declared}, keys)
    values = {f.name: _read_value(reader, f, kind, data[f.name], (*keys, f.name)) for f, kind in declared if f.name in data}
    return section(**values)


def load_config(path: Path) -> SiteConfig:
    """Read and validate site.yaml; a missing file gives the defaults."""
    if not path.exists():
        return SiteConfig()
    data, reader = read_yaml(path)
    data = reader.mapping(data, ("site.yaml",))
    return replace(_read_section(reader, SiteConfig, data, ()), source=path)
