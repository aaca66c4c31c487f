"""Wheel and sdist build hook: ships the built-in theme (templates/) and lunr.js inside the package.

lunr.js comes from node_modules/ as `npm ci` installed it, and must be the version package-lock.json pins (the
Python `lunr` package writes indexes for it); its LICENSE travels beside it. In the wheel they land in
site_src/builtin/, where site_src/source.py looks first. Editable installs read them from the checkout instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LUNR_FILES = ("lunr.min.js", "LICENSE", "package.json")


class ThemeAndLunr(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if version == "editable":
            return
        root = Path(self.root)
        lunr = root / "node_modules" / "lunr"
        pinned = json.loads((root / "package-lock.json").read_text(encoding="utf-8"))["packages"]["node_modules/lunr"]["version"]
        try:
            found = json.loads((lunr / "package.json").read_text(encoding="utf-8"))["version"]
        except (OSError, ValueError, KeyError):
            found = None
        if found != pinned:
            raise RuntimeError(
                f"the package ships lunr.js {pinned} (package-lock.json), but node_modules/lunr holds {found or 'nothing'}; "
                "run `npm ci` first"
            )
        wheel = self.target_name == "wheel"
        prefix = "site_src/builtin/" if wheel else ""  # the sdist keeps the checkout's layout, for its own wheel build
        if wheel:
            build_data["force_include"][str(root / "templates")] = "site_src/builtin/templates"
        for name in LUNR_FILES:
            build_data["force_include"][str(lunr / name)] = f"{prefix}node_modules/lunr/{name}"
