"""The curator's YAML (site.yaml, curation.yaml, front matter), loaded safely: small hostile files stay small.

PyYAML alone gives a few hundred bytes the power of gigabytes: nested aliases expand exponentially
once anything walks them, a self-referring alias makes a value that has no end, and deep nesting
overflows the stack. So the text is first read as a flat stream of events (no recursion) to bound its
nesting and its strings, then composed into nodes, which are checked (without recursion) for loops,
for how many values the aliases expand to, and for duplicate keys, before any Python value is made.
Every refusal is a YAMLError with the line, so callers report it like any other YAML error. Dates stay
text (callers parse them). This module does not validate what the keys mean; config and curation do.
"""

from __future__ import annotations

from typing import Any

import yaml

from site_src.text.clean import clean_data

MAX_DEPTH = 64  # nested mappings and lists
MAX_STRING = 100_000  # characters in one string (a key or a value)
MAX_VALUES = 100_000  # values in the document, every alias counted as what it expands to


def loader_without(*tags: str) -> type[yaml.SafeLoader]:
    """Safe YAML that leaves plain values of these kinds (`timestamp`, `int`, `float`) as text."""
    tags = tuple(f"tag:yaml.org,2002:{tag}" for tag in tags)

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [r for r in resolvers if r[0] not in tags] for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


# Dates stay text: we parse them, so 2024-13-01 is our error, not a crash.
DATES_AS_TEXT = loader_without("timestamp")


class YamlLimitError(yaml.MarkedYAMLError):
    """A document refused for its shape (too deep, too large, a loop, a repeated key), with the line."""

    def __init__(self, problem: str, mark):
        super().__init__(problem=problem, problem_mark=mark)


def _check_events(text: str, loader: type[yaml.SafeLoader]) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlLimitError(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.ScalarEvent) and len(event.value) > MAX_STRING:
            raise YamlLimitError(f"a string of {len(event.value):,} characters; the most is {MAX_STRING:,}", event.start_mark)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_nodes(root: yaml.Node) -> None:
    """Loops, expanded size and duplicate keys, in one walk without recursion (each node once, aliases shared)."""
    size: dict[int, int] = {}  # id(node) -> values it expands to, once its walk is done
    open_ids: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            open_ids.discard(id(node))
            size[id(node)] = 1 + sum(size[id(child)] for child in _children(node))
            if size[id(node)] > MAX_VALUES:
                raise YamlLimitError(f"expands to more than {MAX_VALUES:,} values (through aliases)", node.start_mark)
            continue
        if id(node) in size:
            continue
        if id(node) in open_ids:
            raise YamlLimitError("an alias refers to a mapping or list that holds it (a loop)", node.start_mark)
        open_ids.add(id(node))
        _check_keys(node)
        stack.append((node, True))
        for child in reversed(_children(node)):
            if id(child) in open_ids:
                raise YamlLimitError("an alias refers to a mapping or list that holds it (a loop)", child.start_mark)
            if id(child) not in size:
                stack.append((child, False))


def _check_keys(node: yaml.Node) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict[tuple[str, str], yaml.Node] = {}
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        first = seen.setdefault((key.tag, key.value), key)
        if first is not key:
            raise YamlLimitError(f"duplicate key {key.value!r} (first at line {first.start_mark.line + 1})", key.start_mark)


def compose(text: str, loader: type[yaml.SafeLoader] = DATES_AS_TEXT) -> yaml.Node | None:
    """The checked node tree of one YAML document (None when empty); refusals are YAMLErrors with a line."""
    _check_events(text, loader)
    root = yaml.compose(text, Loader=loader)
    if root is not None:
        _check_nodes(root)
    return root


# PyYAML's messages for the mistakes people make, in plain words.
_PLAIN = {
    "expected <block end>, but found": "this line does not line up with the lines above it (check its indentation)",
    "mapping values are not allowed here": "a `: ` where YAML does not expect one (put a value holding `: ` in quotes)",
    "found character '\\t' that cannot start any token": "a tab; YAML indents with spaces only",
    "could not find expected ':'": "a line without `key: value` (or a quote left open above it)",
}


def _open_quote(line: str) -> bool:
    """Whether a line's value opens a quote it does not close (`label: "Speech recognition`)."""
    for marker in (": ", "- "):
        if marker in line:
            value = line.split(marker, 1)[1].strip()
            break
    else:
        return False
    if value[:1] == '"':
        rest, escaped = value[1:], False
        for char in rest:
            if char == '"' and not escaped:
                return False
            escaped = char == "\\" and not escaped
        return True
    if value[:1] == "'":
        return value[1:].replace("''", "").count("'") == 0
    return False


def explain(text: str, error: yaml.YAMLError) -> tuple[str, int | None]:
    """(what is wrong, in plain words; its line) for a YAML error: an unclosed quote is named on the line that opens it."""
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark else None
    problem = str(getattr(error, "problem", None) or error)
    if line is not None:
        lines = text.splitlines()
        for number in range(1, min(line, len(lines)) + 1):
            if _open_quote(lines[number - 1]) and (number < line or "quoted scalar" in str(getattr(error, "context", ""))):
                return f"a quote opened on line {number} is not closed on that line, so YAML reads on to line {line} looking for its end", number
    plain = next((words for start, words in _PLAIN.items() if problem.startswith(start)), problem)
    return plain, line


def load_with_lines(text: str, loader: type[yaml.SafeLoader] = DATES_AS_TEXT) -> tuple[Any, dict[tuple, int]]:
    """The Python value of one checked YAML document, and the line of each key and list item (key_lines)."""
    root = compose(text, loader)
    if root is None:
        return None, {}
    constructor = loader("")
    try:
        return clean_data(constructor.construct_document(root)), key_lines(root)  # "\ud800" is a valid escape
    finally:
        constructor.dispose()


def load(text: str, loader: type[yaml.SafeLoader] = DATES_AS_TEXT) -> Any:
    """The Python value of one checked YAML document."""
    return load_with_lines(text, loader)[0]


def key_lines(root: yaml.Node | None) -> dict[tuple, int]:
    """Line number (1-based) of every mapping key and list item, by its path of keys (an item's key is its index).

    A node reached twice (through an alias) is walked once, at its first path.
    """
    lines: dict[tuple, int] = {}
    seen: set[int] = set()
    stack = [(root, ())] if root is not None else []
    while stack:
        node, prefix = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            children = [((*prefix, str(key.value)), key, value) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            children = [((*prefix, number), item, item) for number, item in enumerate(node.value)]
        else:
            continue
        for path, marked, child in children:
            lines.setdefault(path, marked.start_mark.line + 1)
            stack.append((child, path))
    return lines
