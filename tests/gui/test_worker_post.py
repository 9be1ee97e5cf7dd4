"""``TrainingWorker.post`` queues changes until the worker's loop takes them:
several posts before it does add up to what they say one after the other."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_gui.gui.worker import TRAINER_ENV, TrainingWorker
from backprop_gui.session import NetworkSpec


@pytest.fixture
def worker(qtbot, monkeypatch):
    monkeypatch.setenv(TRAINER_ENV, "thread")  # no trainer process: the loop never runs
    return TrainingWorker()


def theta() -> tuple[NetworkSpec, np.ndarray]:
    return NetworkSpec(), np.zeros(3)


def test_a_theta_is_a_new_run_unless_it_says_it_goes_on_one(worker):
    worker.post(theta=theta())
    assert worker._pending["same_run"] is False
    worker._pending.clear()
    worker.post(theta=theta(), same_run=True)
    assert worker._pending["same_run"] is True


@pytest.mark.parametrize(
    ("first", "second", "same_run"),
    [(False, True, False), (True, False, False), (True, True, True), (False, False, False)],
)
def test_two_thetas_before_the_loop_are_one_run_only_if_both_go_on_it(
    worker, first, second, same_run
):
    # A new run posted (an edit, a loaded session) and a walk's θ after it:
    # the walk goes on from the new run, which still starts a new curve.
    worker.post(theta=theta(), same_run=first)
    later = theta()
    worker.post(theta=later, same_run=second)
    assert worker._pending["same_run"] is same_run
    assert worker._pending["theta"] is later


def test_config_fields_merge_and_steps_add_up(worker):
    worker.post(config={"learning_rate": 0.1}, step_steps=1)
    worker.post(config={"l2": 0.01}, step_steps=1, step_epochs=2)
    worker.post(config={})  # nothing to change
    assert worker._pending["config"] == {"learning_rate": 0.1, "l2": 0.01}
    assert worker._pending["step_steps"] == 2 and worker._pending["step_epochs"] == 2


def test_a_change_requeued_after_the_trainer_died_keeps_a_new_run_new(worker):
    # The loop took a new-run θ, the trainer process died applying it, and a
    # same-run θ was posted meanwhile: both go again, as a new run.
    taken = {"theta": theta(), "same_run": False}
    worker.post(theta=theta(), same_run=True)
    merged = worker._merged(taken, worker._pending)
    assert merged["same_run"] is False
