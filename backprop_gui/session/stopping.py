"""Stop conditions: training stops by itself when one is reached.

Three optional conditions (``StopConditions``): the train accuracy reaches a
value, the train cost falls below a value, the epoch count reaches a number.
``StopWatch`` checks them on the evaluations the window shows (the whole
training set's cost and accuracy, or their estimate on a fixed sample for
big sets) and on the epoch counter.

A condition stops training when it *becomes* true: one already met when Train
is pressed (``arm``) is skipped until it is no longer met, so pressing Train
after a stop continues from there instead of stopping again at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..core import Evaluation


@dataclass(frozen=True)
class StopConditions:
    """``accuracy``: a fraction in (0, 1]; ``cost``: a cost J > 0;
    ``epochs``: a count ≥ 1. None: that condition is off."""

    accuracy: float | None = None
    cost: float | None = None
    epochs: int | None = None

    def __post_init__(self) -> None:
        if self.accuracy is not None and not 0 < self.accuracy <= 1:
            raise ValueError("the accuracy to stop at must be in (0, 1]")
        if self.cost is not None and not (math.isfinite(self.cost) and self.cost > 0):
            raise ValueError("the cost to stop below must be a positive number")
        if self.epochs is not None and self.epochs < 1:
            raise ValueError("the epochs to stop at must be at least 1")

    @property
    def any(self) -> bool:
        return (self.accuracy, self.cost, self.epochs) != (None, None, None)


def _met(conditions: StopConditions, epoch: int, evaluation: Evaluation | None) -> dict[str, str]:
    """The conditions met now, by name, each with what the status bar says."""
    met = {}
    c = conditions
    if c.epochs is not None and epoch >= c.epochs:
        met["epochs"] = f"Stopped: {c.epochs:,} epochs reached."
    if evaluation is not None:
        # A hair of tolerance: 0.999999 of 200 points is 100 %.
        if c.accuracy is not None and evaluation.train_accuracy >= c.accuracy - 1e-9:
            met["accuracy"] = f"Stopped: train accuracy reached {100 * c.accuracy:g} %."
        if c.cost is not None and evaluation.train_cost < c.cost:
            met["cost"] = f"Stopped: train cost fell below {c.cost:g}."
    return met


class StopWatch:
    """Which conditions may stop the run now (see the module docstring)."""

    def __init__(self, conditions: StopConditions | None = None) -> None:
        self.conditions = conditions or StopConditions()
        self._skipped: set[str] = set()

    def set(self, conditions: StopConditions) -> None:
        """New conditions apply from now on, all of them armed."""
        self.conditions = conditions
        self._skipped = set()

    def arm(self, epoch: int, evaluation: Evaluation | None) -> None:
        """Train was pressed at ``epoch``: skip what is met already."""
        self._skipped = set(_met(self.conditions, epoch, evaluation))

    def check(self, epoch: int, evaluation: Evaluation | None) -> str | None:
        """What stops training now (the status bar's sentence), or None."""
        met = _met(self.conditions, epoch, evaluation)
        names = {"epochs", "accuracy", "cost"}
        if evaluation is None:  # cost and accuracy unknown: keep their state
            names = {"epochs"}
        self._skipped &= set(met) | ({"accuracy", "cost"} - names)
        for name in ("epochs", "accuracy", "cost"):
            if name in met and name not in self._skipped:
                return met[name]
        return None

    def epochs_left(self, epoch: int) -> int | None:
        """Epochs until the epoch condition stops training (0: it stops now;
        None: no limit now)."""
        c = self.conditions
        if c.epochs is None or "epochs" in self._skipped:
            return None
        return max(c.epochs - epoch, 0)
