"""What the setting declarations (config/__init__.py) write for people: the docs' table and a new site's site.yaml.

`python -m site_src.config.docs` rewrites docs/configuration.md; tests/test_config.py fails when it drifts.
"""

from __future__ import annotations

import json
import sys
from dataclasses import MISSING, is_dataclass
from pathlib import Path

from site_src.config import SiteConfig, bounds_text, plain_type, settings_of

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "configuration.md"


_WORDS = {str: "text", int: "whole number", float: "number", bool: "yes or no"}


def _default(f) -> object:
    return f.default_factory() if f.default is MISSING else f.default


def _yaml_value(value: object, meta: dict) -> str:
    if value is None:
        return meta["auto"] or "null"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if value else '""'
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, bool):  # YAML's spelling
        return "true" if value else "false"
    return str(value)


def _rows(section: type, prefix: str = ""):
    """(key, type, default, bounds, doc) for every setting, sections opened in place."""
    for f, kind in settings_of(section):
        key = prefix + f.name
        if is_dataclass(kind):
            yield from _rows(kind, key + ".")
            continue
        plain, optional = plain_type(kind)
        name = _WORDS.get(plain, "mapping") + (" or none" if optional else "")
        default = _default(f)
        shown = _yaml_value(default, f.metadata) if default not in (None, {}) or f.metadata["auto"] else "none"
        limit = f"at most {f.metadata['most']:,} characters" if f.metadata["most"] else bounds_text(f.metadata)
        yield key, name, shown, limit, f.metadata["doc"]


def configuration_markdown() -> str:
    lines = [
        "# Configuration: `content/site.yaml`",
        "",
        "<!-- Generated from the declarations in site_src/config/__init__.py by `python -m site_src.config.docs`;",
        "     tests/test_config.py fails when this page and the declarations differ. -->",
        "",
        "Every key is optional. An unknown key, a wrong type or a value out of bounds stops the build with the file,",
        "the line and the key (`content/site.yaml:4: topics.cuont: unknown key (known keys: ...)`). A build prints",
        "the topic settings it used (`digest build -v`).",
        "",
        "| key | type | default | allowed | what it does |",
        "|---|---|---|---|---|",
    ]
    for key, kind, default, limit, doc in _rows(SiteConfig):
        lines.append(f"| `{key}` | {kind} | `{default}` | {limit} | {doc} |")
    lines += [
        "",
        "Per-dump settings, under `dumps:` by file name (a date in the file name, `2025-03-14.json`, already dates it):",
        "",
        "```yaml",
        "dumps:",
        "  march-12.txt:",
        "    date: 2025-03-12",
        '    title: "A day worth a title"',
        "```",
        "",
    ]
    return "\n".join(lines)


def scaffold_yaml(title: str, base_url: str | None) -> str:
    """The site.yaml `digest new` writes: the title and base URL given, every other setting commented with its doc."""
    lines = ["# Settings of this digest. Every key is optional; docs/configuration.md lists them with their defaults."]
    for f, kind in settings_of(SiteConfig):
        if is_dataclass(kind):
            lines += ["", f"# {f.name}:"]
            lines += [f"#   {f2.name}: {_yaml_value(_default(f2), f2.metadata)}  # {f2.metadata['doc']}" for f2, _ in settings_of(kind)]
            lines.append("")
        elif f.name == "title":
            lines.append(f"title: {json.dumps(title, ensure_ascii=False)}")  # a JSON string is a YAML string
        elif f.name == "base_url" and base_url:
            lines.append(f"base_url: {base_url}")
        elif f.name == "description":
            lines.append(f"{f.name}: {f.metadata['example']}")
        else:
            example = f.metadata["example"] or _yaml_value(_default(f), f.metadata)
            lines.append(f"# {f.name}: {example}  # {f.metadata['doc']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(configuration_markdown(), encoding="utf-8")
    sys.stdout.write(f"wrote {DOC}\n")
