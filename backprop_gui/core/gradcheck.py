"""Gradient checking: backward against central differences of the cost.

    dθ_i ≈ (J(θ + ε·e_i) − J(θ − ε·e_i)) / (2ε)
    relative error = ‖numeric − analytic‖ / (‖numeric‖ + ‖analytic‖)

in float64, with ε = 1e-6: the truncation error O(ε²) and the rounding error
O(1e-16/ε) are then both far below the 1e-7 we require.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .network import MLP

TOLERANCE = 1e-7


@dataclass(frozen=True)
class GradCheckResult:
    activation: str
    output: str
    layer_sizes: tuple[int, ...]
    relative_error: float
    per_parameter: dict[str, float]

    @property
    def passed(self) -> bool:
        return self.relative_error <= TOLERANCE


def relative_error(numeric: np.ndarray, analytic: np.ndarray) -> float:
    """‖numeric − analytic‖ / (‖numeric‖ + ‖analytic‖); 0 when both are 0."""
    denominator = np.linalg.norm(numeric) + np.linalg.norm(analytic)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(numeric - analytic) / denominator)


def numeric_gradient(
    net: MLP,
    X: np.ndarray,
    Y: np.ndarray,
    l1: float = 0.0,
    l2: float = 0.0,
    eps: float = 1e-6,
    index: np.ndarray | None = None,
) -> np.ndarray:
    """Central-difference gradient of ``net.cost`` with respect to ``net.theta``;
    with ``index``, at those entries of θ only (NaN elsewhere), for big networks."""
    theta = net.theta
    grad = np.empty_like(theta) if index is None else np.full(theta.size, np.nan)
    for i in range(theta.size) if index is None else index:
        saved = theta[i]
        theta[i] = saved + eps
        plus = net.cost(X, Y, l1, l2)
        theta[i] = saved - eps
        minus = net.cost(X, Y, l1, l2)
        theta[i] = saved
        grad[i] = (plus - minus) / (2.0 * eps)
    return grad


def check_gradients(
    net: MLP, X: np.ndarray, Y: np.ndarray, l1: float = 0.0, l2: float = 0.0
) -> GradCheckResult:
    """Compare ``net.backward`` with central differences on X, Y."""
    analytic = np.empty_like(net.theta)
    net.backward(net.forward(X), Y, l1, l2, out=analytic)
    numeric = numeric_gradient(net, X, Y, l1, l2)
    per_parameter = {}
    for name, view in net.gradient_views(analytic).items():
        numeric_view = net.gradient_views(numeric)[name]
        per_parameter[name] = relative_error(numeric_view, view)
    return GradCheckResult(
        activation=",".join(net.activation_names),
        output=net.output_kind.name,
        layer_sizes=net.layer_sizes,
        relative_error=relative_error(numeric, analytic),
        per_parameter=per_parameter,
    )


def gradient_check_suite(
    hidden: Sequence[int] = (5, 4),
    activations: Sequence[str] | None = None,
    n_inputs: int = 2,
    m: int = 12,
    seed: int = 0,
    l1: float = 0.0,
    l2: float = 0.0,
) -> list[GradCheckResult]:
    """Check every activation (default: all) with both output kinds:
    one sigmoid unit and a 3-class softmax."""
    rng = np.random.default_rng(seed)
    results = []
    for name in activations or list(ACTIVATIONS):
        for n_out in (1, 3):
            sizes = [n_inputs, *hidden, n_out]
            net = MLP(sizes, name, seed=seed)
            # Non-zero biases so relu kinks are not all at the same place.
            net.theta[net.n_weights :] = rng.normal(0.0, 0.5, net.theta.size - net.n_weights)
            X = rng.normal(0.0, 1.5, (n_inputs, m))
            labels = rng.integers(0, max(2, n_out), m)
            results.append(check_gradients(net, X, labels, l1, l2))
    return results
