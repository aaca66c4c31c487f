"""Errors and warnings in plain words, on the right line: YAML quotes, cut-short and HTML dumps, empty or nested dumps/,
one arXiv id under two titles, a build that meets another one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from site_src.build import build
from site_src.config import load_config
from site_src.curation import read_curation
from site_src.errors import DigestError
from site_src.files.lock import held
from tests.hostile import ROOT, digest_argv

FIXTURES = ROOT / "tests" / "fixtures" / "api"


@pytest.fixture
def api_content(tmp_path) -> Path:
    """content/ with two real API days (cut small)."""
    content = tmp_path / "content"
    (content / "dumps").mkdir(parents=True)
    for day in ("2025-06-02", "2025-06-03"):
        shutil.copy(FIXTURES / f"{day}.json", content / "dumps" / f"{day}.json")
    return content


def quick_build(content: Path, tmp_path: Path):
    warnings = []
    build(content, tmp_path / "build", lock=False, cache=False, on_warning=warnings.append)
    return [str(w) for w in warnings]


@pytest.mark.parametrize("text", [
    'topics:\n  a-topic:\n    label: "Speech recognition\n  b-topic:\n    label: "Vision"\n',
    "topics:\n  a-topic:\n    label: 'Speech recognition\n  b-topic:\n    label: Vision\n",
    'papers:\n  one:\n    note: "Read this first\n',
])
def test_an_unclosed_quote_is_named_on_the_line_that_opens_it(tmp_path, text):
    (tmp_path / "curation.yaml").write_text(text, encoding="utf-8")

    with pytest.raises(DigestError) as caught:
        read_curation(tmp_path / "curation.yaml")

    assert caught.value.line == 3
    assert caught.value.message.startswith("invalid YAML: a quote opened on line 3 is not closed on that line")


def test_site_yaml_errors_are_in_plain_words_too(tmp_path):
    (tmp_path / "site.yaml").write_text("title: Ada's digest\ndescription: Papers: the good ones\n", encoding="utf-8")

    with pytest.raises(DigestError) as caught:
        load_config(tmp_path / "site.yaml")

    assert (caught.value.line, caught.value.message) == (
        2, "invalid YAML: a `: ` where YAML does not expect one (put a value holding `: ` in quotes)")


@pytest.mark.parametrize("cut", [100, 2000, -3])
def test_a_cut_short_json_dump_says_so_in_a_whole_sentence(api_content, tmp_path, cut):
    path = api_content / "dumps" / "2025-06-02.json"
    path.write_bytes(path.read_bytes()[:cut])

    with pytest.raises(DigestError) as caught:
        quick_build(api_content, tmp_path)

    message = caught.value.message
    assert message.startswith("invalid JSON: the file ends in the middle of its data (line 1, column ")
    assert message.endswith("it was probably cut short while saving or downloading, so fetch or save it again")
    assert caught.value.path == path


@pytest.mark.parametrize("name", ["2025-06-02.json", "2025-06-04.txt"])
def test_an_html_page_saved_as_a_dump_says_it_is_html(api_content, tmp_path, name):
    (api_content / "dumps" / name).write_text("<!DOCTYPE html>\n<html><head><title>Daily Papers</title></head><body>x</body></html>\n")

    with pytest.raises(DigestError) as caught:
        quick_build(api_content, tmp_path)

    assert caught.value.message.startswith("this is an HTML web page, not JSON: a page was saved instead of the API's answer")
    assert Path(caught.value.path).name == name


def test_a_missing_dumps_folder_says_digest_fetch_fills_it(tmp_path):
    (tmp_path / "content").mkdir()

    with pytest.raises(DigestError, match="dumps folder not found; `digest fetch` fills it"):
        quick_build(tmp_path / "content", tmp_path)


def test_an_empty_dumps_folder_warns_that_digest_fetch_fills_it(tmp_path):
    (tmp_path / "content" / "dumps").mkdir(parents=True)

    warnings = quick_build(tmp_path / "content", tmp_path)

    assert f"{tmp_path / 'content' / 'dumps'}: no dumps yet, so the site lists no papers; `digest fetch` fills it" in "\n".join(warnings)


def test_dumps_in_a_subfolder_get_a_warning(api_content, tmp_path):
    (api_content / "dumps" / "2024").mkdir()
    shutil.move(api_content / "dumps" / "2025-06-03.json", api_content / "dumps" / "2024" / "2025-06-03.json")

    warnings = quick_build(api_content, tmp_path)

    assert (f"{api_content / 'dumps' / '2024'}: 1 file in this subfolder is not read: dumps are read only from "
            f"{api_content / 'dumps'} itself (move it up to build it)") in warnings


def test_one_arxiv_id_under_two_titles_in_two_dumps_is_a_warning_naming_both(api_content, tmp_path):
    data = json.loads((FIXTURES / "2025-06-02.json").read_bytes())
    first = data[0]["paper"]["title"]
    data = data[:1]
    data[0]["paper"]["title"] = data[0]["title"] = "A Different Title for the Same Paper"
    (api_content / "dumps" / "2025-06-04.json").write_text(json.dumps(data), encoding="utf-8")

    warnings = quick_build(api_content, tmp_path)

    (warning,) = [w for w in warnings if "two titles" in w]
    assert f"arXiv {data[0]['paper']['id']} is listed under two titles: {' '.join(first.split())!r}" in warning
    assert "'A Different Title for the Same Paper'" in warning and "2025-06-04.json" in warning


def test_one_arxiv_id_under_two_titles_in_one_dump_is_a_warning_naming_both(api_content, tmp_path):
    path = api_content / "dumps" / "2025-06-02.json"
    data = json.loads(path.read_bytes())
    twin = json.loads(json.dumps(data[0]))
    twin["paper"]["title"] = twin["title"] = "Another Title Entirely"
    path.write_text(json.dumps(data + [twin]), encoding="utf-8")

    warnings = quick_build(api_content, tmp_path)

    (warning,) = [w for w in warnings if "two titles" in w]
    assert "'Another Title Entirely'" in warning and " ".join(data[0]["paper"]["title"].split())[:30] in warning


def test_a_build_started_while_serve_rebuilds_waits_for_it_and_says_so(api_content, tmp_path):
    out = tmp_path / "build"
    holding = threading.Event()

    def hold() -> None:
        with held(out, role="serve"):  # as digest serve's rebuild takes it
            holding.set()
            time.sleep(3)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    start = time.monotonic()
    result = subprocess.run(digest_argv("build", "--content", api_content, "--out", out, "--no-lock"), cwd=ROOT,
                            capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})
    holder.join()

    assert result.returncode == 0, result.stderr
    assert (f"another build of {out} is running (pid {os.getpid()}, `digest serve` rebuilding its preview); "
            "waiting for it to finish") in result.stderr
    assert time.monotonic() - start > 2
    assert (out / "index.html").is_file()
