"""The decision surface is row-major over (x2, x1) and matches predict_proba."""

import numpy as np

from backprop_gui.core import MLP
from backprop_gui.core.surface import SurfaceEvaluator, grid_centres, grid_points


def test_grid_covers_the_domain_with_cell_centres():
    c = grid_centres(4, (-6.0, 6.0))
    np.testing.assert_allclose(c, [-4.5, -1.5, 1.5, 4.5])


def test_rows_run_along_x2_and_columns_along_x1():
    points = grid_points(3, (-3.0, 3.0)).reshape(2, 3, 3)
    assert np.array_equal(points[0, 0], [-2.0, 0.0, 2.0])  # x1 along a row
    assert np.array_equal(points[1, :, 0], [-2.0, 0.0, 2.0])  # x2 down a column


def test_surface_equals_the_networks_probability_at_each_centre():
    net = MLP([3, 5, 1], features=["x1", "x2", "x1*x2"], seed=0)
    evaluate = SurfaceEvaluator(10, net.features)
    surface = evaluate(net)
    assert surface.shape == (10, 10) and surface.dtype == np.float32
    c = grid_centres(10)
    point = np.array([[c[7]], [c[2]], [c[7] * c[2]]])
    assert surface[2, 7] == np.float32(net.predict_proba(point)[0, 0])


def test_the_float32_surface_is_within_display_precision_of_float64():
    net = MLP([2, 8, 8, 1], "tanh", seed=4)
    net.theta *= 3.0  # steep enough to saturate somewhere
    exact = SurfaceEvaluator(40, net.features)(net)
    fast = SurfaceEvaluator(40, net.features, dtype=np.float32)(net)
    assert fast.dtype == np.float32 and fast.shape == exact.shape
    np.testing.assert_allclose(fast, exact, atol=2e-6)
