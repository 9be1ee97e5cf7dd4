"""A unit's map on the canvas: its colours, and a legend that says what they mean."""

import numpy as np

from backprop_gui.gui.theme import CLASS_COLORS, TINT, class_tint_lut, surface_lut
from backprop_gui.gui.unit_colours import unit_colours


def test_a_sigmoid_output_is_the_surfaces_probability_of_blue():
    values = np.array([[0.0, 0.5, 1.0]])
    image, lut, legend = unit_colours(values, "output")
    np.testing.assert_array_equal(image, values)
    assert np.array_equal(lut, surface_lut()) and legend.startswith("P(blue class)")


def test_a_softmax_unit_goes_from_white_to_its_own_class():
    # Unit 2 of three outputs is P(class 2), green; it was read as "P(class 1)"
    # on the orange-white-blue table.
    values = np.array([[0.0, 1.0]], np.float32)
    image, lut, legend = unit_colours(values, "output", unit=2, n_classes=3)
    np.testing.assert_array_equal(image, values)
    assert legend == "P(green class) from 0 (white) to 1 (green)"
    assert np.array_equal(lut, class_tint_lut(2))
    green = np.array([int(CLASS_COLORS[2][i : i + 2], 16) for i in (1, 3, 5)])
    tint = 248 + TINT * (green - 248)
    assert np.abs(lut[0] - 248).max() <= 1 and np.abs(lut[-1] - tint).max() <= 1
