"""The cost and accuracy of every training step, in compact growing arrays.

A ``Trainer`` with ``TrainConfig(record_steps=True)`` writes one entry per
step from the step's own forward pass (no second pass over the data). Entry
i says, for update number ``step[i]`` (1-based, as ``Trainer.step_count``
counts them):

- ``cost[i]``: J of that step's batch at the parameters *before* that update,
  i.e. after ``step[i] − 1`` updates: the mean cross-entropy of the batch
  (from the logits, stable) plus l1·Σ|W| + (l2/2)·Σ‖W‖², what a PyTorch loop
  reports as ``loss.item()``. With full batches it is the training cost;
  with mini-batches it is the cost of that mini-batch alone.
- ``accuracy[i]``: the fraction of that batch classified right, same
  parameters; NaN with ``TrainConfig(step_accuracy=False)``.
- ``epoch[i]``: the epochs completed before that step (0 during the first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Entries kept by default: 1,048,576 steps are 32 MiB; older ones are dropped.
DEFAULT_CAPACITY = 1 << 20


@dataclass
class Steps:
    """Where a run writes each step's cost and accuracy: arrays with room for
    at least the run's steps from ``start`` on (see ``StepLog.reserve``)."""

    step: np.ndarray
    epoch: np.ndarray
    cost: np.ndarray
    accuracy: np.ndarray
    start: int
    written: int = 0


@dataclass(frozen=True)
class StepRecords:
    """Some entries of a ``StepLog``, as arrays of equal length (copies)."""

    step: np.ndarray
    epoch: np.ndarray
    cost: np.ndarray
    accuracy: np.ndarray

    def __len__(self) -> int:
        return self.step.size


class StepLog:
    """Every recorded step's cost and accuracy (see the module docstring).

    The arrays grow by doubling; beyond ``capacity`` entries the oldest are
    dropped, so memory stays bounded on a run of days. Read incrementally with
    ``since(step)``.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.capacity = int(capacity)
        self._steps = self._allocate(min(1024, self.capacity))
        self.dropped = 0  # entries dropped from the front, for ``capacity``

    @staticmethod
    def _allocate(size: int) -> Steps:
        return Steps(
            np.zeros(size, np.int64), np.zeros(size, np.int64), np.zeros(size), np.zeros(size), 0
        )

    def __len__(self) -> int:
        return self._steps.written

    @property
    def step(self) -> np.ndarray:
        """(n,) int64: the update each entry belongs to (a read-only view)."""
        return self._view(self._steps.step)

    @property
    def epoch(self) -> np.ndarray:
        """(n,) int64: epochs completed before each entry's step."""
        return self._view(self._steps.epoch)

    @property
    def cost(self) -> np.ndarray:
        """(n,) float64: J of the step's batch before its update, penalty included."""
        return self._view(self._steps.cost)

    @property
    def accuracy(self) -> np.ndarray:
        """(n,) float64: the step's batch accuracy before its update (NaN
        unless ``TrainConfig.step_accuracy``)."""
        return self._view(self._steps.accuracy)

    def _view(self, array: np.ndarray) -> np.ndarray:
        view = array[: self._steps.written]
        view.flags.writeable = False
        return view

    def since(self, step: int) -> StepRecords:
        """Copies of the entries of updates after ``step`` (all with 0)."""
        s = self._steps
        start = int(np.searchsorted(s.step[: s.written], step, side="right"))
        part = slice(start, s.written)
        return StepRecords(
            s.step[part].copy(), s.epoch[part].copy(), s.cost[part].copy(), s.accuracy[part].copy()
        )

    def clear(self) -> None:
        self._steps.written = 0

    def drop_before(self, step: int) -> None:
        """Forget the entries of updates before ``step``, keeping the rest: a
        reader that has taken what it needs (the app's engine, frame by frame)
        keeps the log, and its memory, small."""
        s = self._steps
        drop = int(np.searchsorted(s.step[: s.written], step, side="left"))
        if drop:
            keep = s.written - drop
            for array in (s.step, s.epoch, s.cost, s.accuracy):
                array[:keep] = array[drop : s.written]
            s.written = keep
            self.dropped += drop

    def reserve(self, n: int) -> Steps:
        """Room for ``n`` more entries (n ≤ capacity // 2), dropping the oldest
        when the log would pass its capacity; the arrays the kernel writes."""
        s = self._steps
        need = s.written + n
        if need > s.step.size:
            if need > self.capacity:
                keep = max(0, self.capacity - n)
                drop = s.written - keep
                for array in (s.step, s.epoch, s.cost, s.accuracy):
                    array[:keep] = array[drop : s.written]
                s.written = keep
                self.dropped += drop
                need = keep + n
            if need > s.step.size:
                size = min(self.capacity, max(need, 2 * s.step.size))
                grown = self._allocate(size)
                for old, new in zip(
                    (s.step, s.epoch, s.cost, s.accuracy),
                    (grown.step, grown.epoch, grown.cost, grown.accuracy),
                    strict=True,
                ):
                    new[: s.written] = old[: s.written]
                grown.written = s.written
                self._steps = s = grown
        return s
