"""The package reads as the pipeline: imports run only from a later stage to an earlier one, with no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_src"
# Stage order (README "Layout"); equal numbers are stages that never import each other's work.
ORDER = {
    "errors": 0, "slugs": 0, "urls": 0, "latex": 0, "source": 0, "build_cache": 0, "yaml_text": 0,
    "config": 1, "model": 1,
    "ingest": 2, "topics": 3, "curation": 4, "site": 5, "feeds": 6, "search": 7, "sitemap": 7, "render": 7,
    "output": 8, "build_lock": 8, "build": 9, "terminal": 10, "check": 10, "serve": 10, "public_url": 10, "fetch": 10,
    "scaffold": 10, "cli": 11, "__main__": 12,
}


def _imports() -> dict[str, set[str]]:
    """Module name -> the package's modules it imports (relative imports only: the package uses no others)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(p for p in parts if p != "__init__")
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                if node.module:
                    targets.add(".".join([*base, node.module]).strip("."))
                else:
                    targets.update(".".join([*base, a.name]).strip(".") for a in node.names)
        found[name] = targets
    return found


def _stage(module: str) -> str:
    return module.split(".")[0] or "__init__"


def test_every_module_belongs_to_a_known_stage():
    assert {_stage(m) for m in _imports() if m} <= set(ORDER)


def test_no_import_runs_from_an_earlier_stage_to_a_later_one():
    forward = [
        (module, target)
        for module, targets in _imports().items()
        for target in targets
        if _stage(module) != _stage(target) and ORDER[_stage(module)] < ORDER[_stage(target)]
    ]
    assert forward == []


def test_the_stages_import_each_other_without_cycles():
    graph: dict[str, set[str]] = {}
    for module, targets in _imports().items():
        graph.setdefault(_stage(module), set()).update(_stage(t) for t in targets if _stage(t) != _stage(module))
    done, active = set(), []

    def visit(node: str) -> None:
        assert node not in active, f"import cycle: {' -> '.join(active + [node])}"
        if node in done:
            return
        active.append(node)
        for other in sorted(graph.get(node, ())):
            visit(other)
        active.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)


def test_no_module_passes_400_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
