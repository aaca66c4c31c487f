"""The readers: one row per input format, tried in order. Adding a format is adding a row here.

A reader is picked by the file's content, never its name: JSON readers see the decoded data, the text reader
takes what no JSON reader claims. The extension only picks which error a file that no reader reads shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from site_src.errors import BuildWarning, DigestError
from site_src.ingest.api_json import looks_like_api, parse_api_json
from site_src.ingest.dump import Dump
from site_src.ingest.json_dump import InvalidJson, load_json, looks_like_html, looks_like_json, reject
from site_src.ingest.jsonfeed import is_json_feed, parse_json_feed
from site_src.ingest.text import parse_text_dump


@dataclass(frozen=True)
class Reader:
    """One input format: its name, what it reads (decoded JSON or plain text), how to tell it, how to read it."""

    name: str
    reads: str  # "json": `sniff` and `parse` get the decoded data; "text": the text alone
    sniff: Callable[[object], bool]
    parse: Callable[[Path, str, object], Dump]
    doc: str


READERS = (
    Reader(
        "daily-papers API response", "json", looks_like_api, parse_api_json,
        "A list of `{\"paper\": ...}` objects, as https://huggingface.co/api/daily_papers answers (`digest fetch` saves them).",
    ),
    Reader(
        "JSON Feed", "json", is_json_feed, parse_json_feed,
        "A JSON Feed 1 or 1.1 object (`version` https://jsonfeed.org/version/1.1), such as the unofficial Hugging Face Papers feeds.",
    ),
    Reader(
        "Hugging Face Papers text capture", "text", lambda text: True, lambda path, text, data: parse_text_dump(path, text),
        "The text of a https://huggingface.co/papers page saved from a browser: a date header, then titles and abstracts.",
    ),
)
JSON_READERS = tuple(r for r in READERS if r.reads == "json")
TEXT_READER = next(r for r in READERS if r.reads == "text")


def read_json_dump(path: Path, text: str) -> Dump:
    """Read one JSON dump with the reader its content calls for; an empty list is an empty day (a warning)."""
    data = load_json(path, text)
    if data == []:
        return Dump(entries=(), warnings=(BuildWarning("empty day: the API listed no papers ([]); left out of the site", path),))
    reader = next((r for r in JSON_READERS if r.sniff(data)), None)
    if reader is None:
        reject(path, data)
    return reader.parse(path, text, data)


def read_entries(path: Path, text: str) -> Dump:
    """Pick the reader by content; the extension only picks which error to show."""
    json_name = path.suffix.lower() == ".json"
    if looks_like_html(text):
        load_json(path, text)  # raises: a web page, whatever its name, is never read as papers
    if looks_like_json(text):
        try:
            return read_json_dump(path, text)
        except InvalidJson as json_error:
            if json_name:
                raise
            try:  # not JSON after all: perhaps a capture whose first title starts with "[" or "{"
                return TEXT_READER.parse(path, text, None)
            except DigestError:
                raise json_error from None
    try:
        return TEXT_READER.parse(path, text, None)
    except DigestError:
        if json_name:
            read_json_dump(path, text)  # raises the JSON error, which says more than the text reader's
        raise
