"""The docs stay true to the code: README short and linking every page, every link resolving, every command
and option of the `digest` command in docs/cli.md, every top-level place of the package on the architecture page."""

from __future__ import annotations

import re
from pathlib import Path

import click

from site_src.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_readme_is_short_and_links_every_docs_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    linked = {Path(m).name for m in _LINK.findall(readme) if m.startswith("docs/") and m.endswith(".md")}
    assert linked == {p.name for p in DOCS.glob("*.md")}


def test_every_relative_link_in_the_docs_resolves():
    broken = []
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append((page.name, target))
    assert broken == []


def _commands(group: click.Group):
    for name, command in sorted(group.commands.items()):
        yield name, command


def test_the_cli_page_names_every_command_and_option():
    """A command or option added to cli.py without a word in docs/cli.md fails here."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = []
    for name, command in _commands(main):
        if f"digest {name}" not in text:
            missing.append(f"digest {name}")
        for param in command.params:
            if isinstance(param, click.Option):
                flags = [f for f in param.opts + param.secondary_opts if f.startswith("--")]
                if flags and not any(flag in text for flag in flags):
                    missing.append(f"digest {name} {flags[0]}")
    assert missing == []


def test_the_architecture_page_names_every_place_in_the_package():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "site_src"
    places = {p.name for p in package.iterdir() if (p.suffix == ".py" or (p / "__init__.py").is_file())}
    places -= {"__init__.py", "__main__.py"}
    missing = sorted(place for place in places if not re.search(rf"^\s+{re.escape(place.removesuffix('.py'))}[./ ]", text, re.M))
    assert missing == []


def test_every_reader_and_every_output_is_documented():
    """A row added to ingest/readers.py READERS or outputs/__init__.py OUTPUTS without its page fails here."""
    from site_src.ingest.readers import READERS
    from site_src.outputs import OUTPUTS

    content = (DOCS / "content.md").read_text(encoding="utf-8")
    assert [r.name for r in READERS if r.name not in content] == []
    architecture = (DOCS / "architecture.md").read_text(encoding="utf-8")
    assert [o.name for o in OUTPUTS if f"`{o.name}`" not in architecture] == []
