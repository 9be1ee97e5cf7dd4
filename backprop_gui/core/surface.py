"""The decision surface: the network's P(class 1) on a regular grid.

The grid covers the domain with cell centres, row-major: ``surface[i, j]``
is the probability at x1 = centres[j], x2 = centres[i] (rows run along x2,
bottom to top), ready for an image whose row 0 is the bottom edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

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
    """Evaluates P(class 1) on a fixed grid, reusing its inputs and buffers.

    ``dtype=np.float32`` runs the forward pass itself in float32 (weights
    rounded to float32 per call): about three times faster, and the result is
    float32 either way. Use it for display; the default float64 pass is the
    network's own ``forward``, exactly.
    """

    def __init__(
        self,
        resolution: int = 128,
        features: Sequence[str] = DEFAULT_FEATURES,
        domain: tuple[float, float] = DOMAIN,
        dtype: type = np.float64,
    ) -> None:
        self.resolution = resolution
        self.features = tuple(features)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float64, np.float32):
            raise ValueError("dtype must be float64 or float32")
        self.X = transform(grid_points(resolution, domain), self.features)
        self._cache: Cache | None = None
        self._buffers: tuple | None = None

    def __call__(self, net: MLP) -> np.ndarray:
        """(resolution, resolution) float32 probabilities in [0, 1]."""
        if self.dtype == np.float32:
            A = self._forward32(net)
        else:
            self._cache = net.forward(self.X, self._cache)
            A = self._cache.output
        p = A[0] if A.shape[0] == 1 else A[1]
        return p.astype(np.float32).reshape(self.resolution, self.resolution)

    def _forward32(self, net: MLP) -> np.ndarray:
        """Z[l] = W[l]·A[l−1] + b[l], A[l] = g(Z[l]) in float32."""
        sizes = net.layer_sizes
        if self._buffers is None or self._buffers[0] != sizes:
            self._buffers = (
                sizes,
                self.X.astype(np.float32),
                [
                    (np.empty((n, k), np.float32), np.empty((n, 1), np.float32))
                    for k, n in pairwise(sizes)
                ],
                Cache(sizes, self.X.shape[1], np.float32),
            )
        _, X, weights, cache = self._buffers
        for (W, b), (W32, b32) in zip(net.layers(), weights, strict=True):
            np.copyto(W32, W, casting="same_kind")
            np.copyto(b32, b, casting="same_kind")
        # e^(−z) overflows float32 beyond z ≈ −88, which gives the right limit.
        with np.errstate(over="ignore", under="ignore"):
            net.forward_with(weights, X, cache)
        return cache.output
