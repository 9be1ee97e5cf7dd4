"""Input features are computed from the raw coordinates, without normalisation."""

import numpy as np
import pytest

from backprop_gui.core import FEATURES, MLP, transform


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
