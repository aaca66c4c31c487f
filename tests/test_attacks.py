"""Attacks and accidents (issue 20): nothing outside build/ is deleted, builds never collide, small hostile
input never hangs or blows up, every error is one line, and the preview server stays up.

Each risky build runs as `digest build` in a subprocess with a time limit and an address-space limit, so
a regression fails the test instead of hanging or swapping the machine. The symlinks, FIFOs and bombs
are made here, in a temporary folder. Numbers in the test names refer to the cases of issue 20.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from site_src.build import build
from site_src.files.cache import cache_path, output_listing
from site_src.errors import DigestError
from site_src.files.write import MARKER, write_site
from site_src.commands.serve import make_server

TIME_LIMIT = 240  # seconds for one build: generous, as the machine is shared; a hang is still caught
MEMORY_LIMIT = 2 * 2**30  # bytes of address space; a seed build needs well under 1 GiB


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def digest(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`digest ARGS` in a subprocess bounded in time and memory; a hang fails the test."""
    env = {**os.environ, "NO_COLOR": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    try:
        return subprocess.run(
            [sys.executable, "-m", "site_src", *args], capture_output=True, text=True, errors="surrogateescape",
            timeout=TIME_LIMIT, preexec_fn=_limits, cwd=cwd, env=env,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"digest {' '.join(args)} still running after {TIME_LIMIT} s (a hang)")


def build_cli(content: Path, out: Path, *more: str) -> subprocess.CompletedProcess:
    return digest("build", "--content", str(content), "--out", str(out), "-q", *more)


def one_error_line(result: subprocess.CompletedProcess, *fragments: str) -> str:
    """The run failed with exactly one line on stderr, `error: ...` holding every fragment; no traceback."""
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-2000:]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def victim(path: Path) -> dict[str, bytes]:
    """A folder of someone's precious files; returns what it holds."""
    (path / "sub").mkdir(parents=True)
    (path / "thesis.tex").write_text("years of work", encoding="utf-8")
    (path / "sub" / "data.csv").write_text("1,2,3", encoding="utf-8")
    return tree(path)


# --- 1. Deletes outside build/ --------------------------------------------------------------------------------


def test_1_links_and_folders_beside_build_named_like_its_own_are_never_deleted_or_followed(content_copy, tmp_path):
    out = tmp_path / "build"
    precious = victim(tmp_path / "elsewhere")
    links = [".build.x-1", ".build.new-1", ".build.old-2", ".build.new-1-0123456789abcdef"]
    for name in links:
        (tmp_path / name).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    backup = tmp_path / ".build.backup-2024-12"
    backup.mkdir()
    (backup / "site.tar").write_text("a backup", encoding="utf-8")
    # A record naming a link, as a site repository could commit it: a name alone proves nothing.
    record = cache_path(out, "build.output.json")
    record.parent.mkdir()
    record.write_text(json.dumps([".build.new-1-0123456789abcdef"]), encoding="utf-8")

    result = build_cli(content_copy, out)

    assert result.returncode == 0, result.stderr
    assert tree(tmp_path / "elsewhere") == precious
    assert all((tmp_path / name).is_symlink() for name in links)
    assert (backup / "site.tar").read_text(encoding="utf-8") == "a backup"
    assert (out / MARKER).is_file()


def test_1_a_refused_output_folder_deletes_nothing_beside_it(content_copy, tmp_path):
    precious = victim(tmp_path / "precious")
    snapshot = tmp_path / ".precious.snapshot-2024"
    snapshot.mkdir()
    (snapshot / "old.txt").write_text("keep me", encoding="utf-8")

    result = build_cli(content_copy, tmp_path / "precious")

    one_error_line(result, "refusing to replace")
    assert tree(tmp_path / "precious") == precious
    assert (snapshot / "old.txt").read_text(encoding="utf-8") == "keep me"


def test_1_a_link_left_in_the_cache_trash_is_not_followed(content_copy, tmp_path):
    out = tmp_path / "build"
    precious = victim(tmp_path / "elsewhere")
    trash = cache_path(out, "trash")
    trash.mkdir(parents=True)
    (trash / "build-1").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (trash / "elsewhere").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    for edit in range(2):  # the second build replaces a site, so it empties the trash
        (content_copy / "site.yaml").write_text(f"title: Edit {edit}\n", encoding="utf-8")
        result = build_cli(content_copy, out)
        assert result.returncode == 0, result.stderr

    assert tree(tmp_path / "elsewhere") == precious


def test_1_clean_deletes_a_link_inside_the_site_but_not_what_it_points_to(tmp_path):
    out = tmp_path / "build"
    precious = victim(tmp_path / "elsewhere")
    write_site({"index.html": b"site"}, out)
    (out / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    result = digest("clean", "--out", str(out))

    assert result.returncode == 0, result.stderr
    assert not os.path.lexists(out) and tree(tmp_path / "elsewhere") == precious


# --- 2. Concurrent builds -------------------------------------------------------------------------------------


def lock_path(out: Path) -> Path:
    return cache_path(out, f"{out.name}.lock")


HOLDER = """
import sys
from pathlib import Path
from site_src.files.lock import held
with held(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()  # until the test closes our stdin
"""


def _hold_lock(out: Path) -> subprocess.Popen:
    """Another process that holds the build lock of out until its stdin is closed."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    return holder


def _release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(TIME_LIMIT)


def test_2_a_second_build_of_the_same_folder_is_refused_with_the_first_ones_pid(content_copy, tmp_path):
    out = tmp_path / "build"
    assert build_cli(content_copy, out).returncode == 0
    before = tree(out)
    holder = _hold_lock(out)
    try:
        (content_copy / "site.yaml").write_text("title: Changed\n", encoding="utf-8")
        result = build_cli(content_copy, out)
        one_error_line(result, f"another build of {out} is running (pid {holder.pid})")
        one_error_line(digest("clean", "--out", str(out)), "another build")
    finally:
        _release(holder)
    assert tree(out) == before
    assert build_cli(content_copy, out).returncode == 0  # released: the next build runs


def test_2_two_builds_at_once_never_leave_a_broken_site(content_copy, tmp_path):
    out = tmp_path / "build"
    env = {**os.environ, "NO_COLOR": "1", "OPENBLAS_NUM_THREADS": "1"}
    for round in range(3):  # the collisions are a race: on the code before the lock, about half of the rounds broke
        (content_copy / "site.yaml").write_text(f"title: Round {round}\n", encoding="utf-8")
        command = [sys.executable, "-m", "site_src", "build", "--content", str(content_copy), "--out", str(out), "-q"]
        runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env, preexec_fn=_limits) for _ in range(2)]
        results = [(run.wait(timeout=TIME_LIMIT), run.stderr.read()) for run in runs]
        for code, stderr in results:
            assert "Traceback" not in stderr
            assert code == 0 or stderr.strip().endswith("wait for it to finish, or stop it"), stderr
        assert any(code == 0 for code, _ in results)
        assert (out / MARKER).is_file() and f"Round {round}" in (out / "index.html").read_text(encoding="utf-8")
    check = digest("check", "--content", str(content_copy), "--out", str(out))
    assert check.returncode == 0, check.stderr[-2000:]


def test_2_a_killed_build_leaves_no_stale_lock(content_copy, tmp_path):
    out = tmp_path / "build"
    command = [sys.executable, "-m", "site_src", "build", "--content", str(content_copy), "--out", str(out), "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = lock_path(out)
    deadline = time.monotonic() + TIME_LIMIT
    while not (path.is_file() and path.read_text(encoding="ascii").strip() == str(process.pid)):
        assert process.poll() is None and time.monotonic() < deadline, "the build never took its lock"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()

    result = build_cli(content_copy, out)

    assert result.returncode == 0, result.stderr
    assert (out / MARKER).is_file()


def _forks(pid: int) -> list[int]:
    """The children of pid that are forks of it (its render workers), not programs it runs (git)."""
    try:
        children = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        own = Path(f"/proc/{pid}/cmdline").read_bytes()
        return [child for child in children if Path(f"/proc/{child}/cmdline").read_bytes() == own]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc to see the render workers")
def test_2_a_build_killed_while_its_render_workers_run_leaves_no_lock_behind(content_copy, tmp_path):
    """Forked render workers outlive a killed build for a while; they must not hold its lock."""
    from site_src.files.lock import held

    out = tmp_path / "build"
    command = [sys.executable, "-m", "site_src", "build", "--content", str(content_copy), "--out", str(out), "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + TIME_LIMIT
    while not _forks(process.pid):
        if process.poll() is not None:
            pytest.skip("the build finished before its render workers could be seen (a one-core machine renders in-process)")
        assert time.monotonic() < deadline
        time.sleep(0.002)
    workers = _forks(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    try:
        alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
        with held(out):  # at once, while the orphaned workers may still run: the lock is free
            pass
        result = build_cli(content_copy, out)
        assert result.returncode == 0, result.stderr
        if not alive:
            pytest.skip("the render workers were gone before the lock was tried")
    finally:
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_2_a_waiting_build_runs_once_the_other_finishes(content_copy, tmp_path):
    """What `digest serve` does when a curator's build holds the folder: it waits, then builds."""
    out = tmp_path / "build"
    holder = _hold_lock(out)
    heard: list[str] = []
    done = threading.Event()
    worker = threading.Thread(target=lambda: (build(content_copy, out, lock=False, wait=True, on_wait=heard.append), done.set()))
    worker.start()
    try:
        deadline = time.monotonic() + TIME_LIMIT
        while not heard:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert not done.is_set() and not out.exists()
    finally:
        _release(holder)
    worker.join(TIME_LIMIT)
    assert done.is_set() and (out / MARKER).is_file()
    assert heard == [f"another build of {out} is running (pid {holder.pid}); waiting for it to finish"]


def test_2_two_builds_in_one_process_take_turns(tmp_path):
    """A POSIX lock does not keep out a second thread of the same process: a thread lock does."""
    from site_src.files.lock import held

    out = tmp_path / "build"
    with held(out):
        with pytest.raises(DigestError, match=rf"another build of .* is running \(pid {os.getpid()}, this process\)"):
            with held(out):
                pass


def test_2_a_cache_hit_needs_the_marker(content_copy, tmp_path):
    out = tmp_path / "build"
    build(content_copy, out, lock=False)
    (out / MARKER).unlink()  # as a colliding build could leave it; the record is made to match the folder
    record = cache_path(out, "build.json")
    saved = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**saved, "output": output_listing(out)}), encoding="utf-8")

    with pytest.raises(DigestError, match="refusing to replace"):  # no marker: not a build's folder any more
        build(content_copy, out, lock=False)


# --- 3. Hangs and memory --------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["content/dumps/today.txt", "content/pages/fifo.md", "content/notes/pipe", "templates/page.html"])
def test_3_a_fifo_anywhere_in_the_inputs_is_an_error_not_a_hang(content_copy, tmp_path, where):
    fifo = tmp_path / where
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    one_error_line(build_cli(content_copy, tmp_path / "build"), str(fifo), "a FIFO (named pipe), not a regular file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_3_a_link_to_an_endless_device_is_an_error_not_a_memory_blow_up(content_copy, tmp_path, device):
    link = content_copy / "dumps" / "2024-05-01.txt"
    link.symlink_to(device)
    # refused as a link out of the site folder before anything is read (files.source.check_links)
    one_error_line(build_cli(content_copy, tmp_path / "build"), str(link), f"a symbolic link to {device}, outside the site folder")


# Nine levels of nine keys, each level's values aliases of the level below: 720 bytes, 9**9 paths.
LAUGHS = "a: &a {" + ", ".join(f"k{n}: lol" for n in range(9)) + "}\n" + "".join(
    f"{b}: &{b} {{" + ", ".join(f"k{n}: *{a}" for n in range(9)) + "}\n" for a, b in zip("abcdefgh", "bcdefghi")
) + "title: *i\n"


@pytest.mark.parametrize(
    "text, fragment",
    [
        (LAUGHS, "expands to more than 100,000 values"),
        ("title: &a {x: *a}\n", "(a loop)"),
        ("topics: &a [1, *a]\n", "(a loop)"),
        ("title: " + "[" * 50_000 + "\n", "nested more than 64 levels deep"),
        ("title: " + "{a: " * 20_000 + "\n", "nested more than 64 levels deep"),
    ],
    ids=["billion-laughs", "self-alias", "self-alias-list", "deep-lists", "deep-mappings"],
)
def test_3_yaml_bombs_in_site_yaml_are_refused_at_once(content_copy, tmp_path, text, fragment):
    assert len(text.encode()) < 100_000  # small files
    (content_copy / "site.yaml").write_text(text, encoding="utf-8")
    one_error_line(build_cli(content_copy, tmp_path / "build"), f"{content_copy / 'site.yaml'}:", fragment)


@pytest.mark.parametrize("where", ["curation.yaml", "pages/bomb.md"])
def test_3_a_yaml_bomb_in_curation_or_front_matter_is_refused(content_copy, tmp_path, where):
    path = content_copy / where
    bomb = LAUGHS.replace("title: *i", "papers: *i")
    path.write_text(f"---\n{bomb}---\nBody.\n" if where.endswith(".md") else bomb, encoding="utf-8")
    one_error_line(build_cli(content_copy, tmp_path / "build"), f"{path}:", "expands to more than 100,000 values")


def test_3_a_duplicate_key_in_site_yaml_names_its_line():
    from site_src.config.reading import yaml_load

    with pytest.raises(yaml.YAMLError, match=r"duplicate key 'title' \(first at line 1\)") as raised:
        yaml_load("title: One\nyear: 2024\ntitle: Two\n")
    assert raised.value.problem_mark.line + 1 == 3


def _api_day(papers: int) -> list:
    return [
        {"paper": {"id": f"2501.{n:05d}", "title": f"Paper number {n} on attention", "summary": "An abstract. " * 20}}
        for n in range(papers)
    ]


@pytest.mark.parametrize("papers", [2_000, 25_000], ids=["1MB", "10MB"])
def test_3_json_with_a_trailing_comma_is_invalid_json_at_its_position_never_a_python_repr(content_copy, tmp_path, papers):
    text = json.dumps(_api_day(papers), indent=1)
    text = text[: text.rindex("}") + 1] + ",\n]\n"  # a trailing comma: valid Python, invalid JSON
    dump = content_copy / "dumps" / "2025-01-02.json"
    dump.write_text(text, encoding="utf-8")
    line = text.count("\n") - 1 + 1
    one_error_line(build_cli(content_copy, tmp_path / "build"), f"{dump}:{line}: invalid JSON at line {line}, column 1")


@pytest.mark.parametrize("key, size", [("description", 10_000_000), ("title", 10_000_000), ("title", 5_000)])
def test_3_a_huge_site_title_or_description_is_refused_not_copied_onto_every_page(content_copy, tmp_path, key, size):
    (content_copy / "site.yaml").write_text(f"{key}: {'x' * size}\n", encoding="utf-8")
    one_error_line(build_cli(content_copy, tmp_path / "build"), f"{content_copy / 'site.yaml'}:")
    assert not (tmp_path / "build").exists()


@pytest.mark.parametrize("field, size", [("title", 10_000_000), ("summary", 1_000_000)])
def test_3_a_huge_paper_title_or_abstract_in_a_dump_is_refused(content_copy, tmp_path, field, size):
    paper = {"id": "2502.00001", "title": "A title", "summary": "An abstract. It has sentences.", field: "word " * (size // 5)}
    dump = content_copy / "dumps" / "2025-02-02.json"
    dump.write_text(json.dumps([{"paper": paper}]), encoding="utf-8")
    one_error_line(build_cli(content_copy, tmp_path / "build"), f"{dump}:1: a paper {'title' if field == 'title' else 'abstract'} of")


@pytest.mark.parametrize(
    "name, size",
    [("dumps/2025-01-03.txt", 20_000_001), ("pages/big.md", 1_000_001), ("site.yaml", 1_000_001)],
)
def test_3_every_input_kind_has_a_size_limit_named_in_the_error(content_copy, tmp_path, name, size):
    path = content_copy / name
    path.write_text("# " + "x" * (size - 3) + "\n", encoding="utf-8")  # a YAML comment, a Markdown heading, a paragraph
    one_error_line(build_cli(content_copy, tmp_path / "build"), str(path), "larger than")


# --- 4. Tracebacks instead of errors --------------------------------------------------------------------------


def test_4_a_dangling_link_among_the_dumps_is_an_error_naming_it(content_copy, tmp_path):
    link = content_copy / "dumps" / "2024-05-02.txt"
    link.symlink_to(tmp_path / "gone.txt")
    one_error_line(build_cli(content_copy, tmp_path / "build"), str(link), "a symbolic link to a file that does not exist")


@pytest.mark.parametrize("folder", ["dumps", "pages"])
def test_4_a_file_name_that_is_not_utf8_builds_or_fails_in_one_line(content_copy, tmp_path, folder):
    source = sorted((content_copy / "dumps").glob("*.txt"))[0] if folder == "dumps" else content_copy / "pages" / "about.md"
    odd = os.path.join(os.fsencode(content_copy / folder), b"caf\xe9-\xff" + (b".txt" if folder == "dumps" else b".md"))
    shutil.copyfile(source, odd)
    result = build_cli(content_copy, tmp_path / "build")
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode == 0, result.stderr


def _edit_lock(content: Path, edit) -> None:
    path = content / "topics.lock.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_4_a_hand_edited_lock_naming_unknown_papers_is_not_trusted(content_copy, tmp_path):
    _edit_lock(content_copy, lambda data: data["topics"][0]["papers"].insert(0, "no-such-paper"))  # the fingerprint still fits

    result = build_cli(content_copy, tmp_path / "build")

    assert result.returncode == 0, result.stderr
    assert "no-such-paper" not in (content_copy / "topics.lock.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "edit",
    [
        lambda data: data["topics"][0].update(position=["left", "right"]),
        lambda data: data["topics"][0].update(papers=[1, 2, 3]),
        lambda data: data["topics"][0].update(related=["no-such-topic"]),
        lambda data: data["topics"][0].update(primary=10**6),
        lambda data: data["topics"][0].update(terms={"attention": "much"}),
    ],
    ids=["position", "papers", "related", "primary", "terms"],
)
def test_4_a_hand_edited_lock_with_wrong_types_is_a_damaged_lock_error(content_copy, tmp_path, edit):
    _edit_lock(content_copy, edit)
    one_error_line(build_cli(content_copy, tmp_path / "build"), str(content_copy / "topics.lock.json"), "damaged lock file")


def test_4_a_render_memo_with_wrong_types_is_ignored(content_copy, tmp_path):
    out = tmp_path / "build"
    assert build_cli(content_copy, out).returncode == 0
    memo = cache_path(out, "build.render.json")
    data = json.loads(memo.read_text(encoding="utf-8"))
    data["pages"] = {name: [entry["page"], entry["reads"]] for name, entry in data["pages"].items()}  # lists, not records
    memo.write_text(json.dumps(data), encoding="utf-8")
    (content_copy / "site.yaml").write_text("title: After the edit\n", encoding="utf-8")

    result = build_cli(content_copy, out)

    assert result.returncode == 0, result.stderr
    assert "After the edit" in (out / "index.html").read_text(encoding="utf-8")


def test_4_a_build_cache_record_with_wrong_types_is_a_miss(content_copy, tmp_path):
    out = tmp_path / "build"
    assert build_cli(content_copy, out).returncode == 0
    record = cache_path(out, "build.json")
    saved = json.loads(record.read_text(encoding="utf-8"))
    saved["report"]["warnings"] = [[1, 2, 3, 4]]
    saved["report"]["papers"] = "many"
    record.write_text(json.dumps(saved), encoding="utf-8")

    result = digest("build", "--content", str(content_copy), "--out", str(out))

    assert result.returncode == 0, result.stderr
    assert "built" in result.stdout and " 340 papers" in result.stdout


def test_4_a_failing_build_prints_one_line_even_while_the_trash_is_being_emptied(content_copy, tmp_path):
    out = tmp_path / "build"
    assert build_cli(content_copy, out).returncode == 0
    old = cache_path(out, "trash") / "build-1"  # a big replaced site, slow to delete
    for part in range(100):
        (old / str(part)).mkdir(parents=True)
        for name in range(200):
            (old / str(part) / f"{name}.html").touch()
    (old / MARKER).touch()
    (content_copy / "dumps" / "zz-broken.txt").write_text("A Title Line Whose Abstract Never Came\n", encoding="utf-8")

    one_error_line(build_cli(content_copy, out), "zz-broken.txt")


def test_4_escape_sequences_in_a_bad_file_name_are_shown_escaped(content_copy, tmp_path):
    name = "evil\x1b]0;owned\x07\x1b[2J\n.txt"
    (content_copy / "dumps" / name).write_text("A Title Line Whose Abstract Never Came\n", encoding="utf-8")

    line = one_error_line(build_cli(content_copy, tmp_path / "build"), "evil\\x1b]0;owned\\x07\\x1b[2J\\x0a.txt")

    assert "\x1b" not in line and "\x07" not in line


# --- 5. The swap window and the preview server ----------------------------------------------------------------


def test_5_build_is_there_at_every_step_of_the_swap(tmp_path, monkeypatch):
    out = tmp_path / "build"
    write_site({"index.html": b"old"}, out)
    seen: list[bool] = []
    for name in ("rename", "replace"):
        real = getattr(os, name)

        def watched(*args, _real=real, **kwargs):
            _real(*args, **kwargs)
            seen.append(out.is_dir())

        monkeypatch.setattr(os, name, watched)

    write_site({"index.html": b"new"}, out, trash=tmp_path / "trash")

    monkeypatch.undo()
    assert (out / "index.html").read_bytes() == b"new"
    assert seen and all(seen)


@pytest.fixture
def preview(tmp_path):
    write_site({"index.html": b"home", "404.html": b"<h1>Page not found</h1>"}, tmp_path / "build")
    server = make_server(tmp_path / "build", "/", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_5_a_nul_byte_in_the_path_is_answered_400(preview):
    port = preview.server_address[1]
    for path in ("/%00", "/index.html%00.png", "/a/%00/b"):
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30)
        assert raised.value.code == 400
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
        assert response.read() == b"home"  # still serving


def test_5_a_stalled_request_is_cut_off(preview):
    with socket.create_connection(preview.server_address[:2], timeout=120) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never the blank line
        assert client.recv(1024) == b""  # closed by the server, long before our own timeout


def test_5_the_listen_backlog_holds_a_burst_of_connections(tmp_path):
    write_site({"index.html": b"home"}, tmp_path / "build")
    server = make_server(tmp_path / "build", "/", 0)  # listening, not yet accepting: connections queue up
    clients: list[socket.socket] = []
    try:
        for _ in range(64):
            clients.append(socket.create_connection(server.server_address[:2], timeout=5))
            clients[-1].sendall(b"GET / HTTP/1.0\r\n\r\n")
        threading.Thread(target=server.serve_forever, daemon=True).start()
        answers = [client.recv(64) for client in clients]
        assert all(answer.startswith(b"HTTP/1.0 200") for answer in answers)
        server.shutdown()
    finally:
        for client in clients:
            client.close()
        server.server_close()
