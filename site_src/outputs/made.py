"""What an output hands the build: its files by path in build/, and what the curator should hear about them."""

from __future__ import annotations

from dataclasses import dataclass, field

from site_src.errors import BuildWarning


@dataclass(frozen=True)
class Made:
    files: dict[str, bytes] = field(default_factory=dict)
    warnings: tuple[BuildWarning, ...] = ()
    notes: tuple[str, ...] = ()  # said once after the build ("12 undated papers are in the RSS feeds only")
