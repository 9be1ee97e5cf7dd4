"""How the engine table's rounds are timed: every implementation takes turns
through each round, and a round's rate is its steps over its time in all its
turns. A fake clock makes the rates exact. And what the recording runners
record."""

import math

import pytest

from benchmarks import engine
from benchmarks.engine import (
    CASES,
    SLICES,
    Case,
    RecordedAccuracyRunner,
    RecordedRunner,
    measure_training,
)
from benchmarks.table import format_table


class FakeRunner:
    """Takes ``seconds_per_step`` of the fake clock per step, and logs its turns."""

    def __init__(self, name: str, seconds_per_step: float, clock: list, turns: list) -> None:
        self.name, self.seconds_per_step = name, seconds_per_step
        self.clock, self.turns = clock, turns

    def run(self, steps: int) -> None:
        self.turns.append((self.name, steps))
        self.clock[0] += steps * self.seconds_per_step

    def parameters(self) -> None:
        return None  # no agreement to check


@pytest.fixture
def fake(monkeypatch):
    clock, turns = [0.0], []
    speeds = {"engine": 1e-4, "plain": 3e-4}
    monkeypatch.setattr(engine.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(engine.time, "sleep", lambda _: None)
    makers = {
        name: (lambda case, n=name, s=s: FakeRunner(n, s, clock, turns))
        for name, s in speeds.items()
    }
    monkeypatch.setattr(engine, "RUNNERS", makers)
    monkeypatch.setattr(engine, "agreement", lambda *_: {})  # not about time
    return clock, turns


def test_each_implementation_takes_turns_through_every_round(fake):
    _, turns = fake
    result = measure_training([Case("z", (2, 3, 1), 10)], ["engine", "plain"], 2, 0.4)
    # Calibration (the rounds' turns are 0.4 s / SLICES long), then per round
    # SLICES turns each, alternating, the order rotated every round.
    rounds = turns[-4 * SLICES :]
    names = [name for name, _ in rounds]
    assert names == ["engine", "plain"] * SLICES + ["plain", "engine"] * SLICES
    steps = dict(rounds)
    assert steps["engine"] * 1e-4 == pytest.approx(0.4 / SLICES, rel=0.01)
    case = result["z"]
    assert case["turns_per_round"] == SLICES
    assert case["steps_per_round"] == {name: SLICES * n for name, n in steps.items()}
    # With the fake clock each rate is exact, and so is the paired speed-up.
    assert case["rates_per_round"]["engine"] == pytest.approx([1e4, 1e4])
    assert case["rates_per_round"]["plain"] == pytest.approx([1e4 / 3, 1e4 / 3])
    assert case["engine_speedup"]["plain"] == pytest.approx(3.0)


def test_a_rate_counts_the_time_of_all_its_turns_in_the_round(fake, monkeypatch):
    clock, turns = fake
    slowness = iter([1.0, 4.0] + [1.0] * (SLICES - 2))  # the plain loop's second turn

    class Uneven(FakeRunner):
        def run(self, steps: int) -> None:
            in_round = self.name == "plain" and steps == round_steps.get("plain")
            super().run(steps)
            if in_round:
                self.clock[0] += steps * self.seconds_per_step * (next(slowness) - 1.0)

    round_steps = {}
    real_calibrate = engine.calibrate

    def calibrate(runner, seconds):
        round_steps[runner.name] = real_calibrate(runner, seconds)
        return round_steps[runner.name]

    monkeypatch.setattr(engine, "calibrate", calibrate)
    monkeypatch.setattr(
        engine,
        "RUNNERS",
        {
            "engine": lambda case: Uneven("engine", 1e-4, clock, turns),
            "plain": lambda case: Uneven("plain", 3e-4, clock, turns),
        },
    )
    result = measure_training([Case("z", (2, 3, 1), 10)], ["engine", "plain"], 1, 0.4)
    # The plain loop's turns took 1, 4, 1, … times its usual time: its rate in
    # the round is all its turns' steps over all that time.
    usual = 1e4 / 3
    assert result["z"]["rates_per_round"]["plain"] == pytest.approx([usual * SLICES / (SLICES + 3)])
    assert result["z"]["rates_per_round"]["engine"] == pytest.approx([1e4])


@pytest.mark.parametrize(
    "runner, accuracy", [(RecordedRunner, False), (RecordedAccuracyRunner, True)]
)
def test_the_recording_runners_record_every_steps_cost_and_only_one_the_accuracy(runner, accuracy):
    # "recorded" does the peers' work, the cost of every step, as the app does;
    # "recorded+accuracy" counts each step's accuracy besides.
    trainer = runner(CASES[0]).trainer
    trainer.run(3)
    assert list(trainer.steps.step) == [1, 2, 3]
    assert all(math.isfinite(cost) for cost in trainer.steps.cost)
    assert all(math.isfinite(a) == accuracy for a in trainer.steps.accuracy)


def test_the_table_says_how_many_turns_a_round_takes(fake):
    result = measure_training([Case("z", (2, 3, 1), 10)], ["engine", "plain"], 1, 0.4)
    data = {
        "mode": "quick",
        "seconds": 1.0,
        "options": {"rounds": 1, "round_seconds": 0.4},
        "machine": {"cpus": 2, "cpu_model": "cpu", "python": "3", "numpy": "2", "blas": {}},
        "training": result,
        "surface": {},
        "app": {"skipped": "not requested"},
        "targets": [],
    }
    table = format_table(data)
    assert f"~0.4 s per implementation, in {SLICES} turns each;" in table
