"""Slugs: the only source of file and URL names in build/."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_NON_WORD = re.compile(r"[^a-z0-9]+")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # what slugify makes: safe as a file name on every system
# Names Windows reserves; a folder called `con` breaks a checkout there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def is_slug(text: object) -> bool:
    return isinstance(text, str) and SLUG.fullmatch(text) is not None and text not in _RESERVED


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
    A suffixed slug never takes one another text slugs to (`Cafe 1a2b3c`): the hash grows instead.
    """
    by_slug: dict[str, list[str]] = {}
    for key, text in keyed_texts:
        by_slug.setdefault(slugify(text, **options), []).append(key)
    result: dict[str, str] = {}
    taken = set(by_slug)
    for slug in sorted(by_slug):
        first, *others = sorted(set(by_slug[slug]))
        result[first] = slug
        for key in others:
            result[key] = _free_slug(slug, key, taken)
    return result


def _free_slug(slug: str, key: str, taken: set[str]) -> str:
    """`slug-<hash of key>` with the shortest hash (6 digits or more) no other slug has; then taken."""
    digest = short_hash(key, 40)
    candidates = (f"{slug}-{digest[:length]}" for length in range(6, 41))
    free = next((c for c in candidates if c not in taken), None)
    number = 2
    while free is None:  # only if two keys share a SHA-1
        free = f"{slug}-{digest}-{number}" if f"{slug}-{digest}-{number}" not in taken else None
        number += 1
    taken.add(free)
    return free
