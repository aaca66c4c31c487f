"""The limits docs/reliability.md lists, made from the constants that set them: `python -m site_src.commands.limits`.

tests/test_reliability_docs.py fails when the page and this table drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

from site_src.commands import fetch_http
from site_src.commands.check import PAGE_LIMIT
from site_src.commands.fetch import LIMIT, Policy
from site_src.commands.serve import REQUEST_TIMEOUT, STATUS_PATH
from site_src.files.source import DUMP_LIMIT

_SCRIPT = Path(__file__).resolve().parent / "live_reload.js"


def _poll_ms() -> int:
    return int(re.search(r"EVERY_MS = (\d+);", _SCRIPT.read_text(encoding="utf-8")).group(1))


def rows() -> list[tuple[str, str]]:
    policy = Policy()
    return [
        ("`digest fetch`: one request, start to last byte (`--timeout`)", f"{policy.timeout:g} s, checked at every block received (a read that stalls waits at most what was left); "
         f"{policy.tries} tries a day"),
        ("`digest fetch`: an answer's decoded body (gzip included, chunked or not)", f"{policy.cap:,} bytes" + (", the most a build reads from a dump" if policy.cap == DUMP_LIMIT else "")),
        ("`digest fetch`: redirects", f"{fetch_http.MAX_REDIRECTS}, on the API's own host only; one to another host is refused, its body unread"),
        ("`digest fetch`: a Retry-After it waits for", f"{policy.max_wait:g} s; longer gives the day up"),
        ("`digest fetch`: papers asked for a day", f"{LIMIT}"),
        ("`digest serve`: a client's request or a block of the answer", f"{REQUEST_TIMEOUT} s"),
        ("`digest serve`: an open page asks `" + STATUS_PATH + "` every", f"{_poll_ms()} ms (the page reloads after each rebuild)"),
        ("`digest check`: one page read", f"{PAGE_LIMIT:,} bytes; a FIFO or a device is reported, never read"),
        ("GitHub workflows (daily, pages; CI)", "`timeout-minutes: 30` a job (CI: 60)"),
    ]


def table() -> str:
    lines = ["| what | the limit |", "|---|---|"] + [f"| {what} | {limit} |" for what, limit in rows()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(table(), end="")
