"""Signed values as colour: −scale at the orange end of the table, 0 in its
middle, +scale at the blue end; what lies beyond is clipped, NaN reads as 0."""

import numpy as np

from backprop_gui.gui.panels.heat import SIGNED_TABLE, signed_pixels


def test_values_map_linearly_onto_the_table_and_nan_reads_as_zero():
    values = np.array([[-2.0, -1.0, 0.0, 0.5], [1.0, 3.0, np.nan, np.inf], [-np.inf, 0.25, 0, 0]])
    # index = values · 127.5 / scale + 128, clipped to [0, 255], truncated.
    # With scale 2: −2 → 0.5 → 0; −1 → 64.25 → 64; 0 → 128; 0.5 → 159.875 → 159;
    # 1 → 191.75 → 191; 3 → 319.25 → 255; NaN → 128; ∞ → 255; −∞ → 0; 0.25 → 143.9 → 143.
    expected = [[0, 64, 128, 159], [191, 255, 128, 255], [0, 143, 128, 128]]
    assert np.array_equal(signed_pixels(values, 2.0), SIGNED_TABLE[np.array(expected)])


def test_the_input_is_left_as_it_was():
    values = np.array([[np.nan, 1.0]])
    signed_pixels(values, 1.0)
    assert np.isnan(values[0, 0]) and values[0, 1] == 1.0
