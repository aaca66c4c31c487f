"""`digest build`: run the pipeline (site_src.build) once, with a progress line, and say what it made."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from site_src.commands.public_url import BaseUrl
from site_src.errors import DigestError


def run(content: Path, out: Path, public: BaseUrl, strict: bool, lock: bool, drafts: bool, quiet: bool, verbose: bool) -> None:
    """Build CONTENT into OUT; a DigestError is raised once the progress line has finished."""
    from site_src.build import build
    from site_src.commands.terminal import progress, summary_lines, warning_line

    def warn(warning) -> None:
        click.echo(warning_line(str(warning), sys.stderr), err=True)

    failed = None
    with progress(sys.stderr, enabled=not quiet and not verbose) as on_stage:
        stage = (lambda name: click.echo(f"stage: {name}", err=True)) if verbose and not quiet else on_stage
        try:
            report = build(  # digest serve's rebuild of OUT is waited for, and said so; another build is an error
                content, out, base_url=public.url, strict=strict, lock=lock, on_warning=warn, on_stage=stage, drafts=drafts,
                wait="serve", on_wait=lambda message: click.echo(f"\n{message}" if not quiet and not verbose else message, err=True),
            )
        except DigestError as error:
            failed = error  # reported once the progress bar has finished its line
    if failed:
        raise failed
    if quiet:
        return
    click.echo(public.describe())
    params = ", ".join(f"{k}={v}" for k, v in report.topic_params.items())
    click.echo(f"topics: {params}")
    if report.curation:
        click.echo(f"curation: {report.curation}")
    if report.lock_written:
        click.echo(f"topics: wrote {content / 'topics.lock.json'} (commit it with your content)")
    for note in report.notes:
        click.echo(f"feeds: {note}")
    for line in summary_lines(report, out, verbose):
        click.echo(line)
