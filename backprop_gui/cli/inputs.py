"""Network inputs from points, refused when they are not numbers a network
can use: features that overflow are bad input (exit status 2), not a
training run that diverged."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..core import transform
from ..core.features import overflow_problem
from .base import UsageError


def features_of(points: np.ndarray, names: Sequence[str], source: str) -> np.ndarray:
    """X (len(names), m) for points (2, m); UsageError naming ``source`` and
    the first point whose features overflow (e.g. x1² of x1 = 1e300)."""
    problem = overflow_problem(points, names)
    if problem is not None:
        raise UsageError(f"{source}: {problem}")
    return transform(points, names)
