"""The command line as a whole: arguments, help, version, the app, signals."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .helpers import REPO, assert_usage_error, drain, run_cli


@pytest.mark.parametrize(
    "args",
    [
        ["train", "--dataset", "xor", "--lr", "0"],
        ["train", "--dataset", "xor", "--lr", "-1"],
        ["train", "--dataset", "xor", "--lr", "nan"],
        ["train", "--dataset", "xor", "--lr", "fast"],
        ["train", "--dataset", "banana"],
        ["train"],
        ["train", "--dataset", "xor", "--data", "points.csv"],
        ["train", "--dataset", "xor", "--layers", "8,0"],
        ["train", "--dataset", "xor", "--layers", "300"],
        ["train", "--dataset", "xor", "--layers", "1,1,1,1,1,1,1,1,1"],
        ["train", "--dataset", "xor", "--layers", "8,x"],
        ["train", "--dataset", "xor", "--activation", "swish"],
        ["train", "--dataset", "xor", "--layers", "4,4", "--activation", "tanh,relu,relu"],
        ["train", "--dataset", "xor", "--features", "x1,x3"],
        ["train", "--dataset", "xor", "--optimizer", "rmsprop"],
        ["train", "--dataset", "xor", "--noise", "2"],
        ["train", "--dataset", "xor", "--points", "0"],
        ["train", "--dataset", "xor", "--test-ratio", "1"],
        ["train", "--dataset", "xor", "--epochs", "0"],
        ["train", "--dataset", "xor", "--batch-size", "0"],
        ["train", "--dataset", "xor", "--l2", "-0.1"],
        ["train", "--dataset", "xor", "--bogus"],
        ["frobnicate"],
        ["gradcheck", "--activation", "swish"],
        ["gradcheck", "--layers", "a"],
        ["predict", "--data", "x.csv"],
        # Numbers are ASCII decimals (int() and float() read all of these).
        ["train", "--dataset", "xor", "--layers", "\uff18"],
        ["train", "--dataset", "xor", "--layers", "1_6"],
        ["train", "--dataset", "xor", "--layers", "8,\u0668"],
        ["train", "--dataset", "xor", "--epochs", "1_0"],
        ["train", "--dataset", "xor", "--points", "\u0663\u0660"],
        ["train", "--dataset", "xor", "--seed", "\uff17"],
        ["train", "--dataset", "xor", "--lr", "\uff10.1"],
        ["train", "--dataset", "xor", "--lr", "0.0_3"],
        ["train", "--dataset", "xor", "--batch-size", "1_6"],
        ["gradcheck", "--layers", "\uff13"],
        ["gradcheck", "--seed", "1_0"],
        # Limits, from the one table (session.LIMITS).
        ["train", "--dataset", "xor", "--points", "100001"],
        ["train", "--dataset", "xor", "--batch-size", "1000001"],
        ["gradcheck", "--layers", "257"],
        ["gradcheck", "--layers", "1,1,1,1,1,1,1,1,1"],
        # Infinity is never an option's value.
        ["train", "--dataset", "xor", "--l2", "inf"],
        ["train", "--dataset", "xor", "--l1", "1e999"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str]) -> None:
    assert_usage_error(run_cli(*args))


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ([], ["train", "predict", "gradcheck", "--version", "exit status", "examples"]),
        (
            ["train"],
            [
                "--dataset", "--data", "--points", "--noise", "--layers", "--activation",
                "--features", "--optimizer", "--lr", "--batch-size", "--l1", "--l2",
                "--epochs", "--test-ratio", "--seed", "--out", "--json", "xor", "spiral",
                "default: 500", "default: 0.03", "examples",
            ],
        ),
        (["predict"], ["--weights", "--data", "--out", "p0", "examples"]),
        (["gradcheck"], ["--layers", "--activation", "default: 5,4", "1e-07", "examples"]),
    ],
)  # fmt: skip
def test_help(command: list[str], expected: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # help wraps lines where it likes
    for item in expected:
        assert item in text, item


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"backprop-gui \d+\.\d+\.\d+\S*", result.stdout.strip())


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_line_only_on_a_terminal() -> None:

    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "backprop_gui", "train", "--dataset", "xor", "--epochs", "50"],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
        )
        os.close(slave)
        stdout, _ = process.communicate(timeout=120)
        seen = drain(master)
    finally:
        os.close(master)
    assert process.returncode == 0
    assert b"epoch " in seen and b"/50" in seen and b"\r" in seen
    # The summary on stdout is unaffected by the progress line.
    assert "epoch" not in stdout.splitlines()[0]
    assert "epochs: 50 of 50" in stdout


def test_the_gui_without_a_display_says_so_in_one_line():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-m", "backprop_gui"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no display" in result.stderr


# -- the package ---------------------------------------------------------------


def test_main_and_build_parser_are_importable_and_every_command_registered() -> None:
    from backprop_gui.cli import COMMANDS, build_parser, commands, main

    assert callable(main)
    assert [command.name for command in commands()] == list(COMMANDS)
    assert {"train", "predict", "gradcheck", "bench"} <= set(COMMANDS)
    assert build_parser().parse_args(["gradcheck"]).command == "gradcheck"


def test_importing_the_cli_loads_nothing_heavy() -> None:
    # main() installs its signal handlers before NumPy loads: see test_signals.
    heavy = ("numpy", "argparse", "backprop_gui.core")
    code = f"import sys, backprop_gui.cli; print([m for m in sys.modules if m in {heavy}])"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_app_py_in_a_clone_runs_the_same_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "app.py", "--version"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("backprop-gui ")


@pytest.mark.parametrize("args", [[], ["--quick"], ["--quick", "--json"], ["--help"]])
def test_bench_points_to_the_benchmarks_in_one_line(args: list[str]) -> None:
    result = run_cli("bench", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert "python -m benchmarks" in line
