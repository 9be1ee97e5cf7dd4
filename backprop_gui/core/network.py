"""The multilayer perceptron, in the seeds' column convention.

Shapes, for layer l = 1..L with n_0 = n_x inputs and m examples:
    X = A[0]  (n_x, m)
    W[l]      (n_l, n_{l−1})        b[l]  (n_l, 1)
    Z[l] = W[l]·A[l−1] + b[l]       A[l] = g[l](Z[l])       both (n_l, m)

Backward, with J the mean cross-entropy over the m examples:
    dZ[L] = A[L] − Y
    dW[l] = (1/m)·dZ[l]·A[l−1]ᵀ       db[l] = (1/m)·Σ_columns dZ[l]
    dZ[l−1] = W[l]ᵀ·dZ[l] ∗ g′[l−1](Z[l−1])

All parameters live in one flat float64 buffer, ``theta``; ``params["W1"]``
and friends are views into it, so an optimiser updates everything in one
call and writing into a view changes the network.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from .activations import Activation, get_activation
from .features import DEFAULT_FEATURES, check_feature_names
from .outputs import OutputKind, output_kind_for

MAX_LAYER_WIDTH = 4096
# A whole set goes through the network in chunks whose Z and A buffers add up
# to at most this (see ``MLP.chunk_columns``): 2-8-8-1 takes 246,723 points at
# once, 2-256-256-1 8,176, eight hidden layers of 256 2,047.
CHUNK_BYTES = 64 * 1024 * 1024
MIN_CHUNK = 64


class Cache:
    """Z[l] and A[l] of one forward pass; ``cache["Z2"]``, ``cache["A0"]`` (= X).

    Buffers are reused when the same cache is passed back to ``forward`` with
    the same number of examples, so training allocates nothing per step.
    """

    def __init__(self, layer_sizes: Sequence[int], m: int, dtype: type = np.float64) -> None:
        self.m = m
        self.layer_sizes = tuple(layer_sizes)
        self.Z: list[np.ndarray | None] = [None]
        self.A: list[np.ndarray | None] = [None]
        for n in layer_sizes[1:]:
            self.Z.append(np.empty((n, m), dtype))
            self.A.append(np.empty((n, m), dtype))
        # dZ buffers for backward (dZ[l] has the shape of Z[l]) and the column
        # of ones that sums over examples, made by the first backward pass:
        # caches that only ever go forward (the decision surface) never pay.
        self.dZ: list[np.ndarray | None] = [None] * len(self.Z)
        self.ones: np.ndarray | None = None

    def _backward_buffers(self) -> None:
        if self.ones is None:
            self.dZ = [None] + [np.empty((n, self.m)) for n in self.layer_sizes[1:]]
            self.ones = np.ones((self.m, 1))

    def __getitem__(self, name: str) -> np.ndarray:
        kind = name.rstrip("0123456789")
        layer = name[len(kind) :]
        if kind not in ("Z", "A", "dZ") or not layer:
            raise KeyError(name)
        value = getattr(self, kind)[int(layer)]
        if value is None:
            raise KeyError(name)
        return value

    def narrowed(self, m: int) -> Cache:
        """A forward-only cache for m ≤ self.m examples whose buffers are the
        first elements of this one's (contiguous, so BLAS writes into them):
        the last, shorter chunk of a set needs no memory of its own."""
        if m > self.m:
            raise ValueError(f"cannot narrow a cache of {self.m} columns to {m}")
        narrow = Cache(self.layer_sizes, 0, self.Z[-1].dtype)
        narrow.m = m
        for l, n in enumerate(self.layer_sizes[1:], 1):
            narrow.Z[l] = self.Z[l].reshape(-1)[: n * m].reshape(n, m)
            narrow.A[l] = self.A[l].reshape(-1)[: n * m].reshape(n, m)
        return narrow

    @property
    def output(self) -> np.ndarray:
        """A[L], the network's prediction Ŷ."""
        return self.A[-1]


class MLP:
    """A fully connected network with one activation per hidden layer.

    ``layer_sizes`` runs from inputs to outputs, e.g. ``[2, 8, 8, 1]``.
    ``activation`` is one name for every hidden layer or a list with one per
    hidden layer. The output is sigmoid + binary cross-entropy for one unit
    and softmax + categorical cross-entropy for K ≥ 2 units.
    ``features`` names what the input rows mean (see ``core.features``);
    by default the two raw coordinates x1, x2 when there are two inputs.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str | Sequence[str] = "tanh",
        seed: int | None = None,
        features: Sequence[str] | None = None,
    ) -> None:
        sizes = [int(n) for n in layer_sizes]
        if len(sizes) < 2:
            raise ValueError("layer_sizes needs at least an input and an output size")
        if any(n < 1 or n > MAX_LAYER_WIDTH for n in sizes):
            raise ValueError(f"every layer needs between 1 and {MAX_LAYER_WIDTH} units")
        n_hidden = len(sizes) - 2
        names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(names) != n_hidden:
            raise ValueError(f"{len(names)} activations given for {n_hidden} hidden layers")
        if features is None and sizes[0] == len(DEFAULT_FEATURES):
            features = DEFAULT_FEATURES
        if features is not None:
            features = check_feature_names(features)
            if len(features) != sizes[0]:
                raise ValueError(f"{len(features)} input features for an input layer of {sizes[0]}")

        self.layer_sizes: tuple[int, ...] = tuple(sizes)
        self.activations: tuple[Activation, ...] = tuple(get_activation(n) for n in names)
        self.output_kind: OutputKind = output_kind_for(sizes[-1])
        self.features: tuple[str, ...] | None = features
        self.seed = seed

        shapes = self.param_shapes()
        self.theta = np.zeros(sum(r * c for r, c in shapes.values()))
        self.params = self._views(self.theta, "")
        # Weights come first in theta so regularisation acts on one slice.
        self.n_weights = sum(r * c for k, (r, c) in shapes.items() if k[0] == "W")
        # (W[l], b[l]) for l = 1..L, the same views, for the training loop.
        self._layers = self._layer_views(self.params, "")
        self.initialize(seed)

    # -- structure ---------------------------------------------------------

    @property
    def L(self) -> int:
        """Number of layers with parameters (hidden layers + output)."""
        return len(self.layer_sizes) - 1

    @property
    def activation_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.activations)

    @property
    def n_classes(self) -> int:
        return max(2, self.layer_sizes[-1])

    def param_shapes(self) -> dict[str, tuple[int, int]]:
        """{"W1": (n_1, n_0), …, "WL": …, "b1": (n_1, 1), …} in buffer order."""
        sizes = self.layer_sizes
        shapes = {f"W{l}": (sizes[l], sizes[l - 1]) for l in range(1, len(sizes))}
        shapes.update({f"b{l}": (sizes[l], 1) for l in range(1, len(sizes))})
        return shapes

    def views(self, flat: np.ndarray, prefix: str = "") -> dict[str, np.ndarray]:
        """{prefix + "W1": …, prefix + "b1": …} as views into ``flat``, a
        buffer laid out like ``theta`` (``views(theta)`` is ``params``)."""
        return self._views(flat, prefix)

    def layers(self, flat: np.ndarray | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """[(W[1], b[1]), …, (W[L], b[L])]: W[l] (n_l, n_{l−1}) and b[l] (n_l, 1)
        as views into ``theta``, or into ``flat`` laid out like it (pass
        ``np.arange(theta.size)`` to learn where each parameter lives)."""
        if flat is None:
            return list(self._layers)
        return self._layer_views(self._views(flat, ""), "")

    def _views(self, flat: np.ndarray, prefix: str) -> dict[str, np.ndarray]:
        views, start = {}, 0
        for name, (rows, cols) in self.param_shapes().items():
            views[prefix + name] = flat[start : start + rows * cols].reshape(rows, cols)
            start += rows * cols
        return views

    def _layer_views(self, views: dict[str, np.ndarray], prefix: str) -> list:
        return [(views[f"{prefix}W{l}"], views[f"{prefix}b{l}"]) for l in range(1, self.L + 1)]

    def initialize(self, seed: int | None = None) -> None:
        """Xavier (tanh, sigmoid, linear) or He (relu, leaky_relu) normal
        weights, zero biases; the same seed gives the same network."""
        rng = np.random.default_rng(seed)
        self.theta[:] = 0.0
        for l in range(1, self.L + 1):
            n_in, n_out = self.layer_sizes[l - 1], self.layer_sizes[l]
            if l <= len(self.activations) and self.activations[l - 1].init_gain == 2.0:
                std = np.sqrt(2.0 / n_in)
            else:
                std = np.sqrt(2.0 / (n_in + n_out))
            self.params[f"W{l}"][:] = rng.normal(0.0, std, size=(n_out, n_in))

    def copy(self) -> MLP:
        """An independent network with the same structure and parameters."""
        twin = MLP(self.layer_sizes, self.activation_names, self.seed, self.features)
        twin.theta[:] = self.theta
        return twin

    def with_features(self, order: Sequence[str]) -> MLP:
        """The same function of the same points with its inputs in ``order``
        (a permutation of ``features``): W[1]'s columns follow their inputs;
        every other parameter is copied as it is."""
        if self.features is None or sorted(order) != sorted(self.features):
            raise ValueError(f"{tuple(order)} is not an ordering of {self.features}")
        twin = self.copy()
        twin.features = tuple(order)
        columns = [self.features.index(name) for name in order]
        twin.params["W1"][:] = self.params["W1"][:, columns]
        return twin

    def __repr__(self) -> str:
        acts = ",".join(self.activation_names) or "-"
        return f"MLP({list(self.layer_sizes)}, activation={acts}, output={self.output_kind.name})"

    # -- forward -----------------------------------------------------------

    def forward(self, X: np.ndarray, cache: Cache | None = None) -> Cache:
        """Forward propagation of X (n_x, m); returns the cache of Z[l], A[l]."""
        X = self._check_inputs(X)
        m = X.shape[1]
        if cache is None or cache.m != m or cache.layer_sizes != self.layer_sizes:
            cache = Cache(self.layer_sizes, m)
        self._forward(X, cache)
        return cache

    def forward_with(
        self, layers: Sequence[tuple[np.ndarray, np.ndarray]], X: np.ndarray, cache: Cache
    ) -> Cache:
        """Forward propagation with other parameters: ``layers`` are (W[l], b[l])
        shaped like ``layers()``, e.g. float32 copies for a float32 X (n_x, m)
        and a float32 ``Cache`` of m examples (no checks: they must fit)."""
        self._forward(X, cache, list(layers))
        return cache

    def _forward(self, X: np.ndarray, cache: Cache, layers: list | None = None) -> None:
        """``forward`` without the checks: X is (n_x, m) and the cache fits.
        ``layers`` replaces the (W[l], b[l]) pairs, e.g. with float32 copies
        for a float32 cache and X."""
        cache.A[0] = X
        A_prev, Zs, As = X, cache.Z, cache.A
        acts, L = self.activations, self.L
        for l, (W, b) in enumerate(self._layers if layers is None else layers, 1):
            Z, A = Zs[l], As[l]
            np.dot(W, A_prev, out=Z)
            Z += b
            if l < L:
                acts[l - 1].forward(Z, A)
            else:
                self.output_kind.activate(Z, A)
            A_prev = A

    def _check_inputs(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] != self.layer_sizes[0]:
            raise ValueError(f"X must have shape (n_x={self.layer_sizes[0]}, m); got {X.shape}")
        return X

    # -- backward ----------------------------------------------------------

    def targets(self, Y: np.ndarray) -> np.ndarray:
        """Y as the (n_out, m) target matrix: integer class labels (m,) are
        converted (0/1 row for sigmoid, one-hot for softmax); a matrix passes."""
        Y = np.asarray(Y)
        if Y.ndim == 2:
            if Y.shape[0] != self.layer_sizes[-1]:
                raise ValueError(f"Y must have {self.layer_sizes[-1]} rows; got {Y.shape}")
            return Y.astype(np.float64, copy=False)
        labels = Y.astype(np.int64)
        if labels.size and (labels.min() < 0 or labels.max() >= self.n_classes):
            raise ValueError(f"labels must be class indices 0..{self.n_classes - 1}")
        return self.output_kind.targets(labels, self.layer_sizes[-1])

    def backward(
        self,
        cache: Cache,
        Y: np.ndarray,
        l1: float = 0.0,
        l2: float = 0.0,
        out: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Gradients of J = mean cross-entropy + l1·Σ|W| + (l2/2)·Σ‖W‖².

        Returns {"dW1": …, "db1": …} shaped like the parameters, as views into
        one flat buffer laid out like ``theta`` (``out`` if given, else new).
        Biases are not regularised.
        """
        flat = np.empty_like(self.theta) if out is None else out
        grads = self.gradient_views(flat)
        self.backward_into(cache, self.targets(Y), flat, grads, l1, l2)
        return grads

    def gradient_views(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """{"dW1": …, "db1": …} as views into a buffer laid out like ``theta``."""
        return self._views(flat, "d")

    def backward_into(
        self,
        cache: Cache,
        Y: np.ndarray,
        flat: np.ndarray,
        grads: dict[str, np.ndarray],
        l1: float = 0.0,
        l2: float = 0.0,
    ) -> None:
        """The allocation-free core of ``backward``: Y is the (n_out, m) target
        matrix and ``grads`` are ``gradient_views(flat)``."""
        cache._backward_buffers()
        L, A, dZ, ones = self.L, cache.A, cache.dZ, cache.ones
        acts, layers = self.activations, self._layers
        # The 1/m of every dW and db applied once, to dZ[L].
        d = np.subtract(A[L], Y, out=dZ[L])
        d *= 1.0 / cache.m
        for l in range(L, 0, -1):
            dW, db = grads[f"dW{l}"], grads[f"db{l}"]
            np.dot(d, A[l - 1].T, out=dW)
            np.dot(d, ones, out=db)  # Σ over the columns, as one matrix product
            if l > 1:
                d_prev = np.dot(layers[l - 1][0].T, d, out=dZ[l - 1])
                acts[l - 2].backward(d_prev, cache.Z[l - 1], A[l - 1])
                d = d_prev
        if l2:
            flat[: self.n_weights] += l2 * self.theta[: self.n_weights]
        if l1:
            flat[: self.n_weights] += l1 * np.sign(self.theta[: self.n_weights])

    # -- cost and predictions ----------------------------------------------
    #
    # A whole set goes through the network a chunk of columns at a time, so
    # that memory stays bounded however many points there are; a set of one
    # chunk or less takes the single forward pass it always did.

    def chunk_columns(self) -> int:
        """How many examples one forward pass over a whole set takes at a time:
        its Z[l] and A[l] buffers, (n_l, chunk) float64 each, then add up to
        at most ``CHUNK_BYTES`` (at least ``MIN_CHUNK`` columns)."""
        per_column = 2 * 8 * sum(self.layer_sizes[1:])
        return max(MIN_CHUNK, CHUNK_BYTES // per_column)

    def forward_chunks(
        self, X: np.ndarray, cache: Cache | None = None
    ) -> Iterator[tuple[slice, Cache]]:
        """``forward`` of X (n_x, m), a chunk of columns at a time: yields
        (columns, cache) with the cache of X[:, columns]. The caches are
        reused from one chunk to the next: read each before the next.
        ``cache``: one to reuse if it fits (as ``forward``'s); the one used
        for whole chunks is the first yielded."""
        X = self._check_inputs(X)
        m, size = X.shape[1], self.chunk_columns()
        if m <= size:
            yield slice(0, m), self.forward(X, cache)
            return
        full = cache
        if full is None or full.m != size or full.layer_sizes != self.layer_sizes:
            full = Cache(self.layer_sizes, size)
        for start in range(0, m, size):
            columns = slice(start, min(start + size, m))
            n = columns.stop - start
            cache = full if n == size else full.narrowed(n)
            # A contiguous copy: BLAS reads it directly, as it reads a whole X.
            self._forward(np.ascontiguousarray(X[:, columns]), cache)
            yield columns, cache

    def losses(self, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """Cross-entropy of each example, (m,), computed from the logits."""
        X = self._check_inputs(X)
        Y = self.targets(Y)
        if X.shape[1] <= self.chunk_columns():
            cache = self.forward(X)
            return self.output_kind.losses(cache.Z[self.L], Y)
        losses = np.empty(X.shape[1])
        for columns, cache in self.forward_chunks(X):
            losses[columns] = self.output_kind.losses(cache.Z[self.L], Y[:, columns])
        return losses

    def regularization(self, l1: float = 0.0, l2: float = 0.0) -> float:
        W = self.theta[: self.n_weights]
        return float(l1 * np.abs(W).sum() + 0.5 * l2 * np.dot(W, W))

    def cost(self, X: np.ndarray, Y: np.ndarray, l1: float = 0.0, l2: float = 0.0) -> float:
        """J = (1/m)·Σ L(a⁽ⁱ⁾, y⁽ⁱ⁾) + the regularisation term, as a float."""
        losses = self.losses(X, Y)
        mean = float(losses.mean()) if losses.size else 0.0
        return mean + (self.regularization(l1, l2) if (l1 or l2) else 0.0)

    def _outputs(self, X: np.ndarray, convert) -> np.ndarray:
        """convert(A[L]) of every chunk of X, joined along the columns."""
        X = self._check_inputs(X)
        if X.shape[1] <= self.chunk_columns():
            return convert(self.forward(X).output)
        parts = [convert(cache.output) for _, cache in self.forward_chunks(X)]
        return np.concatenate(parts, axis=-1)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """A[L] for X: (1, m) P(class 1) for sigmoid, (K, m) for softmax."""
        return self._outputs(X, np.copy)

    def class_probabilities(self, X: np.ndarray) -> np.ndarray:
        """(n_classes, m): the probability of every class, also for sigmoid."""
        return self._outputs(X, self.output_kind.class_probabilities)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted class labels, (m,) integers."""
        return self._outputs(X, self.output_kind.labels)
