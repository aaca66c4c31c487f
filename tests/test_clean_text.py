"""Odd text where it enters (a lone surrogate, NUL, ESC, U+FFFE): cleaned by the reader, so the build never crashes on it
and no output carries it. Each place text enters is planted alone, in the real seed site."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from site_src.build import build
from site_src.text.clean import clean

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "api"
ODD = "\ud800\x00\x1b[31m\ufffe\x7f\x9b"  # a cut emoji, NUL, an ANSI colour, a noncharacter, DEL, a C1 control
BAD_BYTES = [b"\x00", b"\x1b", "\ufffe".encode(), b"\x7f", "\x9b".encode()]


def _plant_json_dump(content: Path) -> None:
    data = json.loads((FIXTURES / "2025-06-05.json").read_bytes())
    data[0]["paper"]["title"] = f"Lone {ODD} surrogate title"
    data[0]["title"] = data[0]["paper"]["title"]
    data[0]["paper"]["summary"] += ODD
    data[0]["paper"]["authors"][0]["name"] = f"Ann {ODD}"
    (content / "dumps" / "2025-06-05.json").write_text(json.dumps(data), encoding="ascii")  # \\ud800 as an escape


def _plant_text_capture(content: Path) -> None:
    dump = sorted((content / "dumps").iterdir())[0]
    text = dump.read_text(encoding="utf-8").replace("Training Language Models", "Training \x00\x1b[31mLanguage\x7f Models", 1)
    dump.write_text(text, encoding="utf-8")


def _plant_site_yaml(content: Path) -> None:
    path = content / "site.yaml"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(("title:", "description:"))]
    lines += ['title: "Digest \\ud800 \\e[31m"', 'description: "Papers \\ud800 \\e[31m \\x00 \\uFFFE daily"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _plant_curation(content: Path) -> None:
    slug = json.loads((content / "topics.lock.json").read_text())["topics"][0]["slug"]
    (content / "curation.yaml").write_text(f'topics:\n  {slug}:\n    label: "Speech \\ud800 \\e recognition"\n', encoding="utf-8")


def _plant_page(content: Path) -> None:
    (content / "pages" / "odd.md").write_text('---\ntitle: "Odd \\ud800 \\e page"\n---\n\nBody \x1b[31m with\x00 NUL.\n', encoding="utf-8")


PLACES = {"json-dump": _plant_json_dump, "text-capture": _plant_text_capture, "site.yaml": _plant_site_yaml,
          "curation.yaml": _plant_curation, "markdown-page": _plant_page}


@pytest.mark.parametrize("place", PLACES)
def test_odd_text_where_it_enters_builds_and_reaches_no_output(content_copy, tmp_path, place):
    if place == "json-dump":
        shutil.copy(FIXTURES / "2025-06-05.json", content_copy / "dumps" / "2025-06-05.json")
    PLACES[place](content_copy)
    out = tmp_path / "build"

    build(content_copy, out)  # with the copy's lock, so the curated slug names a topic

    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            data.decode("utf-8")  # strict: no surrogate made it out as bytes either
            assert not [bad for bad in BAD_BYTES if bad in data], path


def test_clean_keeps_text_and_its_line_breaks_and_marks_a_cut_emoji():
    assert clean("Éclair φ-Decoding π^3 😀\tA\nB\r\n") == "Éclair φ-Decoding π^3 😀\tA\nB\r\n"
    assert clean(f"a{ODD}b") == "a\ufffd[31mb"
    assert clean("\U0010ffff\ufdd0x\x0c\x0by\x85z") == "x  y z"


@pytest.mark.parametrize("bad, good", [("\x00", ""), ("\x1b", ""), ("\ud800", "\ufffd"), ("\ufffe", ""), ("\x0c", " "), ("\x9b", "")])
def test_an_abstract_of_many_lines_is_cleaned_on_every_line(bad, good):
    # Abstracts keep arXiv's hard wraps: clean looks at such text line by line (a newline alone is not odd), so an odd
    # character on any line but the first must still be found.
    wrapped = "We study models.\n  They learn.\n"
    assert clean(wrapped) == wrapped
    assert clean(f"{wrapped}An odd{bad} line\nthe last{bad}") == f"{wrapped}An odd{good} line\nthe last{good}"
    assert clean(f"first\nsecond\r\nthird{bad}\tend") == f"first\nsecond\r\nthird{good}\tend"
