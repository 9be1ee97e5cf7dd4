"""Making and sending the worker's frames.

``FrameMaking`` is part of ``worker.TrainingWorker`` (a mixin, as
``restart.TrainerRestarts`` is): its methods run in the worker thread and use
the worker's state. A frame's evaluation is reused between evaluations while
training at full speed (see ``worker``'s docstring); at a watchable speed,
with stop conditions, paused or after a change, every frame has a fresh one.
The stop conditions (``session.stopping``) are checked here, on each fresh
evaluation and on the epoch counter.
"""

from __future__ import annotations

import time
from dataclasses import replace

from ..session.frame import Frame
from ..session.stepcosts import StepCosts
from ..session.surfaces import SurfaceMaker

SURFACE_RESOLUTION = 128  # the decision surface's grid: R×R cells
EVALUATION_INTERVAL = 0.25  # seconds between cost/accuracy evaluations while training...
MAX_EVALUATION_INTERVAL = 1.0  # ...growing to this after 20 s of training
EVALUATE_EVERY_FRAME_UP_TO = 40.0  # epochs per second: slower, every frame is evaluated


class FrameMaking:
    """The worker's calls that make a frame and send it to the window."""

    def _evaluation_interval(self, now: float) -> float:
        """Seconds between evaluations while training: EVALUATION_INTERVAL at
        first, growing with the time trained to MAX_EVALUATION_INTERVAL, as
        the cost changes more slowly (each one redraws the cost plot)."""
        trained = now - self._training_since
        return min(max(EVALUATION_INTERVAL, trained / 20), MAX_EVALUATION_INTERVAL)

    def _evaluate_every_frame(self) -> bool:
        """At a watchable speed the read-outs move with every step; with stop
        conditions each frame's evaluation is checked."""
        rate = self._pacer.rate
        return (rate is not None and rate <= EVALUATE_EVERY_FRAME_UP_TO) or (
            self._stops.conditions.any
        )

    def _emit(self, steps_per_second: float) -> None:
        now = time.perf_counter()
        steps = self._trainer.step_count
        reuse = (
            self._training
            and not self._stale
            and not self._evaluate_every_frame()
            and self._evaluation is not None
            and now - self._evaluated_at < self._evaluation_interval(now)
            and steps < 2 * self._evaluated_steps
        )
        # The network the trainer has: after a failed build, the one before.
        spec = self._built or self._spec
        wanted = self._inspect.request(self._training, spec.layer_sizes(), self._trainer.m)
        ahead = self._ahead()
        # While training the surface is float32 (it moves on anyway); still,
        # it is exactly the network's float64 forward pass.
        exact = not self._training
        made = self._counted(
            self._trainer.frame(
                not reuse, exact=exact, inspect=wanted, then_run=ahead, surface=self.in_process
            )
        )
        # None ran after a frame that reports a divergence (Engine.run_after).
        self._ran_ahead = 0 if made.divergence else ahead
        self._trainer_frame_seconds = time.perf_counter() - now
        evaluation = made.evaluation
        if reuse:
            evaluation = self._evaluation
        elif made.divergence:
            # Finite weights with a non-finite cost: show the good ones instead.
            self._on_divergence(made.divergence)
            if self._last_good is not None:
                # The inspections too, at the weights gone back to.
                again = self._counted(
                    self._trainer.frame(True, exact=True, inspect=wanted, surface=self.in_process)
                )
                exact = True
                # The steps that led there are the first frame's: keep them.
                made = replace(
                    again, step_costs=StepCosts.joined(made.step_costs, again.step_costs)
                )
                evaluation = made.evaluation
        elif evaluation is not None:
            self._evaluated_at, self._evaluated_steps = now, steps
            # What divergence and "restore" go back to: the weights with the
            # lowest cost seen. (A saturated sigmoid keeps the cost finite even
            # on weights of 1e50, so "finite" alone is not good enough.)
            if evaluation.train_cost <= self._best_cost:
                self._best_cost, self._last_good = evaluation.train_cost, made.theta
        # The trainer process trains on (``ahead``) while this thread makes
        # the surface from the frame's θ.
        made = self._with_surface(made, exact)
        self._frame_seconds = (self._frame_seconds[1], time.perf_counter() - now)
        if self._training:
            stopped = self._stops.check(made.epoch, None if reuse else evaluation)
            if stopped:
                self._training = False
                self._message = stopped
        self._evaluation = evaluation
        self._stale = False
        self._show_now = False
        frame = replace(
            made,
            evaluation=evaluation,
            generation=self._generation,
            training=self._training,
            steps_per_second=steps_per_second,
            spec=spec,
            config=self._config,
            message=self._message,
            diverged=self._diverged,
            error=self._error,
            request=self._request,
            **self._inspect.fill(made),
        )
        self._message = ""
        self._error = ""
        self._restarts_unseen = 0
        self._last_snapshot = frame
        self._acknowledged.clear()
        self.snapshot.emit(frame)

    def _with_surface(self, made: Frame, exact: bool) -> Frame:
        """``made`` with its surface and boundary, made here from its θ when
        the trainer is a process (which then sends θ alone): on the core the
        trainer does not use, while it trains on (the worker set this
        process's BLAS to one thread, ``session.blas``, so that it stays on
        one core). In this thread's trainer the engine made them already."""
        spec = self._built  # the network θ belongs to: the last one built
        if self.in_process or spec is None:
            return made
        maker = self._surfaces
        if maker is None or maker.features != tuple(spec.features):
            maker = self._surfaces = SurfaceMaker(spec.features, SURFACE_RESOLUTION)
        surface, classes, boundary = maker.from_theta(
            spec.layer_sizes(), spec.activations, made.theta, exact
        )
        return replace(made, surface=surface, surface_class=classes, boundary=boundary)

    def _emit_error(self) -> None:
        """A snapshot that reports ``self._error`` with the last frame's
        pictures, for when a new frame cannot be made."""
        last = self._last_snapshot
        if last is None:
            return
        self._acknowledged.clear()
        self.snapshot.emit(
            replace(
                last,
                training=False,
                error=self._error,
                request=self._request,
                message="",
                step_costs=None,
            )
        )
        self._error = ""
