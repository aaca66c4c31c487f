"""Shared fixtures: the real seed site, built once per test session, and the real corpora when present."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_src.build import build

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SEEDS = ROOT / "content" / "dumps"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """build/ of the shipped content (the four seed dumps), built once; tests must not modify it."""
    out = tmp_path_factory.mktemp("seed") / "build"
    build(CONTENT, out)
    return out


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of content/, for tests that add or break dumps."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repository; tests that need it skip cleanly without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED
