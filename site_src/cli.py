"""The `digest` command: parses options, runs the pipeline, prints what happened."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import DigestError

CONTENT = click.option(
    "--content",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("content"),
    show_default=True,
    help="Folder with site.yaml, dumps/ and pages/. Templates are read from templates/ beside it.",
)
OUT = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Output folder; replaced whole, only after a successful build.",
)


def _fail(error: DigestError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paper-digest")
def main() -> None:
    """Build a static website of research-paper digests from saved Hugging Face Papers pages."""


@main.command("build")
@CONTENT
@OUT
@click.option("--base-url", help="Public URL of the site, e.g. https://you.github.io/my-digest/ (overrides site.yaml).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors (for CI).")
def build_command(content: Path, out: Path, base_url: str | None, strict: bool) -> None:
    """Build the site from CONTENT into OUT."""
    from .build import build

    def warn(warning) -> None:
        click.echo(f"warning: {warning}", err=True)

    try:
        report = build(content, out, base_url=base_url, strict=strict, on_warning=warn)
    except DigestError as error:
        _fail(error)
    params = ", ".join(f"{k}={v}" for k, v in report.topic_params.items())
    click.echo(f"topics: {params}")
    for note in report.feed_notes:
        click.echo(f"feeds: {note}")
    stages = " ".join(f"{name} {seconds:.2f}s" for name, seconds in report.stages.items())
    click.echo(
        f"built {out}: {report.papers} papers ({report.entries} entries in {report.digests} digests), "
        f"{report.topics} topics, {report.pages} pages, {report.files} files in {report.seconds:.2f}s ({stages})"
    )


@main.command("clean")
@OUT
def clean_command(out: Path) -> None:
    """Delete OUT, but only if a build made it (it holds the build's marker file)."""
    from .output import clean

    try:
        removed = clean(out)
    except DigestError as error:
        _fail(error)
    click.echo(f"removed {out}" if removed else f"nothing to remove: {out} does not exist")


if __name__ == "__main__":
    main()
