"""The `digest build` command as a curator meets it: progress and colour on a terminal, plain lines elsewhere."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_src.commands.terminal import human_size

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return {**env, "TERM": "xterm-256color", **extra}


def run_piped(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_src", *args], cwd=ROOT, capture_output=True, text=True, env=_env(**env)
    )


def run_on_terminal(*args: str, **env: str) -> tuple[int, str]:
    """Run with stdout and stderr on a pseudo-terminal; returns the exit status and everything it wrote."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "site_src", *args], cwd=ROOT, stdin=follower, stdout=follower, stderr=follower,
        env=_env(**env), close_fds=True,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=600), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def small_content(content_copy) -> Path:
    """The seed content with one dump (so builds are quick); site.yaml still names the other three, and there is no base_url for feeds: four warnings."""
    for dump in sorted((content_copy / "dumps").iterdir())[1:]:
        dump.unlink()
    return content_copy


def test_off_a_terminal_output_is_plain_with_a_closing_summary(small_content, tmp_path):
    result = run_piped("build", "--content", str(small_content), "--out", str(tmp_path / "out"), "--no-lock")
    assert result.returncode == 0, result.stderr
    assert not ANSI.search(result.stdout + result.stderr)
    assert "\r" not in result.stdout + result.stderr  # no progress bar redrawing a line
    assert "building" not in result.stderr
    assert result.stderr.startswith("warning: ")  # the dumps site.yaml names that are gone
    summary = result.stdout.splitlines()[-2:]
    assert re.fullmatch(r"built \S+: \d+ papers \(\d+ entries in 1 digests\), \d+ topics? in \d+ areas?, \d+ pages, \d+ files in [\d.]+s \(read [\d.]+s topics .*write [\d.]+s\)", summary[0])
    assert re.fullmatch(r"feeds: 0, search index: [\d.]+ kB, site: [\d.]+ [kM]B in [\d,]+ files, warnings: 4", summary[1])


def test_quiet_prints_only_warnings(small_content, tmp_path):
    result = run_piped("build", "--quiet", "--content", str(small_content), "--out", str(tmp_path / "out"), "--no-lock")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["warning"] * 4
    assert (tmp_path / "out" / "index.html").is_file()


def test_verbose_names_each_stage_and_its_seconds(small_content, tmp_path):
    result = run_piped("build", "-v", "--content", str(small_content), "--out", str(tmp_path / "out"), "--no-lock")
    assert result.returncode == 0, result.stderr
    started = [line.removeprefix("stage: ") for line in result.stderr.splitlines() if line.startswith("stage: ")]
    # search and recommend start in processes of their own once the site is assembled; the rest while the pages render
    assert list(dict.fromkeys(started)) == ["read", "topics", "curate", "assemble", "search", "recommend", "feeds", "charts", "render", "sitemap", "data", "bibtex", "write"]
    timed = [line.split()[0] for line in result.stdout.splitlines() if re.fullmatch(r"  \w+ +[\d.]+s", line)]
    assert timed == list(dict.fromkeys(started))


def test_on_a_terminal_errors_are_red(content_copy, tmp_path):
    (content_copy / "dumps" / "broken.txt").write_text("A Title Without Its Abstract\n")
    status, output = run_on_terminal("build", "--content", str(content_copy), "--out", str(tmp_path / "out"))
    assert status == 1
    assert "\x1b[31m" in output and "error: " in output and "title line without an abstract" in output
    # the same failure in a pipe: the plain line, nothing else
    piped = run_piped("build", "--content", str(content_copy), "--out", str(tmp_path / "out"))
    assert piped.returncode == 1 and piped.stderr.startswith("error: ") and not ANSI.search(piped.stderr)


def test_on_a_terminal_a_progress_bar_shows_the_stages(small_content, tmp_path):
    status, output = run_on_terminal("build", "--content", str(small_content), "--out", str(tmp_path / "out"), "--no-lock")
    assert status == 0, output
    assert "building" in output and "topics" in output and "\r" in output  # the bar redraws its line
    assert "\x1b[33mwarning: " in output  # warnings in yellow
    assert "search index:" in output


def test_no_color_turns_colour_and_progress_off_on_a_terminal(content_copy, tmp_path):
    (content_copy / "dumps" / "broken.txt").write_text("A Title Without Its Abstract\n")
    status, output = run_on_terminal("build", "--content", str(content_copy), "--out", str(tmp_path / "out"), NO_COLOR="1")
    assert status == 1 and not ANSI.search(output) and "error: " in output


@pytest.mark.parametrize(("size", "text"), [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (1_234_567, "1.2 MB"), (12_345_678_901, "12345.7 MB")])
def test_human_size(size, text):
    assert human_size(size) == text
