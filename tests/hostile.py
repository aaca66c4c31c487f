"""Helpers for tests of hostile surroundings: a folder made read-only (even for root), a disk that is 'full'."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def digest_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "site_src", *map(str, args)]


def run_read_only(folder: Path, argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run argv with `folder` read-only: chmod where we are not root, else a read-only bind mount in a private namespace."""
    env = {**os.environ, "NO_COLOR": "1", **kwargs.pop("env", {})}
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs)
        finally:
            folder.chmod(mode)
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare: no way to make a folder read-only")
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, str(folder), *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, **kwargs)


def _small_files(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def run_disk_full(argv: list[str], limit: int = 4096, **kwargs) -> subprocess.CompletedProcess:
    """Run argv where no file may grow past `limit` bytes: every larger write fails, as on a full disk."""
    env = {**os.environ, "NO_COLOR": "1", **kwargs.pop("env", {})}
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                          preexec_fn=_small_files(limit), **kwargs)
