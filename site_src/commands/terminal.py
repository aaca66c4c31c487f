"""How the build talks to the curator's terminal: a progress display, coloured messages, the closing summary.

Colour and progress appear only on a terminal; piped into a file or a CI log, the output is plain lines.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

import click

from site_src.build import STAGES, BuildReport
from site_src.errors import printable


def is_terminal(stream: IO) -> bool:
    """A terminal that wants colour: a TTY, and NO_COLOR (https://no-color.org) not set."""
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def styled(text: str, stream: IO, **style) -> str:
    """`text` in click.style's colours on a terminal, plain otherwise."""
    return click.style(text, **style) if is_terminal(stream) else text


def error_line(message: str, stream: IO) -> str:
    """One line, whatever the message holds (a file name's escape sequences are shown, not obeyed)."""
    return styled(f"error: {printable(message)}", stream, fg="red", bold=True)


def warning_line(message: str, stream: IO) -> str:
    """On a terminal, first clears the line, where a progress bar may stand."""
    message = printable(message)
    return "\r\x1b[K" + styled(f"warning: {message}", stream, fg="yellow") if is_terminal(stream) else f"warning: {message}"


def human_size(size: int) -> str:
    """1234567 → "1.2 MB" (decimal units, as browsers' network panels count)."""
    for unit in ("B", "kB", "MB"):
        if size < 1000 or unit == "MB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


@contextmanager
def progress(stream: IO, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar over the build's stages on a terminal; off one (or disabled) a callback that does nothing."""
    if not (enabled and is_terminal(stream)):
        yield lambda name: None
        return
    seen: list[str] = []
    with click.progressbar(
        length=len(STAGES), label="building", file=stream, show_eta=False, show_percent=False,
        item_show_func=lambda name: name, width=24,
    ) as bar:

        def on_stage(name: str) -> None:
            if name in seen:  # "read" runs more than once
                return
            bar.update(1 if seen else 0, current_item=name)
            seen.append(name)

        yield on_stage
        bar.update(len(STAGES) - bar.pos, current_item="done")


def summary_lines(report: BuildReport, out, verbose: bool = False) -> list[str]:
    """The closing summary: what was built, the search index's size and the seconds each stage took."""
    stages = " ".join(f"{name} {seconds:.2f}s" for name, seconds in report.stages.items())
    lines = [
        f"built {out}: {report.papers} papers ({report.entries} entries in {report.digests} digests), "
        f"{report.topics} topics in {report.areas} areas, {report.pages} pages, {report.files} files in {report.seconds:.2f}s ({stages})",
        f"feeds: {report.feeds}, search index: {human_size(report.search_bytes)}, site: {human_size(report.site_bytes)} "
        f"in {report.files:,} files, warnings: {len(report.warnings)}",
    ]
    if verbose:
        width = max((len(name) for name in report.stages), default=0)
        lines += [f"  {name:<{width}} {seconds:7.2f}s" for name, seconds in report.stages.items()]
    return lines
