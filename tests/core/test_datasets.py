"""Datasets live in the one domain, are balanced and reproducible."""

import numpy as np
import pytest

from backprop_gui.core import DATASETS, DOMAIN, make_dataset, train_test_split


@pytest.mark.parametrize("name", list(DATASETS))
def test_shapes_balance_domain_and_reproducibility(name):
    points, labels = make_dataset(name, 201, noise=1.0, seed=3)
    assert points.shape == (2, 201) and labels.shape == (201,)
    assert set(np.unique(labels)) == {0, 1}
    share = (labels == 0).mean()
    # xor labels come from where uniform points fall; the others split n exactly.
    assert 0.4 <= share <= 0.6 if name == "xor" else abs(share - 0.5) <= 1 / 201
    assert points.min() >= DOMAIN[0] and points.max() <= DOMAIN[1]
    again = make_dataset(name, 201, noise=1.0, seed=3)
    assert np.array_equal(points, again[0]) and np.array_equal(labels, again[1])


def test_clean_xor_labels_follow_the_quadrants():
    points, labels = make_dataset("xor", 300, noise=0.0, seed=0)
    assert np.array_equal(labels, (points[0] * points[1] < 0).astype(int))


def test_clean_circle_has_inner_class_0_and_outer_class_1():
    points, labels = make_dataset("circle", 300, noise=0.0, seed=0)
    radius = np.hypot(*points)
    assert radius[labels == 0].max() < radius[labels == 1].min()


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unknown dataset"):
        make_dataset("swirl")
    with pytest.raises(ValueError, match="noise"):
        make_dataset("xor", noise=2.0)


def test_split_partitions_the_points():
    points, labels = make_dataset("moons", 100, seed=0)
    p_train, y_train, p_test, y_test = train_test_split(points, labels, 0.3, seed=1)
    assert p_train.shape == (2, 70) and p_test.shape == (2, 30)
    together = np.hstack([p_train, p_test])
    assert sorted(map(tuple, together.T)) == sorted(map(tuple, points.T))
    assert y_train.size + y_test.size == 100
