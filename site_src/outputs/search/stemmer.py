"""The index's pipeline for one word: the `lunr` package's trimmer, stop words and Porter stemmer, without its objects.

The page stems a reader's words with templates/assets/search/stemmer.js, a line-for-line port of the `lunr` package's
Porter stemmer (lunr.js 2.3.9's own stemmer differs on words ending in a vowel and y: "key",
"array", "Alexey"), so the index keeps exactly the `lunr` package's stems. Its pipeline wraps each
word in a Token, runs each step through Pipeline.run and builds a list per step: 6 µs a word. Here
the same three steps are called on the string itself (the trimmer's own regular expression, the
stop-word set, `PorterStemmer.stem`): 3 µs a word; 0.28 → 0.16 s of CPU for the 52,292 distinct words
of ../shared's corpora, 0.50 → 0.33 s for the 109,479 of 34,000 papers. PyStemmer's compiled "porter"
is no substitute: it is Snowball's Porter, which differs from the `lunr` package on 76 of those
52,292 words. tests/test_stemmer.py checks `terms`
against the `lunr` package's pipeline and the page's `stem` in node over every distinct word of
../shared's corpora.

Before the lunr steps, a word is folded to its letters without accents (Unicode NFKD, marks dropped:
"pokéchamp" → "pokechamp", "ﬁne" → "fine"), so a reader who types no accents finds the accented spelling; the
page folds what a reader types the same way (templates/assets/search/query.js `fold`).

This module does no tokenizing and builds no index (index.py does).
"""

from __future__ import annotations

import unicodedata

from lunr.stemmer import porter_stemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS
from lunr.trimmer import full_re as _TRIMMED

stem = porter_stemmer.stem  # the `lunr` package's stemmer on a string (its pipeline function wraps this in a Token)


def trim(word: str) -> str:
    """The `lunr` package's trimmer: the word's run of word characters when only non-word ones surround it."""
    trimmed = _TRIMMED.match(word)
    return word if trimmed is None else trimmed.group(1)


def fold(word: str) -> str:
    """The word without accents: NFKD, marks (Unicode category M) dropped; ASCII words, nearly all, are left as they are."""
    if word.isascii():
        return word
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.category(ch).startswith("M"))


def terms(word: str) -> tuple[str, ...]:
    """The index terms of one token: folded (fold), then the `lunr` package's pipeline (trimmer, stop-word filter,
    stemmer): none or one."""
    word = trim(fold(word))
    return () if word in STOP_WORDS else (stem(word),)
