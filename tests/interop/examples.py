"""Networks and points the bridge tests share.

Every network gets random weights *and* biases, large enough that relu and
leaky_relu units are negative on part of the domain and softmax outputs are
far from uniform: a bridge that got one detail wrong shows it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backprop_gui.core import FEATURES, MLP, transform

ALL_FEATURES = tuple(FEATURES)


def randomized(net: MLP, seed: int, scale: float = 1.5) -> MLP:
    net.theta[:] = np.random.default_rng(seed).normal(0.0, scale, net.theta.size)
    return net


NETWORKS: dict[str, Callable[[], MLP]] = {
    "tanh, two classes": lambda: randomized(MLP([2, 8, 1], "tanh"), 1),
    "every feature, relu then leaky_relu, three classes": lambda: randomized(
        MLP([7, 6, 5, 3], ["relu", "leaky_relu"], features=ALL_FEATURES), 2
    ),
    "squares and sigmoid then linear, five classes": lambda: randomized(
        MLP([3, 4, 4, 5], ["sigmoid", "linear"], features=["x1^2", "x2^2", "x1*x2"]), 3
    ),
    "no hidden layer, one sigmoid unit": lambda: randomized(MLP([2, 1], []), 4),
    "no hidden layer, four softmax units on sines": lambda: randomized(
        MLP([2, 4], [], features=["sin(x1)", "sin(x2)"]), 5
    ),
    "products and sines, sigmoid, three classes": lambda: randomized(
        MLP([3, 6, 6, 3], "sigmoid", features=["x1*x2", "sin(x1)", "sin(x2)"]), 8
    ),
    "linear hidden layer": lambda: randomized(MLP([2, 3, 1], "linear"), 9),
    "two softmax units": lambda: randomized(MLP([2, 5, 2], "relu"), 6),
    "deep tanh": lambda: randomized(MLP([2, 16, 16, 16, 1], "tanh"), 7, scale=1.0),
}
# The ones scikit-learn can express: one activation for all hidden layers,
# and no leaky_relu.
SKLEARN_NETWORKS = [name for name in NETWORKS if len(set(NETWORKS[name]().activation_names)) <= 1]


def random_points(m: int, seed: int = 0) -> np.ndarray:
    """(2, m) points over the app's domain [-6, 6]² and a little beyond."""
    return np.random.default_rng(seed).uniform(-7.0, 7.0, size=(2, m))


def probabilities(net: MLP, points: np.ndarray) -> np.ndarray:
    """Our class probabilities for points (2, m), as rows: (m, K)."""
    return net.class_probabilities(transform(points, net.features)).T


def labels(net: MLP, points: np.ndarray) -> np.ndarray:
    return net.predict(transform(points, net.features))
