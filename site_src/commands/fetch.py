"""Fetch: save each day's Hugging Face daily-papers API response as content/dumps/YYYY-MM-DD.json, byte for byte.

One GET per day (`<api_url>?date=YYYY-MM-DD&limit=100`), over httpx. A day already saved is skipped unless forced; a
429, a 5xx, a timeout or a dropped connection is retried with exponential backoff, honouring `Retry-After`;
requests are spaced out by a pause. Each request has a deadline for the whole of it and a cap on its decoded body
(fetch_http: no answer, however slow, large or redirected, holds a run for ever or fills memory). The body is saved
exactly as received, and only when the build's own API reader accepts it: an error body (`{"error": ...}`), an empty
day (`[]`) or a non-JSON answer is reported and never saved, so the next run asks for that day again. A failed day
is one line; the other days are still asked for. A body is written through files.safe_write (a hidden file of a
fresh name, renamed into place, never through a link), so an interrupted run leaves no partial dump.

It does not build the site and does not touch anything in content/ but dumps/.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from site_src.commands import fetch_http
from site_src.errors import DigestError
from site_src.files.safe_write import real_folder, write_file
from site_src.files.source import DUMP_LIMIT
from site_src.ingest.api_json import looks_like_api, parse_api_json
from site_src.text.clean import clean_data
from site_src.text.project import DISTRIBUTION

DEFAULT_API_URL = "https://huggingface.co/api/daily_papers"
# The API lists at most `limit` papers a day, 50 unless asked (4 of the 198 saved days in ../shared hit 50 exactly,
# so were cut short); a day that lists all LIMIT may be cut short too, and is reported so.
LIMIT = 100
USER_AGENT = DISTRIBUTION
OUTCOMES = ("fetched", "skipped", "empty", "failed")


@dataclass(frozen=True)
class Policy:
    """How patient a fetch is: the pause between requests, the tries per day and how long each may take."""

    pause: float = 1.0  # seconds between two requests
    tries: int = 5  # per day, the first one included
    backoff: float = 2.0  # seconds before the first retry; doubled before each next one
    max_wait: float = 300.0  # a Retry-After longer than this gives the day up instead of waiting
    timeout: float = 60.0  # seconds for a whole request: connecting, the answer and every byte of it
    cap: int = DUMP_LIMIT  # bytes of decoded body: the most a build reads from a dump


@dataclass(frozen=True)
class DayResult:
    day: dt.date
    outcome: str  # one of OUTCOMES
    detail: str  # what happened, for the curator: "12 papers, 48.1 kB", "the API answered ..."
    path: Path


@dataclass
class FetchReport:
    days: list[DayResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.days if result.outcome == outcome)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    def summary(self) -> str:
        """`fetch: 3 days fetched, 2 skipped (already saved), 1 empty, 0 failed`."""
        counts = {outcome: self.count(outcome) for outcome in OUTCOMES}
        total = len(self.days)
        return (
            f"fetch: {total} day{'s' if total != 1 else ''}: {counts['fetched']} fetched, "
            f"{counts['skipped']} skipped (already saved), {counts['empty']} empty, {counts['failed']} failed"
        )


class _DayFailed(Exception):
    """This day gets no dump, for the reason given; the other days go on."""


def day_range(since: dt.date, until: dt.date) -> list[dt.date]:
    """Every day from since to until, both included."""
    if since > until:
        raise DigestError(f"--since {since} is after --until {until}")
    return [since + dt.timedelta(days=n) for n in range((until - since).days + 1)]


def retry_after(response, now: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asks us to wait (`Retry-After`: seconds or an HTTP date), or None when it does not say."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, when.timestamp() - now())


def check_body(path: Path, body: bytes) -> tuple[int, int]:
    """(distinct papers, entries listed) of a daily-papers response body; raises _DayFailed for anything the build would not read."""
    try:
        text = body.decode("utf-8-sig")
        data = clean_data(json.loads(text))  # as the build will read it
    except UnicodeDecodeError:
        raise _DayFailed("the answer is not UTF-8 text") from None
    except (json.JSONDecodeError, RecursionError):
        start = " ".join(body[:60].decode("utf-8", "replace").split())
        raise _DayFailed(f"the answer is not JSON (it starts {start!r})") from None
    if isinstance(data, dict) and "error" in data:
        raise _DayFailed(f"the API answered with an error: {str(data['error'])[:200]!r}")
    if data == []:
        return 0, 0
    if not looks_like_api(data):
        kind = type(data).__name__
        raise _DayFailed(f"the answer is not a daily-papers list of {{'paper': ...}} objects (found a {kind})")
    try:
        return len(parse_api_json(path, text, data).entries), len(data)
    except DigestError as error:
        raise _DayFailed(f"the answer is not a daily-papers response the build can read: {error.message}") from None


def save(path: Path, body: bytes) -> None:
    """Write body to path, whole or not at all, never through a link; a failure is a DigestError naming path."""
    write_file(path, body)


def _error_detail(response: fetch_http.Answer) -> str:
    """`HTTP 404` and, when the body is a JSON error, its message."""
    detail = f"HTTP {response.status}"
    try:
        data = json.loads(response.body)
    except ValueError:
        return detail
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        detail += f": {data['error'][:200]!r}"
    return detail


def _get(client: httpx.Client, api_url: str, day: dt.date, policy: Policy, sleep, on_note) -> fetch_http.Answer:
    """The day's answer, after retrying 429s, 5xx answers, timeouts and dropped connections."""
    for attempt in range(1, policy.tries + 1):
        asked = None
        try:
            response = fetch_http.get(client, api_url, {"date": day.isoformat(), "limit": LIMIT}, policy.timeout, policy.cap)
        except fetch_http.TooSlow:
            problem = f"no whole answer within {policy.timeout:g}s"
        except fetch_http.Refused as refused:
            raise _DayFailed(str(refused)) from None
        except httpx.HTTPError as error:
            problem = f"connection failed ({error})"
        else:
            if response.status != 429 and response.status < 500:
                return response
            problem = _error_detail(response)
            asked = retry_after(response)
        if attempt == policy.tries:
            raise _DayFailed(f"{problem}, {policy.tries} tries")
        wait = asked if asked is not None else policy.backoff * 2 ** (attempt - 1)
        if wait > policy.max_wait:
            raise _DayFailed(f"{problem}; the server asks to retry after {wait:.0f}s, longer than {policy.max_wait:.0f}s")
        on_note(f"{day}: {problem}; retrying in {wait:g}s (try {attempt + 1} of {policy.tries})")
        sleep(wait)
    raise AssertionError("unreachable")


def _fetch_day(client, api_url: str, day: dt.date, path: Path, policy: Policy, sleep, on_note) -> DayResult:
    try:
        response = _get(client, api_url, day, policy, sleep, on_note)
        if response.status != 200:
            raise _DayFailed(_error_detail(response))
        body = response.body
        papers, listed = check_body(path, body)
    except _DayFailed as failure:
        return DayResult(day, "failed", str(failure), path)
    if papers == 0:
        return DayResult(day, "empty", "the API listed no papers that day (not saved)", path)
    save(path, body)
    cut = f"; {listed} listed, as many as asked for: the day may hold more" if listed >= LIMIT else ""
    return DayResult(day, "fetched", f"{papers} paper{'s' if papers != 1 else ''}, {len(body):,} bytes{cut}", path)


def fetch_days(
    days: Iterable[dt.date],
    dumps_dir: Path,
    api_url: str = DEFAULT_API_URL,
    force: bool = False,
    policy: Policy = Policy(),
    on_day: Callable[[DayResult], None] = lambda result: None,
    on_note: Callable[[str], None] = lambda line: None,
    on_ask: Callable[[dt.date], None] = lambda day: None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchReport:
    """Fetch each day into dumps_dir/YYYY-MM-DD.json.

    `on_ask` hears each day as it is asked for, `on_note` each retry, `on_day` each day's result.
    """
    if not api_url.startswith(("http://", "https://")):
        raise DigestError(f"the API URL must start with http:// or https://, got {api_url!r}")
    real_folder(dumps_dir)  # never a link: the dumps would land wherever it points
    report = FetchReport()
    headers = {"User-Agent": f"{USER_AGENT} (digest fetch)", "Accept": "application/json", "Accept-Encoding": "gzip"}
    asked_before = False
    with httpx.Client(timeout=policy.timeout, headers=headers, follow_redirects=False) as client:
        for day in days:
            path = dumps_dir / f"{day.isoformat()}.json"
            if path.exists() and not force:
                result = DayResult(day, "skipped", "already saved", path)
            else:
                if asked_before and policy.pause:
                    sleep(policy.pause)
                asked_before = True
                on_ask(day)
                result = _fetch_day(client, api_url, day, path, policy, sleep, on_note)
            report.days.append(result)
            on_day(result)
    return report


def run(on, since, until, content: Path, api_url: str | None, force: bool, pause: float, tries: int, timeout: float) -> None:
    """`digest fetch`: save each asked day's answer, one line a day; exit 1 when a day failed."""
    import signal
    import sys

    import click

    from site_src.commands.terminal import error_line, is_terminal, styled

    yesterday = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    if on and (since or until):
        raise DigestError("give either --date or --since/--until, not both")
    if until and not since:
        raise DigestError("--until needs --since")
    days = day_range(since.date(), until.date() if until else yesterday) if since else [on.date() if on else yesterday]
    api_url = api_url or DEFAULT_API_URL
    # On a terminal, the day being asked for stands on a status line that its result then overwrites.
    clear = "\r\x1b[K" if is_terminal(sys.stderr) else ""

    def ask(day) -> None:
        if clear:
            click.echo(f"{clear}{day}: asking {api_url}", nl=False, err=True)

    def note(line: str) -> None:
        click.echo(clear + line, err=True)

    def report_day(result) -> None:
        if result.outcome == "failed":
            click.echo(clear + error_line(f"{result.day}: failed: {result.detail}", sys.stderr), err=True)
            return
        if clear:
            click.echo(clear, nl=False, err=True)
        where = f" -> {result.path}" if result.outcome == "fetched" else ""
        click.echo(f"{result.day}: {styled(result.outcome, sys.stdout, bold=True)}: {result.detail}{where}")

    # Stopped by a CI runner (SIGTERM) as by Ctrl-C: unwind, so a dump being written is removed, never left half.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    policy = Policy(pause=pause, tries=tries, timeout=timeout)
    report = fetch_days(days, content / "dumps", api_url, force, policy, on_day=report_day, on_note=note, on_ask=ask)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)
