"""The training worker: owns the network, runs in its own QThread.

Design (after Qt's mandelbrot RenderThread):
- The GUI never calls into the worker's objects while it runs. It posts
  changes into a lock-protected mailbox (``post``); the loop applies them
  between chunks of training. Queued slots could not work here: they never
  run while the worker's slot is looping.
- The loop trains in chunks of a few milliseconds and checks the stop flag
  between chunks.
- It emits immutable ``Snapshot``s (copies), at most ``MAX_FPS`` per second,
  and only once the GUI has acknowledged the previous one, so the GUI's
  event queue never floods.
- One shutdown path: the window calls ``stop()``, then the thread's
  ``quit()`` and ``wait()``.
"""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal

from ..core import MLP, DivergenceError, Evaluation, TrainConfig, Trainer, transform
from ..core.contour import isoline_segments
from ..core.surface import SurfaceEvaluator, grid_centres

MAX_FPS = 50
CHUNK_SECONDS = 0.004
IDLE_WAIT = 0.05
SURFACE_RESOLUTION = 128


@dataclass(frozen=True)
class NetworkSpec:
    """What defines the network; changing any of it re-initialises the weights."""

    hidden: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    features: tuple[str, ...] = ("x1", "x2")
    seed: int = 0

    def layer_sizes(self) -> list[int]:
        return [len(self.features), *self.hidden, 1]

    def build(self) -> MLP:
        return MLP(self.layer_sizes(), self.activation, seed=self.seed, features=self.features)


@dataclass(frozen=True)
class DataSpec:
    """Training and test points, copied when posted."""

    train_points: np.ndarray = field(default_factory=lambda: np.zeros((2, 0)))
    train_labels: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    test_points: np.ndarray = field(default_factory=lambda: np.zeros((2, 0)))
    test_labels: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


@dataclass(frozen=True)
class Snapshot:
    """What the GUI shows, frozen at one moment. Arrays are private copies."""

    generation: int  # bumps whenever the weights are re-initialised or replaced
    epoch: int
    steps: int
    training: bool
    evaluation: Evaluation | None
    steps_per_second: float
    surface: np.ndarray  # (R, R) float32 P(class 1), row-major, row 0 at the bottom
    boundary: np.ndarray  # (2k, 2) float32 segment ends of the 0.5 isoline
    spec: NetworkSpec
    theta: np.ndarray  # flat parameters, laid out like MLP.theta
    config: TrainConfig
    message: str = ""
    diverged: bool = False
    error: str = ""
    request: int = 0  # the last GUI training request this snapshot has seen
    n_train: int = 0


class TrainingWorker(QObject):
    snapshot = Signal(object)

    def __init__(self, spec: NetworkSpec | None = None, config: TrainConfig | None = None) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pending: dict[str, object] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._acknowledged = threading.Event()
        self._acknowledged.set()
        self._spec = spec or NetworkSpec()
        self._config = config or TrainConfig(record_every=0)
        self._data = DataSpec()
        self._training = False
        self._request = 0
        self._generation = 0
        self._message = ""
        self._diverged = False
        self._error = ""
        self._last_good: np.ndarray | None = None
        self._build(self._spec)

    # -- called from the GUI thread ------------------------------------------

    def post(self, **changes: object) -> None:
        """Queue changes for the loop: spec=NetworkSpec, data=DataSpec,
        config=dict of TrainConfig fields, training=bool with request=int
        (echoed in snapshots), step_epochs=int, reset=True,
        theta=(NetworkSpec, flat array), restore_and_halve=True."""
        with self._lock:
            config = changes.pop("config", None)
            if config:
                merged = dict(self._pending.get("config", {}))
                merged.update(config)
                self._pending["config"] = merged
            if "step_epochs" in changes:
                steps = int(changes.pop("step_epochs"))
                self._pending["step_epochs"] = int(self._pending.get("step_epochs", 0)) + steps
            self._pending.update(changes)
        self._wake.set()

    def acknowledge(self) -> None:
        """The GUI has shown the last snapshot; the next may be sent."""
        self._acknowledged.set()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    # -- the loop, in the worker thread -----------------------------------------

    def run(self) -> None:
        chunk = 1
        dirty = True
        last_emit = 0.0
        rate_steps, rate_time = 0, time.perf_counter()
        steps_per_second = 0.0
        while not self._stop.is_set():
            try:
                dirty |= self._apply_pending()
                if self._training:
                    chunk = self._train_chunk(chunk)
                    dirty = True
                elif not dirty:
                    self._wake.wait(IDLE_WAIT)
                    self._wake.clear()
                    continue
            except DivergenceError as exc:
                self._on_divergence(str(exc))
                dirty = True
            except Exception:  # shown to the user, never swallowed
                self._on_error()
                dirty = True

            now = time.perf_counter()
            if not self._training:
                steps_per_second = 0.0
                rate_steps, rate_time = self._trainer.step_count, now
            elif now - rate_time >= 0.5:
                steps_per_second = (self._trainer.step_count - rate_steps) / (now - rate_time)
                rate_steps, rate_time = self._trainer.step_count, now
            if dirty and self._acknowledged.is_set() and now - last_emit >= 1.0 / MAX_FPS:
                try:
                    self._emit(steps_per_second)
                except Exception:
                    self._on_error()
                    continue
                last_emit = now
                dirty = False
            elif dirty and not self._training:
                # Waiting for the GUI or the frame clock, with nothing else to do.
                self._wake.wait(1.0 / MAX_FPS)
                self._wake.clear()

    def _on_error(self) -> None:
        self._training = False
        self._error = traceback.format_exc(limit=6)

    def _train_chunk(self, chunk: int) -> int:
        """Train for about CHUNK_SECONDS; returns the next chunk size."""
        if self._trainer.m == 0:
            self._training = False
            self._message = "Nothing to train on: add some points first."
            return chunk
        start = time.perf_counter()
        self._trainer.run(chunk)
        elapsed = time.perf_counter() - start
        if elapsed <= 0:
            return chunk * 2
        return int(min(max(chunk * CHUNK_SECONDS / elapsed, 1), chunk * 2, 100_000))

    def _apply_pending(self) -> bool:
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return False
        if "theta" in pending:
            spec, theta = pending["theta"]
            self._build(spec)
            self._trainer.net.theta[:] = theta
            self._message = "Imported weights."
        elif "spec" in pending and pending["spec"] != self._spec:
            self._build(pending["spec"])
            self._message = "Network changed: weights re-initialised."
        if "data" in pending:
            self._data = pending["data"]
            self._set_trainer_data()
        if "config" in pending:
            self._config = self._trainer.configure(**pending["config"])
        if pending.get("restore_and_halve") and self._last_good is not None:
            self._trainer.net.theta[:] = self._last_good
            lr = self._config.learning_rate / 2
            self._config = self._trainer.configure(learning_rate=lr)
            self._diverged = False
            self._message = f"Restored the last good weights; learning rate halved to {lr:g}."
        if pending.get("reset"):
            self._build(self._spec)
            self._message = f"Weights re-initialised with seed {self._spec.seed}."
        if "request" in pending:
            self._request = int(pending["request"])
        if "training" in pending:
            self._training = bool(pending["training"]) and self._trainer.m > 0
            if self._training:
                self._diverged = False
                self._error = ""
        if pending.get("step_epochs"):
            self._diverged = False
            if self._trainer.m:
                self._trainer.run_epochs(int(pending["step_epochs"]))
        return True

    def _build(self, spec: NetworkSpec) -> None:
        self._spec = spec
        net = spec.build()
        self._surface = SurfaceEvaluator(SURFACE_RESOLUTION, spec.features)
        self._centres = grid_centres(SURFACE_RESOLUTION)
        self._trainer = Trainer(
            net, np.zeros((net.layer_sizes[0], 0)), np.zeros(0, np.int64), self._config
        )
        self._set_trainer_data()
        self._generation += 1
        self._diverged = False
        self._error = ""
        self._last_good = None

    def _set_trainer_data(self) -> None:
        d, features = self._data, self._spec.features
        self._trainer.set_data(
            transform(d.train_points, features),
            d.train_labels,
            transform(d.test_points, features),
            d.test_labels,
        )

    def _on_divergence(self, message: str) -> None:
        self._training = False
        self._diverged = True
        self._message = message

    def _emit(self, steps_per_second: float) -> None:
        net = self._trainer.net
        evaluation = None
        if self._trainer.m:
            try:
                evaluation = self._trainer.evaluate()
                # What "restore the last good weights" goes back to.
                self._last_good = net.theta.copy()
            except DivergenceError as exc:
                self._on_divergence(str(exc))
        with np.errstate(all="ignore"):
            surface = self._surface(net)
        if not np.isfinite(surface).all():
            surface = np.nan_to_num(surface, nan=0.5).astype(np.float32)
        boundary = isoline_segments(surface, 0.5, self._centres, self._centres)
        snapshot = Snapshot(
            generation=self._generation,
            epoch=self._trainer.epoch,
            steps=self._trainer.step_count,
            training=self._training,
            evaluation=evaluation,
            steps_per_second=steps_per_second,
            surface=surface,
            boundary=boundary,
            spec=self._spec,
            theta=net.theta.copy(),
            config=self._config,
            message=self._message,
            diverged=self._diverged,
            error=self._error,
            request=self._request,
            n_train=self._trainer.m,
        )
        for array in (snapshot.surface, snapshot.boundary, snapshot.theta):
            array.setflags(write=False)
        self._message = ""
        self._error = ""
        self._acknowledged.clear()
        self.snapshot.emit(snapshot)
