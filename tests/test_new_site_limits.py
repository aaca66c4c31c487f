"""`digest new` writes only what its own build accepts, and a requirement that can only be this project."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_src.cli import main
from site_src.commands.new import install_requirement, new_site
from site_src.config import SiteConfig, load_config, settings_of
from site_src.errors import DigestError

ROOT = Path(__file__).resolve().parent.parent
NAME = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]


@pytest.mark.parametrize("base_url", ["https://ada.github.io/digest/\nfeed_items: 1", "https://ada.github.io/\r\ntitle: x",
                                      "https://ada.github.io/my digest/", "https://ada.github.io/\tdigest/"])
def test_new_refuses_a_base_url_with_a_line_break_or_space_and_writes_nothing(tmp_path, base_url):
    with pytest.raises(DigestError, match="base URL must not hold spaces, line breaks or control characters"):
        new_site(tmp_path / "site", base_url=base_url)
    assert not (tmp_path / "site").exists()


def test_a_site_yaml_base_url_with_a_space_is_refused_by_the_build_too(tmp_path):
    (tmp_path / "site.yaml").write_text('base_url: "https://ada.github.io/my digest/"\n', encoding="utf-8")

    with pytest.raises(DigestError, match="line breaks or control characters"):
        load_config(tmp_path / "site.yaml")


def test_new_refuses_a_title_its_own_build_would_refuse(tmp_path):
    limit = next(f.metadata["most"] for f, _ in settings_of(SiteConfig) if f.name == "title")  # as site.yaml declares it
    result = CliRunner().invoke(main, ["new", str(tmp_path / "site"), "--title", "x" * (limit + 1)])

    assert result.exit_code == 1
    assert result.output.strip() == f"error: --title: {limit + 1:,} characters; the most is {limit:,}"
    assert not (tmp_path / "site").exists()
    new_site(tmp_path / "ok", title="x" * limit)
    assert load_config(tmp_path / "ok" / "content" / "site.yaml").title == "x" * limit


def test_the_distribution_is_not_the_paper_digest_that_pypi_holds_for_someone_else():
    assert NAME != "paper-digest"
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.endswith(", version 0.1.0\n")  # version_option finds this name installed


def test_a_new_sites_requirement_can_only_be_this_project(tmp_path):
    new_site(tmp_path / "site")
    lines = [line for line in (tmp_path / "site" / "requirements.txt").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]

    assert lines == [install_requirement().splitlines()[-1]]
    (requirement,) = lines
    # a direct URL (git or https), or this name pinned to this version: never a bare or foreign name
    assert re.fullmatch(rf"{re.escape(NAME)} @ (git\+)?https://\S+|{re.escape(NAME)}==\d+\.\d+\.\d+\S*", requirement), requirement
