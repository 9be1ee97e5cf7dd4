"""The engine that makes frames: a ``Trainer``, its network and its decision
surface, with the few extra calls the app's worker makes (build a network,
read and write θ, make a ``Frame``).

It runs in the trainer process (``transport.RemoteEngine``) or, as a
fallback, in the worker thread itself. It imports no Qt.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core import MLP, DivergenceError, Evaluation, TrainConfig, Trainer
from ..core.contour import isoline_segments
from ..core.surface import SurfaceEvaluator, grid_centres
from .frame import Frame

# The app's live cost and accuracy on bigger sets are estimates on this many.
EVALUATION_SAMPLE = 4096


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
            "evaluate",
            "theta",
            "set_theta",
            "restore",
            "frame",
        }
    )

    def __init__(self) -> None:
        self.trainer: Trainer | None = None

    def build(
        self,
        layer_sizes: Sequence[int],
        activation: str,
        features: Sequence[str],
        seed: int,
        config: TrainConfig,
        resolution: int,
    ) -> None:
        """A new network (weights from ``seed``) with no data yet."""
        net = MLP(layer_sizes, activation, seed=seed, features=features)
        empty = np.zeros((net.layer_sizes[0], 0))
        self.trainer = Trainer(net, empty, np.zeros(0, np.int64), config)
        # float32 is three times faster and looks the same while the surface
        # moves; a still surface is the network's own float64 forward pass.
        self.surfaces = {
            exact: SurfaceEvaluator(resolution, features, dtype=np.float64 if exact else np.float32)
            for exact in (True, False)
        }
        self.centres = grid_centres(resolution)

    # -- the Trainer's calls ------------------------------------------------------

    def run(self, steps: int) -> int:
        return self.trainer.run(steps)

    def run_epochs(self, epochs: int) -> int:
        return self.trainer.run_epochs(epochs)

    def configure(self, **changes: object) -> TrainConfig:
        return self.trainer.configure(**changes)

    def set_data(self, X, Y, X_test=None, Y_test=None) -> None:
        self.trainer.set_data(X, Y, X_test, Y_test)

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

    def restore(self, theta: np.ndarray) -> None:
        self.trainer.restore(theta)

    def frame(self, evaluate: bool, exact: bool = True) -> Frame:
        """What the window shows now; the evaluation only if asked (it is None
        without training points, and a non-finite cost comes back as
        ``divergence``). Not ``exact``: the surface in float32 (within 1e-6)."""
        evaluation, message = None, ""
        trainer = self.trainer
        if evaluate and trainer.m:
            try:
                evaluation = trainer.evaluate(EVALUATION_SAMPLE)
            except DivergenceError as exc:
                message = str(exc)
        net = trainer.net
        with np.errstate(all="ignore"):
            surface = self.surfaces[exact](net)
        if not np.isfinite(surface).all():
            surface = np.nan_to_num(surface, nan=0.5).astype(np.float32)
        boundary = isoline_segments(surface, 0.5, self.centres, self.centres)
        return Frame(
            epoch=trainer.epoch,
            steps=trainer.step_count,
            n_train=trainer.m,
            evaluation=evaluation,
            estimated=trainer.m > EVALUATION_SAMPLE,
            surface=surface,
            boundary=boundary,
            theta=net.theta.copy(),
            divergence=message,
        )

    def close(self) -> None:
        pass
