"""Stop conditions stop a run when they become true, and not again at once."""

import pytest

from backprop_gui.core import Evaluation
from backprop_gui.session.stopping import StopConditions, StopWatch


def ev(epoch, cost, accuracy):
    return Evaluation(epoch, epoch, cost, float("nan"), accuracy, float("nan"))


def test_each_condition_says_what_stopped_training():
    watch = StopWatch(StopConditions(accuracy=1.0))
    watch.arm(0, ev(0, 0.7, 0.5))
    assert watch.check(5, ev(5, 0.3, 0.99)) is None
    assert watch.check(6, ev(6, 0.2, 1.0)) == "Stopped: train accuracy reached 100 %."
    watch.set(StopConditions(cost=0.05))
    assert watch.check(7, ev(7, 0.06, 1.0)) is None
    assert watch.check(8, ev(8, 0.049, 1.0)) == "Stopped: train cost fell below 0.05."
    watch.set(StopConditions(epochs=500))
    assert watch.check(499, None) is None
    assert watch.check(500, None) == "Stopped: 500 epochs reached."


def test_a_condition_met_at_the_press_waits_until_it_is_met_again():
    watch = StopWatch(StopConditions(accuracy=0.9, epochs=100))
    watch.arm(100, ev(100, 0.1, 0.95))  # both met when Train is pressed
    assert watch.check(101, ev(101, 0.1, 0.95)) is None
    assert watch.check(150, ev(150, 0.2, 0.85)) is None  # accuracy fell: re-armed
    assert watch.check(151, ev(151, 0.1, 0.92)) == "Stopped: train accuracy reached 90 %."
    assert watch.epochs_left(151) is None  # the epochs condition stays passed


def test_the_epochs_left_until_a_stop():
    watch = StopWatch(StopConditions(epochs=10))
    watch.arm(3, None)
    assert watch.epochs_left(3) == 7 and watch.epochs_left(10) == 0
    assert StopWatch().epochs_left(3) is None


def test_an_evaluation_missing_keeps_the_cost_conditions_as_they_were():
    watch = StopWatch(StopConditions(cost=0.5))
    watch.arm(0, ev(0, 0.4, 1.0))  # met: skipped
    assert watch.check(1, None) is None
    assert watch.check(2, ev(2, 0.4, 1.0)) is None  # still skipped


@pytest.mark.parametrize(
    "kwargs", [{"accuracy": 0.0}, {"accuracy": 1.5}, {"cost": -1.0}, {"epochs": 0}]
)
def test_nonsense_conditions_are_refused(kwargs):
    with pytest.raises(ValueError):
        StopConditions(**kwargs)
