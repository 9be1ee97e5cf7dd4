"""Restarting the trainer process: training survives its death.

A trainer process that dies (killed, out of memory) is replaced by a new
one holding the weights of the last frame shown, its network, data and
training settings; the epoch and step counters go on from that frame's.
The optimizer's state (momentum, Adam's moments) and the position in the
epoch in progress are lost. Training goes on if it was on, unless the new
process too died before a frame: then it pauses.

``TrainerRestarts`` is part of ``worker.TrainingWorker`` (a mixin, to keep
each module to one idea): its methods run in the worker thread and use the
worker's state.
"""

from __future__ import annotations

import re
import time
import traceback
from dataclasses import replace

from ..session import Frame, RemoteError

# A killed process closes its pipes a moment before it can be reaped: how long
# a failed call waits to tell a dead trainer process from a failing one.
DEATH_GRACE_SECONDS = 1.0
# What a posted θ comes with (``TrainingWorker.post``): a later θ replaces all of it.
THETA_PARTS = frozenset({"theta", "resume", "optimizer_state", "same_run"})
# The changes ``post`` takes that put other weights in the network.
REPLACES_WEIGHTS = frozenset({"spec", "reset", "new_run", "theta", "restore"})


class TrainerRestarts:
    """The worker's calls for a trainer process that died."""

    def _recover(self, exc: Exception) -> bool:
        """After a failed call: True if the trainer process had died and a new
        one has taken over; otherwise the error is reported (False)."""
        error = traceback.format_exc(limit=6)
        try:
            if self._trainer_died(exc):
                self._restart_trainer()
                return True
        except Exception:  # the new process failed too: report the first failure
            pass
        self._training = False
        self._error = error
        return False

    def _trainer_died(self, exc: Exception) -> bool:
        if self.in_process or self._stop.is_set():
            return False
        deadline = time.monotonic() + DEATH_GRACE_SECONDS
        while isinstance(exc, RemoteError) and self._trainer.alive and not self._stop.is_set():
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        return not self._trainer.alive

    def _restart_if_dead(self) -> None:
        # Not while stopping: stop() kills the process on purpose.
        if not self._trainer.alive and not self._stop.is_set():
            self._restart_trainer()

    def _restart_trainer(self) -> None:
        """A new trainer process with the network, weights and counters of the
        last frame shown, and the current data and settings (see the module's
        docstring for what is lost)."""
        last, good, best = self._last_snapshot, self._last_good, self._best_cost
        again = self._restarts_unseen > 0
        self._restarts_unseen += 1
        self._build(self._spec, new_generation=False)  # starts a new process
        self._last_good, self._best_cost = good, best
        self._stale = True
        if last is not None and last.generation == self._generation and last.spec == self._spec:
            self._trainer.set_theta(last.theta)
            self._resumed_at = (last.epoch, last.steps)
            weights = f"the weights of epoch {last.epoch:,}"
        else:  # that network was never shown: its seed gives the same weights
            weights = f"new weights from seed {self._spec.seed}"
        self._message = f"The trainer process stopped; restarted it with {weights}."
        if again and self._training:
            self._training = False
            self._message = (
                f"The trainer process stopped again; restarted it with {weights} "
                "and paused. Press Train to go on."
            )

    def _requeue_if_died(self, exc: Exception, pending: dict) -> None:
        """Changes whose applying failed because the trainer process died are
        applied again, all of them, to the next one: each is idempotent, and
        a step cut short is done again from the weights shown."""
        if self._trainer_died(exc):
            with self._lock:
                self._pending = self._merged(pending, self._pending)

    def _renumbered(self, message: str) -> str:
        """The trainer counts from 0 after a restart: the step the window shows."""
        steps0 = self._resumed_at[1]
        return re.sub(r"(?<=at step )(\d+)", lambda m: f"{int(m.group(1)) + steps0}", message)

    @staticmethod
    def _merged(older: dict, newer: dict) -> dict:
        """Changes not yet applied, then ``newer`` (``TrainingWorker.post``'s):
        the later value of each, but config fields merged and steps added up.
        A later θ replaces an earlier one with all that came with it (its
        counters, its optimizer's state), and is one more step of the run
        shown only if both were: if the earlier one began a new run, the
        later one's weights begin it (a new curve) all the same."""
        if "theta" in older and "theta" in newer:
            same_run = bool(older.get("same_run")) and bool(newer.get("same_run"))
            newer = {**newer, "same_run": same_run}
        if "theta" in newer:
            older = {k: v for k, v in older.items() if k not in THETA_PARTS}
        merged = {**older, **newer}
        if "config" in older and "config" in newer:
            merged["config"] = {**older["config"], **newer["config"]}
        for key in ("step_epochs", "step_steps"):
            if key in older and key in newer:
                merged[key] = older[key] + newer[key]
        return merged

    def _counted(self, made: Frame) -> Frame:
        """``made`` with the counters going on from ``_resumed_at``."""
        epoch0, steps0 = self._resumed_at
        if not (epoch0 or steps0):
            return made
        e = made.evaluation
        if e is not None:
            e = replace(e, epoch=e.epoch + epoch0, step=e.step + steps0)
        costs = made.step_costs
        if costs is not None:
            costs = costs.shifted(steps0, epoch0)
        return replace(
            made,
            epoch=made.epoch + epoch0,
            steps=made.steps + steps0,
            evaluation=e,
            step_costs=costs,
        )
