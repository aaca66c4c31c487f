"""How the papers write a phrase: the acronyms they define, the spelling a label shows, the words beside it.

Only reading texts (titles and abstracts); which phrases a label takes is labels.py's.
"""

from __future__ import annotations

import re
from collections import Counter

from site_src.topics.vectors import STOP_WORDS

_SMALL_WORDS = {"to", "of", "and", "the", "for", "in", "on", "a", "with", "from"}
_JOINER = r"[\s-]+(?:(?:%s)[\s-]+)?" % "|".join(sorted(_SMALL_WORDS))  # between the words of a phrase as written
_STOPS = frozenset(STOP_WORDS)
# The phrases are at most two words, so "retrieval-augmented generation" is counted as "augmented generation" and
# "named entity recognition" as "named entity". A two-word phrase the texts write after (or before) the same word at
# least this share of the times is shown with it: "Retrieval-Augmented Generation", "Named Entity Recognition".
WIDEN_SHOWN = 0.7


# "Retrieval-Augmented Generation (RAG)": an acronym in brackets after the words it abbreviates.
_BRACKETED = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*?)s?\s*\)")
_WORD = re.compile(r"[A-Za-z0-9]+")


def acronyms(texts: list[str]) -> dict[str, frozenset]:
    """The acronyms the texts define, lowercase, each with the words it abbreviates, lowercase: "rag" ->
    {retrieval, augmented, generation}. An acronym's words are the fewest of the six words before its bracket whose
    first starts with its first letter and whose letters hold its letters in order (Schwartz and Hearst's rule, 2003),
    but not from a small word where more words do: "text-to-image (T2I)" is not "to image", "on-policy distillation
    (OPD)" is."""
    found: dict[str, frozenset] = {}
    for text in texts:
        for match in _BRACKETED.finditer(text):
            letters = re.sub(r"[^a-z]", "", match.group(1).lower())
            words = _WORD.findall(text[max(0, match.start() - 120) : match.start()].lower())[-6:]
            starts = [s for s in range(len(words) - 1, -1, -1) if words[s][:1] == letters[:1] and _in_order(letters, "".join(words[s:]))]
            start = next((s for s in starts if words[s] not in _SMALL_WORDS), starts[0] if starts else None)
            expansion = frozenset(w for w in words[start:] if w not in _SMALL_WORDS) if start is not None else ()
            if expansion:
                found.setdefault(match.group(1).lower(), expansion)
    return {acronym + plural: words for acronym, words in found.items() for plural in ("", "s")}


def _in_order(letters: str, text: str) -> bool:
    """Whether every letter of `letters` occurs in `text`, in order."""
    rest = iter(text)
    return all(letter in rest for letter in letters)


# A word the texts write before an article at least this share of the times reads as a verb: "increasing the",
# "reduces the", "enhancing a" say what a paper does, not what it is about.
VERB_SHARE = 0.3
_ARTICLES = frozenset("the a an its their our this these both such".split())


# What the texts were found to say of a word or phrase, under a hash of the texts (not the texts themselves): each label
# pass of a build asks again of the same topics' texts, and the regular expressions were half of a pass's time.
_READ: dict[tuple, bool] = {}
_READ_MOST = 1 << 18


def _remembered(key: tuple, read) -> bool:
    if key not in _READ:
        if len(_READ) >= _READ_MOST:
            _READ.clear()
        _READ[key] = read()
    return _READ[key]


def not_a_heading_alone(word: str, joined: str) -> bool:
    """Whether the texts (`joined`: one string) write `word` before an article at least VERB_SHARE of the times (a
    verb: "increasing the"), or before one same word, not a stop word, at least WIDEN_SHOWN of the times (half a
    name: "Computer" of "computer vision", "Gaussian" of "Gaussian splatting")."""
    return _remembered(("alone", word, hash(joined)), lambda: _not_a_heading_alone(word, joined))


def _not_a_heading_alone(word: str, joined: str) -> bool:
    following = [w.lower() for w in re.findall(rf"\b{re.escape(word)}\b(?:[\s-]+([A-Za-z][A-Za-z0-9]*))?", joined, re.IGNORECASE)]
    if not following:
        return False
    if sum(w in _ARTICLES for w in following) >= VERB_SHARE * len(following):
        return True
    words = Counter(w for w in following if w and w not in _STOPS)
    return bool(words) and max(words.values()) >= WIDEN_SHOWN * len(following)


def written_apart(phrase: str, texts: list[str]) -> bool:
    """Whether the texts write the two words of `phrase` more often split by punctuation ("captioning (AAC)",
    "models (LMs)", "Turkish. Split") than side by side: tokens side by side, but no phrase a person writes."""
    return _remembered(("apart", phrase, hash(tuple(texts))), lambda: _written_apart(phrase, texts))


def _written_apart(phrase: str, texts: list[str]) -> bool:
    first, second = map(re.escape, phrase.split())
    together = re.compile(rf"\b{first}{_JOINER}{second}\b", re.IGNORECASE)
    apart = re.compile(rf"\b{first}\s*[^\w\s-]+\s*{second}\b", re.IGNORECASE)
    joined = sum(len(together.findall(text)) for text in texts)
    return sum(len(apart.findall(text)) for text in texts) >= joined


def display(phrase: str, texts: list[str]) -> str:
    """The phrase as the papers most often write it ("LoRA", "Text-to-Image"), title-cased; where the papers
    never write it so, each word as they most often write it ("Processing NLP", not "Processing Nlp")."""
    pattern = _JOINER.join(map(re.escape, phrase.split()))
    best = _most_written(pattern, texts)
    if best is None:
        best = " ".join(_most_written(re.escape(word), texts) or word for word in phrase.split())
    elif " " in phrase:
        best = _widened(pattern, best, texts)
    words = re.split(r"([\s-]+)", best)
    return "".join(w if w in _SMALL_WORDS and i else w[:1].upper() + w[1:] for i, w in enumerate(words))


def within_none(shown) -> list[str]:
    """The shown phrases but those whose words another holds ("Recognition" beside "Named Entity Recognition", as a
    phrase widened when shown may come to hold another), in order."""
    shown = list(shown)
    words = [frozenset(re.split(r"[\s-]+", phrase.lower())) for phrase in shown]
    return [p for i, p in enumerate(shown) if not any(j != i and words[i] < words[j] for j in range(len(shown)))]


def _widened(pattern: str, best: str, texts: list[str]) -> str:
    """`best` (the phrase as written) with the word the texts write before it, and the word they write after it, at
    least WIDEN_SHOWN of the times they write the phrase (stop words never), each as most often written. The word
    added may be one another label holds: "Named Entity Recognition" beside "Speech Recognition"."""
    found = re.compile(r"(?:\b([A-Za-z][A-Za-z0-9]*)([\s-]+))?\b" + pattern + r"\b(?:([\s-]+)([A-Za-z][A-Za-z0-9]*)\b)?", re.IGNORECASE)
    matches = [m for text in texts for m in found.finditer(text)]

    def side(word_group: int, joiner_group: int) -> tuple[str, str] | None:
        words = Counter(m.group(word_group).lower() for m in matches if m.group(word_group) and m.group(word_group).lower() not in _STOPS)
        if not words:
            return None
        word, count = max(sorted(words.items()), key=lambda item: item[1])
        if count < WIDEN_SHOWN * len(matches):
            return None
        forms = Counter(m.group(word_group) for m in matches if (m.group(word_group) or "").lower() == word)
        joiners = Counter("-" if "-" in m.group(joiner_group) else " " for m in matches if (m.group(word_group) or "").lower() == word)
        return _commonest(forms), max(sorted(joiners), key=joiners.__getitem__)

    before, after = side(1, 2), side(4, 3)
    return (before[0] + before[1] if before else "") + best + (after[1] + after[0] if after else "")


def _most_written(pattern: str, texts: list[str]) -> str | None:
    """The most frequent spelling of a pattern in the texts (capitals win a tie), or None when it never occurs."""
    found = re.compile(r"\b" + pattern + r"\b", re.IGNORECASE)
    forms = Counter(re.sub(r"\s+", " ", m.group(0)) for text in texts for m in found.finditer(text))
    return _commonest(forms) if forms else None


def _commonest(forms: Counter) -> str:
    """The most frequent of the spellings counted, capitals winning a tie, then the first in sorted order."""
    return max(sorted(forms), key=lambda form: (forms[form], form != form.lower()))
