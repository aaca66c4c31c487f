"""`digest clean`: delete the output folder, only when a build made it (it holds the build's marker)."""

from __future__ import annotations

import os
from pathlib import Path

import click


def run(out: Path) -> None:
    from site_src.files.lock import held
    from site_src.files.write import clean

    removed = False
    if os.path.lexists(out):  # nothing there: no lock file made either
        with held(out):
            removed = clean(out)
    click.echo(f"removed {out}" if removed else f"nothing to remove: {out} does not exist")
