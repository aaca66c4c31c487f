"""The `digest` command: parses options, runs the pipeline, prints what happened."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import click

from site_src.errors import DigestError
from site_src.files.limits import PAGES_LIMIT



def _folder(flag: str, default: str, help: str):
    return click.option(flag, type=click.Path(file_okay=False, path_type=Path), default=Path(default), show_default=True, help=help)


CONTENT = _folder("--content", "content", "Folder with site.yaml, dumps/ and pages/. Templates are read from templates/ beside it.")
OUT = _folder("--out", "build", "Output folder; replaced whole, only after a successful build.")


def _fail(error: DigestError) -> None:
    from site_src.commands.terminal import error_line  # red on a terminal, plain in a pipe or log

    click.echo(error_line(str(error), sys.stderr), err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="paper-digest")
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
@click.option(
    "--size-limit",
    envvar="DIGEST_SIZE_LIMIT",
    type=click.IntRange(min=1),
    default=PAGES_LIMIT // 1_000_000,
    show_default=True,
    help="The most the host serves, in MB (GitHub Pages: 1000); the build warns from 80% of it (env DIGEST_SIZE_LIMIT).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Also name each stage as it starts and list the seconds it took.")
def build_command(
    content: Path, out: Path, base_url: str | None, strict: bool, lock: bool, drafts: bool, size_limit: int, quiet: bool,
    verbose: bool,
) -> None:
    """Build the site from CONTENT into OUT."""
    from site_src.build import build
    from site_src.commands.terminal import progress, summary_lines, warning_line

    def warn(warning) -> None:
        click.echo(warning_line(str(warning), sys.stderr), err=True)

    def say(line: str) -> None:
        if not quiet:
            click.echo(line)

    try:
        public = _public_url(content, base_url)
    except DigestError as error:
        _fail(error)
    failed = None
    with progress(sys.stderr, enabled=not quiet and not verbose) as on_stage:
        stage = (lambda name: click.echo(f"stage: {name}", err=True)) if verbose and not quiet else on_stage
        try:
            report = build(
                content, out, base_url=public.url, strict=strict, lock=lock, on_warning=warn, on_stage=stage, drafts=drafts,
                size_limit=size_limit * 1_000_000,
            )
        except DigestError as error:
            failed = error  # reported once the progress bar has finished its line
    if failed:
        _fail(failed)
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
        say(line)


@main.command("clean")
@OUT
def clean_command(out: Path) -> None:
    """Delete OUT, but only if a build made it (it holds the build's marker file)."""
    from site_src.files.lock import held
    from site_src.files.write import clean

    try:
        removed = False
        if os.path.lexists(out):  # nothing there: no lock file made either
            with held(out):
                removed = clean(out)
    except DigestError as error:
        _fail(error)
    click.echo(f"removed {out}" if removed else f"nothing to remove: {out} does not exist")


BASE_URL = click.option(
    "--base-url",
    envvar="DIGEST_BASE_URL",
    help="Public URL the site was built for (overrides site.yaml; env DIGEST_BASE_URL).",
)


def _public_url(content: Path, base_url: str | None):
    """The base URL to build for and where it came from: the option, site.yaml, or the GitHub origin remote."""
    from click.core import ParameterSource

    from site_src.config import load_config
    from site_src.commands.public_url import find_base_url

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
    from site_src.commands.check import check_site
    from site_src.config import load_config
    from site_src.files.write import built_for

    if not out.is_dir():
        _fail(DigestError("no built site here; run `digest build` first", out))
    recorded, built = built_for(out)
    try:  # a build made before the marker recorded its base URL: site.yaml's, as before
        base_url = base_url or (built if recorded else load_config(content / "site.yaml").base_url)
    except DigestError as error:
        _fail(error)
    broken = check_site(out, base_url)
    for link in broken:
        click.echo(f"{out / link.page}: broken link {link.url} ({link.reason})", err=True)
    if broken:
        click.echo(f"{len(broken)} broken links in {out}", err=True)
        sys.exit(1)
    click.echo(f"checked {out}: no broken links")


@main.command("serve")
@CONTENT
@OUT
@BASE_URL
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
def serve_command(content: Path, out: Path, base_url: str | None, port: int) -> None:
    """Build (with drafts), then serve OUT on 127.0.0.1 under the base URL's path, rebuilding when content or templates change.

    The preview is built for its own address (http://127.0.0.1:PORT/PATH/), so its feeds and links work locally.
    """
    from site_src.build import build
    from site_src.config import SiteConfig
    from site_src.errors import printable
    from site_src.commands.serve import listen, serve

    try:
        public = _public_url(content, base_url)
        base_path = SiteConfig(base_url=public.url).base_path
        server = listen(out, base_path, port)
    except DigestError as error:
        _fail(error)
    host, bound = server.server_address[:2]
    local = f"http://{host}:{bound}{base_path}"
    published = f"; published, {public.url} from {public.source}" if public.url else ""
    click.echo(f"base URL: {local} (the preview's own address{published})")

    def rebuild() -> None:
        report = build(content, out, base_url=local, on_warning=lambda w: click.echo(printable(f"warning: {w}"), err=True),
                       drafts=True, wait=True, on_wait=lambda message: click.echo(printable(message), err=True))
        click.echo(f"built {out}: {report.pages} pages in {report.seconds:.2f}s")

    try:
        rebuild()
    except DigestError as error:
        if not out.is_dir():
            server.server_close()
            _fail(error)
        click.echo(printable(f"error: {error} (serving the previous build)"), err=True)
    watched = [content, content.absolute().parent / "templates"]
    serve(server, local, out, watched, rebuild, on_message=lambda line: click.echo(printable(line), err=line.startswith("error")))


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
    from site_src.commands.new import new_site

    try:
        written = new_site(folder, title, base_url)
    except DigestError as error:
        _fail(error)
    for path in written:
        click.echo(f"  {folder / path}")
    week_ago = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=7)
    click.echo(f"made a new site in {folder}; next, the last week's papers and a preview:")
    click.echo(f"  cd {folder} && digest fetch --since {week_ago} && digest serve")


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
@click.option("--timeout", type=click.FloatRange(0, min_open=True), default=30.0, show_default=True, help="Seconds to wait for an answer.")
def fetch_command(on, since, until, content: Path, api_url: str | None, force: bool, pause: float, tries: int, timeout: float) -> None:
    """Save each day's daily-papers API response as CONTENT/dumps/YYYY-MM-DD.json, exactly as received.

    Days already saved are skipped; an error body, an empty day or a non-JSON answer is reported and not saved.
    Exits 1 when a day failed.
    """
    import signal

    from site_src.commands.fetch import DEFAULT_API_URL, Policy, day_range, fetch_days
    from site_src.commands.terminal import error_line, is_terminal, styled

    yesterday = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    try:
        if on and (since or until):
            raise DigestError("give either --date or --since/--until, not both")
        if until and not since:
            raise DigestError("--until needs --since")
        days = day_range(since.date(), until.date() if until else yesterday) if since else [on.date() if on else yesterday]
    except DigestError as error:
        _fail(error)
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
    try:
        report = fetch_days(days, content / "dumps", api_url, force, policy, on_day=report_day, on_note=note, on_ask=ask)
    except DigestError as error:
        _fail(error)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
