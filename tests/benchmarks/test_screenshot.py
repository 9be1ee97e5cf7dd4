"""The screenshot tool writes into the folder it is told, and nowhere else."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.screenshot import OutsideFolder, output_path

ROOT = Path(__file__).resolve().parents[2]  # the clone's root


def test_a_name_lands_inside_the_folder(tmp_path):
    assert output_path(tmp_path, "shot.png") == tmp_path.resolve() / "shot.png"
    assert output_path(tmp_path, "a/b/shot.PNG") == tmp_path.resolve() / "a/b/shot.PNG"
    # An absolute path is fine while it stays inside.
    inside = tmp_path.resolve() / "x.png"
    assert output_path(tmp_path, inside) == inside
    # ".." that comes back inside is inside.
    (tmp_path / "a").mkdir()
    assert output_path(tmp_path, "a/../shot.png") == tmp_path.resolve() / "shot.png"


def test_the_default_folder_is_the_current_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert output_path(".", "screenshot.png") == tmp_path.resolve() / "screenshot.png"


@pytest.mark.parametrize(
    "out",
    ["../shot.png", "a/../../shot.png", "/tmp/shot.png", ".", "a/..", "shot.jpg", "shot"],
)
def test_paths_that_leave_the_folder_or_are_no_png_are_refused(tmp_path, out):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OutsideFolder):
        output_path(folder, out)


def test_a_symlink_out_of_the_folder_is_refused(tmp_path):
    folder, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "link").symlink_to(elsewhere)
    (folder / "shot.png").symlink_to(elsewhere / "shot.png")
    with pytest.raises(OutsideFolder, match="outside the folder"):
        output_path(folder, "link/shot.png")
    with pytest.raises(OutsideFolder, match="outside the folder"):
        output_path(folder, "shot.png")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_something_other_than_a_file_is_never_replaced(tmp_path):
    os.mkfifo(tmp_path / "pipe.png")
    (tmp_path / "dir.png").mkdir()
    for name in ("pipe.png", "dir.png"):
        with pytest.raises(OutsideFolder, match="not a regular file"):
            output_path(tmp_path, name)


def test_the_tool_writes_a_png_into_its_folder_and_nothing_else(tmp_path):
    cwd, folder = tmp_path / "cwd", tmp_path / "pictures"
    cwd.mkdir()
    folder.mkdir()
    args = ["shot.png", "--folder", str(folder), "--epochs", "5", "--timeout", "30"]
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.screenshot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    shot = folder.resolve() / "shot.png"
    assert result.stdout.strip() == f"wrote {shot}"
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert [p.name for p in folder.iterdir()] == ["shot.png"]  # no temporary left
    assert list(cwd.iterdir()) == []
