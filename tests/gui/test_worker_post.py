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
    # A new run's θ posted (imported weights) and a same-run θ after it: the
    # later weights replace the earlier, and the run is still a new one (a new
    # curve), not one more step of the run shown.
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


def test_a_later_theta_replaces_what_came_with_the_earlier_one(worker):
    # A walk's θ with Adam's state, then imported weights before the loop
    # ran: the state and counters of the walk must not go with the import.
    worker.post(theta=theta(), resume=(5, 5), optimizer_state={"t": 5}, same_run=True)
    imported = theta()
    worker.post(theta=imported, resume=(0, 0))
    assert worker._pending["theta"] is imported
    assert worker._pending["resume"] == (0, 0)
    assert "optimizer_state" not in worker._pending
    assert worker._pending["same_run"] is False


def test_posts_that_replace_the_weights_are_counted(worker):
    # What a walk checks before it applies its step (gui.inspector).
    counted = worker.weights_posted
    worker.post(speed=10.0)
    worker.post(config={"learning_rate": 0.1})
    worker.post(training=True, request=1)
    assert worker.weights_posted == counted
    for change in ({"reset": True}, {"new_run": True}, {"spec": NetworkSpec()}, {"restore": True}):
        worker.post(**change)
    worker.post(theta=theta())
    assert worker.weights_posted == counted + 5
