"""Outputs made in a forked process (outputs/forked.py): the files the build would make itself, its errors as its own,
and a child that dies costs only the time: the build makes the output itself."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import site_src.build as pipeline
from site_src.errors import DigestError
from site_src.outputs import OUTPUTS
from site_src.outputs.forked import Forked

from .conftest import CONTENT


def _twice(value: int) -> dict:
    return {"value": value * 2, "pid": os.getpid()}


def _dies_in_a_child(parent: int) -> str:
    if os.getpid() != parent:
        os._exit(9)  # killed, say: nothing is sent
    return "made here"


def _bad_input(parent: int) -> None:
    raise DigestError(f"bad dump (raised in {'the child' if os.getpid() != parent else 'the build'})", "dumps/x.json", 3)


def test_a_forked_output_is_made_in_another_process_and_handed_back():
    made, seconds = Forked(_twice, 21).result()
    assert made["value"] == 42 and made["pid"] != os.getpid() and seconds >= 0


def test_on_one_core_it_is_made_in_the_build_process_when_asked_for():
    pending = Forked(_twice, 21, fork=False)
    made, _ = pending.result()
    assert made == {"value": 42, "pid": os.getpid()}
    pending.close()  # nothing to stop


def test_a_child_that_dies_costs_only_time_the_build_makes_the_output_itself():
    assert Forked(_dies_in_a_child, os.getpid()).result()[0] == "made here"


def test_an_error_in_a_forked_output_is_raised_as_the_build_itself_raises_it():
    with pytest.raises(DigestError) as raised:
        Forked(_bad_input, os.getpid()).result()
    assert "raised in the build" in str(raised.value) and raised.value.line == 3


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_one_core_or_two_the_build_writes_the_same_bytes(tmp_path, monkeypatch):
    """Two cores: recommend and the lock's bytes are made in forked processes (recommend timed there); one core: in
    the build's own process."""
    assert any(o.forked for o in OUTPUTS)
    trees = []
    for cores in (1, 2):
        monkeypatch.setattr(pipeline, "_workers", lambda cores=cores: cores)
        content = tmp_path / str(cores) / "content"
        shutil.copytree(CONTENT, content)
        (content / "topics.lock.json").unlink()
        report = pipeline.build(content, tmp_path / str(cores) / "build")
        assert report.stages["recommend"] > 0 and report.lock_written
        trees.append({**_tree(tmp_path / str(cores) / "build"), "lock": (content / "topics.lock.json").read_bytes()})
    assert trees[0] == trees[1]
    assert any(name.startswith("data/recommend/") for name in trees[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is tied to the build by Linux's prctl")
def test_a_killed_build_leaves_no_forked_output_running():
    script = ("import os, sys, time\nfrom site_src.outputs.forked import Forked\nrunning = Forked(time.sleep, 60)\n"
              "print(running._process.pid, flush=True)\ntime.sleep(60)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(build.stdout.readline())
    os.kill(child, 0)  # running
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)
    os.kill(child, signal.SIGKILL)
    pytest.fail("the forked output outlived the killed build")
