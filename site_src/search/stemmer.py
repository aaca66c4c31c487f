"""lunr.js 2.3.9's stemmer in Python: the index holds the stems the browser's query stemmer makes.

The browser stems each query word with lunr.js's `lunr.stemmer`, so the index must hold exactly
those stems. The `lunr` Python package's stemmer is an older Porter port: it differs from lunr.js on
409 of the 52,292 distinct words of ../shared's corpora (it turns a final y after a vowel into i,
"array" → "arrai", "Alexey" → "alexei", so a search for them found nothing), and its pipeline
of Token objects cost 6 µs a word. `stem` is lunr.js's `porterStemmer` rule by rule (its regular
expressions, JavaScript's `.` and `$`, UTF-16 lengths), each rule's suffix tested with endswith
before its regular expression: 2.4 µs a word. PyStemmer's compiled "porter" is not an option: it is
Snowball's Porter, which differs from lunr.js on 485 of those words (y, "bli"/"logi", words under
3 letters, undoubling), and as a fast path for the words where they agree it saved only a further
0.8 µs a word. tests/test_stemmer.py compares `stem` with lunr.js in node over every distinct word
of ../shared's corpora and over generated words.

`terms` is the index pipeline for one token (the `lunr` package's trimmer, lunr's stop words, this
stemmer). This module does no tokenizing and builds no index (index.py does).
"""

from __future__ import annotations

import re

from lunr.stop_word_filter import WORDS as STOP_WORDS

_TRIMMED = re.compile(r"^\W*?([^\W]+)\W*?$")  # the `lunr` package's trimmer (the index's words stay as they were)
_DOT = r"[^\n\r\u2028\u2029]"  # JavaScript's `.`
_c, _v = "[^aeiou]", "[aeiouy]"
_C, _V = _c + "[^aeiouy]*", _v + "[aeiou]*"
_MGR0 = re.compile(f"(?:{_C})?{_V}{_C}")
_MEQ1 = re.compile(f"(?:{_C})?{_V}{_C}(?:{_V})?\\Z")
_MGR1 = re.compile(f"(?:{_C})?{_V}{_C}{_V}{_C}")
_S_V = re.compile(f"(?:{_C})?{_v}")
_1A = re.compile(f"({_DOT}+?)(ss|i)es\\Z")
_1A_2 = re.compile(f"({_DOT}+?)([^s])s\\Z")
_1B = re.compile(f"({_DOT}+?)eed\\Z")
_1B_2 = re.compile(f"({_DOT}+?)(ed|ing)\\Z")
_LAST = re.compile(f"{_DOT}\\Z")
_AT_BL_IZ = re.compile(r"(at|bl|iz)\Z")
_DOUBLE = re.compile(r"([^aeiouylsz])\1\Z")
_CVC = re.compile(f"{_C}{_v}[^aeiouwxy]\\Z")
_1C = re.compile(f"({_DOT}+?[^aeiou])y\\Z")
_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble", "alli": "al",
    "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate", "ator": "ate", "alism": "al",
    "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al", "iviti": "ive", "biliti": "ble", "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}
_2 = re.compile(f"({_DOT}+?)({'|'.join(_STEP2)})\\Z")
_3 = re.compile(f"({_DOT}+?)({'|'.join(_STEP3)})\\Z")
_ENDS4 = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ou", "ism", "ate", "iti", "ous", "ive", "ize")
_ENDS2, _ENDS3 = tuple(_STEP2), tuple(_STEP3)
_4 = re.compile(f"({_DOT}+?)({'|'.join(_ENDS4)})\\Z")
_4_2 = re.compile(f"({_DOT}+?)(s|t)(ion)\\Z")
_5 = re.compile(f"({_DOT}+?)e\\Z")


def stem(word: str) -> str:
    """lunr.js 2.3.9's porterStemmer, step by step, on the word as JavaScript sees it (UTF-16 code units)."""
    astral = not word.isascii() and any(ord(ch) > 0xFFFF for ch in word)
    if astral:  # JavaScript strings are UTF-16: a character outside the BMP is two units, for length and for `.`
        data = word.encode("utf-16-le", "surrogatepass")
        word = "".join(chr(int.from_bytes(data[i : i + 2], "little")) for i in range(0, len(data), 2))
    stemmed = _porter(word)
    return stemmed.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass") if astral else stemmed


def _porter(w: str) -> str:
    if len(w) < 3:
        return w
    first_y = w[0] == "y"
    if first_y:
        w = "Y" + w[1:]
    # Each rule's suffix is tested with endswith first: most words skip most rules, and a regular expression costs more.
    # Step 1a
    m = (_1A.match(w) or _1A_2.match(w)) if w.endswith("s") else None
    if m:
        w = m.group(1) + m.group(2)
    # Step 1b
    m = _1B.match(w) if w.endswith("eed") else None
    if m:
        if _MGR0.match(m.group(1)):
            w = _LAST.sub("", w, count=1)
    elif w.endswith(("ed", "ing")):
        m = _1B_2.match(w)
        if m and _S_V.match(m.group(1)):
            w = m.group(1)
            if _AT_BL_IZ.search(w):
                w += "e"
            elif _DOUBLE.search(w):
                w = _LAST.sub("", w, count=1)
            elif _CVC.match(w):
                w += "e"
    # Step 1c
    m = _1C.match(w) if w.endswith("y") else None
    if m:
        w = m.group(1) + "i"
    # Steps 2 and 3
    for rule, endings, suffixes in ((_2, _STEP2, _ENDS2), (_3, _STEP3, _ENDS3)):
        m = rule.match(w) if w.endswith(suffixes) else None
        if m and _MGR0.match(m.group(1)):
            w = m.group(1) + endings[m.group(2)]
    # Step 4
    m = _4.match(w) if w.endswith(_ENDS4) else None
    if m:
        if _MGR1.match(m.group(1)):
            w = m.group(1)
    elif w.endswith("ion"):
        m = _4_2.match(w)
        if m and _MGR1.match(m.group(1) + m.group(2)):
            w = m.group(1) + m.group(2)
    # Step 5
    m = _5.match(w) if w.endswith("e") else None
    if m:
        stem = m.group(1)
        if _MGR1.match(stem) or (_MEQ1.match(stem) and not _CVC.match(stem)):
            w = stem
    if w.endswith("ll") and _MGR1.match(w):
        w = _LAST.sub("", w, count=1)
    if first_y:
        w = "y" + w[1:]
    return w


def trim(word: str) -> str:
    """The `lunr` package's trimmer: the word's run of word characters when only non-word ones surround it."""
    trimmed = _TRIMMED.match(word)
    return word if trimmed is None else trimmed.group(1)


def terms(word: str) -> tuple[str, ...]:
    """The index terms lunr's pipeline (trimmer, stop-word filter, stemmer) makes of one token: none or one."""
    word = trim(word)
    return () if word in STOP_WORDS else (stem(word),)
