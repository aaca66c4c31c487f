"""The base URL a build uses, and where it came from: --base-url, site.yaml, or the GitHub Pages URL of `origin`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from site_src.cli import main
from site_src.config import SiteConfig
from site_src.files.write import built_for
from site_src.commands.public_url import find_base_url, github_repository, pages_url

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("https://github.com/Ada/paper-digest.git", "https://ada.github.io/paper-digest/"),
        ("https://github.com/ada/paper-digest", "https://ada.github.io/paper-digest/"),
        ("https://github.com/ada/paper-digest/", "https://ada.github.io/paper-digest/"),
        ("git@github.com:ada/my.digest.git", "https://ada.github.io/my.digest/"),
        ("ssh://git@github.com/ada/paper-digest.git", "https://ada.github.io/paper-digest/"),
        ("ssh://git@github.com:22/ada/paper-digest", "https://ada.github.io/paper-digest/"),
        ("https://x-access-token:secret@github.com/ada/paper-digest.git", "https://ada.github.io/paper-digest/"),
        ("https://github.com/Ada/ada.github.io.git", "https://ada.github.io/"),
        ("https://gitlab.com/ada/paper-digest.git", None),
        ("https://github.com.evil.example/ada/paper-digest.git", None),
        ("https://github.com/ada/paper-digest/tree/main", None),
        ("/srv/git/paper-digest.git", None),
    ],
)
def test_github_remotes_give_their_pages_url_and_other_remotes_none(remote, url):
    repository = github_repository(remote)
    assert (pages_url(*repository) if repository else None) == url


def git_repository(folder: Path, remote: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    if remote:
        subprocess.run(["git", "-C", str(folder), "remote", "add", "origin", remote], check=True)
    return folder


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
def test_the_option_wins_then_site_yaml_then_the_origin_remote(tmp_path):
    project = git_repository(tmp_path / "clone", "https://x-access-token:secret@github.com/ada/digest.git")
    with_yaml = SiteConfig(base_url="https://papers.example.org/", source=project / "content" / "site.yaml")

    by_option = find_base_url("https://ada.example/x", "--base-url", with_yaml, project)
    by_yaml = find_base_url(None, "--base-url", with_yaml, project)
    by_remote = find_base_url(None, "--base-url", SiteConfig(), project)
    by_nothing = find_base_url(None, "--base-url", SiteConfig(), git_repository(tmp_path / "bare", None))

    assert (by_option.url, by_option.source) == ("https://ada.example/x/", "--base-url")
    assert (by_yaml.url, by_yaml.source) == ("https://papers.example.org/", str(project / "content" / "site.yaml"))
    assert by_remote.describe() == "base URL: https://ada.github.io/digest/ (from the git remote origin, github.com/ada/digest)"
    assert "secret" not in by_remote.describe()
    assert by_nothing.url is None
    assert by_nothing.describe().startswith("base URL: none (no --base-url, no base_url in site.yaml, no git remote origin)")


@pytest.fixture
def clone(tmp_path, content_copy) -> Path:
    """A project folder as a GitHub clone has it: content/ (one seed dump, for speed) in a repository with an origin."""
    project = git_repository(tmp_path / "clone", "git@github.com:ada/paper-digest.git")
    for dump in sorted((content_copy / "dumps").iterdir())[1:]:
        dump.unlink()
    (content_copy / "site.yaml").write_text("title: Ada's digest\n", encoding="utf-8")
    shutil.move(content_copy, project / "content")
    return project


def digest(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "DIGEST_BASE_URL"}
    return subprocess.run([sys.executable, "-m", "site_src", *args], cwd=project, capture_output=True, text=True,
                          env={**environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), **env}, timeout=600)


@needs_git
def test_a_github_clone_builds_feeds_for_its_pages_url_and_says_so(clone):
    result = digest(clone, "build")

    assert result.returncode == 0, result.stderr
    assert "base URL: https://ada.github.io/paper-digest/ (from the git remote origin, github.com/ada/paper-digest)" in result.stdout
    assert "feeds not written" not in result.stderr
    feed = feedparser.parse((clone / "build" / "feed.xml").read_bytes())
    assert not feed.bozo
    assert all(entry.link.startswith("https://ada.github.io/paper-digest/papers/") for entry in feed.entries)
    not_found = (clone / "build" / "404.html").read_text(encoding="utf-8")
    assert 'href="/paper-digest/assets/style.css"' in not_found
    assert built_for(clone / "build") == (True, "https://ada.github.io/paper-digest/")

    by_env = digest(clone, "build", DIGEST_BASE_URL="https://papers.example.org/")

    assert "base URL: https://papers.example.org/ (from DIGEST_BASE_URL)" in by_env.stdout


@needs_git
def test_check_resolves_links_under_the_base_url_the_build_recorded(clone):
    assert digest(clone, "build", "--base-url", "https://ada.example/sub/path/").returncode == 0
    assert built_for(clone / "build") == (True, "https://ada.example/sub/path/")

    result = digest(clone, "check")

    assert result.returncode == 0, result.stderr[-2000:]
    assert "no broken links" in result.stdout
    # told another base URL, the same site is broken: the check really reads the record
    assert digest(clone, "check", "--base-url", "https://ada.example/other/").returncode == 1


def test_a_build_without_a_base_url_records_none(seed_build):
    assert built_for(seed_build) == (True, None)


def test_check_falls_back_to_site_yaml_for_a_build_older_than_the_record(seed_build, content_copy, tmp_path):
    site = tmp_path / "build"
    shutil.copytree(seed_build, site)
    (site / ".digest-build").write_bytes(b"This folder was made by `digest build`; `digest clean` may delete it.\n")
    (content_copy / "site.yaml").write_text("base_url: https://ada.example/elsewhere/\n", encoding="utf-8")

    result = CliRunner().invoke(main, ["check", "--content", str(content_copy), "--out", str(site)])

    assert result.exit_code == 1  # built for `/`, checked for site.yaml's /elsewhere/
    assert "outside the site's base path /elsewhere/" in result.output


@needs_git
def test_serve_builds_for_its_own_address_under_the_sites_path(clone):
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "site_src", "serve", "--port", "0"], cwd=clone, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)},
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("serving "):
                break
        url = lines[-1].split(" at ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/paper-digest/")
        assert f"base URL: {url} (the preview's own address; published, https://ada.github.io/paper-digest/ from the git remote origin" in "".join(lines)
        with urllib.request.urlopen(url + "feed.xml", timeout=30) as response:
            feed = feedparser.parse(response.read())
        assert feed.entries and all(entry.link.startswith(url + "papers/") for entry in feed.entries)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_without_a_base_url_the_404_page_is_styled_at_any_depth_under_a_sub_path(seed_build, browser):
    from site_src.commands.serve import make_server

    server = make_server(seed_build, "/paper-digest/", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context()
    tab = context.new_page()
    tab.add_init_script("""document.addEventListener('securitypolicyviolation', e =>
      (window.__csp = window.__csp || []).push(e.violatedDirective));""")
    failed = []
    tab.on("requestfailed", lambda request: failed.append(request.url))
    tab.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "/no/such/" not in r.url else None)
    try:
        response = tab.goto(f"http://127.0.0.1:{server.server_address[1]}/paper-digest/no/such/folder/page/")
        assert response.status == 404
        assert tab.locator("h1").inner_text() == "Page not found"
        styled = tab.evaluate("getComputedStyle(document.querySelector('main')).maxWidth")
        assert styled == "832px"  # main{max-width:52rem} from the inlined stylesheet
        assert tab.evaluate("window.__csp || []") == [] and failed == []
    finally:
        context.close()
        server.shutdown()
        server.server_close()
