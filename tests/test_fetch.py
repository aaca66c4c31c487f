"""`digest fetch` against a real HTTP server on 127.0.0.1 serving real saved API responses (tests/fixtures/api).

The server answers each date from a script (429 with Retry-After, 500, a timeout, a dropped connection, an API
error body, an empty day, an HTML page) before the saved response, and records every request it was sent.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from site_src.build import build
from site_src.errors import DigestError
from site_src.commands.fetch import FetchReport, Policy, day_range, fetch_days, retry_after

ROOT = Path(__file__).resolve().parent.parent
FAST = Policy(pause=0, tries=4, backoff=0.01, timeout=0.5)  # with a sleep that records: no test waits for real


FIXTURES = ROOT / "tests" / "fixtures" / "api"


@pytest.fixture(scope="session")
def saved_responses() -> Path:
    """Real daily-papers answers, cut small (tests/fixtures/api/SOURCE.md)."""
    return FIXTURES


@pytest.fixture(scope="session")
def error_body() -> bytes:
    """A real API error body that someone saved as a dump."""
    return (FIXTURES / "error-body.json").read_bytes()


class ApiServer:
    """The daily-papers API on 127.0.0.1: `script[date]` lists how the next requests for that date are answered,
    then each is answered with the saved response (or `[]` for a day without one)."""

    def __init__(self, responses: Path, error_body: bytes):
        self.responses = responses
        self.error_body = error_body
        self.script: dict[str, list[str]] = {}
        self.requests: list[str] = []  # the date of each request, in order
        self.queries: list[dict] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                query = parse_qs(urlsplit(self.path).query)
                day = query.get("date", [""])[0]
                with server.lock:
                    server.requests.append(day)
                    server.queries.append(query)
                    plan = server.script.get(day, [])
                    how = plan.pop(0) if plan else "saved"
                try:
                    server.answer(self, how, day)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/api/daily_papers"

    def saved(self, day: str) -> bytes:
        path = self.responses / f"{day}.json"
        return path.read_bytes() if path.is_file() else b"[]"

    def answer(self, handler: BaseHTTPRequestHandler, how: str, day: str) -> None:
        def send(status: int, body: bytes, kind: str = "application/json", **headers: str) -> None:
            handler.send_response(status)
            handler.send_header("Content-Type", kind)
            handler.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                handler.send_header(name.replace("_", "-"), value)
            handler.end_headers()
            handler.wfile.write(body)

        if how == "saved":
            send(200, self.saved(day))
        elif how.startswith("429"):  # "429" or "429:SECONDS"
            send(429, b'{"error":"Too many requests"}', Retry_After=how.partition(":")[2] or "7")
        elif how == "500":
            send(500, b"Internal Server Error", "text/plain")
        elif how == "timeout":
            time.sleep(2)  # longer than the client's timeout
            send(200, self.saved(day))
        elif how == "drop":  # headers for the whole body, then half of it and a closed connection
            body = self.saved(day)
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.close_connection = True
        elif how == "slow":  # the body in small pieces, long enough to be interrupted
            body = self.saved(day)
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            for start in range(0, len(body), 1000):
                handler.wfile.write(body[start : start + 1000])
                handler.wfile.flush()
                time.sleep(0.2)
        elif how == "error":
            send(200, self.error_body)
        elif how == "404":
            send(404, self.error_body)
        elif how == "empty":
            send(200, b"[]")
        elif how == "hundred":  # a day as busy as the API's limit: 100 real entries from the saved days
            entries = [e for path in sorted(self.responses.glob("2025-06-0*.json")) for e in json.loads(path.read_bytes())]
            send(200, json.dumps(entries[:100], ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        elif how == "html":
            send(200, b"<!doctype html><title>Service unavailable</title><p>Try later.</p>", "text/html")
        else:
            raise AssertionError(how)


@pytest.fixture
def api(saved_responses, error_body):
    server = ApiServer(saved_responses, error_body)
    thread = threading.Thread(target=server.http.serve_forever, daemon=True)
    thread.start()
    yield server
    server.http.shutdown()
    server.http.server_close()


class Waits(list):
    """A sleep that notes what it was asked to wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fetch(api: ApiServer, dumps: Path, days, force: bool = False, policy: Policy = FAST) -> tuple[FetchReport, Waits]:
    waits = Waits()
    report = fetch_days(days, dumps, api.url, force=force, policy=policy, sleep=waits)
    return report, waits


def outcomes(report: FetchReport) -> dict[str, str]:
    return {result.day.isoformat(): result.outcome for result in report.days}


WEEK = day_range(dt.date(2025, 6, 2), dt.date(2025, 6, 8))  # Mon–Fri saved, the weekend has no papers


def test_each_day_is_saved_byte_identical_to_the_api_response(api, saved_responses, tmp_path):
    dumps = tmp_path / "content" / "dumps"

    report, _ = fetch(api, dumps, WEEK)

    saved = ["2025-06-02", "2025-06-03", "2025-06-04", "2025-06-05", "2025-06-06"]
    assert outcomes(report) == {**{day: "fetched" for day in saved}, "2025-06-07": "empty", "2025-06-08": "empty"}
    assert sorted(p.name for p in dumps.iterdir()) == [f"{day}.json" for day in saved]
    for day in saved:
        assert (dumps / f"{day}.json").read_bytes() == (saved_responses / f"{day}.json").read_bytes()
    assert api.requests == [day.isoformat() for day in WEEK]
    assert all(query["limit"] == ["100"] for query in api.queries)  # not the API's default of 50
    assert report.summary() == "fetch: 7 days: 5 fetched, 0 skipped (already saved), 2 empty, 0 failed"


def test_days_already_saved_are_skipped_and_force_fetches_them_again(api, saved_responses, tmp_path):
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "2025-06-03.json").write_bytes(b"[] curator's own file")
    days = day_range(dt.date(2025, 6, 2), dt.date(2025, 6, 4))

    first, _ = fetch(api, dumps, days)
    again, _ = fetch(api, dumps, days)

    assert outcomes(first) == {"2025-06-02": "fetched", "2025-06-03": "skipped", "2025-06-04": "fetched"}
    assert outcomes(again) == dict.fromkeys(outcomes(first), "skipped")
    assert api.requests == ["2025-06-02", "2025-06-04"]
    assert (dumps / "2025-06-03.json").read_bytes() == b"[] curator's own file"

    forced, _ = fetch(api, dumps, days, force=True)

    assert outcomes(forced) == dict.fromkeys(outcomes(first), "fetched")
    assert (dumps / "2025-06-03.json").read_bytes() == (saved_responses / "2025-06-03.json").read_bytes()


def test_429_waits_as_long_as_retry_after_says_then_saves(api, saved_responses, tmp_path):
    api.script["2025-06-02"] = ["429:7", "429:3"]

    report, waits = fetch(api, tmp_path, [dt.date(2025, 6, 2)])

    assert outcomes(report) == {"2025-06-02": "fetched"}
    assert waits == [7, 3]
    assert api.requests == ["2025-06-02"] * 3
    assert (tmp_path / "2025-06-02.json").read_bytes() == (saved_responses / "2025-06-02.json").read_bytes()


def test_500s_timeouts_and_dropped_connections_are_retried_with_growing_backoff(api, saved_responses, tmp_path):
    api.script["2025-06-02"] = ["500", "timeout", "drop"]

    report, waits = fetch(api, tmp_path, [dt.date(2025, 6, 2)])

    assert outcomes(report) == {"2025-06-02": "fetched"}
    assert waits == [0.01, 0.02, 0.04]
    assert (tmp_path / "2025-06-02.json").read_bytes() == (saved_responses / "2025-06-02.json").read_bytes()


def test_a_day_that_keeps_failing_is_given_up_and_the_others_go_on(api, tmp_path):
    api.script["2025-06-02"] = ["500"] * 10
    days = [dt.date(2025, 6, 2), dt.date(2025, 6, 3)]

    report, _ = fetch(api, tmp_path, days)

    assert outcomes(report) == {"2025-06-02": "failed", "2025-06-03": "fetched"}
    assert report.days[0].detail == "HTTP 500, 4 tries"
    assert api.requests == ["2025-06-02"] * 4 + ["2025-06-03"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-06-03.json"]
    assert report.failed


def test_a_retry_after_longer_than_the_limit_gives_the_day_up_instead_of_waiting(api, tmp_path):
    api.script["2025-06-02"] = ["429:3600"]

    report, waits = fetch(api, tmp_path, [dt.date(2025, 6, 2)])

    assert outcomes(report) == {"2025-06-02": "failed"}
    assert "retry after 3600s" in report.days[0].detail
    assert waits == []


@pytest.mark.parametrize(
    ("how", "detail"),
    [
        ("error", "the API answered with an error: \"Sorry, we can't find the page you are looking for.\""),
        ("404", "HTTP 404: \"Sorry, we can't find the page you are looking for.\""),
        ("html", "the answer is not JSON (it starts '<!doctype html><title>Service unavailable</title><p>Try late')"),
    ],
)
def test_an_error_body_or_a_non_json_answer_is_reported_and_never_saved(api, tmp_path, how, detail):
    api.script["2025-06-02"] = [how]

    report, _ = fetch(api, tmp_path, [dt.date(2025, 6, 2), dt.date(2025, 6, 3)])

    assert outcomes(report) == {"2025-06-02": "failed", "2025-06-03": "fetched"}
    assert report.days[0].detail == detail
    assert api.requests == ["2025-06-02", "2025-06-03"]  # not a passing failure: asked once
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-06-03.json"]


def test_an_empty_day_is_reported_not_saved_and_asked_again_next_time(api, tmp_path):
    api.script["2025-06-02"] = ["empty"]

    first, _ = fetch(api, tmp_path, [dt.date(2025, 6, 2)])
    second, _ = fetch(api, tmp_path, [dt.date(2025, 6, 2)])

    assert outcomes(first) == {"2025-06-02": "empty"}
    assert outcomes(second) == {"2025-06-02": "fetched"}
    assert api.requests == ["2025-06-02", "2025-06-02"]


def test_a_day_as_long_as_the_apis_limit_is_saved_and_said_to_be_perhaps_cut_short(api, tmp_path):
    api.script["2025-06-02"] = ["hundred"]

    report, _ = fetch(api, tmp_path, [dt.date(2025, 6, 2)])

    assert outcomes(report) == {"2025-06-02": "fetched"}
    assert report.days[0].detail.endswith("; 100 listed, as many as asked for: the day may hold more")
    assert len(json.loads((tmp_path / "2025-06-02.json").read_bytes())) == 100


def test_requests_are_spaced_by_the_pause_and_skipped_days_cost_none(api, tmp_path):
    (tmp_path / "2025-06-03.json").write_bytes(b"[]")
    days = day_range(dt.date(2025, 6, 2), dt.date(2025, 6, 5))

    _, waits = fetch(api, tmp_path, days, policy=Policy(pause=1.5, tries=2, backoff=0.01, timeout=5))

    assert waits == [1.5, 1.5]  # before the 2nd and 3rd request; none before the first or for the skipped day


def test_fetched_dumps_build_into_digests(api, tmp_path):
    content = tmp_path / "content"
    fetch(api, content / "dumps", day_range(dt.date(2025, 6, 2), dt.date(2025, 6, 4)))

    report = build(content, tmp_path / "build", lock=False)

    assert report.digests == 3
    assert (tmp_path / "build" / "digests" / "2025-06-04" / "index.html").is_file()


def test_retry_after_reads_seconds_and_http_dates():
    import httpx

    def response(value: str) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": value})

    now = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.timezone.utc).timestamp()
    assert retry_after(response("120")) == 120
    assert retry_after(response("Mon, 10 Mar 2025 12:00:30 GMT"), lambda: now) == 30
    assert retry_after(response("Mon, 10 Mar 2025 11:00:00 GMT"), lambda: now) == 0
    assert retry_after(response("soon")) is None
    assert retry_after(httpx.Response(429)) is None


def test_day_range_includes_both_ends_and_refuses_a_backward_range():
    assert day_range(dt.date(2025, 2, 27), dt.date(2025, 3, 1)) == [dt.date(2025, 2, 27), dt.date(2025, 2, 28), dt.date(2025, 3, 1)]
    with pytest.raises(DigestError, match="is after"):
        day_range(dt.date(2025, 3, 2), dt.date(2025, 3, 1))


# --- the command, as the daily workflow runs it ------------------------------------------------------------------


def digest(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    environ = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "site_src", *args], cwd=ROOT, capture_output=True, text=True,
                          env=environ, timeout=120, **kwargs)


def test_the_command_prints_each_day_and_a_summary_and_exits_1_when_a_day_failed(api, tmp_path):
    api.script["2025-06-03"] = ["error"]
    api.script["2025-06-04"] = ["429:0"]
    content = tmp_path / "content"

    result = digest("fetch", "--since", "2025-06-02", "--until", "2025-06-04", "--content", str(content),
                    "--pause", "0", env={"DIGEST_API_URL": api.url})

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("2025-06-02: fetched: 33 papers, ") and lines[0].endswith(f"-> {content / 'dumps' / '2025-06-02.json'}")
    assert lines[1].startswith("2025-06-04: fetched: ")
    assert lines[-1] == "fetch: 3 days: 2 fetched, 0 skipped (already saved), 0 empty, 1 failed"
    assert "error: 2025-06-03: failed: the API answered with an error" in result.stderr
    assert "2025-06-04: HTTP 429: 'Too many requests'; retrying in 0s (try 2 of 5)" in result.stderr
    assert "Traceback" not in result.stderr

    again = digest("fetch", "--date", "2025-06-02", "--content", str(content), "--api-url", api.url)

    assert again.returncode == 0
    assert again.stdout.splitlines() == [
        "2025-06-02: skipped: already saved",
        "fetch: 1 day: 0 fetched, 1 skipped (already saved), 0 empty, 0 failed",
    ]


def test_on_a_terminal_the_day_being_asked_for_stands_on_the_last_line_until_its_result(api, tmp_path):
    from tests.test_cli import ANSI, run_on_terminal

    code, output = run_on_terminal("fetch", "--since", "2025-06-02", "--until", "2025-06-03", "--content",
                                   str(tmp_path), "--pause", "0", DIGEST_API_URL=api.url)

    assert code == 0
    assert f"\r\x1b[K2025-06-02: asking {api.url}" in output
    assert "\x1b[1mfetched\x1b[0m" in output  # the outcome in bold
    lines = ANSI.sub("", output).replace("\r\n", "\n").split("\n")
    shown = [line.rpartition("\r")[2] for line in lines if line.rpartition("\r")[2]]  # what stays on screen
    assert shown[0].startswith("2025-06-02: fetched: 33 papers")
    assert shown[1].startswith("2025-06-03: fetched: ")
    assert shown[2] == "fetch: 2 days: 2 fetched, 0 skipped (already saved), 0 empty, 0 failed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2025-06-02", "--since", "2025-03-01"], "error: give either --date or --since/--until, not both"),
        (["--until", "2025-06-02"], "error: --until needs --since"),
        (["--since", "2025-06-02", "--until", "2025-03-01"], "error: --since 2025-06-02 is after --until 2025-03-01"),
        (["--api-url", "ftp://example.org/"], "error: the API URL must start with http:// or https://, got 'ftp://example.org/'"),
    ],
)
def test_bad_options_are_one_line_errors(tmp_path, args, message):
    result = digest("fetch", "--content", str(tmp_path), *args)

    assert result.returncode == 1
    assert result.stderr.strip() == message


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_fetch_leaves_whole_dumps_and_no_partial_file(api, saved_responses, tmp_path, sent):
    api.script["2025-06-09"] = ["slow"]  # 91 KB sent slowly, 1,000 bytes each 0.2 s
    dumps = tmp_path / "content" / "dumps"
    process = subprocess.Popen(
        [sys.executable, "-m", "site_src", "fetch", "--since", "2025-06-06", "--until", "2025-06-09",
         "--content", str(tmp_path / "content"), "--pause", "0", "--timeout", "60"],
        cwd=ROOT, env={**os.environ, "DIGEST_API_URL": api.url, "NO_COLOR": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while "2025-06-09" not in api.requests and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # well into the slow body
    process.send_signal(sent)
    process.communicate(timeout=60)

    assert process.returncode != 0
    assert sorted(p.name for p in dumps.iterdir()) == ["2025-06-06.json"]  # 7 and 8 are a weekend
    assert (dumps / "2025-06-06.json").read_bytes() == (saved_responses / "2025-06-06.json").read_bytes()
    assert json.loads((saved_responses / "2025-06-09.json").read_bytes())  # the day was really there to save
