"""Wheel and sdist build hook: ships the built-in theme (templates/) inside the package.

In the wheel it lands in site_src/builtin/, where site_src/files/source.py looks first. Editable installs read it
from the checkout instead.
"""

from __future__ import annotations

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class Theme(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable" or self.target_name != "wheel":
            return  # the sdist keeps the checkout's layout, templates/ included, for its own wheel build
        build_data["force_include"][str(Path(self.root) / "templates")] = "site_src/builtin/templates"
