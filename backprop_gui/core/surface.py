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

    A grid with more points than the network takes in one pass
    (``MLP.chunk_columns``: a big network at a fine resolution) goes through
    it a chunk of columns at a time, with the same numbers and bounded memory.
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
        # (chunk size, [(columns, inputs in self.dtype)]) for the last network.
        self._pieces: tuple[int, list[tuple[slice, np.ndarray]]] | None = None
        # Caches by number of columns (a whole grid, a chunk, the last chunk).
        self._caches: dict[int, Cache] = {}
        self._weights: tuple | None = None  # float32 copies of (W[l], b[l])

    def __call__(self, net: MLP) -> np.ndarray:
        """(resolution, resolution) float32 P(class 1) in [0, 1]."""
        return self._outputs(net, rows=slice(0, 1) if net.layer_sizes[-1] == 1 else slice(1, 2))[0]

    def probabilities(self, net: MLP) -> np.ndarray:
        """(K, resolution, resolution) float32: every output unit's A[L] (the
        K softmax probabilities; for one sigmoid unit, P(class 1) alone)."""
        return self._outputs(net, slice(None))

    def _outputs(self, net: MLP, rows: slice) -> np.ndarray:
        """Rows ``rows`` of A[L] on the grid, (k, resolution, resolution) float32."""
        k = len(range(net.layer_sizes[-1])[rows])
        surface = np.empty((k, self.X.shape[1]), np.float32)
        weights = self._weights32(net) if self.dtype == np.float32 else None
        for columns, X in self._chunks(net.chunk_columns()):
            A = self._forward(net, X) if weights is None else self._forward32(net, X, weights)
            surface[:, columns] = A[rows]
        return surface.reshape(k, self.resolution, self.resolution)

    def _chunks(self, size: int) -> list[tuple[slice, np.ndarray]]:
        """The grid's inputs in self.dtype, as one piece if the network takes
        them at once, else in contiguous pieces of ``size`` columns; kept."""
        if self._pieces is None or self._pieces[0] != size:
            m = self.X.shape[1]
            step = m if m <= size else size
            pieces = [
                (
                    slice(i, min(i + step, m)),
                    np.ascontiguousarray(self.X[:, i : i + step], self.dtype),
                )
                for i in range(0, m, step)
            ]
            self._pieces = (size, pieces)
            self._caches = {}
        return self._pieces[1]

    def _cache(self, net: MLP, m: int) -> Cache:
        """A cache for m columns; the last, shorter chunk's shares the memory
        of a whole chunk's (``Cache.narrowed``)."""
        cache = self._caches.get(m)
        if cache is None or cache.layer_sizes != net.layer_sizes:
            first = self._pieces[1][0][1].shape[1]
            if m < first:
                cache = self._cache(net, first).narrowed(m)
            else:
                cache = Cache(net.layer_sizes, m, self.dtype)
            self._caches[m] = cache
        return cache

    def _forward(self, net: MLP, X: np.ndarray) -> np.ndarray:
        """The network's own float64 ``forward``."""
        return net.forward(X, self._cache(net, X.shape[1])).output

    def _weights32(self, net: MLP) -> list[tuple[np.ndarray, np.ndarray]]:
        """(W[l], b[l]) rounded to float32, into buffers kept between calls."""
        sizes = net.layer_sizes
        if self._weights is None or self._weights[0] != sizes:
            self._weights = (
                sizes,
                [
                    (np.empty((n, k), np.float32), np.empty((n, 1), np.float32))
                    for k, n in pairwise(sizes)
                ],
            )
        weights = self._weights[1]
        for (W, b), (W32, b32) in zip(net.layers(), weights, strict=True):
            np.copyto(W32, W, casting="same_kind")
            np.copyto(b32, b, casting="same_kind")
        return weights

    def _forward32(self, net: MLP, X: np.ndarray, weights: list) -> np.ndarray:
        """Z[l] = W[l]·A[l−1] + b[l], A[l] = g(Z[l]) in float32."""
        cache = self._cache(net, X.shape[1])
        # e^(−z) overflows float32 beyond z ≈ −88, which gives the right limit.
        with np.errstate(over="ignore", under="ignore"):
            net.forward_with(weights, X, cache)
        return cache.output


def winners(probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The winning class of K ≥ 2 probabilities (K, h, w) and its probability:
    ((h, w) float32 in [1/K, 1], (h, w) uint8 class indices; ties go to
    the lower class, as ``argmax``). NaN counts as probability 1/K."""
    p = np.nan_to_num(np.asarray(probabilities, np.float32), nan=1.0 / len(probabilities))
    classes = p.argmax(axis=0)
    best = np.take_along_axis(p, classes[None], axis=0)[0]
    return best.astype(np.float32), classes.astype(np.uint8)
