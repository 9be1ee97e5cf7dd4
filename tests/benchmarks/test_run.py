"""`python -m benchmarks`, run from the clone's root, runs end to end and its
JSON has what the table shows.

A smoke test: tiny rounds, no timing assertions (numbers on a shared test
machine mean nothing); the real measurements are `python -m benchmarks`.
Tiny rounds may miss targets, so the exit status is checked against the
verdicts the run itself printed."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.table import format_table

ROOT = Path(__file__).resolve().parents[2]  # the clone's root
TINY = [
    "--quick",
    "--json",
    "--cases", "a",
    "--peers", "none",
    "--rounds", "1",
    "--round-seconds", "0.01",
    "--app-rounds", "1",
    "--app-seconds", "0.6",
    "--headless-seconds", "0.1",
    "--thread-seconds", "0.4",
]  # fmt: skip


def run_bench(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def expected_status(verdicts: list[bool | None]) -> int:
    """1 when a target was measured and missed, else 0."""
    return 1 if any(v is False for v in verdicts) else 0


def test_bench_emits_valid_json_with_every_section():
    result = run_bench(*TINY)
    data = json.loads(result.stdout.strip().splitlines()[-1])
    verdicts = [t["pass"] for t in data["targets"]]
    assert result.returncode == expected_status(verdicts), result.stderr
    assert "Traceback" not in result.stderr
    assert data["schema"] == "backprop-gui-bench/2" and data["mode"] == "quick"
    case = data["training"]["a"]
    assert case["network"] == [2, 8, 8, 1] and case["points"] == 200
    assert set(case["steps_per_second"]) == {"engine", "recorded", "recorded+accuracy", "plain"}
    assert case["steps_per_second"]["engine"]["median"] > 0
    # Same start, same equations: the engine and the textbook loop agree, and
    # recording every step's cost (and accuracy) trains exactly alike.
    assert case["max_parameter_difference"]["plain"] < 1e-12
    assert case["max_parameter_difference"]["recorded"] == 0.0
    assert case["max_parameter_difference"]["recorded+accuracy"] == 0.0
    # The speed-up pairs the rounds: the median of same-round ratios.
    per_round = case["rates_per_round"]
    ratios = sorted(e / p for e, p in zip(per_round["engine"], per_round["plain"], strict=True))
    assert case["engine_speedup"]["plain"] == pytest.approx(ratios[len(ratios) // 2])
    target = next(t for t in data["targets"] if t["key"] == "engine_vs_plain_a")
    assert target["value"] == pytest.approx(case["engine_speedup"]["plain"])
    recorded = sorted(r / p for r, p in zip(per_round["recorded"], per_round["plain"], strict=True))
    assert case["recorded_speedup"]["plain"] == pytest.approx(recorded[len(recorded) // 2])
    target = next(t for t in data["targets"] if t["key"] == "recorded_vs_plain_a")
    assert target["value"] == pytest.approx(case["recorded_speedup"]["plain"])
    # Recording the accuracy too is reported beside it, paired the same way.
    counted = per_round["recorded+accuracy"]
    counted = sorted(r / p for r, p in zip(counted, per_round["plain"], strict=True))
    assert case["recorded_accuracy_speedup"] == {"plain": pytest.approx(counted[len(counted) // 2])}
    assert {s["resolution"] for s in data["surface"].values()} == {100, 200, 256}
    app = data["app"]
    assert app["trainer"] == "process" and app["network"] == [2, 8, 8, 1]
    assert app["steps_per_second"]["app"]["median"] > 0
    # The same training headless, plain and recording every cost as the app does.
    rates = app["steps_per_second"]
    assert rates["headless"]["median"] > 0 and rates["headless_recording"]["median"] > 0
    assert app["app_over_headless_recording"] == pytest.approx(
        rates["app"]["median"] / rates["headless_recording"]["median"]
    )
    # ...and the trainer's own work alone: recording, and making the frames the app got.
    assert rates["headless_making_frames"]["median"] > 0
    assert app["app_over_headless_making_frames"] == pytest.approx(
        rates["app"]["median"] / rates["headless_making_frames"]["median"]
    )
    # Surfaces count once painted on the canvas, not when the window took them in.
    assert app["surface_updates_per_second"]["median"] > 0
    painted, received = app["surface_updates_per_second"], app["surfaces_received_per_second"]
    assert painted["median"] <= received["median"] * 1.1 + 2
    lateness = app["lateness_ms"]
    assert {"p50", "p99", "max"} <= set(lateness)
    # The latest ticks come one by one, latest first, with where the time went.
    worst = lateness["worst"]
    assert 1 <= len(worst) <= 5
    assert worst[0]["lateness_ms"] == pytest.approx(lateness["max"])
    assert [t["lateness_ms"] for t in worst] == sorted(
        (t["lateness_ms"] for t in worst), reverse=True
    )
    for tick in worst:
        # An interval is the probe's own 5 ms plus the lateness.
        assert tick["interval_ms"] >= tick["lateness_ms"]
        for key in ("host_steal_ms", "gui_ran_ms", "gui_waited_ms"):
            assert tick[key] is None or tick[key] >= 0
    max_target = next(t for t in data["targets"] if t["key"] == "lateness_max_ms")
    assert max_target["note"].startswith(f"worst tick {lateness['max']:.1f} ms late")
    table = format_table(data)
    assert "worst ticks (meanwhile)" in table and "host steal" in table
    plain = case["recorded_accuracy_speedup"]["plain"]
    assert f"recording every step's accuracy too, {plain:.2f}x plain" in table
    # What the engine's speed depends on: OpenBLAS's kernel and the tanh chosen.
    machine = data["machine"]
    assert machine["tanh"] in ("exp", "numpy")
    assert f"the engine's tanh: {machine['tanh']}" in table
    assert {"kernel", "OPENBLAS_CORETYPE"} <= set(machine["blas"])
    if machine["blas"]["kernel"]:
        assert f"{machine['blas']['kernel']} kernel" in table
    steal = app["machine_steal_percent"]  # None off Linux
    assert steal is None or 0 <= steal <= 100
    assert app["time_to_learn"]["target_accuracy"] == 0.95
    assert data["app_thread"]["trainer"] == "thread"
    # Issue #14's case: the diagram, every unit's map and the health panel visible.
    inspector = data["app_inspector"]
    views = inspector["inspector"]
    assert views["diagram"] and views["health"] and views["unit_maps"] == [2, 8, 8, 1]
    assert inspector["steps_per_second"]["app"]["median"] > 0
    assert "with the inspector" in table
    assert {"inspector_over_headless", "inspector_lateness_p99_ms"} <= {
        t["key"] for t in data["targets"]
    }
    keys = [t["key"] for t in data["targets"]]
    assert "engine_vs_plain_a" in keys and "lateness_p99_ms" in keys
    for target in data["targets"]:
        assert target["pass"] in (True, False, None)
    # Peers left out on purpose are skipped with a note, not an error.
    assert all("skipped" in note for note in data["peer_notes"].values())


def test_the_speed_up_is_the_median_of_same_round_ratios():
    from benchmarks.engine import paired_speedup

    # Round 1 ran fast (engine 2x the peer), round 2 slow for the peer (0.5x):
    # the same-round ratios are 2 and 0.5; the ratio of the medians would be 1.
    assert paired_speedup([10, 20], [5, 40]) == pytest.approx(1.25)
    assert paired_speedup([30, 10, 20], [10, 10, 10]) == pytest.approx(2.0)


def test_bench_table_and_usage_errors():
    result = run_bench(*[a for a in TINY if a != "--json"], "--no-app")
    targets = result.stdout.split("\nTargets\n", 1)[1].splitlines()[1:]
    verdicts = [False if "FAIL" in row else None for row in targets]
    assert result.returncode == expected_status(verdicts), result.stderr
    # A miss is said on stderr too, in one line, naming the targets.
    assert ("target(s) missed (FAIL)" in result.stderr) == (result.returncode == 1)
    assert "Training steps/s" in result.stdout and "Targets" in result.stdout
    # A kernel forced by the environment is said, since it changes the speed.
    forced = os.environ.get("OPENBLAS_CORETYPE")
    assert (f"OPENBLAS_CORETYPE={forced} is set" in result.stdout) == bool(forced)
    assert "not requested (--no-app)" in result.stdout
    bad = run_bench("--cases", "z")
    assert bad.returncode == 2 and "unknown case" in bad.stderr


@pytest.mark.parametrize("flag", ["--help"])
def test_bench_help_names_the_targets(flag):
    result = run_bench(flag)
    text = " ".join(result.stdout.split())
    assert result.returncode == 0
    for words in ("2-8-8-1 on 200", ">= 2.5", "p99 <= 20 ms", "torch", "sklearn", "--quick"):
        assert words in text


@pytest.mark.skipif(
    not Path("/proc/thread-self/schedstat").exists(), reason="Linux's per-thread schedstat"
)
def test_the_tick_clock_counts_this_threads_time_on_a_cpu():
    from benchmarks.probe import TickClock

    clock = TickClock()
    try:
        steal, ran, waited = clock.read()
        start = time.thread_time()
        while time.thread_time() - start < 0.05:  # 50 ms of this thread's CPU time
            pass
        steal2, ran2, waited2 = clock.read()
    finally:
        clock.close()
    assert ran2 - ran == pytest.approx(50, abs=15)
    assert waited2 >= waited
    if steal is not None:
        assert steal2 >= steal >= 0


def test_the_probe_keeps_every_sample_but_only_the_latest_ticks(qapp):
    from benchmarks.probe import WORST_TICKS, Probe, lateness_summary

    probe = Probe()
    probe.start()
    try:
        probe.recording = True
        order = [7, 19, 3, 12, 20, 1, 15, 9, 18, 5, 16, 11, 2, 17, 8, 4, 14, 10, 6, 13]
        for late_ms in order:
            probe._due = time.perf_counter() - late_ms / 1e3  # this tick came late_ms late
            probe._fire()
        probe.stop()
        assert len(probe.lateness_ms) == len(order)
        kept = [round(tick.lateness_ms) for tick in probe.worst_ticks()]
        assert kept == [20, 19, 18, 17, 16] and WORST_TICKS == 5
        summary = lateness_summary(probe.lateness_ms, probe.worst_ticks())
        assert round(summary["max"]) == 20 and summary["samples"] == len(order)
        assert [round(t["lateness_ms"]) for t in summary["worst"]] == kept
        probe.clear()
        assert len(probe.lateness_ms) == 0 and probe.worst_ticks() == []
    finally:
        probe.stop()
