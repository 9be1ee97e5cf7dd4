"""Network inputs from points, refused when they are not numbers a network
can use: features that overflow are bad input (exit status 2), not a
training run that diverged."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core import transform
from .base import UsageError


def features_of(points: np.ndarray, names: Sequence[str], source: str) -> np.ndarray:
    """X (len(names), m) for points (2, m); UsageError naming ``source`` and
    the first point whose features overflow (e.g. x1² of x1 = 1e300)."""
    with np.errstate(over="ignore", invalid="ignore"):
        X = transform(points, names)
    finite = np.isfinite(X)
    if not finite.all():
        row, column = np.argwhere(~finite)[0]
        x1, x2 = points[:, column]
        raise UsageError(
            f"{source}: the input feature {names[row]} overflows to {X[row, column]} for "
            f"point {column + 1} ({x1:g}, {x2:g}); the coordinates are too large "
            "(the app's domain is [-6, 6])"
        )
    return X
