"""The `digest` command: its options and subcommands, wired to their bodies in site_src/commands/ (one module each)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from site_src.errors import DigestError
from site_src.text.project import DISTRIBUTION



def _folder(flag: str, default: str, help: str):
    return click.option(flag, type=click.Path(file_okay=False, path_type=Path), default=Path(default), show_default=True, help=help)


CONTENT = _folder("--content", "content", "Folder with site.yaml, dumps/ and pages/. Templates are read from templates/ beside it.")
OUT = _folder("--out", "build", "Output folder; replaced whole, only after a successful build.")


def _run(command) -> None:
    """Run a command's body (site_src/commands/); bad input ends it with one line and exit status 1."""
    try:
        command()
    except DigestError as error:
        _fail(error)


def _fail(error: DigestError) -> None:
    from site_src.commands.terminal import error_line  # red on a terminal, plain in a pipe or log

    click.echo(error_line(str(error), sys.stderr), err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=DISTRIBUTION)
def main() -> None:
    """Build a static website of research-paper digests from saved Hugging Face Papers pages."""


@main.command("build")
@CONTENT
@OUT
@click.option(
    "--base-url",
    envvar="DIGEST_BASE_URL",
    help="Public URL of the site, e.g. https://you.github.io/my-digest/ (overrides site.yaml; env DIGEST_BASE_URL).",
)
@click.option("--strict", is_flag=True, help="Report every warning, then fail with their count before writing anything (for CI).")
@click.option(
    "--lock/--no-lock",
    default=True,
    show_default=True,
    help="Name topics after CONTENT/topics.lock.json and update it, so topic URLs survive new dumps.",
)
@click.option("--drafts", is_flag=True, help="Also build Markdown pages marked `draft: true` (digest serve always does).")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also name each stage as it starts and list the seconds it took.")
def build_command(
    content: Path, out: Path, base_url: str | None, strict: bool, lock: bool, drafts: bool, quiet: bool, verbose: bool
) -> None:
    """Build the site from CONTENT into OUT."""
    from site_src.commands import build

    _run(lambda: build.run(content, out, _public_url(content, base_url), strict, lock, drafts, quiet, verbose))


@main.command("clean")
@OUT
def clean_command(out: Path) -> None:
    """Delete OUT, but only if a build made it (it holds the build's marker file)."""
    from site_src.commands import clean

    _run(lambda: clean.run(out))


BASE_URL = click.option(
    "--base-url",
    envvar="DIGEST_BASE_URL",
    help="Public URL the site was built for (overrides site.yaml; env DIGEST_BASE_URL).",
)


def _public_url(content: Path, base_url: str | None):
    """The base URL to build for and where it came from: the option, site.yaml, or the GitHub origin remote."""
    from click.core import ParameterSource

    from site_src.commands.public_url import find_base_url
    from site_src.config import load_config

    from_env = click.get_current_context().get_parameter_source("base_url") is ParameterSource.ENVIRONMENT
    config = load_config(content / "site.yaml")
    return find_base_url(base_url, "DIGEST_BASE_URL" if from_env else "--base-url", config, content.absolute().parent)


@main.command("check")
@CONTENT
@OUT
@BASE_URL
def check_command(content: Path, out: Path, base_url: str | None) -> None:
    """Check that every internal link, asset and fragment in OUT resolves; list each broken one.

    Links are resolved under the base URL OUT was built for (its marker records it) unless --base-url says otherwise.
    """
    from site_src.commands import check

    _run(lambda: check.run(content, out, base_url))


@main.command("serve")
@CONTENT
@OUT
@BASE_URL
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
def serve_command(content: Path, out: Path, base_url: str | None, port: int) -> None:
    """Build (with drafts), then serve OUT on 127.0.0.1 under the base URL's path, rebuilding when content or templates change.

    The preview is built for its own address (http://127.0.0.1:PORT/PATH/), so its feeds and links work locally.
    """
    from site_src.commands import serve

    _run(lambda: serve.run(content, out, _public_url(content, base_url), port))


@main.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", default="Paper Digest", show_default=True, help="The site's title (content/site.yaml).")
@click.option(
    "--base-url",
    help="Public URL of the site, written into content/site.yaml; without it, a GitHub `origin` remote gives it.",
)
def new_command(folder: Path, title: str, base_url: str | None) -> None:
    """Make a new site in FOLDER: content/ (site.yaml, dumps/, a page), workflows, .gitignore and a README.

    Refuses a folder that already holds files.
    """
    from site_src.commands import new

    _run(lambda: new.run(folder, title, base_url))


@main.command("fetch")
@click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="The one day to fetch (default: yesterday, UTC).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Fetch every day from this one ...")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="... up to this one, included (default: yesterday, UTC).")
@CONTENT
@click.option(
    "--api-url",
    envvar="DIGEST_API_URL",
    help="The daily-papers API, asked as URL?date=YYYY-MM-DD (default: https://huggingface.co/api/daily_papers; env DIGEST_API_URL).",
)
@click.option("--force", is_flag=True, help="Fetch days already saved again, replacing their dumps.")
@click.option("--pause", type=click.FloatRange(0), default=1.0, show_default=True, help="Seconds between two requests.")
@click.option("--tries", type=click.IntRange(1), default=5, show_default=True, help="Tries per day on 429, 5xx and timeouts.")
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=60.0, show_default=True, help="Seconds for a whole request, every byte of the answer included.")
def fetch_command(on, since, until, content: Path, api_url: str | None, force: bool, pause: float, tries: int, timeout: float) -> None:
    """Save each day's daily-papers API response as CONTENT/dumps/YYYY-MM-DD.json, exactly as received.

    Days already saved are skipped; an error body, an empty day or a non-JSON answer is reported and not saved.
    Exits 1 when a day failed.
    """
    from site_src.commands import fetch

    _run(lambda: fetch.run(on, since, until, content, api_url, force, pause, tries, timeout))


if __name__ == "__main__":
    main()
