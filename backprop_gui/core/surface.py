"""The decision surface: the network's P(class 1) on a regular grid.

The grid covers the domain with cell centres, row-major: ``surface[i, j]``
is the probability at x1 = centres[j], x2 = centres[i] (rows run along x2,
bottom to top), ready for an image whose row 0 is the bottom edge.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .datasets import DOMAIN
from .features import DEFAULT_FEATURES, transform
from .network import MLP, Cache


def grid_centres(resolution: int, domain: tuple[float, float] = DOMAIN) -> np.ndarray:
    """(resolution,) cell centres along one axis."""
    low, high = domain
    cell = (high - low) / resolution
    return low + cell * (np.arange(resolution) + 0.5)


def grid_points(resolution: int, domain: tuple[float, float] = DOMAIN) -> np.ndarray:
    """(2, resolution²) points, row-major over (x2, x1)."""
    c = grid_centres(resolution, domain)
    x1, x2 = np.meshgrid(c, c)  # x1 varies along columns, x2 along rows
    return np.vstack([x1.ravel(), x2.ravel()])


class SurfaceEvaluator:
    """Evaluates P(class 1) on a fixed grid, reusing its inputs and buffers."""

    def __init__(
        self,
        resolution: int = 128,
        features: Sequence[str] = DEFAULT_FEATURES,
        domain: tuple[float, float] = DOMAIN,
    ) -> None:
        self.resolution = resolution
        self.features = tuple(features)
        self.X = transform(grid_points(resolution, domain), self.features)
        self._cache: Cache | None = None

    def __call__(self, net: MLP) -> np.ndarray:
        """(resolution, resolution) float32 probabilities in [0, 1]."""
        self._cache = net.forward(self.X, self._cache)
        A = self._cache.output
        p = A[0] if A.shape[0] == 1 else A[1]
        return p.astype(np.float32).reshape(self.resolution, self.resolution)
