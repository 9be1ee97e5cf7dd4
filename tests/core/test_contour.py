"""The 0.5 isoline lies where the surface crosses 0.5."""

import numpy as np

from backprop_gui.core.contour import isoline_segments


def test_a_vertical_boundary_gives_a_vertical_line_at_the_crossing():
    xs = ys = np.arange(5.0)
    values = np.tile(np.array([0.0, 0.2, 0.4, 0.6, 0.8]), (5, 1))  # crosses 0.5 at x = 2.5
    segments = isoline_segments(values, 0.5, xs, ys)
    assert segments.shape == (8, 2)  # 4 cells in the crossing column, 2 ends each
    np.testing.assert_allclose(segments[:, 0], 2.5)
    assert sorted(set(segments[:, 1].tolist())) == [0, 1, 2, 3, 4]


def test_a_circle_boundary_lies_at_the_radius():
    xs = ys = np.linspace(-3, 3, 121)
    x, y = np.meshgrid(xs, ys)
    values = np.hypot(x, y) / 4.0  # 0.5 at radius 2
    segments = isoline_segments(values, 0.5, xs, ys)
    np.testing.assert_allclose(np.hypot(*segments.T), 2.0, atol=0.01)
    assert len(segments) > 200


def test_no_crossing_gives_no_segments():
    assert isoline_segments(np.zeros((4, 4)), 0.5, np.arange(4.0), np.arange(4.0)).shape == (0, 2)


def test_a_saddle_gives_two_segments():
    values = np.array([[1.0, 0.0], [0.0, 1.0]])
    segments = isoline_segments(values, 0.5, np.arange(2.0), np.arange(2.0))
    assert segments.shape == (4, 2)
