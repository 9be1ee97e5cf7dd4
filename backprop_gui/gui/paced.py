"""Training at a chosen speed, and up to a stop condition's epoch.

``PacedTraining`` is part of ``worker.TrainingWorker`` (a mixin, as
``restart.TrainerRestarts`` is): its methods run in the worker thread and use
the worker's state. The schedule is ``session.pacing.Pacer``'s; the epoch a
stop condition stops at is ``session.stopping.StopWatch``'s.
"""

from __future__ import annotations


class PacedTraining:
    """The worker's calls that train what is due, never past a stop."""

    def _steps_per_epoch(self) -> int:
        size, m = self._config.batch_size, self._trainer.m
        return 1 if size is None or size >= m else -(-m // size)

    def _run_steps(self, steps: int) -> int:
        """``steps`` steps, but never past the epoch a stop condition stops
        at: up to it, in whole epochs. Returns the steps asked for (0: none,
        the stop is due)."""
        left = self._stops.epochs_left(self._trainer.epoch + self._resumed_at[0])
        if left == 0:
            return 0
        if left is not None and steps >= left * self._steps_per_epoch():
            self._trainer.run_epochs(left)
        else:
            self._trainer.run(steps)
        return steps

    def _train_paced(self) -> float | None:
        """Train what the pacer says is due; None when there is something new
        to show (trained, or a stop is due), else how long until something is."""
        if self._trainer.m == 0:
            self._training = False
            self._message = "Nothing to train on: add some points first."
            return None
        epoch0, steps0 = self._resumed_at
        due = self._pacer.due(
            self._trainer.epoch + epoch0, self._trainer.step_count + steps0, self._steps_per_epoch()
        )
        if not due.count:
            return due.wait
        if due.unit == "step":
            self._run_steps(due.count)
            return None
        left = self._stops.epochs_left(self._trainer.epoch + epoch0)
        if left == 0:
            return None  # a stop is due: the next frame says so
        self._trainer.run_epochs(due.count if left is None else min(due.count, left))
        return None
