"""Readable text from the LaTeX in scraped titles and abstracts: `20\\%` → `20%`, `$\\pi^3$` → `π³`, `$O(n^2)$` → `O(n²)`.

Only what is clearly LaTeX is touched: `$…$` spans that look like math (a backslash, `^`, `_`, braces, or a
short symbol such as `$f$`), escaped punctuation (`\\%`, `\\&`, `\\_`, `\\#`, `\\$`), text macros with their
argument (`\\textbf{…}`, `\\emph{…}`, `{\\em …}`, `\\url{…}`) and symbol macros pylatexenc knows (`\\times`,
`{\\deg}`, `\\alpha`). Plain text stays as written: `$1 Million`, `50% off`, `C:\\Users`; so do macros a paper
defines for itself (`\\method`, `\\ours`), whose meaning the abstract does not carry. pylatexenc turns each
span into Unicode; superscripts and subscripts become Unicode ones where every character has one. The
result is plain text, escaped like every other; no markup, no MathML, no JavaScript on the page.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SUPER = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ"))
_SUB = dict(zip("0123456789+-=()aeoxhklmnpst", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜ"))
# $…$: no space just inside either dollar, no digit right after the closing one ("$5 and $10" is money).
_MATH = re.compile(r"(?<![\\$])\$(?=[^\s$])([^$\n]{1,160}?)(?<=[^\s\\])\$(?![\d$])")
_MATHLIKE = re.compile(r"[\\^_{}=<>|]|^[^\W\d_]{1,2}['′]?$|^[^\W\d_]?\d[^\W\d_]?$")
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]{1,12})\}|([0-9A-Za-z+\-]))")
_ESCAPED = re.compile(r"\\([%&_#$])")
_TEXT_MACRO = re.compile(
    r"\{\\(?:em|it|bf|sc|tt|rm)\s+([^{}]*)\}|\\(?:textbf|textit|emph|textsc|texttt|textrm|textsf|underline|mbox|text)\{([^{}]*)\}"
)
_SCRIPT_MACRO = re.compile(r"\\text(super|sub)script\{([^{}]{1,12})\}")
_LINK_MACRO = re.compile(r"\\(?:url|href)\{([^{}\s]+)\}(?:\{([^{}]*)\})?|\\footnote\{([^{}]*)\}")
_SYMBOL = re.compile(r"\{\\([A-Za-z]+)\}|\\([A-Za-z]+)(?![A-Za-z{])(\s?)")
# Common macros pylatexenc does not know, or writes otherwise.
_EXTRA = {"eg": "e.g.", "ie": "i.e.", "etal": "et al.", "vs": "vs.", "deg": "°", "textdegree": "°", "textemdash": "—", "textendash": "–"}
_OPERATORS = re.compile(r"(?<=[\w)])\\(log|ln|exp|sin|cos|tan|max|min|arg|lim|sup|inf|det)\b")


@lru_cache(maxsize=1)
def _converter():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", keep_comments=True, strict_latex_spaces=False)


@lru_cache(maxsize=1)
def _known_symbols() -> frozenset[str]:
    """Macros without arguments that pylatexenc writes as text: `\\alpha`, `\\times`, `\\deg`, ..."""
    from pylatexenc.latex2text import get_default_latex_context_db

    names = set()
    for category in get_default_latex_context_db().categories():
        for spec in get_default_latex_context_db().iter_macro_specs([category]):
            names.add(spec.macroname)
    return frozenset(names)


def _scripts(text: str) -> str:
    """`^2` → `²`, `_{ij}` stays `_{ij}` (no Unicode subscript j): all characters convert, or none."""

    def convert(match: re.Match) -> str:
        table = _SUPER if match.group(1) == "^" else _SUB
        body = match.group(2) if match.group(2) is not None else match.group(3)
        return "".join(table[c] for c in body) if body and all(c in table for c in body) else match.group(0)

    return _SCRIPT.sub(convert, text)


def _plain(latex: str) -> str:
    return _converter().latex_to_text(latex).strip()


def _math(match: re.Match) -> str:
    body = match.group(1)
    if not _MATHLIKE.search(body):
        return match.group(0)
    body = _OPERATORS.sub(r" \\\1{}", _scripts(body))
    text = _plain(body)
    return text if text else match.group(0)


def _symbol(match: re.Match) -> str:
    name = match.group(1) or match.group(2)
    space = match.group(3) or ""  # the white space LaTeX would eat after a macro name, kept
    if name in _EXTRA:
        return _EXTRA[name] + space
    if name not in _known_symbols():
        return match.group(0)  # the paper's own macro: left as written
    text = _plain("\\" + name + " ")
    return text + space if text and not text.startswith("\\") else match.group(0)


def readable(text: str) -> str:
    """The text with its LaTeX fragments as readable Unicode; text without LaTeX comes back unchanged."""
    if "\\" not in text and "$" not in text and "^" not in text:
        return text
    text = _MATH.sub(_math, text)
    if "\\" not in text and "^" not in text:
        return text
    text = _LINK_MACRO.sub(lambda m: m.group(3) and f" ({m.group(3)})" or (f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1)), text)
    text = _SCRIPT_MACRO.sub(lambda m: _scripts(("^" if m.group(1) == "super" else "_") + "{" + m.group(2) + "}"), text)
    text = _TEXT_MACRO.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
    text = _scripts_after_words(text)
    text = _SYMBOL.sub(_symbol, text)
    return _ESCAPED.sub(r"\1", text)


def _scripts_after_words(text: str) -> str:
    """Outside math only digit exponents right after a word or number: `S^2R` → `S²R`, `10^{26}` → `10²⁶`."""
    return re.sub(r"(?<=[\w)])\^(?:\{(\d{1,4})\}|(\d{1,2}))(?!\d)", lambda m: "".join(_SUPER[c] for c in m.group(1) or m.group(2)), text)
