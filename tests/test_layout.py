"""The package reads as the pipeline: imports run only from a later stage to an earlier one, with no cycles.

Both kinds of import count: `from site_src.x import y` and `from .x import y` (relative), anywhere in a
module, functions included (the build imports its heavy stages lazily).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_src"
# Top to bottom, as docs/architecture.md draws it; equal numbers are places that never import each other's work.
ORDER = {
    "__main__": 13, "cli": 12, "commands": 11, "build": 10, "render": 9, "outputs": 8, "assemble": 7,
    "curation": 6, "topics": 5, "ingest": 5, "config": 4, "files": 3, "text": 2, "records": 2, "errors": 1,
}


def module_imports(path: Path, text: str | None = None) -> set[str]:
    """The package's modules a file (or `text` standing at its place) imports, absolute and relative imports alike."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    name = ".".join(p for p in parts if p != "__init__")
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.Import):
            targets.update(a.name.removeprefix("site_src.") for a in node.names if a.name.startswith("site_src."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, node.module] if node.module else base)
            elif node.module == "site_src" or (node.module or "").startswith("site_src."):
                module = node.module.removeprefix("site_src").lstrip(".")
            else:
                continue
            if module:
                targets.add(module)
            else:  # `from site_src import build`: the names are the modules
                targets.update(a.name for a in node.names)
    return targets


def _imports() -> dict[str, set[str]]:
    """Module name -> the package's modules it imports."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(p for p in parts if p != "__init__")] = module_imports(path)
    return found


def _stage(module: str) -> str:
    return module.split(".")[0] or "__init__"


def test_every_module_belongs_to_a_known_place():
    assert {_stage(m) for m in _imports() if m} <= set(ORDER)


def test_no_import_runs_up_from_a_lower_place_to_a_higher_one():
    upward = [
        (module, target)
        for module, targets in _imports().items()
        for target in targets
        if module and _stage(module) != _stage(target) and ORDER[_stage(module)] <= ORDER[_stage(target)]
    ]
    assert upward == []


def test_an_absolute_import_of_a_later_stage_is_seen():
    """`import site_src.build` or `from site_src import render` in an ingest module run upward: the scan sees both."""
    probe = PACKAGE / "ingest" / "text.py"
    text = probe.read_text(encoding="utf-8")
    assert not {"build", "render"} & module_imports(probe)
    assert {"build", "render"} <= module_imports(probe, text + "\nimport site_src.build\nfrom site_src import render\n")


def test_no_module_passes_400_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_ls_site_src_names_where_inputs_outputs_and_commands_go():
    """A newcomer's three questions answer themselves from the folder names."""
    names = {p.name for p in PACKAGE.iterdir()}
    assert {"ingest", "outputs", "commands", "cli.py", "build.py"} <= names
    assert (PACKAGE / "ingest" / "readers.py").is_file()
    assert (PACKAGE / "outputs" / "__init__.py").is_file()
