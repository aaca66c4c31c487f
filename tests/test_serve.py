"""digest serve: the preview serves build/ under the base path like GitHub Pages, and rebuilds on changes."""

from __future__ import annotations

import contextlib
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from site_src.files.write import write_site
from site_src.commands.serve import make_server

WAIT = 180  # seconds; generous, as a build on a busy machine can take a while


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, follow: bool = True) -> tuple[int, dict, bytes]:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def server(tmp_path):
    write_site({"index.html": b"home", "topics/index.html": b"topics", "404.html": b"<h1>Page not found</h1>"}, tmp_path / "build")
    httpd = make_server(tmp_path / "build", "/paper-digest/", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_preview_serves_the_site_under_its_base_path_like_github_pages(server):
    assert get(server + "/paper-digest/")[2] == b"home"
    assert get(server + "/paper-digest/topics/")[2] == b"topics"
    status, headers, _ = get(server + "/", follow=False)
    assert (status, headers["Location"]) == (302, "/paper-digest/")
    status, headers, _ = get(server + "/paper-digest/topics", follow=False)
    assert (status, headers["Location"]) == (301, "/paper-digest/topics/")
    status, _, body = get(server + "/paper-digest/no/such/page/")
    assert (status, body) == (404, b"<h1>Page not found</h1>")
    assert get(server + "/topics/")[0] == 404  # outside the base path


def read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))


def wait_for(lines: queue.Queue, text: str) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if text in line:
            return line
    pytest.fail(f"digest serve never printed {text!r}")


def poll(url: str, status: int) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if get(url)[0] == status:
            return
        time.sleep(0.2)
    pytest.fail(f"{url} never answered {status}")


@contextlib.contextmanager
def digest_serve(content: Path, out: Path, *options: str):
    """`digest serve` in a subprocess: yields its URL and the lines it prints (a queue); stopped as by Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "site_src", "serve", "--content", str(content), "--out", str(out), "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    try:
        yield wait_for(lines, "serving").split(" at ")[1].split()[0], lines
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_rebuilds_on_changes_and_keeps_the_old_site_when_a_build_fails(content_copy, tmp_path):
    with digest_serve(content_copy, tmp_path / "build", "--base-url", "https://example.github.io/paper-digest/") as (url, lines):
        assert url.startswith("http://127.0.0.1:") and url.endswith("/paper-digest/")
        assert get(url)[0] == 200

        (content_copy / "pages" / "colophon.md").write_text("---\ntitle: Colophon\n---\nMade by hand.\n", encoding="utf-8")
        poll(url + "colophon/", 200)

        with open(content_copy / "dumps" / "000_9e4e85290f684f28.txt", "a", encoding="utf-8") as dump:
            dump.write("\nA Title Line Whose Abstract Never Came\n")
        line = wait_for(lines, "error:")
        assert "000_9e4e85290f684f28.txt:" in line and "title line without an abstract" in line
        assert get(url + "colophon/")[0] == 200  # still the previous build
