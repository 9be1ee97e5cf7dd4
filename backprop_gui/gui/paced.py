"""Training at a chosen speed, up to a stop condition's epoch, and at "max"
in chunks timed to the frames, with the steps after each frame run by the
trainer process while the frame is drawn (``_ahead``).

``PacedTraining`` is part of ``worker.TrainingWorker`` (a mixin, as
``restart.TrainerRestarts`` is): its methods run in the worker thread and use
the worker's state. The schedule is ``session.pacing.Pacer``'s; the epoch a
stop condition stops at is ``session.stopping.StopWatch``'s.
"""

from __future__ import annotations

import time

SLOW_STEP_SECONDS = 1.0  # a step slower than this earns a hint about batch size
MAX_FPS = 34  # snapshots (each with a new surface) per second, at most
MIN_CHUNK_SECONDS = 0.0005
# In the trainer process, at least: a frame due but not yet acknowledged by
# the GUI is waited for with chunks of this length, not of MIN_CHUNK_SECONDS,
# whose round trips (about 1 ms each) left the process idle half the time.
MIN_PROCESS_CHUNK_SECONDS = 0.004


class PacedTraining:
    """The worker's calls that train what is due, never past a stop, and at
    "max" as fast as frames allow."""

    def _has_points(self) -> bool:
        """True when there are training points; else training stops and says why."""
        if self._trainer.m:
            return True
        self._training = False
        self._message = "Nothing to train on: add some points first."
        return False

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
        if not self._has_points():
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

    def _train_for(self, seconds: float) -> None:
        """Train for about ``seconds``, by the measured rate."""
        if not self._has_points():
            return
        steps = max(1, int(self._rate * seconds))
        start = time.perf_counter()
        steps = self._run_steps(steps)
        if not steps:
            return
        elapsed = time.perf_counter() - start
        if steps == 1 and elapsed > SLOW_STEP_SECONDS and not self._slow_step_said:
            self._slow_step_said = True
            if self._config.batch_size is None:
                self._message = (
                    f"One full-batch step takes {elapsed:.1f} s on {self._trainer.m:,} points: "
                    "a batch size of 256 trains interactively."
                )
        self._measured(steps, elapsed, seconds)

    def _ahead(self) -> int:
        """Steps for the trainer process to run right after sending the next
        frame, while that frame travels and is drawn (``RemoteEngine.frame``'s
        ``then_run``): training at "max", about the time to the frame after.
        None (0) when anything must be seen first: a change, a stop
        condition, a pace, training in this thread."""
        if (
            self.in_process
            or not self._training
            or self._show_now
            or self._pacer.rate is not None
            or self._stops.conditions.any
            or self._pending
        ):
            return 0
        # Up to the next frame's request, less the trainer's part of a frame
        # (the worker's part, the surface, is made while the trainer trains).
        return int(self._rate * self._chunk_seconds(1.0 / MAX_FPS - self._trainer_frame_seconds))

    def _collect_ahead(self) -> bool:
        """True when steps were run after the last frame (see ``_ahead``).
        Their time in the trainer process measures the training rate, as
        ``_train_for``'s chunks do."""
        ahead, self._ran_ahead = self._ran_ahead, 0
        if ahead:
            seconds = self._trainer.collect()
            if seconds > 0:
                self._measured(ahead, seconds, seconds)
        return ahead > 0

    def _measured(self, steps: int, elapsed: float, planned: float) -> None:
        """Update the training rate from ``steps`` done in ``elapsed`` seconds;
        never more than double: one fast chunk must not make the next huge."""
        self._rate = min(steps / max(elapsed, 1e-6), 2 * max(self._rate, steps / planned), 1e7)
