"""What the user chose, as values: the network, the data and how they are split.

Qt-free, so the window, the worker, the trainer process and the command line
share one meaning for each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core import MLP


@dataclass(frozen=True)
class NetworkSpec:
    """What defines the network; changing any of it re-initialises the weights.

    ``activation``: one name for every hidden layer, or one per hidden layer.
    A tuple whose names are all equal becomes that one name, so a network
    has one spelling (and two specs of the same network compare equal).
    """

    hidden: tuple[int, ...] = (8, 8)
    activation: str | tuple[str, ...] = "tanh"
    features: tuple[str, ...] = ("x1", "x2")
    seed: int = 0
    # The data's classes: one sigmoid output unit for two, K softmax units for K ≥ 3.
    n_classes: int = 2

    def __post_init__(self) -> None:
        activation = self.activation
        if not isinstance(activation, str):
            names = tuple(str(name) for name in activation)
            if len(names) != len(self.hidden):
                raise ValueError(
                    f"{len(names)} activations given for {len(self.hidden)} hidden layers"
                )
            activation = names[0] if names and len(set(names)) == 1 else names
            object.__setattr__(self, "activation", activation or "tanh")

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation name per hidden layer."""
        if isinstance(self.activation, str):
            return (self.activation,) * len(self.hidden)
        return self.activation

    def layer_sizes(self) -> list[int]:
        return [len(self.features), *self.hidden, 1 if self.n_classes <= 2 else self.n_classes]

    def build(self) -> MLP:
        return MLP(self.layer_sizes(), self.activation, seed=self.seed, features=self.features)


@dataclass(frozen=True)
class DataSpec:
    """Training and test points, (2, m) and (m,), copied when posted."""

    train_points: np.ndarray = field(default_factory=lambda: np.zeros((2, 0)))
    train_labels: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    test_points: np.ndarray = field(default_factory=lambda: np.zeros((2, 0)))
    test_labels: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def test_count(m: int, test_ratio: float) -> int:
    """How many of ``m`` points are held out at ``test_ratio``: the same rule
    for the window and the command line (round half to even, as ``round``)."""
    if not 0.0 <= test_ratio < 1.0:
        raise ValueError("test_ratio must be in [0, 1)")
    return round(test_ratio * m)


def split_keys(m: int, seed: int) -> np.ndarray:
    """The keys (m,) of a whole set of points read from a file, from ``seed``:
    the window's Open and ``backprop-gui train --data`` draw the same ones, so
    the same file, ratio and seed hold out the same test points."""
    return np.random.default_rng(seed).random(m)


def test_mask(keys: np.ndarray, test_ratio: float) -> np.ndarray:
    """The test points: the ``test_count`` points with the smallest keys.

    Every point carries a random key in [0, 1) drawn when it is made; the
    split follows the keys, so adding or removing a point moves at most one
    other point between the sets, and a ratio gives the same count anywhere.
    """
    keys = np.asarray(keys, dtype=np.float64)
    n_test = test_count(keys.size, test_ratio)
    mask = np.zeros(keys.size, bool)
    # A stable sort: equal keys (never in practice) still split the same way.
    mask[np.argsort(keys, kind="stable")[:n_test]] = True
    return mask
