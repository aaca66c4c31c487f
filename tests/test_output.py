"""Output: the build swaps in a whole new site or leaves the old one exactly as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from site_src.build import build
from site_src.cli import main
from site_src.errors import DigestError
from site_src.files.write import MARKER, _new_name, clean, write_site

LONG_AGO = 1_000_000_000 * 10**9  # 2001, in nanoseconds


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under folder with its bytes and modification time."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob(f".{out.name}.*"))


def digest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "site_src", *args], capture_output=True, text=True, timeout=300)


def add_broken_dump(content: Path) -> tuple[Path, int]:
    """A copy of a seed dump with a title line and no abstract after it; returns the file and that line."""
    seed = sorted((content / "dumps").glob("*.txt"))[-1]
    broken = content / "dumps" / "999_broken_copy.txt"
    text = seed.read_text(encoding="utf-8").rstrip("\n") + "\n\nA Title Line Whose Abstract Never Came\n"
    broken.write_text(text, encoding="utf-8")
    return broken, text.splitlines().index("A Title Line Whose Abstract Never Came") + 1


def test_broken_dump_fails_with_file_and_line_and_leaves_build_byte_and_mtime_identical(content_copy, tmp_path):
    out = tmp_path / "build"
    good = digest("build", "--content", str(content_copy), "--out", str(out))
    assert good.returncode == 0, good.stderr
    before = snapshot(out)
    assert "index.html" in before and MARKER in before

    broken, line = add_broken_dump(content_copy)
    failed = digest("build", "--content", str(content_copy), "--out", str(out))

    assert failed.returncode == 1
    assert f"{broken}:{line}: title line without an abstract" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert snapshot(out) == before
    assert leftovers(out) == []


def test_unchanged_files_keep_their_mtime_and_changed_files_get_a_new_one(content_copy, tmp_path):
    out = tmp_path / "build"
    build(content_copy, out)
    for path in out.rglob("*"):
        os.utime(path, ns=(LONG_AGO, LONG_AGO))
    (content_copy / "pages" / "colophon.md").write_text("---\ntitle: Colophon\n---\nMade by hand.\n", encoding="utf-8")

    build(content_copy, out)

    after = snapshot(out)
    changed = {name for name, (_, mtime) in after.items() if mtime != LONG_AGO}
    assert {"colophon/index.html", "index.html"} <= changed  # every page's nav links the new page
    assert after["data/papers.json"][1] == LONG_AGO
    assert after["assets/style.css"][1] == LONG_AGO


def _kill_mid_write(content: Path, out: Path) -> list[str]:
    """Start a build, SIGKILL it once its staging folder holds files; the staging entries seen, or [] if it finished first."""
    process = subprocess.Popen(
        [sys.executable, "-m", "site_src", "build", "--content", str(content), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while process.poll() is None:
            for staging in out.parent.glob(f".{out.name}.new-*"):
                try:
                    written = [entry.name for entry in os.scandir(staging)]
                except FileNotFoundError:
                    continue
                if written:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    return written
            time.sleep(0.001)
        return []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_build_killed_mid_write_leaves_previous_build_whole_and_next_build_works(content_copy, tmp_path):
    out = tmp_path / "build"
    build(content_copy, out)
    backup = tmp_path / "backup"
    shutil.copytree(out, backup)  # copy2: keeps modification times
    (content_copy / "pages" / "colophon.md").write_text("---\ntitle: Colophon\n---\nMade by hand.\n", encoding="utf-8")

    for _attempt in range(5):  # the kill races the build; retry if the build won
        shutil.rmtree(out)
        shutil.copytree(backup, out)
        before = snapshot(out)
        if _kill_mid_write(content_copy, out):
            break
    else:
        pytest.fail("the build always finished before it could be killed mid-write")

    assert snapshot(out) == before
    assert any(name.startswith(".build.new-") for name in leftovers(out))  # killed for real, mid-write

    build(content_copy, out)
    assert (out / "colophon" / "index.html").is_file()
    assert leftovers(out) == []


def test_previous_site_caught_mid_swap_is_brought_back(tmp_path):
    """Where the system has no rename-exchange, a swap is two renames: a build killed between them is undone."""
    out = tmp_path / "build"
    write_site({"index.html": b"old"}, out)
    retired = _new_name(out, "old")  # what the swap records before its first rename
    os.replace(out, retired)
    (staging := _new_name(out, "new")).mkdir()

    with pytest.raises(DigestError):
        write_site({"../escape.html": b"bad"}, out)  # fails after recovery, so the old site must be back

    assert (out / "index.html").read_bytes() == b"old"
    assert leftovers(out) == [] and not staging.exists()


def test_clean_refuses_a_folder_without_the_marker(tmp_path):
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")

    result = CliRunner().invoke(main, ["clean", "--out", str(folder)])

    assert result.exit_code == 1
    assert "not deleting" in result.output
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_clean_refuses_a_symlink_to_a_build_and_deletes_a_real_build(tmp_path):
    out = tmp_path / "build"
    write_site({"index.html": b"site"}, out)
    link = tmp_path / "link"
    link.symlink_to(out, target_is_directory=True)

    with pytest.raises(DigestError):
        clean(link)
    assert (out / "index.html").is_file()

    result = CliRunner().invoke(main, ["clean", "--out", str(out)])
    assert result.exit_code == 0
    assert not out.exists()


def test_build_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")

    with pytest.raises(DigestError, match="refusing to replace"):
        write_site({"index.html": b"site"}, out)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_replaced_site_waits_in_the_cache_trash_and_the_next_build_deletes_it(content_copy, tmp_path):
    """Deleting the old tree is slow on many disks: it is moved aside and deleted while the next build computes."""
    out = tmp_path / "build"
    trash = tmp_path / ".digest-cache" / "trash"
    build(content_copy, out, lock=False)
    assert not trash.exists() or not any(trash.iterdir())
    for round in range(2):
        (content_copy / "site.yaml").write_text(
            (content_copy / "site.yaml").read_text(encoding="utf-8") + f"\n# edit {round}\n", encoding="utf-8"
        )
        build(content_copy, out, lock=False)
        assert leftovers(out) == []
        held = list(trash.iterdir())
        assert len(held) == 1 and (held[0] / MARKER).is_file()  # only the site this build replaced
    build(content_copy, tmp_path / "plain", lock=False, cache=False)  # without the cache, nothing is kept
    assert leftovers(tmp_path / "plain") == [] and len(list(trash.iterdir())) == 1


def test_the_replaced_site_is_filled_again_by_the_next_build_with_the_bytes_of_a_fresh_one(content_copy, tmp_path):
    """A new day relinks, writes and deletes only what changed over two builds: the build after next takes the
    replaced site back from the trash as its staging folder. Its files are links to build/'s, so it must never be
    written into (the site it replaced would change with it), and what it holds that the new site lacks must go."""
    out, trash = tmp_path / "build", tmp_path / ".digest-cache" / "trash"
    curation = content_copy / "curation.yaml"
    build(content_copy, out, lock=False)
    first = os.stat(out).st_ino
    slugs = [json.loads(line.rstrip(","))["slug"] for line in (out / "data" / "papers.json").read_text(encoding="utf-8").splitlines()[1:-1]]
    one, two = f"papers/{slugs[0]}/index.html", f"papers/{slugs[-1]}/index.html"
    curation.write_text(f"papers:\n  {slugs[0]}:\n    note: First note.\n", encoding="utf-8")  # day two
    build(content_copy, out, lock=False)
    second = snapshot(out)
    assert second[two] == snapshot(replaced_site(trash))[two]  # unchanged on day two: one file, linked twice
    curation.write_text(f"papers:\n  {slugs[0]}:\n    note: First note.\n  {slugs[-1]}:\n    note: Second note.\n", encoding="utf-8")

    build(content_copy, out, lock=False)

    assert os.stat(out).st_ino == first  # the first site's folder, filled again: not a new tree
    assert snapshot(replaced_site(trash)) == second  # the site it replaced, byte for byte and time for time
    fresh = tmp_path / "fresh"
    build(content_copy, fresh, lock=False, cache=False)
    now = snapshot(out)
    assert b"First note." in now[one][0] and b"Second note." in now[two][0]  # one changed on day two only
    assert {name: data for name, (data, _) in now.items()} == {name: data for name, (data, _) in snapshot(fresh).items()}
    assert leftovers(out) == []


def replaced_site(trash: Path) -> Path:
    [replaced] = trash.iterdir()
    return replaced


def test_a_replaced_site_whose_files_became_folders_is_filled_again_right(tmp_path):
    out, trash = tmp_path / "build", tmp_path / "trash"
    write_site({"a/b": b"file", "c/d/e.html": b"deep", "same.txt": b"same"}, out, trash=trash)
    write_site({"x.html": b"between", "same.txt": b"same"}, out, trash=trash)

    write_site({"a/b/index.html": b"now a folder", "c/d": b"now a file", "same.txt": b"same"}, out, trash=trash)

    assert snapshot(out).keys() == {MARKER, "a/b/index.html", "c/d", "same.txt"}
    assert (out / "a" / "b" / "index.html").read_bytes() == b"now a folder" and (out / "c" / "d").read_bytes() == b"now a file"
    [replaced] = trash.iterdir()
    assert snapshot(replaced).keys() == {MARKER, "x.html", "same.txt"}


def test_a_replaced_site_holding_a_link_is_never_filled_again(tmp_path):
    out, trash = tmp_path / "build", tmp_path / "trash"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_bytes(b"precious")
    write_site({"index.html": b"one", "a/index.html": b"one"}, out, trash=trash)
    write_site({"index.html": b"two"}, out, trash=trash)
    [replaced] = trash.iterdir()
    shutil.rmtree(replaced / "a")
    (replaced / "a").symlink_to(elsewhere, target_is_directory=True)

    write_site({"index.html": b"three", "a/index.html": b"three"}, out, trash=trash)

    assert (elsewhere / "index.html").read_bytes() == b"precious"
    assert snapshot(out).keys() == {MARKER, "index.html", "a/index.html"} and not (out / "a").is_symlink()
    assert (out / "a" / "index.html").read_bytes() == b"three"
    assert leftovers(out) == []
