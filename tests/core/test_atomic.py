"""atomic_write: the target is either completely replaced or left untouched."""

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from backprop_gui.core import atomic
from backprop_gui.core.atomic import atomic_write


class Interrupted(Exception):
    """Stands for anything that goes wrong half-way through a save."""


def names_in(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.parametrize("as_type", [str, Path], ids=["str", "pathlib"])
def test_writes_a_new_file_for_str_and_pathlib_paths(tmp_path, as_type):
    target = tmp_path / "new.txt"
    with atomic_write(as_type(target)) as f:
        f.write("hello\n")
    assert target.read_text(encoding="utf-8") == "hello\n"


def test_replaces_the_contents_of_an_existing_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("old contents that are longer")
    with atomic_write(target) as f:
        f.write("new")
    assert target.read_text() == "new"


def test_binary_mode_writes_bytes_exactly(tmp_path):
    target = tmp_path / "file.bin"
    data = bytes(range(256)) + b"\r\n\x00"
    with atomic_write(target, "wb") as f:
        f.write(data)
    assert target.read_bytes() == data


def test_text_is_utf8_by_default(tmp_path):
    target = tmp_path / "file.txt"
    with atomic_write(target) as f:
        f.write("x₁ → ŷ")
    assert target.read_bytes() == "x₁ → ŷ".encode()


def test_the_target_is_unchanged_until_the_block_ends(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("old")
    with atomic_write(target) as f:
        f.write("new")
        f.flush()
        assert target.read_text() == "old"
    assert target.read_text() == "new"


def test_the_temporary_file_is_in_the_same_directory(tmp_path):
    # Same directory, same file system: os.replace is then an atomic rename.
    target = tmp_path / "file.txt"
    with atomic_write(target):
        during = names_in(tmp_path)
    assert len(during) == 1 and during[0] != "file.txt"
    assert names_in(tmp_path) == ["file.txt"]


def test_an_exception_in_the_block_leaves_the_old_file_intact(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("old")
    with pytest.raises(Interrupted), atomic_write(target) as f:
        f.write("half of the new")
        raise Interrupted
    assert target.read_text() == "old"


def test_an_exception_in_the_block_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("old")
    with pytest.raises(Interrupted), atomic_write(target, "wb") as f:
        f.write(b"half")
        raise Interrupted
    assert names_in(tmp_path) == ["file.txt"]


def test_an_exception_when_there_was_no_file_creates_none(tmp_path):
    with pytest.raises(Interrupted), atomic_write(tmp_path / "file.txt"):
        raise Interrupted
    assert names_in(tmp_path) == []


def test_keyboard_interrupt_also_cleans_up(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_write(target) as f:
        f.write("new")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert names_in(tmp_path) == ["file.txt"]


def test_a_failing_rename_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "file.txt"
    target.write_text("old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"), atomic_write(target) as f:
        f.write("new")
    assert target.read_text() == "old"
    assert names_in(tmp_path) == ["file.txt"]


def test_writing_over_a_directory_fails_and_leaves_no_temporary_file(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(OSError), atomic_write(tmp_path / "folder") as f:
        f.write("text")
    assert names_in(tmp_path) == ["folder"]
    assert names_in(tmp_path / "folder") == []


def test_a_missing_directory_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError), atomic_write(tmp_path / "no" / "file.txt"):
        pass


@pytest.mark.parametrize("mode", ["a", "r", "r+", "w+", "x", "ab"])
def test_modes_other_than_write_are_refused(tmp_path, mode):
    with pytest.raises(ValueError, match="mode"), atomic_write(tmp_path / "file.txt", mode):
        pass
    assert names_in(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_an_existing_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_write(target) as f:
        f.write("new")
    assert target.stat().st_mode & 0o777 == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_a_new_file_gets_the_permissions_open_would_give(tmp_path):
    old_umask = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "file.txt") as f:
            f.write("new")
    finally:
        os.umask(old_umask)
    # Not the 0o600 of tempfile.mkstemp: other programs may need to read it.
    assert (tmp_path / "file.txt").stat().st_mode & 0o777 == 0o644


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_writing_through_a_symlink_replaces_the_linked_file(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with atomic_write(link) as f:
        f.write("new")
    assert link.is_symlink()
    assert real.read_text() == "new"


# -- only regular files are replaced -----------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")


@needs_fifo
def test_a_fifo_is_refused_and_kept(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(atomic.NotRegularFileError, match="FIFO"), atomic_write(fifo) as f:
        f.write("data")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert names_in(tmp_path) == ["pipe"]


@needs_fifo
def test_a_symlink_to_a_fifo_is_refused_too(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link").symlink_to(tmp_path / "pipe")
    with pytest.raises(atomic.NotRegularFileError), atomic_write(tmp_path / "link"):
        pass
    assert stat.S_ISFIFO(os.stat(tmp_path / "link").st_mode)
    assert names_in(tmp_path) == ["link", "pipe"]


def test_a_device_is_refused_before_anything_is_created():
    # Only the check, never a write attempt: /dev/null must stay a device.
    with pytest.raises(atomic.NotRegularFileError, match="character device"):
        atomic.check_replaceable(os.devnull)


def test_a_directory_is_refused_with_the_same_error(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(atomic.NotRegularFileError, match="directory"):
        atomic.check_replaceable(tmp_path / "folder")


# -- stale temporaries ---------------------------------------------------------


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def temp_name(target: str, pid: int) -> str:
    return f".{target}.bpg-{pid}-0123456789ab.tmp"


@pytest.mark.skipif(os.name != "posix", reason="pids are probed on POSIX only")
def test_a_temporary_whose_writer_is_gone_is_removed_on_the_next_write(tmp_path):
    stale = tmp_path / temp_name("points.csv", dead_pid())
    stale.write_text("half a file")
    with atomic_write(tmp_path / "other.csv") as f:
        f.write("x")
    assert names_in(tmp_path) == ["other.csv"]


def test_a_recent_temporary_of_a_live_writer_is_kept(tmp_path):
    # The parent of this test process is alive, and its temporary is fresh.
    live = tmp_path / temp_name("points.csv", os.getppid())
    live.write_text("being written")
    with atomic_write(tmp_path / "other.csv") as f:
        f.write("x")
    assert live.exists()


def test_any_temporary_of_ours_older_than_the_limit_is_removed(tmp_path):
    old = tmp_path / temp_name("points.csv", os.getppid())
    old.write_text("left by a reused pid or another machine")
    long_ago = time.time() - atomic.STALE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    atomic.remove_stale_temporaries(tmp_path)
    assert not old.exists()


def test_files_that_only_look_like_temporaries_are_never_removed(tmp_path):
    names = [".points.csv.tmp", "points.bpg-1-0123456789ab.tmp", ".a.bpg-x-0123456789ab.tmp"]
    for name in names:
        (tmp_path / name).write_text("the user's")
        os.utime(tmp_path / name, (0, 0))
    (tmp_path / temp_name("d", 1)).mkdir()  # a directory of that name
    atomic.remove_stale_temporaries(tmp_path)
    assert names_in(tmp_path) == sorted([*names, temp_name("d", 1)])


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_a_write_killed_with_sigkill_leaves_nothing_after_the_next_write(tmp_path):
    code = (
        "import sys, time\n"
        "from backprop_gui.core.atomic import atomic_write\n"
        "with atomic_write(sys.argv[1]) as f:\n"
        "    f.write('half'); f.flush(); print('writing', flush=True); time.sleep(60)\n"
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "w.csv")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert writer.stdout.readline() == "writing\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    writer.stdout.close()
    assert len(names_in(tmp_path)) == 1  # the orphaned temporary
    with atomic_write(tmp_path / "w.csv") as f:
        f.write("whole")
    assert names_in(tmp_path) == ["w.csv"]
