"""Reading the curator's YAML files: bounded, every key's line known, errors that name the key, file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from site_src.config import yaml_text
from site_src.errors import DigestError
from site_src.files.source import read_text


# Dates stay text: we parse them, so 2024-13-01 is our error, not a crash.
_Loader = yaml_text.DATES_AS_TEXT
# Numbers stay text too, for files that name things: arXiv id 2506.10010 must not become the float 2506.1001.
TEXT_LOADER = yaml_text.loader_without("timestamp", "int", "float")


def yaml_load(text: str) -> Any:
    """The curator's YAML, bounded (yaml_text): aliases, nesting, string sizes; a duplicate key is an error."""
    return yaml_text.load(text, _Loader)


class Reader:
    """Checks the mappings of one YAML file, naming each key's line in its errors."""

    def __init__(self, path: Path, lines: dict[tuple[str, ...], int]):
        self.path = path
        self.lines = lines

    def error(self, keys: tuple, message: str) -> DigestError:
        name = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in keys).lstrip(".")
        line = self.lines.get(keys)
        if line is None and len(keys) > 1:
            line = self.lines.get(keys[:-1])
        return DigestError(f"{name}: {message}", self.path, line)

    def mapping(self, value: Any, keys: tuple[str, ...]) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.error(keys, f"expected a mapping, got {kind_of(value)}")
        return value

    def known(self, value: dict, allowed: set[str], keys: tuple[str, ...]) -> None:
        for key in value:
            if str(key) not in allowed:
                hint = ", ".join(sorted(allowed))
                raise self.error((*keys, str(key)), f"unknown key (known keys: {hint})")

    def typed(self, value: Any, kind: type, keys: tuple[str, ...], optional: bool = False):
        if value is None and optional:
            return None
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise self.error(keys, f"expected {kind.__name__}, got {kind_of(value)}")
        return value


def kind_of(value: Any) -> str:
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"[:80]


def read_yaml(path: Path, loader=_Loader) -> tuple[Any, Reader]:
    """A YAML file's data and a reader that checks it, naming the line of each key; bad YAML is an error with its line."""
    text = read_text(path)
    try:
        data, lines = yaml_text.load_with_lines(text, loader)
    except yaml.YAMLError as exc:
        problem, line = yaml_text.explain(text, exc)
        raise DigestError(f"invalid YAML: {problem}", path, line) from None
    return data, Reader(path, lines)
