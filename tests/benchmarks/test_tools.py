"""Every benchmark tool's command line behaves like backprop-gui's: --help
prints the usage and exits 0 without doing anything else, a bad argument is
one line on stderr and exit status 2, and a run that misses a target exits 1."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import benchmarks.__main__ as bench_main
from benchmarks.run import EXIT_FAILED, EXIT_OK, exit_status, failed_targets

ROOT = Path(__file__).resolve().parents[2]  # the clone's root
TOOLS = ["benchmarks", "benchmarks.scale", "benchmarks.screenshot", "benchmarks.peer"]


def run_tool(module: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m module args`` started in ``cwd``, importing the clone's
    benchmarks (the way a user runs them from another folder)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )


@pytest.mark.parametrize("module", TOOLS)
def test_help_prints_the_usage_and_writes_nothing(module, tmp_path):
    result = run_tool(module, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: python -m {module} ")
    assert result.stderr == ""
    # The screenshot tool once wrote a PNG named "--help".
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("module", "args", "message"),
    [
        ("benchmarks", ["--bogus"], "unrecognized arguments: --bogus"),
        ("benchmarks", ["--cases", "a,z"], "--cases: unknown case 'z'; choose from a, b, c"),
        ("benchmarks", ["--peers", "keras"], "--peers: unknown peer 'keras'"),
        ("benchmarks", ["--rounds", "0"], "--rounds must be >= 1"),
        ("benchmarks", ["--app-seconds", "nan"], "--app-seconds must be > 0"),
        ("benchmarks", ["--thread-seconds", "-1"], "--thread-seconds must be >= 0"),
        ("benchmarks.scale", ["abc"], "not a number of seconds: 'abc'"),
        ("benchmarks.scale", ["inf"], "must be a number of seconds > 0"),
        ("benchmarks.scale", ["5", "6"], "unrecognized arguments: 6"),
        ("benchmarks.screenshot", ["../shot.png"], "is outside the folder"),
        ("benchmarks.screenshot", ["shot.jpg"], "must end in .png"),
        ("benchmarks.screenshot", ["--epochs", "-3"], "must be >= 0"),
        ("benchmarks.screenshot", ["--folder", "missing"], "does not exist"),
        ("benchmarks.peer", [], "the following arguments are required: NAME"),
        ("benchmarks.peer", ["keras"], "invalid choice: 'keras'"),
    ],
)
def test_a_bad_argument_is_one_line_and_exit_status_2(module, args, message, tmp_path):
    result = run_tool(module, *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"python -m {module}: error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def targets(*verdicts):
    return {
        "targets": [
            {"key": f"t{k}", "pass": verdict, "value": None} for k, verdict in enumerate(verdicts)
        ]
    }


def test_a_missed_target_makes_the_exit_status_1():
    assert exit_status(targets(True, True)) == EXIT_OK == 0
    # A target that cannot be measured here (a peer or the app missing) is not a miss.
    assert exit_status(targets(True, None, None)) == EXIT_OK
    assert exit_status(targets(True, False, None)) == EXIT_FAILED == 1
    assert exit_status(targets(False, False)) == EXIT_FAILED
    assert [t["key"] for t in failed_targets(targets(True, False, None, False))] == ["t1", "t3"]


def test_main_exits_1_and_names_the_missed_targets(monkeypatch, capsys):
    # The measuring itself is slow; here it returns verdicts of its own.
    result = targets(True, False, None)
    monkeypatch.setattr(bench_main, "run", lambda options, progress: result)
    assert bench_main.main(["--json", "--no-app", "--peers", "none"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out.strip().splitlines()[-1]) == result
    assert err.strip().splitlines()[-1] == "benchmarks: 1 target(s) missed (FAIL): t1"

    result["targets"][1]["pass"] = True
    assert bench_main.main(["--json"]) == 0
    assert "missed" not in capsys.readouterr().err


def test_main_reports_the_status_of_help_and_bad_arguments(capsys):
    assert bench_main.main(["--help"]) == 0
    assert bench_main.main(["--cases", "z"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_memory_growth_is_judged_only_over_a_minute_of_training_or_more():
    # A quick run's 10 s of training are mostly the allocator warming up: the
    # same code gave 46–49 MiB "per 5 minutes" there, +9 MiB over the full 300 s.
    from benchmarks.run import MEMORY_JUDGED_SECONDS, evaluate_targets

    def memory_target(seconds: float, growth: float) -> dict:
        app = {
            "app_over_headless": 0.9,
            "surface_updates_per_second": {"median": 33.0},
            "lateness_ms": {"p99": 5.0, "max": 20.0},
            "memory": {"growth_mib_per_5_minutes": growth, "training_seconds": seconds},
        }
        targets = evaluate_targets({"training": {}, "app": app})
        return next(t for t in targets if t["key"] == "memory_growth_mib_per_5_minutes")

    quick = memory_target(10, 46.0)
    assert quick["pass"] is None and quick["value"] == 46.0
    assert quick["note"].startswith("not judged: extrapolated from 10 s")
    assert exit_status({"targets": [quick]}) == EXIT_OK
    assert memory_target(MEMORY_JUDGED_SECONDS, 46.0)["pass"] is False
    full = memory_target(300, 9.0)
    assert full["pass"] is True and full["note"] == "measured over 300 s of training"
