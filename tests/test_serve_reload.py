"""digest serve's live reload (in Chromium), its error overlay, its rebuild thread that no error ends, and what it never serves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from site_src.commands.serve import SCRIPT_PATH, STATUS_PATH, Preview, make_server, rebuild_when_wanted, watch_and_rebuild
from site_src.files.write import built_for, write_site
from tests.test_serve import digest_serve, get, poll, wait_for

ROOT = Path(__file__).resolve().parent.parent


def test_an_edit_shows_in_the_open_page_without_a_reload_and_a_failed_build_shows_its_error(browser, content_copy, tmp_path):
    with digest_serve(content_copy, tmp_path / "build") as (url, lines):
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(url + "about/")
        tab.wait_for_function("() => document.querySelector('script[src$=\"live-reload.js\"]') !== null")

        about = content_copy / "pages" / "about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\nEdited while the page was open.\n", encoding="utf-8")
        start = time.monotonic()
        tab.wait_for_function("() => document.body.textContent.includes('Edited while the page was open.')", timeout=120_000)
        shown_after = time.monotonic() - start

        site = content_copy / "site.yaml"
        good = site.read_text(encoding="utf-8")
        site.write_text(good + "\ntopics: [unclosed\n", encoding="utf-8")
        tab.wait_for_selector("#digest-serve-error", timeout=120_000)
        overlay = tab.text_content("#digest-serve-error")
        assert "the last build failed" in overlay and "site.yaml" in overlay
        assert "Edited while the page was open." in tab.text_content("main")  # still the previous build

        site.write_text(good, encoding="utf-8")
        tab.wait_for_selector("#digest-serve-error", state="detached", timeout=120_000)
        context.close()
    print(f"edit shown in the open page {shown_after:.1f} s after the save")
    assert shown_after < 60


def test_a_built_site_holds_no_live_reload(seed_build):
    for path in seed_build.rglob("*"):
        if path.is_file():
            assert b"__digest__" not in path.read_bytes(), path


@pytest.fixture
def preview_server(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("TOKEN=hunter2")
    out = tmp_path / "build"
    write_site({"index.html": b"<html><body><p>home</p></body></html>", "assets/empty/keep.css": b"",
                "404.html": b"<html><body>Page not found</body></html>"}, out)
    (out / "leak.txt").symlink_to(outside)
    (out / "assets" / "empty" / "keep.css").unlink()
    preview = Preview(out, "http://127.0.0.1/")
    httpd = make_server(out, "/", 0, preview)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", preview
    httpd.shutdown()
    httpd.server_close()


def test_serve_adds_its_script_to_pages_only_and_answers_its_status(preview_server):
    url, preview = preview_server

    status, headers, body = get(url + "/")
    assert status == 200 and body.endswith(f'<script src="{SCRIPT_PATH}" defer></script></body></html>'.encode())
    assert int(headers["Content-Length"]) == len(body)
    assert get(url + SCRIPT_PATH)[2].startswith(b"// digest serve only")
    preview.finished("content/site.yaml:3: invalid YAML")
    assert json.loads(get(url + STATUS_PATH)[2]) == {"generation": 1, "error": "content/site.yaml:3: invalid YAML"}


def test_serve_never_follows_a_link_out_of_the_site_nor_lists_a_folder(preview_server):
    url, _ = preview_server

    status, _, body = get(url + "/leak.txt")
    assert status == 404 and b"hunter2" not in body
    status, _, body = get(url + "/assets/empty/")
    assert status == 404 and b"Directory listing" not in body


def test_no_error_ends_the_rebuilding_and_each_is_reported(tmp_path):
    watched = tmp_path / "content"
    watched.mkdir()
    preview = Preview(tmp_path / "build")
    stop = threading.Event()
    calls, said = [], []

    def rebuild():
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise RuntimeError("a bug of ours")

    threads = [threading.Thread(target=watch_and_rebuild, args=([watched], preview.wanted, stop, said.append), daemon=True),
               threading.Thread(target=rebuild_when_wanted, args=(preview, rebuild, stop, said.append), daemon=True)]
    for thread in threads:
        thread.start()
    try:
        for attempt in range(2):
            time.sleep(0.5)
            (watched / f"page{attempt}.md").write_text("# Hi\n")
            deadline = time.monotonic() + 30
            while len(calls) <= attempt and time.monotonic() < deadline:
                time.sleep(0.1)
            if attempt == 0:
                assert preview.error == "RuntimeError: a bug of ours"
    finally:
        stop.set()
        for thread in threads:
            thread.join(5)

    assert len(calls) == 2
    assert said == ["error: the build failed: RuntimeError: a bug of ours (still serving the previous build)"]
    assert (preview.generation, preview.error) == (2, None)


def test_a_build_for_another_base_url_into_the_preview_is_rebuilt_for_the_preview(content_copy, tmp_path):
    out = tmp_path / "build"
    with digest_serve(content_copy, out) as (url, lines):
        result = subprocess.run([sys.executable, "-m", "site_src", "build", "--content", str(content_copy), "--out", str(out),
                                 "--base-url", "https://other.example/digest/", "--no-lock"],
                                cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "NO_COLOR": "1"})
        assert result.returncode == 0, result.stderr
        assert built_for(out) == (True, "https://other.example/digest/")

        get(url.split("/", 3)[0] + "//" + url.split("/", 3)[2] + STATUS_PATH)  # what an open page does every half second
        line = wait_for(lines, "rebuilding the preview")
        assert line == f"serve: {out.absolute()} was rebuilt for https://other.example/digest/; rebuilding the preview for {url}"
        deadline = time.monotonic() + 180
        while built_for(out) != (True, url) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert built_for(out) == (True, url)
        poll(url, 200)
