"""The engine that makes frames: a ``Trainer``, its network and its decision
surface, with the few extra calls the app's worker makes (build a network,
read and write θ, make a ``Frame``).

It runs in the trainer process (``transport.RemoteEngine``) or, as a
fallback, in the worker thread itself. In the trainer process it sends θ
and no surface (``frame(surface=False)``): the app's worker makes the
surface from θ with the same ``surfaces.SurfaceMaker``, on the other core,
while the trainer trains on. It imports no Qt.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..core import MLP, DivergenceError, Evaluation, TrainConfig, Trainer, transform
from ..core import inspect as inspection
from .frame import Frame
from .stepcosts import StepCosts, envelope
from .surfaces import SurfaceMaker

# How the engine's trainer records: every step's cost, which the frames carry
# (and which watches for divergence); not each step's accuracy, which no frame
# carries (the read-outs show the evaluation's).
RECORDING = {"record_steps": True, "step_accuracy": False}

# The app's live cost and accuracy on bigger sets are estimates on this many.
EVALUATION_SAMPLE = 4096

# What ``Engine.inspect`` (and ``frame(inspect=...)``) computes, by key:
#   "gradients": true  → {"dW1": …, "db1": …} of J over the training points
#   "health":    true  → (LayerHealth, …) one per layer l = 1..L
#   "unit_maps": R or (R, K) → (maps[0], …, maps[L]), float32 (n_l, R, R)
#                each; with K, the first K units of each layer only (what
#                the diagram draws of a wide layer: less to send)
#   "unit_map":  (layer, unit) or (layer, unit, R) → one (R, R) float32 map,
#                at the surface's resolution unless R is given
#   "example":   (x1, x2, label) → the ExamplePass of that point
#   "optimizer": true  → the optimizer's running state in θ's layout
#                (Trainer.optimizer_state: {} for SGD), for walking a step
# Gradients and health need training points: None without. The example's
# contributions are for the m training points (m = 1 without).
INSPECTIONS = ("gradients", "health", "unit_maps", "unit_map", "example", "optimizer")


class Engine:
    """A Trainer, its network and its decision surface, in this process."""

    pid = None  # no process of its own
    alive = True

    # What a remote caller may ask for (transport.serve serves these alone).
    REQUESTS = frozenset(
        {
            "build",
            "run",
            "run_epochs",
            "configure",
            "set_data",
            "set_points",
            "evaluate",
            "theta",
            "set_theta",
            "restore",
            "set_optimizer_state",
            "frame",
            "inspect",
        }
    )

    def __init__(self) -> None:
        self.trainer: Trainer | None = None
        # θ before the last step, for the update ratios of ``inspect``.
        self._before_last: np.ndarray | None = None

    def build(
        self,
        layer_sizes: Sequence[int],
        activation: str | Sequence[str],
        features: Sequence[str],
        seed: int,
        config: TrainConfig,
        resolution: int,
    ) -> None:
        """A new network (weights from ``seed``) with no data yet. It records
        every step's cost (``record_steps``): the frames carry them, and a
        cost that explodes is divergence."""
        net = MLP(layer_sizes, activation, seed=seed, features=features)
        empty = np.zeros((net.layer_sizes[0], 0))
        config = replace(config, **RECORDING)
        self.trainer = Trainer(net, empty, np.zeros(0, np.int64), config)
        self._sent_step = 0  # the last step whose cost a frame has carried
        self.surfaces = SurfaceMaker(features, resolution)
        self.resolution = resolution
        self._before_last = None

    # -- the Trainer's calls ------------------------------------------------------

    def run(self, steps: int) -> int:
        """``Trainer.run``, keeping θ before the last step: the run is split
        as steps − 1 and 1, which trains exactly alike (the packed copy of θ
        goes back and forth exactly)."""
        trainer, steps = self.trainer, int(steps)
        if steps < 1:  # nothing trains: the last step is still the last
            return trainer.run(steps)
        self._before_last = None
        if steps > 1:
            trainer.run(steps - 1)
        before = trainer.net.theta.copy()
        trainer.run(1)
        self._before_last = before
        return steps

    def run_epochs(self, epochs: int) -> int:
        """``Trainer.run_epochs``, a step at a time through ``run``."""
        trainer = self.trainer
        if trainer.steps_per_epoch == 1:  # full batch: a step is an epoch
            return self.run(int(epochs)) if int(epochs) > 0 else 0
        target, done = trainer.epoch + int(epochs), 0
        while trainer.epoch < target:
            done += self.run(1)
        return done

    def configure(self, **changes: object) -> TrainConfig:
        return self.trainer.configure(**{**changes, **RECORDING})

    def set_data(self, X, Y, X_test=None, Y_test=None) -> None:
        self.trainer.set_data(X, Y, X_test, Y_test)

    def set_points(
        self,
        points: np.ndarray,
        labels: np.ndarray,
        test_points: np.ndarray,
        test_labels: np.ndarray,
    ) -> None:
        """Train on raw points (2, m) with labels (m,), and evaluate on the test
        points: the network's input features are computed here, where the
        decision surface computes them too, so there is one place for both."""
        features = self.trainer.net.features
        self.trainer.set_data(
            transform(points, features), labels, transform(test_points, features), test_labels
        )

    def evaluate(self) -> Evaluation:
        return self.trainer.evaluate()

    @property
    def m(self) -> int:
        return self.trainer.m

    @property
    def step_count(self) -> int:
        return self.trainer.step_count

    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    # -- and the app's ----------------------------------------------------------

    def theta(self) -> np.ndarray:
        return self.trainer.net.theta.copy()

    def set_theta(self, theta: np.ndarray) -> None:
        self.trainer.net.theta[:] = theta
        self._before_last = None

    def restore(self, theta: np.ndarray) -> None:
        self.trainer.restore(theta)
        self._before_last = None

    def set_optimizer_state(self, state: dict) -> None:
        """``Trainer.set_optimizer_state``: after θ, the state that goes with it."""
        self.trainer.set_optimizer_state(state)

    def inspect(self, what: dict) -> dict:
        """What the inspector asked for, by the keys of ``INSPECTIONS``: a
        dict with the same keys (see there). All at the current parameters,
        with the training points and the L1/L2 of the current config."""
        unknown = set(what) - set(INSPECTIONS)
        if unknown:
            raise ValueError(f"cannot inspect {sorted(unknown)}; choose from {INSPECTIONS}")
        trainer = self.trainer
        net, cfg = trainer.net, trainer.config
        found: dict = {}
        with np.errstate(all="ignore"):  # a diverging network shows NaN, it does not fail
            if what.get("gradients") or what.get("health"):
                grads = health = None
                if trainer.m:
                    grads, health = inspection.gradients_and_health(
                        net, trainer.X, trainer.Y, self._before_last, cfg.l1, cfg.l2
                    )
                if what.get("gradients"):
                    found["gradients"] = grads
                if what.get("health"):
                    found["health"] = None if health is None else tuple(health)
            if what.get("unit_maps"):
                resolution, *most = np.ravel(what["unit_maps"]).astype(int)
                maps = inspection.unit_maps(net, int(resolution), net.features)
                if most:
                    maps = [np.ascontiguousarray(layer[: int(most[0])]) for layer in maps]
                found["unit_maps"] = tuple(maps)
            if what.get("unit_map") is not None:
                layer, unit, *rest = what["unit_map"]
                resolution = int(rest[0]) if rest else self.resolution
                found["unit_map"] = inspection.unit_map(
                    net, int(layer), int(unit), resolution, net.features
                )
            if what.get("optimizer"):
                found["optimizer"] = trainer.optimizer_state()
            if what.get("example") is not None:
                x1, x2, label = what["example"]
                found["example"] = inspection.example_pass(
                    net, np.array([x1, x2]), int(label), max(1, trainer.m), cfg.l1, cfg.l2
                )
        return found

    def frame(
        self,
        evaluate: bool,
        exact: bool = True,
        inspect: dict | None = None,
        then_run: int = 0,
        surface: bool = True,
    ) -> Frame:
        """What the window shows now; the evaluation only if asked (it is None
        without training points, and a non-finite cost comes back as
        ``divergence``). Not ``exact``: the surface in float32 (within 1e-6).
        ``inspect``: what ``inspect`` should add, in the frame's fields of the
        same names. ``then_run``: after making the frame, train that many
        steps (``run_after``); a divergence is raised by ``collect()``.
        ``surface`` False: no surface and no boundary (empty fields): the
        caller makes them from the frame's θ (``SurfaceMaker.from_theta``)."""
        made = self._frame(evaluate, exact, inspect, surface)
        try:
            self._owed = self.run_after(made, then_run)
        except DivergenceError as exc:
            self._owed = exc
        return made

    def run_after(self, made: Frame, steps: int) -> float:
        """Train ``steps`` steps after the frame ``made`` was sent: the trainer
        process does it while the window draws that frame (see
        ``transport.RemoteEngine.frame``). No steps after a frame that reports
        a divergence: the app goes back to good weights first. Returns the
        seconds they took (0.0 for none), which the app paces its requests by."""
        if steps <= 0 or made.divergence or not self.trainer.m:
            return 0.0
        start = time.perf_counter()
        self.run(steps)
        return time.perf_counter() - start

    def collect(self) -> float:
        """The seconds the last ``frame(then_run=...)``'s steps took (0.0 for
        none); raises their DivergenceError instead, if any."""
        owed, self._owed = self._owed, 0.0
        if isinstance(owed, DivergenceError):
            raise owed
        return owed

    _owed: float | DivergenceError = 0.0

    def _frame(self, evaluate: bool, exact: bool, inspect: dict | None, surface: bool) -> Frame:
        evaluation, message = None, ""
        trainer = self.trainer
        if evaluate and trainer.m:
            try:
                evaluation = trainer.evaluate(EVALUATION_SAMPLE)
            except DivergenceError as exc:
                message = str(exc)
        net = trainer.net
        pictures: dict[str, np.ndarray] = {}
        if surface:
            made = self.surfaces(net, exact)
            pictures = dict(zip(("surface", "surface_class", "boundary"), made, strict=True))
        return Frame(
            step_costs=self._new_step_costs(),
            epoch=trainer.epoch,
            steps=trainer.step_count,
            n_train=trainer.m,
            evaluation=evaluation,
            estimated=trainer.m > EVALUATION_SAMPLE,
            theta=net.theta.copy(),
            divergence=message,
            **pictures,
            **(self.inspect(inspect) if inspect else {}),
        )

    def _new_step_costs(self) -> StepCosts | None:
        """The costs of the steps since the last frame's (``envelope``d)."""
        log = self.trainer.steps
        new = log.since(self._sent_step)
        if not len(new):
            return None
        self._sent_step = int(new.step[-1])
        # Where each step is in its epoch: counted from the epoch's first step.
        first = log.step[np.searchsorted(log.epoch, new.epoch, side="left")]
        per_epoch = max(self.trainer.steps_per_epoch, 1)
        fraction = np.minimum((new.step - first) / per_epoch, 1 - 1 / (2 * per_epoch))
        at = new.epoch + np.maximum(fraction, 0.0)
        # Sent: the log keeps only the current epoch's steps (its first step is
        # what the next frame's fractions count from), so its memory stays flat.
        log.drop_before(int(first[-1]))
        return envelope(StepCosts(new.step, new.epoch, at, new.cost))

    def close(self) -> None:
        pass
