"""Ctrl-C and SIGTERM end a command with one line and an exit status, at any
moment, and leave no temporary file behind."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import cli_env, drain, names_in

linux = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=cwd,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def catches(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has a handler for ``signum`` (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    return False


def wait_until_catching_sigterm(process: subprocess.Popen[str], limit: float) -> None:
    """Until main() has installed its handlers, or ``limit`` seconds."""
    end = time.monotonic() + limit
    while time.monotonic() < end and process.poll() is None:
        if catches(process.pid, signal.SIGTERM):
            return
        time.sleep(0.002)


def wait_until_numpy_loads(process: subprocess.Popen[str], limit: float = 60) -> None:
    """Until NumPy's C extension is mapped into ``process`` (it is then in
    the middle of its slow imports), or ``limit`` seconds."""
    end = time.monotonic() + limit
    while time.monotonic() < end and process.poll() is None:
        try:
            if "_multiarray_umath" in Path(f"/proc/{process.pid}/maps").read_text():
                return
        except OSError:
            pass
        time.sleep(0.001)


@linux
def test_ctrl_c_while_the_command_is_still_starting_prints_one_line(tmp_path: Path) -> None:
    # Ctrl-C while NumPy is being imported: main() has installed its handlers
    # before that, so this ends like a later Ctrl-C, not in a multi-line
    # KeyboardInterrupt traceback.
    args = ["-m", "backprop_gui", "train", "--dataset", "xor", "--epochs", "1000000"]
    process = start(args, tmp_path)
    try:
        wait_until_numpy_loads(process)
        assert catches(process.pid, signal.SIGTERM)  # main() runs already
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()  # if anything above failed (a finished process ignores it)
        process.communicate()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert err.splitlines() in (["backprop-gui: interrupted"], ["backprop-gui train: interrupted"])


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_sigterm_during_training_exits_143_and_writes_nothing(tmp_path: Path) -> None:
    # stderr on a terminal shows the progress line: SIGTERM once it has.
    master, slave = os.openpty()
    args = ["-m", "backprop_gui", "train", "--dataset", "xor", "--epochs", "10000000"]
    process = subprocess.Popen(
        [sys.executable, *args, "--out", "w.npz"],
        cwd=tmp_path,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    try:
        while b"epoch " not in seen:
            assert select.select([master], [], [], 60)[0], seen
            seen += os.read(master, 4096)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        seen += drain(master)
    finally:
        os.close(master)
        process.kill()
        process.wait()
    assert process.returncode == 143, seen
    text = seen.decode()
    assert "Traceback" not in text
    assert text.rstrip().splitlines()[-1].strip("\r ") == "backprop-gui train: terminated"
    assert names_in(tmp_path) == []


# predict, with the atomic write of its --out made to stall half-way.
STALLED_WRITE = """
import contextlib, sys, time
import backprop_gui.cli.files as files
real = files.atomic_write

@contextlib.contextmanager
def stalled(*args, **kwargs):
    with real(*args, **kwargs) as f:
        yield f
        f.flush()
        print("writing", flush=True)
        time.sleep(60)

files.atomic_write = stalled
from backprop_gui.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs SIGTERM")
def test_sigterm_mid_write_removes_the_temporary_file(trained: dict, tmp_path: Path) -> None:
    data = tmp_path / "points.csv"
    data.write_text("x1,x2\n0.5,-3\n1,2\n")
    args = ["predict", "--weights", str(trained["npz"]), "--data", "points.csv"]
    process = start(["-c", STALLED_WRITE, *args, "--out", "p.csv"], tmp_path)
    try:
        assert process.stdout.readline() == "writing\n"
        assert len(names_in(tmp_path)) == 2  # points.csv and the temporary
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
        process.communicate()
    assert process.returncode == 143, err
    assert err.splitlines() == ["backprop-gui predict: terminated"]
    assert names_in(tmp_path) == ["points.csv"]


def test_main_called_in_process_puts_the_handlers_back() -> None:
    from backprop_gui.cli import main

    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    assert main(["--version"]) == 0
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def signal_then(signum: str, error: BaseException | None) -> None:
    """Send ourselves ``signum``; its handler's exception comes out as
    ``error`` (as from C code or an import's own ``except``), or vanishes."""
    try:
        os.kill(os.getpid(), getattr(signal, signum))
        time.sleep(5)  # the handler raises before this ends
    except BaseException:
        if error is not None:
            raise error from None


def as_command(monkeypatch, name: str, run, parse=None):
    """``backprop_gui.cli`` with one command ``name`` that ``run`` stands in
    for, its parsing replaced by ``parse`` (default: just the command)."""
    import argparse

    import backprop_gui.cli as cli

    command = argparse.Namespace(command=name, prog=f"backprop-gui {name}", run=run)
    monkeypatch.setattr(cli, "build_parser", lambda: None)
    monkeypatch.setattr(cli, "_parse", parse or (lambda parser, argv: command))
    return cli, command


@pytest.mark.parametrize(
    ("signum", "status", "said"), [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")]
)
def test_a_signal_that_comes_out_of_c_code_as_another_error_still_ends_in_one_line(
    monkeypatch, capsys, signum: str, status: int, said: str
) -> None:
    # Seen in CI: Ctrl-C while NumPy's C extension imported datetime came out
    # as "ImportError: PyCapsule_Import could not import module datetime", and
    # the command printed that traceback. Here a command stands in for that C
    # code: the signal arrives, and what leaves is an ImportError.
    def run(args) -> int:
        signal_then(signum, ImportError("PyCapsule_Import could not import module datetime"))
        return 0

    cli, _ = as_command(monkeypatch, "train", run)
    assert cli.main(["train"]) == status
    assert capsys.readouterr().err.splitlines() == [f"backprop-gui train: {said}"]


def test_an_error_with_no_signal_is_not_called_an_interrupt(monkeypatch) -> None:
    def run(args) -> int:
        raise ImportError("a real one")

    cli, _ = as_command(monkeypatch, "train", run)
    with pytest.raises(ImportError, match="a real one"):
        cli.main(["train"])


@pytest.mark.parametrize(
    ("signum", "status", "said"), [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "terminated")]
)
def test_a_signal_an_import_swallowed_still_ends_the_command_before_it_runs(
    monkeypatch, capsys, signum: str, status: int, said: str
) -> None:
    # Ctrl-C during NumPy's imports can come out as an ImportError (above);
    # inside an import that catches ImportError and goes on without an
    # optional module, it would vanish, and the command would run to the end.
    ran = []

    def parse(parser, argv):
        signal_then(signum, None)  # as the import's own ``except`` did
        return command

    cli, command = as_command(monkeypatch, "train", ran.append, parse)
    assert cli.main(["train"]) == status
    assert ran == []
    assert capsys.readouterr().err.splitlines() == [f"backprop-gui train: {said}"]


def test_a_missing_package_that_a_signal_made_missing_is_reported_as_the_signal(
    monkeypatch, capsys
) -> None:
    # Ctrl-C while ``export`` imported onnx: the ImportError became "needs
    # the onnx package", exit 2, for a package that is installed.
    from backprop_gui.cli.base import UsageError

    def run(args) -> int:
        signal_then("SIGINT", UsageError("exporting to ONNX needs the onnx package"))
        return 0

    cli, _ = as_command(monkeypatch, "export", run)
    assert cli.main(["export"]) == 130
    assert capsys.readouterr().err.splitlines() == ["backprop-gui export: interrupted"]
