"""`digest fetch` against a hostile server on 127.0.0.1: bombs, endless and dripping bodies, lying encodings, redirects.

Every answer is bounded (a deadline for the whole request, a cap on the decoded body), a failed day is one line
naming the day, the other days are still fetched, and nothing is written outside content/dumps/, never through a link.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import os
import threading
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from site_src.commands.fetch import Policy, fetch_days
from site_src.commands.fetch_http import MAX_REDIRECTS
from site_src.errors import DigestError
from site_src.files.source import DUMP_LIMIT
from tests.hostile import digest_argv, run_disk_full, run_read_only

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "api"
DAY, NEXT = dt.date(2025, 6, 2), dt.date(2025, 6, 3)
QUICK = Policy(pause=0, tries=1, backoff=0.01, timeout=2.0)


@functools.cache
def _bomb(size: int) -> bytes:
    """gzip of `size` zero bytes: about a thousandth of its size on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()


class Hostile:
    """Answers DAY as `how` says, and every other day with its saved response; records the hosts asked."""

    def __init__(self, how: str):
        self.how = how
        self.asked: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                day = parse_qs(urlsplit(self.path).query).get("date", [""])[0]
                server.asked.append(f"{self.headers['Host']} {self.path}")
                try:
                    server.answer(self, day)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.port = self.http.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/api/daily_papers"

    def answer(self, h: BaseHTTPRequestHandler, day: str) -> None:
        saved = FIXTURES / f"{day}.json"
        body = saved.read_bytes() if saved.is_file() else b"[]"
        path = urlsplit(h.path).path
        how = self.how if day == DAY.isoformat() else "saved"

        def head(status: int, **headers: str) -> None:
            h.send_response(status)
            for name, value in headers.items():
                h.send_header(name.replace("_", "-"), value)
            h.end_headers()

        if path.startswith("/secret"):
            head(200, Content_Length=str(len(b"SECRET-BODY")))
            h.wfile.write(b"SECRET-BODY")
        elif how == "saved" or path.startswith("/moved"):
            head(200, Content_Length=str(len(body)))
            h.wfile.write(body)
        elif how == "gzip-real":
            packed = gzip.compress(body)
            head(200, Content_Encoding="gzip", Content_Length=str(len(packed)))
            h.wfile.write(packed)
        elif how == "deflate-real":
            packed = zlib.compress(body)
            head(200, Content_Encoding="deflate", Content_Length=str(len(packed)))
            h.wfile.write(packed)
        elif how == "bomb":
            packed = _bomb(16 * DUMP_LIMIT)
            head(200, Content_Encoding="gzip", Content_Length=str(len(packed)))
            h.wfile.write(packed)
        elif how == "not-gzip":
            head(200, Content_Encoding="gzip", Content_Length=str(len(body)))
            h.wfile.write(body)
        elif how == "cut-gzip":
            packed = gzip.compress(body)[:200]
            head(200, Content_Encoding="gzip", Content_Length="200")
            h.wfile.write(packed)
        elif how == "endless":  # chunked, and never a last chunk (stops at 3x the cap so the test ends on any code)
            head(200, Transfer_Encoding="chunked")
            chunk = b"[" + b" " * 65_534
            for _ in range(3 * DUMP_LIMIT // len(chunk)):
                h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        elif how == "drip":  # a byte every 0.2 s: each read is quick, the whole never comes
            head(200, Content_Length=str(len(body)))
            for byte in body[:150]:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
                time.sleep(0.2)
        elif how == "loop":
            head(302, Location=h.path, Content_Length="0")
        elif how == "elsewhere":  # another host name for the same server: a redirect off the API's host
            head(302, Location=f"http://localhost:{self.port}/secret", Content_Length="4")
            h.wfile.write(b"MOVE")
        elif how == "same-host":
            head(301, Location=f"/moved?{urlsplit(h.path).query}", Content_Length="0")
        else:
            raise AssertionError(how)


@pytest.fixture
def serve_how():
    servers = []

    def start(how: str) -> Hostile:
        server = Hostile(how)
        threading.Thread(target=server.http.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.http.shutdown()
        server.http.server_close()


def run(server: Hostile, dumps: Path, policy: Policy = QUICK):
    return fetch_days([DAY, NEXT], dumps, server.url, policy=policy, sleep=lambda s: None)


@pytest.mark.parametrize("how", ["gzip-real", "deflate-real", "same-host"])
def test_a_compressed_or_redirected_answer_is_saved_as_the_api_body(serve_how, tmp_path, how):
    report = run(serve_how(how), tmp_path)

    assert [r.outcome for r in report.days] == ["fetched", "fetched"]
    assert (tmp_path / "2025-06-02.json").read_bytes() == (FIXTURES / "2025-06-02.json").read_bytes()


@pytest.mark.parametrize(
    ("how", "detail"),
    [
        ("bomb", f"the answer is larger than {DUMP_LIMIT:,} bytes, the most a build reads from a dump; not saved"),
        ("endless", f"the answer is larger than {DUMP_LIMIT:,} bytes, the most a build reads from a dump; not saved"),
        ("not-gzip", "the answer claims 'gzip' encoding but is not gzip data"),
        ("cut-gzip", "the answer claims 'gzip' encoding but its compressed body is cut short"),
        ("loop", f"more than {MAX_REDIRECTS} redirects (a redirect loop?); not followed"),
        ("elsewhere", "HTTP 302: redirected to another host (localhost); not followed"),
    ],
)
def test_a_hostile_answer_fails_its_day_in_bounded_memory_and_the_next_day_is_fetched(serve_how, tmp_path, how, detail):
    server = serve_how(how)
    _bomb(16 * DUMP_LIMIT)  # made before the clock starts
    tracemalloc.start()
    try:
        report = run(server, tmp_path, Policy(pause=0, tries=1, timeout=20.0))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert [(r.outcome, r.detail) for r in report.days][0] == ("failed", detail)
    assert report.days[1].outcome == "fetched"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-06-03.json"]
    assert peak < 3 * DUMP_LIMIT  # the bomb is 320 MB decoded; an endless body has no end
    assert not any(asked.startswith("localhost") for asked in server.asked)  # the other host is never asked


def test_a_dripping_answer_ends_at_the_deadline_of_the_whole_request(serve_how, tmp_path):
    server = serve_how("drip")
    start = time.monotonic()

    report = run(server, tmp_path, Policy(pause=0, tries=2, backoff=0.01, timeout=1.0))

    assert time.monotonic() - start < 6  # two tries of 1 s each, and the next day; the drip would take 30 s a try
    assert report.days[0].outcome == "failed"
    assert report.days[0].detail == "no whole answer within 1s, 2 tries"
    assert report.days[1].outcome == "fetched"


def test_a_redirect_elsewhere_shows_nothing_of_its_body_on_the_command_line(serve_how, tmp_path):
    import subprocess

    server = serve_how("elsewhere")
    result = subprocess.run(
        digest_argv("fetch", "--since", DAY, "--until", NEXT, "--content", tmp_path, "--pause", "0", "--tries", "1"),
        env={**os.environ, "DIGEST_API_URL": server.url, "NO_COLOR": "1"}, capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.strip() == "error: 2025-06-02: failed: HTTP 302: redirected to another host (localhost); not followed"
    assert "MOVE" not in result.stdout + result.stderr and "SECRET" not in result.stdout + result.stderr
    assert "2025-06-03: fetched" in result.stdout


@pytest.mark.parametrize("planted", [".2025-06-02.json.part", "2025-06-02.json"])
def test_a_link_planted_in_dumps_is_replaced_never_written_through(serve_how, tmp_path, planted):
    dumps = tmp_path / "content" / "dumps"
    dumps.mkdir(parents=True)
    victim = tmp_path / "outside.txt"
    victim.write_text("keep me")
    (dumps / planted).symlink_to(victim)

    fetch_days([DAY], dumps, serve_how("saved").url, force=True, policy=QUICK, sleep=lambda s: None)

    assert victim.read_text() == "keep me"
    assert (dumps / "2025-06-02.json").read_bytes() == (FIXTURES / "2025-06-02.json").read_bytes()
    assert not (dumps / "2025-06-02.json").is_symlink()


def test_a_dumps_folder_that_is_a_link_is_refused(serve_how, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "dumps").symlink_to(elsewhere)

    with pytest.raises(DigestError, match="a symbolic link where a folder was expected"):
        fetch_days([DAY], tmp_path / "content" / "dumps", serve_how("saved").url, policy=QUICK, sleep=lambda s: None)
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("kind", ["read-only", "full"])
def test_a_read_only_or_full_dumps_folder_is_one_line_and_no_partial_file(serve_how, tmp_path, kind):
    server = serve_how("saved")
    dumps = tmp_path / "content" / "dumps"
    dumps.mkdir(parents=True)
    argv = digest_argv("fetch", "--date", DAY, "--content", tmp_path / "content", "--pause", "0")
    env = {"DIGEST_API_URL": server.url}

    result = run_read_only(dumps, argv, env=env) if kind == "read-only" else run_disk_full(argv, env=env)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    reason = "Read-only file system" if kind == "read-only" else "File too large"
    assert lines[0] == f"error: {dumps / '2025-06-02.json'}: cannot write: {reason}"
    assert list(dumps.iterdir()) == []


WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml")) + sorted(
    (ROOT / "site_src" / "commands" / "new_site" / "dot-github" / "workflows").glob("*.yml"))


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: f"{p.parent.parent.parent.name}/{p.name}")
def test_every_workflow_job_has_a_time_limit(workflow):
    import yaml

    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]

    limits = {name: job.get("timeout-minutes") for name, job in jobs.items()}
    assert all(isinstance(minutes, int) and 0 < minutes <= 60 for minutes in limits.values()), limits
