"""Toy datasets in the one coordinate domain used everywhere: two classes,
or K (up to ``MAX_CLASSES``) for the presets in ``MULTICLASS``.

Points are (2, m) in the column convention; labels are (m,) class indices.
``noise`` runs from 0 (clean) to 1 (heavily overlapping classes): it is the
standard deviation of a Gaussian jitter in units of each dataset's own scale.
Every point is clipped into the domain.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

DOMAIN: tuple[float, float] = (-6.0, 6.0)
"""Both coordinates live in [-6, 6], as in TensorFlow Playground."""

Generator = Callable[[np.random.Generator, int, float], tuple[np.ndarray, np.ndarray]]


def _split_counts(n: int) -> tuple[int, int]:
    return n - n // 2, n // 2


def _circle(rng: np.random.Generator, n: int, noise: float):
    n0, n1 = _split_counts(n)
    radius = np.concatenate([rng.uniform(0.0, 2.5, n0), rng.uniform(3.5, 5.0, n1)])
    angle = rng.uniform(0.0, 2 * np.pi, n)
    points = radius * np.vstack([np.cos(angle), np.sin(angle)])
    labels = np.repeat([0, 1], [n0, n1])
    return points + rng.normal(0.0, 1.5 * noise, points.shape), labels


def _xor(rng: np.random.Generator, n: int, noise: float):
    points = rng.uniform(-5.0, 5.0, (2, n))
    # Keep a small gap around the axes so the clean problem is separable.
    points += np.where(points > 0, 0.3, -0.3)
    labels = (points[0] * points[1] < 0).astype(np.int64)
    return points + rng.normal(0.0, 1.5 * noise, points.shape), labels


def _class_counts(n: int, k: int) -> list[int]:
    """n points over k classes, the first n % k classes one more; for k = 2
    the same split as ``_split_counts``."""
    return [n // k + (c < n % k) for c in range(k)]


def _gaussian(rng: np.random.Generator, n: int, noise: float, classes: int = 2):
    counts = _class_counts(n, classes)
    if classes == 2:
        xy = np.array([[2.0, -2.0], [2.0, -2.0]])
    else:
        # K blobs evenly round a circle, the first at the top left.
        angle = 0.75 * np.pi + 2 * np.pi * np.arange(classes) / classes
        xy = 3.5 * np.vstack([np.cos(angle), np.sin(angle)])
    centres = np.repeat(xy, counts, axis=1)
    points = centres + rng.normal(0.0, 0.6 + 2.0 * noise, (2, n))
    return points, np.repeat(np.arange(classes), counts)


def _spiral(rng: np.random.Generator, n: int, noise: float, classes: int = 2):
    counts = _class_counts(n, classes)
    parts = []
    # K arms, each turned 2π/K from the last (for two: 0 and π).
    for count, delta in zip(counts, 2 * np.pi * np.arange(classes) / classes, strict=True):
        t = np.linspace(0.0, 1.0, count, endpoint=False) if count else np.zeros(0)
        radius = 5.0 * t + 0.2
        angle = 1.75 * 2 * np.pi * t + delta
        parts.append(radius * np.vstack([np.sin(angle), np.cos(angle)]))
    points = np.hstack(parts)
    labels = np.repeat(np.arange(classes), counts)
    return points + rng.normal(0.0, 0.8 * noise, points.shape), labels


def _moons(rng: np.random.Generator, n: int, noise: float):
    n0, n1 = _split_counts(n)
    t0, t1 = rng.uniform(0.0, np.pi, n0), rng.uniform(0.0, np.pi, n1)
    upper = np.vstack([np.cos(t0), np.sin(t0)])
    lower = np.vstack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    # Centre the classic two-moons shape and scale it to fill the domain.
    points = 3.2 * (np.hstack([upper, lower]) - [[0.5], [0.25]])
    labels = np.repeat([0, 1], [n0, n1])
    return points + rng.normal(0.0, 1.2 * noise, points.shape), labels


DATASETS: dict[str, Generator] = {
    "circle": _circle,
    "xor": _xor,
    "gaussian": _gaussian,
    "spiral": _spiral,
    "moons": _moons,
}


MULTICLASS: tuple[str, ...] = ("gaussian", "spiral")
"""The presets that take a class count (2..MAX_CLASSES)."""
MAX_CLASSES = 6


def make_dataset(
    name: str, n: int = 200, noise: float = 0.0, seed: int | None = None, classes: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points of dataset ``name``: points (2, n) float64 and labels (n,)
    in 0..classes−1. Only the ``MULTICLASS`` presets take ``classes`` ≠ 2."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    if not 2 <= classes <= MAX_CLASSES:
        raise ValueError(f"classes must be between 2 and {MAX_CLASSES}")
    if classes != 2 and name not in MULTICLASS:
        raise ValueError(f"{name} has two classes; {', '.join(MULTICLASS)} take more")
    if n < 0:
        raise ValueError("the number of points cannot be negative")
    if not 0.0 <= noise <= 1.0:
        raise ValueError("noise must be between 0 and 1")
    rng = np.random.default_rng(seed)
    if classes == 2:
        points, labels = DATASETS[name](rng, int(n), float(noise))
    else:
        points, labels = DATASETS[name](rng, int(n), float(noise), int(classes))
    order = rng.permutation(int(n))
    points = np.clip(points[:, order], *DOMAIN).astype(np.float64)
    return np.ascontiguousarray(points), labels[order].astype(np.int64)


def train_test_split(
    points: np.ndarray, labels: np.ndarray, test_ratio: float = 0.0, seed: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A random split: (train points, train labels, test points, test labels).

    ``test_ratio`` in [0, 1) of the points go to the test set (rounded);
    the same seed gives the same split.
    """
    if not 0.0 <= test_ratio < 1.0:
        raise ValueError("test_ratio must be in [0, 1)")
    m = labels.shape[0]
    order = np.random.default_rng(seed).permutation(m)
    n_test = round(test_ratio * m)
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    return points[:, train], labels[train], points[:, test], labels[test]
