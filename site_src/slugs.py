"""Slugs: the only source of file and URL names in build/."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Names Windows reserves; a folder called `con` breaks a checkout there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def slugify(text: str, max_length: int = 60, fallback: str = "item") -> str:
    """Lowercase ASCII words joined by `-`, cut at a word boundary; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1].rfind("-")
        slug = slug[: cut if cut > max_length // 2 else max_length].strip("-")
    if not slug or slug in _RESERVED:
        slug = f"{fallback}-{short_hash(text)}" if not slug else f"{slug}-{short_hash(text)}"
    return slug


def unique_slugs(keyed_texts: Iterable[tuple[str, str]], **options) -> dict[str, str]:
    """Slug for each (key, text); where slugs collide, all but the smallest key get a hash suffix.

    The suffix hashes the key, so a paper keeps its slug when other papers come and go,
    except in the rare case where a newcomer with a smaller key takes over a shared base slug.
    """
    by_slug: dict[str, list[str]] = {}
    for key, text in keyed_texts:
        by_slug.setdefault(slugify(text, **options), []).append(key)
    result: dict[str, str] = {}
    for slug, keys in by_slug.items():
        first, *others = sorted(set(keys))
        result[first] = slug
        for key in others:
            result[key] = f"{slug}-{short_hash(key)}"
    return result
