"""Output layers paired with their cross-entropy, so that dZ[L] = A[L] − Y.

- ``sigmoid`` (1 output unit): A = σ(Z), binary cross-entropy, Y is (1, m) of 0/1.
- ``softmax`` (K ≥ 2 units): A = softmax(Z), categorical cross-entropy, Y is one-hot (K, m).

Losses are computed from the logits Z, never as log of a clipped probability:
    binary:      L = log(1 + e^z) − y·z             = logaddexp(0, z) − y·z
    categorical: L = logsumexp(z) − Σ_k y_k·z_k
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import sigmoid


def _softmax(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # Subtracting the column max makes every exponent ≤ 0: no overflow.
    out = np.subtract(Z, Z.max(axis=0, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=0, keepdims=True)
    return out


def _binary_losses(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """(1, m) logits and targets → (m,) losses."""
    return (np.logaddexp(0.0, Z) - Y * Z)[0]


def _categorical_losses(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """(K, m) logits and one-hot targets → (m,) losses."""
    top = Z.max(axis=0)
    logsumexp = top + np.log(np.exp(Z - top).sum(axis=0))
    return logsumexp - (Y * Z).sum(axis=0)


def _binary_targets(labels: np.ndarray, n_out: int) -> np.ndarray:
    return labels.astype(np.float64).reshape(1, -1)


def _one_hot(labels: np.ndarray, n_out: int) -> np.ndarray:
    Y = np.zeros((n_out, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def _binary_labels(A: np.ndarray) -> np.ndarray:
    return (A[0] >= 0.5).astype(np.int64)


def _argmax_labels(A: np.ndarray) -> np.ndarray:
    return A.argmax(axis=0).astype(np.int64)


def _binary_class_probabilities(A: np.ndarray) -> np.ndarray:
    return np.vstack([1.0 - A[0], A[0]])


@dataclass(frozen=True)
class OutputKind:
    name: str
    loss_name: str
    activate: Callable[..., np.ndarray]
    losses: Callable[[np.ndarray, np.ndarray], np.ndarray]
    targets: Callable[[np.ndarray, int], np.ndarray]
    labels: Callable[[np.ndarray], np.ndarray]
    class_probabilities: Callable[[np.ndarray], np.ndarray]


SIGMOID = OutputKind(
    "sigmoid",
    "binary cross-entropy",
    sigmoid,
    _binary_losses,
    _binary_targets,
    _binary_labels,
    _binary_class_probabilities,
)
SOFTMAX = OutputKind(
    "softmax",
    "categorical cross-entropy",
    _softmax,
    _categorical_losses,
    _one_hot,
    _argmax_labels,
    lambda A: A.copy(),
)
OUTPUT_KINDS = {kind.name: kind for kind in (SIGMOID, SOFTMAX)}


def output_kind_for(n_out: int) -> OutputKind:
    """One output unit means sigmoid; K ≥ 2 units mean softmax."""
    if n_out < 1:
        raise ValueError("the output layer needs at least one unit")
    return SIGMOID if n_out == 1 else SOFTMAX
