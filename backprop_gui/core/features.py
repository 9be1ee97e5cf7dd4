"""Input features computed from a point (x1, x2), as in TensorFlow Playground.

With the default features the first layer acts on the raw coordinates: there
is no hidden normalisation anywhere. Points are (2, m); features are
(n_features, m), one row per feature in the order the names are given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

FEATURES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}
# How the GUI and the equations print each feature.
FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁·x₂",
    "sin(x1)": "sin x₁",
    "sin(x2)": "sin x₂",
}
DEFAULT_FEATURES: tuple[str, ...] = ("x1", "x2")
# Coordinates this small give finite features: squares and products stay under
# 1e300, and sines are bounded.
SAFE_COORDINATE = 1e150


def check_feature_names(names: Sequence[str]) -> tuple[str, ...]:
    """The names as a tuple, or ValueError naming the first unknown or repeated one."""
    names = tuple(names)
    if not names:
        raise ValueError("at least one input feature is needed")
    for name in names:
        if name not in FEATURES:
            raise ValueError(f"unknown input feature {name!r}; known: {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise ValueError("an input feature is listed twice")
    return names


def transform(points: np.ndarray, names: Sequence[str] = DEFAULT_FEATURES) -> np.ndarray:
    """Points (2, m) → network inputs X (len(names), m), float64."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[0] != 2:
        raise ValueError(f"points must have shape (2, m); got {points.shape}")
    x1, x2 = points
    return np.vstack([FEATURES[name](x1, x2) for name in check_feature_names(names)])


def overflow_problem(
    points: np.ndarray,
    names: Sequence[str] = tuple(FEATURES),
    shown: Mapping[str, str] | None = None,
) -> str | None:
    """Why finite points (2, m) cannot be the network's inputs, or None: the
    first point whose feature ``names`` overflows (x1² of x1 = 1e300 is inf),
    named as ``shown`` prints it. Such points would not train but diverge at
    once, which would blame α. The default, every feature, is what the window
    can switch to at any time."""
    names = check_feature_names(names)
    points = np.asarray(points, dtype=np.float64)
    if not points.size or np.abs(points).max() <= SAFE_COORDINATE:
        return None  # the usual case, at the cost of one pass
    first: tuple[int, str, float] | None = None  # (point, feature, its value)
    x1, x2 = points
    for name in names:  # one feature at a time: a big file is never stacked 7 times over
        with np.errstate(over="ignore", invalid="ignore"):
            values = FEATURES[name](x1, x2)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size and (first is None or bad[0] < first[0]):
            first = (int(bad[0]), name, float(values[bad[0]]))
    if first is None:
        return None
    column, name, value = first
    name = (shown or {}).get(name, name)
    return (
        f"the input feature {name} overflows to {value} for point {column + 1} "
        f"({x1[column]:g}, {x2[column]:g}); the coordinates are too large "
        "(the app's domain is [-6, 6])"
    )
