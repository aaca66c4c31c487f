"""`digest new`: a new site folder made from the files in commands/new_site/ (content/, workflows, .gitignore, README).

The files ship inside the package; a path part `dot-NAME` is written as `.NAME` (so no `.gitignore` or
`.github/` inside the package acts on this repository). `@TITLE_TEXT@`, `@REQUIREMENT@` and
`@SITE_YAML@` (config/docs.py: every setting from its declaration) are filled in. It neither builds nor fetches, and refuses a folder that already holds files.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

from site_src.config import SiteConfig, text_problem
from site_src.config.docs import scaffold_yaml
from site_src.errors import DigestError
from site_src.files.safe_write import real_folder, write_file
from site_src.files.source import files_under
from site_src.text.project import DISTRIBUTION

SITE = Path(__file__).resolve().parent / "new_site"


def install_requirement() -> str:
    """The requirements.txt line a new site's workflows install this tool with.

    Where this copy came from a URL others can reach (pip's direct_url.json: a git URL, an https wheel), that
    URL, pinned to its commit; otherwise the version, with a note to point it somewhere CI can install from.
    """
    try:
        dist = metadata.distribution(DISTRIBUTION)
        origin = json.loads(dist.read_text("direct_url.json") or "{}")
        version = dist.version
    except (metadata.PackageNotFoundError, ValueError):
        origin, version = {}, "0"
    url = origin.get("url", "") if isinstance(origin, dict) else ""
    vcs = origin.get("vcs_info") if isinstance(origin, dict) else None
    if url.startswith(("https://", "http://")) and isinstance(vcs, dict) and vcs.get("commit_id"):
        return f"{DISTRIBUTION} @ {vcs.get('vcs', 'git')}+{url}@{vcs['commit_id']}"
    if url.startswith("https://") and not vcs:
        return f"{DISTRIBUTION} @ {url}"
    return (
        f"# This copy of {DISTRIBUTION} was installed from a local folder or file, which the workflows cannot reach:\n"
        f"# name where they can install it from, e.g. {DISTRIBUTION} @ git+https://github.com/OWNER/REPOSITORY@v{version}\n"
        f"{DISTRIBUTION}=={version}"
    )


def _target(folder: Path, source: Path) -> Path:
    parts = ("." + part[len("dot-") :] if part.startswith("dot-") else part for part in source.relative_to(SITE).parts)
    return folder.joinpath(*parts)


def new_site(folder: Path, title: str = "Paper Digest", base_url: str | None = None) -> list[Path]:
    """Fill a new (or empty) folder with a site; returns the files written, relative to folder."""
    if folder.exists() and not folder.is_dir():
        raise DigestError("exists and is not a folder", folder)
    if folder.is_dir() and any(folder.iterdir()):
        raise DigestError("the folder is not empty; `digest new` only fills a new or empty folder", folder)
    base_url = SiteConfig().with_base_url(base_url).base_url  # the build's own rule: http(s), no line breaks
    problem = text_problem("title", title)  # the build's own rule, so the new site builds
    if problem:
        raise DigestError(f"--title: {problem}")
    values = {
        "@TITLE_TEXT@": title,
        "@REQUIREMENT@": install_requirement(),
        "@SITE_YAML@": scaffold_yaml(title, base_url),  # every setting, from its one declaration
    }
    written = []
    for source in files_under(SITE):
        target = _target(folder, source)
        text = source.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        write_file(real_folder(target.parent) / target.name, text.encode("utf-8"))
        written.append(target.relative_to(folder))
    return written


def run(folder: Path, title: str, base_url: str | None) -> None:
    """`digest new`: make the site, list its files, and say what to run next."""
    import datetime as dt

    import click

    written = new_site(folder, title, base_url)
    for path in written:
        click.echo(f"  {folder / path}")
    week_ago = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=7)
    click.echo(f"made a new site in {folder}; next, the last week's papers and a preview:")
    click.echo(f"  cd {folder} && digest fetch --since {week_ago} && digest serve")
