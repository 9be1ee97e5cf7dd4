"""K classes in the core: the K-class presets, the winning class on the grid
and the boundary where the top two classes tie."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_gui.core import DOMAIN, MLP, make_dataset, transform
from backprop_gui.core.contour import class_boundaries, isoline_segments
from backprop_gui.core.datasets import MAX_CLASSES, MULTICLASS
from backprop_gui.core.surface import SurfaceEvaluator, grid_centres, grid_points, winners


@pytest.mark.parametrize("name", MULTICLASS)
@pytest.mark.parametrize("k", range(2, MAX_CLASSES + 1))
def test_k_class_presets_have_k_balanced_classes_in_the_domain(name, k):
    points, labels = make_dataset(name, 100, 0.1, seed=4, classes=k)
    assert points.shape == (2, 100) and labels.dtype == np.int64
    counts = np.bincount(labels, minlength=k)
    assert counts.size == k and counts.max() - counts.min() <= 1
    assert (points >= DOMAIN[0]).all() and (points <= DOMAIN[1]).all()


@pytest.mark.parametrize("name", MULTICLASS)
def test_two_classes_is_the_default(name):
    a = make_dataset(name, 50, 0.2, seed=9)
    b = make_dataset(name, 50, 0.2, seed=9, classes=2)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_clean_blobs_are_nearest_their_own_centre():
    points, labels = make_dataset("gaussian", 300, 0.0, seed=2, classes=5)
    centres = np.stack([points[:, labels == c].mean(axis=1) for c in range(5)], axis=1)
    d = ((points[:, :, None] - centres[:, None, :]) ** 2).sum(axis=0)
    assert (d.argmin(axis=1) == labels).all()


def test_spiral_arms_start_a_kth_of_a_turn_apart():
    # Clean, each arm's first point is at t = 0: radius 0.2, angle 2πc/K.
    points, labels = make_dataset("spiral", 60, 0.0, seed=0, classes=3)
    for c in range(3):
        arm = points[:, labels == c]
        first = arm[:, np.argmin(np.hypot(*arm))]
        angle = 2 * np.pi * c / 3
        assert np.allclose(first, 0.2 * np.array([np.sin(angle), np.cos(angle)]))


def test_two_class_presets_refuse_a_class_count():
    with pytest.raises(ValueError, match="two classes"):
        make_dataset("circle", 10, classes=3)
    with pytest.raises(ValueError, match="between 2 and 6"):
        make_dataset("gaussian", 10, classes=7)


def test_winners_are_the_argmax_and_its_probability():
    p = np.array([[[0.2, 0.5]], [[0.7, 0.25]], [[0.1, 0.25]]], np.float32)  # (3, 1, 2)
    best, classes = winners(p)
    assert classes.dtype == np.uint8 and classes.tolist() == [[1, 0]]
    assert np.allclose(best, [[0.7, 0.5]])


def test_the_grid_probabilities_are_the_networks():
    net = MLP([2, 6, 4], "tanh", seed=1)
    evaluator = SurfaceEvaluator(16)
    p = evaluator.probabilities(net)
    assert p.shape == (4, 16, 16) and p.dtype == np.float32
    expected = net.class_probabilities(transform(grid_points(16), ("x1", "x2")))
    assert np.allclose(p.reshape(4, -1), expected, atol=1e-6)
    # P(class 1) as before, for softmax and sigmoid alike.
    assert np.array_equal(evaluator(net), p[1])
    sigmoid = MLP([2, 3, 1], "tanh", seed=1)
    assert np.array_equal(evaluator(sigmoid), evaluator.probabilities(sigmoid)[0])


def three_strips(n: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Softmax of the logits (−x − 2, 0, x − 2) on an n×n grid of the domain:
    class 0 wins left of x = −2, class 1 between, class 2 right of x = +2."""
    xs = grid_centres(n)
    x = np.broadcast_to(xs, (n, n))
    z = np.stack([-x - 2.0, np.zeros_like(x), x - 2.0])
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0), xs


def test_boundaries_lie_where_the_top_two_classes_tie():
    p, xs = three_strips()
    segments = class_boundaries(p, xs, xs)
    assert segments.dtype == np.float32 and segments.shape[1] == 2
    # Every end on one of the two lines x = −2, x = +2 (to the linear
    # interpolation's error inside a 0.5-wide cell), and both lines drawn
    # from the bottom of the grid to its top.
    assert np.allclose(np.abs(segments[:, 0]), 2.0, atol=2e-3)
    for side in (-2.0, 2.0):
        ys = segments[np.isclose(segments[:, 0], side, atol=2e-3), 1]
        assert ys.min() == pytest.approx(xs[0]) and ys.max() == pytest.approx(xs[-1])


def test_for_two_classes_the_boundary_is_the_half_isoline():
    rng = np.random.default_rng(0)
    p1 = rng.random((9, 9))
    xs = np.arange(9.0)
    ours = class_boundaries(np.stack([1 - p1, p1]), xs, xs)
    half = isoline_segments(p1, 0.5, xs, xs)
    # The same crossings (p0 − p1 = 1 − 2·p1 is linear in p1), maybe in another order.
    assert ours.shape == half.shape
    assert np.allclose(np.sort(ours, axis=0), np.sort(half, axis=0), atol=1e-5)
