"""The decision surface of a frame: the picture under the points, and the
boundary drawn on it, from a network's θ.

``SurfaceMaker`` is what ``Engine.frame`` uses, and what the app's worker
uses when the trainer is a process of its own: there the trainer sends θ
alone (``frame(surface=False)``) and the worker makes the surface from it,
on the core the trainer does not use, while the trainer trains on. Either
way the same code makes the same pictures from the same θ. It imports no Qt.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core import MLP
from ..core.contour import class_boundaries, isoline_segments
from ..core.surface import SurfaceEvaluator, grid_centres, winners


class SurfaceMaker:
    """(surface, surface_class, boundary) of a network on a fixed grid, as a
    ``Frame`` carries them (see ``Frame``'s fields)."""

    def __init__(self, features: Sequence[str], resolution: int) -> None:
        # float32 is three times faster and looks the same while the surface
        # moves; a still surface is the network's own float64 forward pass.
        self.evaluators = {
            exact: SurfaceEvaluator(resolution, features, dtype=np.float64 if exact else np.float32)
            for exact in (True, False)
        }
        self.features = tuple(features)
        self.resolution = resolution
        self.centres = grid_centres(resolution)
        self._net: MLP | None = None  # for ``from_theta``

    def __call__(self, net: MLP, exact: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Two classes: P(class 1) (R, R) float32 and its 0.5 isoline. K ≥ 3:
        the winning probability and class (R, R) uint8, and where the top two
        tie. Not ``exact``: in float32 (within 1e-6). Non-finite outputs (a
        diverged network) are drawn as undecided."""
        evaluate = self.evaluators[exact]
        if net.layer_sizes[-1] == 1:
            with np.errstate(all="ignore"):
                surface = evaluate(net)
            if not np.isfinite(surface).all():
                surface = np.nan_to_num(surface, nan=0.5).astype(np.float32)
            boundary = isoline_segments(surface, 0.5, self.centres, self.centres)
            return surface, np.zeros(0, np.uint8), boundary
        with np.errstate(all="ignore"):
            p = evaluate.probabilities(net)
        if not np.isfinite(p).all():
            p = np.nan_to_num(p, nan=1.0 / len(p)).astype(np.float32)
        surface, classes = winners(p)
        return surface, classes, class_boundaries(p, self.centres, self.centres)

    def from_theta(
        self,
        layer_sizes: Sequence[int],
        activations: Sequence[str],
        theta: np.ndarray,
        exact: bool,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The same for the network of these sizes and hidden activations
        with parameters ``theta`` (laid out as ``MLP.theta``), kept between
        calls: each call copies θ into it."""
        net = self._net
        sizes = tuple(int(n) for n in layer_sizes)
        if net is None or net.layer_sizes != sizes or net.activation_names != tuple(activations):
            net = self._net = MLP(sizes, list(activations), seed=0, features=self.features)
        net.theta[:] = theta
        return self(net, exact)
