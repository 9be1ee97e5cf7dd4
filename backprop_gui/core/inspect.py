"""What the backprop inspector shows, computed on request, in the seeds' form.

Everything here reads a network through its public API only (``forward`` and
``forward_chunks``, ``params``, ``activations``, ``targets``, ``output_kind``)
and recomputes the backward pass the way the seeds write it, so it is an
independent check of ``MLP.backward`` and of the packed training kernel:

    dZ[L] = A[L] − Y
    dW[l] = (1/m)·dZ[l]·A[l−1]ᵀ        db[l] = (1/m)·Σ_columns dZ[l]
    dZ[l−1] = W[l]ᵀ·dZ[l] ∗ g′[l−1](Z[l−1])

with J = mean cross-entropy + l1·Σ|W| + (l2/2)·Σ‖W‖² (biases are not
regularised). Gradients are of J itself: not negated and not multiplied by
the learning rate, whatever the training loop does inside. A set bigger than
one forward pass goes through the network in chunks (``MLP.chunk_columns``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .features import DEFAULT_FEATURES, transform
from .network import MLP
from .surface import grid_points

# A hidden unit counts as saturated where g′ is almost 0: |A| > 0.99 for tanh
# (g′ < 0.02), A < 0.01 or A > 0.99 for sigmoid (g′ < 0.0099).
SATURATION = 0.99


@dataclass(frozen=True)
class LayerHealth:
    """How well gradients flow through layer l (1..L), as single numbers.

    ``dW_norm``, ``db_norm``: Frobenius norms of dW[l], db[l] of J.
    ``dZ_rms``: root mean square of dZ[l] (the seeds' dZ, without 1/m) over
    the units and the training points.
    ``update_ratio``: ‖ΔW[l]‖ / ‖W[l]‖ of the last step (NaN when the
    parameters before it are unknown); around 1e-3 is the usual healthy size.
    ``saturated``: the fraction of (unit, point) pairs where a tanh or sigmoid
    unit is saturated (see ``SATURATION``), i.e. the mean fraction of the
    layer's units saturated on a point; 0 for other activations and for the
    output layer, whose dZ = A − Y never vanishes from saturation (the
    cross-entropy cancels σ′).
    ``dead``: the fraction of ReLU units whose A is 0 on every training point
    (no gradient reaches their weights); 0 for other activations.
    """

    layer: int
    units: int
    activation: str  # the hidden activation, or the output's kind
    dW_norm: float
    db_norm: float
    dZ_rms: float
    update_ratio: float
    saturated: float
    dead: float


@dataclass(frozen=True)
class ExamplePass:
    """One example's forward and backward pass, with the seeds' names.

    ``forward``: {"A0": x (n_x, 1), "Z1": (n_1, 1), "A1": …, "ZL", "AL"}.
    ``backward``: {"dZl": (n_l, 1), "dWl": (n_l, n_{l−1}), "dbl": (n_l, 1)}
    for l = L..1, with dZ[L] = A[L] − y and dZ[l−1] = W[l]ᵀ·dZ[l] ∗ g′(Z[l−1]);
    dW[l] = dZ[l]·A[l−1]ᵀ / m and db[l] = dZ[l] / m are this example's
    contributions to the gradient over m examples: the contributions of the
    m training points add up to the gradient of their mean cross-entropy, and
    adding ``penalty_gradients`` (l1·sign(W[l]) + l2·W[l], "dWl" only, empty
    without L1/L2) gives the gradient of J.
    ``loss``: this example's cross-entropy; ``penalty``: the L1/L2 term of J.
    """

    point: np.ndarray  # the point as given: (2,) raw coordinates (or inputs)
    y: np.ndarray  # (n_out, 1) target column
    m: int
    loss: float
    penalty: float
    forward: dict[str, np.ndarray]
    backward: dict[str, np.ndarray]
    penalty_gradients: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        """``example["Z2"]``, ``example["dW1"]``: either pass by its name."""
        return self.forward[name] if name in self.forward else self.backward[name]


# -- gradients and health over a set -------------------------------------------


def _weights(net: MLP) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(W[1], b[1]), …, (W[L], b[L])], views of the network's parameters."""
    return [(net.params[f"W{l}"], net.params[f"b{l}"]) for l in range(1, net.L + 1)]


def _chunk_passes(net: MLP, X: np.ndarray, Y: np.ndarray):
    """For each chunk of X (n_x, m): (columns, cache, dZ) with dZ[l] (n_l, chunk)
    the seeds' dZ, without 1/m (dZ[0] is None)."""
    layers = _weights(net)
    for columns, cache in net.forward_chunks(X):
        dZ = [None] * (net.L + 1)
        dZ[net.L] = cache.A[net.L] - Y[:, columns]
        for l in range(net.L, 1, -1):
            # W[l]ᵀ·dZ[l], then ∗ g′(Z[l−1]) in place (from Z or A, as cheapest).
            dZ[l - 1] = layers[l - 1][0].T @ dZ[l]
            net.activations[l - 2].backward(dZ[l - 1], cache.Z[l - 1], cache.A[l - 1])
        yield columns, cache, dZ


def _penalty_gradients(net: MLP, l1: float, l2: float) -> dict[str, np.ndarray]:
    """{"dWl": l1·sign(W[l]) + l2·W[l]}, or {} without regularisation."""
    if not (l1 or l2):
        return {}
    return {f"dW{l}": l1 * np.sign(W) + l2 * W for l, (W, _) in enumerate(_weights(net), 1)}


def _checked(net: MLP, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    Y = net.targets(Y)
    if X.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(f"X {X.shape} and Y {Y.shape} need one column per example")
    if X.shape[1] == 0:
        raise ValueError("gradients need at least one training point")
    return X, Y


def gradients_and_health(
    net: MLP,
    X: np.ndarray,
    Y: np.ndarray,
    previous_theta: np.ndarray | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
) -> tuple[dict[str, np.ndarray], list[LayerHealth]]:
    """``gradients`` and ``layer_health`` from one pass over the set."""
    X, Y = _checked(net, X, Y)
    m, L = X.shape[1], net.L
    sizes = net.layer_sizes
    grads = {f"dW{l}": np.zeros((sizes[l], sizes[l - 1])) for l in range(1, L + 1)}
    grads.update({f"db{l}": np.zeros((sizes[l], 1)) for l in range(1, L + 1)})
    squares = np.zeros(L + 1)  # Σ dZ[l]² over units and points
    saturated = np.zeros(L + 1)  # number of saturated (unit, point) pairs
    alive = [np.zeros(n, bool) for n in sizes]  # A > 0 on some point (relu)
    kinds = [None] + [act.name for act in net.activations] + [None]
    for _, cache, dZ in _chunk_passes(net, X, Y):
        for l in range(1, L + 1):
            grads[f"dW{l}"] += dZ[l] @ cache.A[l - 1].T
            grads[f"db{l}"] += dZ[l].sum(axis=1, keepdims=True)
            squares[l] += np.dot(dZ[l].ravel(), dZ[l].ravel())
            A = cache.A[l]
            if kinds[l] == "tanh":
                saturated[l] += np.count_nonzero(np.abs(A) > SATURATION)
            elif kinds[l] == "sigmoid":
                saturated[l] += np.count_nonzero((A < 1 - SATURATION) | (A > SATURATION))
            elif kinds[l] == "relu":
                alive[l] |= (A > 0).any(axis=1)
    for name in grads:
        grads[name] /= m
    for name, extra in _penalty_gradients(net, l1, l2).items():
        grads[name] += extra
    ratios = _update_ratios(net, previous_theta)
    health = [
        LayerHealth(
            layer=l,
            units=sizes[l],
            activation=kinds[l] or net.output_kind.name,
            dW_norm=float(np.linalg.norm(grads[f"dW{l}"])),
            db_norm=float(np.linalg.norm(grads[f"db{l}"])),
            dZ_rms=float(np.sqrt(squares[l] / (sizes[l] * m))),
            update_ratio=ratios[l - 1],
            saturated=float(saturated[l] / (sizes[l] * m)),
            dead=float(1.0 - alive[l].mean()) if kinds[l] == "relu" else 0.0,
        )
        for l in range(1, L + 1)
    ]
    return grads, health


def _update_ratios(net: MLP, previous_theta: np.ndarray | None) -> list[float]:
    """‖W[l] − W_before[l]‖ / ‖W[l]‖ for l = 1..L, NaN without θ before."""
    if previous_theta is None:
        return [float("nan")] * net.L
    previous = np.asarray(previous_theta, dtype=np.float64).ravel()
    if previous.shape != net.theta.shape:
        raise ValueError(f"previous_theta has {previous.size} values, θ has {net.theta.size}")
    ratios, start = [], 0
    # param_shapes() lists the parameters in theta's order, weights first.
    for name, (rows, cols) in net.param_shapes().items():
        if name.startswith("W"):
            W = net.params[name]
            before = previous[start : start + rows * cols].reshape(rows, cols)
            change, size = np.linalg.norm(W - before), np.linalg.norm(W)
            ratios.append(float(change / size) if size else (0.0 if change == 0 else np.inf))
        start += rows * cols
    return ratios


def gradients(
    net: MLP, X: np.ndarray, Y: np.ndarray, l1: float = 0.0, l2: float = 0.0
) -> dict[str, np.ndarray]:
    """{"dW1": (n_1, n_0), "db1": (n_1, 1), …, "dWL", "dbL"}: the gradient of
    J (mean cross-entropy over X's m examples + the L1/L2 term) at the
    network's current parameters, in the column convention; equal to
    ``MLP.backward`` (to rounding). X is the network's inputs (n_x, m), Y
    labels (m,) or targets (n_out, m)."""
    return gradients_and_health(net, X, Y, None, l1, l2)[0]


def layer_health(
    net: MLP,
    X: np.ndarray,
    Y: np.ndarray,
    previous_theta: np.ndarray | None = None,
    l1: float = 0.0,
    l2: float = 0.0,
) -> list[LayerHealth]:
    """One ``LayerHealth`` per layer l = 1..L on the set X (n_x, m), Y.
    ``previous_theta``: θ before the last step (laid out like ``net.theta``),
    for the update ratios."""
    return gradients_and_health(net, X, Y, previous_theta, l1, l2)[1]


# -- unit maps -------------------------------------------------------------------


def _features(net: MLP, features: Sequence[str] | None) -> tuple[str, ...]:
    if features is not None:
        return tuple(features)
    if net.features is not None:
        return net.features
    if net.layer_sizes[0] == len(DEFAULT_FEATURES):
        return DEFAULT_FEATURES
    raise ValueError("the network's inputs have no feature names: say which features")


@functools.lru_cache(maxsize=8)
def _grid_inputs(resolution: int, features: tuple[str, ...]) -> np.ndarray:
    """(n_x, R²) network inputs on the grid of ``core.surface``, read-only."""
    X = transform(grid_points(resolution), features)
    X.setflags(write=False)
    return X


def unit_maps(
    net: MLP, resolution: int = 32, features: Sequence[str] | None = None
) -> list[np.ndarray]:
    """The output of every unit over the domain, layer by layer: a list of
    L + 1 float32 arrays, maps[l] shaped (n_l, R, R) with maps[l][j] the map
    of A[l] row j (maps[0] are the input features, maps[L] the outputs).
    The grid is ``core.surface``'s: ``maps[l][j][i, k]`` is at
    x1 = centres[k], x2 = centres[i], row 0 at the bottom."""
    X = _grid_inputs(int(resolution), _features(net, features))
    R, sizes = int(resolution), net.layer_sizes
    flat = [X.astype(np.float32)] + [np.empty((n, R * R), np.float32) for n in sizes[1:]]
    for columns, cache in net.forward_chunks(X):
        for l in range(1, net.L + 1):
            flat[l][:, columns] = cache.A[l]
    return [maps.reshape(n, R, R) for maps, n in zip(flat, sizes, strict=True)]


def unit_map(
    net: MLP,
    layer: int,
    unit: int,
    resolution: int = 128,
    features: Sequence[str] | None = None,
) -> np.ndarray:
    """(R, R) float32: A[layer] row ``unit`` over the grid of ``unit_maps``,
    computing the layers up to ``layer`` only (layer 0: an input feature)."""
    if not (0 <= layer <= net.L and 0 <= unit < net.layer_sizes[layer]):
        raise ValueError(f"no unit {unit} in layer {layer} of {list(net.layer_sizes)}")
    R = int(resolution)
    X = _grid_inputs(R, _features(net, features))
    out = np.empty(R * R, np.float32)
    size, layers = net.chunk_columns(), _weights(net)[:layer]
    for start in range(0, R * R, size):
        A = np.ascontiguousarray(X[:, start : start + size])
        for l, (W, b) in enumerate(layers, 1):
            Z = W @ A + b
            A = np.empty_like(Z)
            if l < net.L:
                net.activations[l - 1].forward(Z, A)
            else:
                net.output_kind.activate(Z, A)
        out[start : start + size] = A[unit]
    return out.reshape(R, R)


# -- one example -------------------------------------------------------------------


def example_pass(
    net: MLP,
    x: np.ndarray,
    y: int | np.ndarray,
    m: int = 1,
    l1: float = 0.0,
    l2: float = 0.0,
) -> ExamplePass:
    """The forward and backward pass of one example (see ``ExamplePass``).

    ``x``: the point (2,) in raw coordinates, turned into the network's inputs
    by its features (``core.transform``); for a network without feature names
    and other than 2 inputs, the inputs (n_x,) themselves. ``y``: its class
    label, or its target column (n_out,). ``m``: the number of examples the
    gradient is a mean over (1/m in each contribution)."""
    point = np.array(x, dtype=np.float64).ravel()  # a copy: the pass keeps it
    if net.features is not None:
        X = transform(point.reshape(2, 1), net.features)
    else:
        X = point.reshape(-1, 1)
    label = np.asarray(y)
    Y = net.targets(label.reshape(-1, 1) if label.ndim == 1 else label.reshape(1))
    if m < 1:
        raise ValueError("m must be at least 1")
    ((_, cache, dZ),) = _chunk_passes(net, X, Y)
    L = net.L
    forward = {"A0": X}
    for l in range(1, L + 1):
        forward[f"Z{l}"], forward[f"A{l}"] = cache.Z[l], cache.A[l]
    backward = {}
    for l in range(L, 0, -1):
        backward[f"dZ{l}"] = dZ[l]
        backward[f"dW{l}"] = dZ[l] @ forward[f"A{l - 1}"].T / m
        backward[f"db{l}"] = dZ[l] / m
    return ExamplePass(
        point=point,
        y=Y,
        m=int(m),
        loss=float(net.output_kind.losses(cache.Z[L], Y)[0]),
        penalty=net.regularization(l1, l2) if (l1 or l2) else 0.0,
        forward=forward,
        backward=backward,
        penalty_gradients=_penalty_gradients(net, l1, l2),
    )
