"""JSON dumps: tell a JSON file by its content, decode it with line and column, and say what a bad one is.

The readers of each known shape are rows of readers.READERS. Known bad shapes get an error that says what the
file is (`reject`): an API error body, a bare value such as `1`, a Python-repr dump.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from site_src.errors import DigestError
from site_src.text.clean import clean_data

class InvalidJson(DigestError):
    """The text is not JSON at all (as opposed to JSON of the wrong shape)."""


_SCALAR = re.compile(r'^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null|"[^"\n]*")$')


def looks_like_json(text: str) -> bool:
    """JSON by content: an object or list, or a lone scalar (`1`, `null`); the file's extension is not asked."""
    stripped = text.strip()
    return stripped[:1] in ("[", "{") or bool(_SCALAR.match(stripped))


def _python_literal(text: str) -> object | None:
    """A short text (one item of a list) read as a Python literal, or None; never a whole file (too costly)."""
    if len(text) > 100_000:
        return None
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _python_repr_at(text: str, position: int) -> bool:
    """Whether JSON failed where a Python repr differs from it: a single quote, or True/False/None as a value."""
    return text.startswith("'", position) or re.match(r"(True|False|None)\b", text[position : position + 6]) is not None


# json's messages, as sentences (the module's own stop mid-phrase: "Unterminated string starting at").
_PLAIN = {
    "Unterminated string starting at": "a string that starts here never ends",
    "Expecting value": "a value was expected here",
    "Expecting ',' delimiter": "a comma (or a closing bracket) was expected here",
    "Expecting ':' delimiter": "a colon was expected here",
    "Expecting property name enclosed in double quotes": "a key in double quotes was expected here",
    "Extra data": "more text follows the end of the JSON value",
    "Invalid control character at": "a raw control character (a line break?) stands inside a string",
    "Invalid \\escape": "a backslash starts an escape JSON does not have",
}


def looks_like_html(text: str) -> bool:
    """A web page: what a browser or a proxy saves when the API answered with a page instead of JSON."""
    return text.lstrip()[:15].lower().startswith(("<!doctype html", "<html", "<head", "<body"))


def _json_problem(text: str, exc: json.JSONDecodeError) -> str:
    """One whole sentence for a JSON error, saying when the file simply ends too soon (a download cut short)."""
    plain = _PLAIN.get(exc.msg, exc.msg[0].lower() + exc.msg[1:])
    ends_open = text.rstrip()[-1:] not in ("]", "}")  # a dump is a list or an object: whole, it ends with its bracket
    if not text[exc.pos :].strip() or ends_open and (exc.msg == "Unterminated string starting at" or len(text.rstrip()) - exc.pos < 20):
        return (f"invalid JSON: the file ends in the middle of its data (line {exc.lineno}, column {exc.colno}: {plain}); "
                "it was probably cut short while saving or downloading, so fetch or save it again")
    return f"invalid JSON at line {exc.lineno}, column {exc.colno}: {plain}"


def load_json(path: Path, text: str) -> object:
    """The decoded JSON; invalid JSON is an error at the JSON parser's own line and column.

    A file is named a Python-repr dump only when the parser stopped on something a repr has and JSON
    has not; it is never evaluated as Python (a large file would cost minutes and gigabytes).
    """
    if looks_like_html(text):
        raise InvalidJson("this is an HTML web page, not JSON: a page was saved instead of the API's answer; "
                          "fetch the day again (`digest fetch --date YYYY-MM-DD --force`)", path, 1)
    try:
        return clean_data(json.loads(text))  # escapes can spell lone surrogates and control characters
    except json.JSONDecodeError as exc:
        if _python_repr_at(text, exc.pos):
            raise DigestError(
                "this is a Python-repr dump (single quotes, True/False/None), not JSON; "
                "re-save it with json.dump, or convert it with ast.literal_eval and json.dumps",
                path,
                exc.lineno,
            ) from None
        raise InvalidJson(_json_problem(text, exc), path, exc.lineno) from None
    except RecursionError:
        raise DigestError("invalid JSON: nested too deeply", path) from None


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def reject(path: Path, data: object) -> None:
    """Raise the error that says what a JSON file is, when it is no dump of papers."""
    if isinstance(data, dict) and "error" in data:
        raise DigestError(
            f"an API error body, not papers: {data['error']!r} (the download failed; fetch the day again or remove the file)",
            path,
        )
    if isinstance(data, dict):
        raise DigestError(
            "a JSON object that is neither a JSON Feed (no jsonfeed.org `version`) nor an API error body; "
            "expected a daily-papers API list or a JSON Feed",
            path,
        )
    if not isinstance(data, list):
        raise DigestError(
            f"the file holds only {_kind(data)} ({json.dumps(data)[:40]}), not a list of papers "
            "(some downloaders save `1` for a day without papers); remove the file",
            path,
        )
    strings = [item for item in data if isinstance(item, str)]
    if strings and len(strings) == len(data) and isinstance(_python_literal(strings[0]), dict):
        raise DigestError(
            f"this is a Python-repr dump: a JSON list of {len(data)} strings, each the Python repr of an API object "
            "({'paper': ...}), not the objects; convert each string with ast.literal_eval and save the list with json.dumps",
            path,
        )
    bad = next(i for i, item in enumerate(data, 1) if not (isinstance(item, dict) and "paper" in item))
    raise DigestError(
        f"a JSON list, but item {bad} is {_kind(data[bad - 1])} without a `paper`; expected a daily-papers API response",
        path,
    )
