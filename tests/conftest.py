"""Shared fixtures: the real seed site, built once per test session, and the real corpora when present."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from site_src.build import build

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEEDS = ROOT / "content" / "dumps"
SHARED = ROOT.parent / "shared"
# Set DIGEST_NO_SHARED=1 to run the suite as GitHub's CI does, with no ../shared beside the clone
# (.github/workflows/ci.yml checks out the repository alone): every test that needs it skips.
NO_SHARED = os.environ.get("DIGEST_NO_SHARED", "") not in ("", "0")
CHROMIUM = Path("/usr/bin/chromium")
# Whole real days of the daily-papers API and whole JSON Feed snapshots, copied from ../shared/corpora
# (tests/fixtures/api/SOURCE.md, tests/fixtures/jsonfeed/SOURCE.md): what runs where ../shared is absent.
API_DAYS = ROOT / "tests" / "fixtures" / "api"
FEED_SNAPSHOTS = ROOT / "tests" / "fixtures" / "jsonfeed"
SHARED_API = Path("corpora") / "hf-api-daily-papers-jeongiin" / "api-json"
SHARED_FEEDS = Path("corpora") / "hf-papers-jsonfeed-markert" / "snapshots"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """build/ of the shipped content (the four seed dumps), built once; tests must not modify it."""
    out = tmp_path_factory.mktemp("seed") / "build"
    build(CONTENT, out, lock=False)  # tests never write into the repository's content/
    return out


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of content/, for tests that add or break dumps."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def shared_or_none() -> Path | None:
    """../shared, or None where it is absent or DIGEST_NO_SHARED is set (for tests that add it when present)."""
    return None if NO_SHARED or not SHARED.is_dir() else SHARED


def api_day(name: str) -> Path:
    """A committed API day, e.g. api_day("2024-12-18")."""
    return API_DAYS / f"{name}.json"


def api_days() -> list[Path]:
    """Every committed API day (named YYYY-MM-DD.json; other files there are not API answers)."""
    return sorted(p for p in API_DAYS.glob("*.json") if re.fullmatch(r"\d{4}-\d{2}-\d{2}", p.stem))


def real_pool() -> list[dict]:
    """Distinct real papers (title, abstract, authors) for bench/generate.py: of the whole ../shared corpora when
    present, else of the committed API days and feed snapshots (about 330 papers)."""
    generate = bench_generate()
    shared = shared_or_none()
    if shared is not None:
        return generate.real_papers(shared)
    return generate.pool_of(api_days(), sorted(FEED_SNAPSHOTS.glob("*/hf_papers.json")))


def bench_generate():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return generate


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repository; tests that need it skip cleanly without it (and say why they need it)."""
    shared = shared_or_none()
    if shared is None:
        pytest.skip("../shared is not present" + " (DIGEST_NO_SHARED is set)" * NO_SHARED)
    return shared


@pytest.fixture(scope="session")
def generated_3400(tmp_path_factory) -> Path:
    """content/ of a 3,400-paper corpus made by bench/generate.py from real papers (real_pool: ../shared's when
    present, else the committed fixtures'), made once; tests must not modify it."""
    pool = real_pool()
    assert len(pool) > 300
    content = tmp_path_factory.mktemp("generated") / "content"
    bench_generate().generate(3400, content, pool)
    return content


# --- a real browser (Debian's Chromium through Playwright) on the seed site served over HTTP ---------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def http_server(folder: Path):
    """A plain static HTTP server on 127.0.0.1 for `folder`; yields its root URL (no trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served(seed_build, tmp_path_factory):
    """The seed site at http://127.0.0.1:PORT/paper-digest/ and a copy at the root, /."""
    top = tmp_path_factory.mktemp("served")
    shutil.copytree(seed_build, top / "paper-digest")
    for item in seed_build.iterdir():
        (shutil.copytree if item.is_dir() else shutil.copy)(item, top / item.name)
    with http_server(top) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        try:  # Debian's chromium, else Playwright's own (`make test` sets up one of them: scripts/test-browser.sh)
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM) if CHROMIUM.exists() else None,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update", "--no-first-run"],
            )
        except sync_api.Error:
            pytest.fail(f"no Chromium: {CHROMIUM} is missing and Playwright has none; run `make test` (it sets one up)", pytrace=False)
        yield browser
        browser.close()


CSP_WATCH = """document.addEventListener('securitypolicyviolation', e =>
  (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + ' ' + e.blockedURI));"""


def watched_tab(browser):
    """(context, tab, errors): a fresh tab that records CSP violations (read window.__cspViolations) and, in
    `errors`, every uncaught exception and console error."""
    context = browser.new_context()
    tab = context.new_page()
    tab.add_init_script(CSP_WATCH)
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return context, tab, errors


@pytest.fixture
def page(browser, served):
    """A fresh tab that records console errors, uncaught exceptions and CSP violations; none may happen."""
    context = browser.new_context()
    tab = context.new_page()
    tab.add_init_script(CSP_WATCH)
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
    tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    # A fetch cut short because the tab navigated on (net::ERR_ABORTED: the favicon, when a test clicks fast) is no fault.
    tab.on("requestfailed", lambda request: None if request.failure == "net::ERR_ABORTED" else problems.append(f"request failed: {request.url} {request.failure}"))
    tab.on("response", lambda response: problems.append(f"HTTP {response.status}: {response.url}") if response.status >= 400 else None)
    yield tab
    violations = tab.evaluate("window.__cspViolations || []")
    context.close()
    assert problems == [] and violations == []


# --- four real daily-papers API days (tests/fixtures/reading, whole days) built with a base URL --------------
# Apart from API_DAYS: their spans (7 July newest; 3 July in its week, 20 June in its month, 21 January in all
# time) are what the top pages count, and real_pool() should not grow by them.

READING_DAYS = ROOT / "tests" / "fixtures" / "reading"
READING_BASE = "https://example.org/daily/"


def reading_content(target: Path, **settings) -> Path:
    """content/ of the four real API days, with site.yaml settings (YAML values as given)."""
    dumps = target / "dumps"
    dumps.mkdir(parents=True)
    for day in sorted(READING_DAYS.glob("*.json")):
        shutil.copy(day, dumps / day.name)
    lines = ['title: "Daily <Papers> & \\"Co\\""'] + [f"{key}: {value}" for key, value in settings.items()]
    (target / "site.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def reading_build(tmp_path_factory) -> Path:
    """build/ of the four real API days (newest 7 July 2025) with a base URL; tests must not modify it."""
    top = tmp_path_factory.mktemp("api-days")
    build(reading_content(top / "content"), top / "build", base_url=READING_BASE, lock=False)
    return top / "build"
