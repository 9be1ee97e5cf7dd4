"""Input features are computed from the raw coordinates, without normalisation."""

import numpy as np
import pytest

from backprop_gui.core import FEATURES, MLP, transform
from backprop_gui.core.features import FEATURE_LABELS, overflow_problem


def test_default_features_are_the_raw_coordinates():
    points = np.array([[1.5, -2.0], [3.0, 0.5]])
    assert np.array_equal(transform(points), points)


def test_every_feature_by_its_formula():
    points = np.array([[2.0], [-3.0]])
    X = transform(points, list(FEATURES))
    expected = [2.0, -3.0, 4.0, 9.0, -6.0, np.sin(2.0), np.sin(-3.0)]
    np.testing.assert_allclose(X[:, 0], expected)


def test_unknown_or_repeated_features_are_refused():
    with pytest.raises(ValueError, match="unknown input feature 'x3'"):
        transform(np.zeros((2, 1)), ["x1", "x3"])
    with pytest.raises(ValueError, match="twice"):
        transform(np.zeros((2, 1)), ["x1", "x1"])


def test_the_network_knows_its_features():
    assert MLP([2, 3, 1]).features == ("x1", "x2")
    assert MLP([3, 3, 1], features=["x1", "x2", "x1*x2"]).features == ("x1", "x2", "x1*x2")
    with pytest.raises(ValueError, match="2 input features for an input layer of 3"):
        MLP([3, 3, 1], features=["x1", "x2"])


def test_points_whose_features_overflow_name_the_first_such_point_and_feature():
    # x1² overflows beyond |x1| ≈ 1.34e154; x1·x2 already at 1e200 · 1e200.
    points = np.array([[1.0, 2e154, 1e200], [0.5, 1.0, 1e200]])
    problem = overflow_problem(points, ["x1", "x2", "x1^2"])
    assert problem.startswith("the input feature x1^2 overflows to inf for point 2 (2e+154, 1)")
    assert overflow_problem(points[:, :1], ["x1", "x2", "x1^2"]) is None
    # With the raw coordinates only, nothing overflows; the window, which can
    # switch to any feature, checks them all and prints them as it shows them.
    assert overflow_problem(points, ["x1", "x2"]) is None
    assert "x₁²" in overflow_problem(points, shown=FEATURE_LABELS)
    product = np.array([[1e200], [-1e200]])
    assert "x1*x2 overflows to -inf for point 1" in overflow_problem(product, ["x1", "x1*x2"])


def test_large_but_finite_features_are_not_an_overflow():
    points = np.array([[1e150, -1e150], [3.0, 1e100]])
    assert overflow_problem(points) is None
    # Beyond the quick check's bound, each feature is computed: x1·x2 is 1e-40 here.
    beyond = np.array([[1e160], [1e-200]])
    assert overflow_problem(beyond, ["x1", "x2", "x1*x2", "sin(x1)"]) is None
    assert "x1^2 overflows to inf for point 1" in overflow_problem(beyond)
