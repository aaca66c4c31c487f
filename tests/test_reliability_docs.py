"""docs/reliability.md lists the limits as the constants set them (site_src/commands/limits.py makes the table)."""

from __future__ import annotations

from pathlib import Path

from site_src.commands.limits import table

ROOT = Path(__file__).resolve().parent.parent


def test_the_reliability_page_holds_the_limits_table_as_the_constants_make_it():
    assert table() in (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
