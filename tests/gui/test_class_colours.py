"""Class colours: the Okabe–Ito palette for points, surface, legend and
picker; a K-class surface shaded from near-white at p = 1/K to the class's
tint at p = 1; the counts line and the maths for K classes."""

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from backprop_gui.gui.panels.data import DataPanel
from backprop_gui.gui.panels.maths import equations_html
from backprop_gui.gui.surface_image import SurfaceImage, rgb32_table
from backprop_gui.gui.theme import CLASS_COLORS, class_surface_lut, surface_lut
from backprop_gui.session import NetworkSpec


def test_the_palette_is_okabe_ito_and_keeps_orange_and_blue_first():
    assert CLASS_COLORS[:2] == ("#E69F00", "#0072B2")
    assert set(CLASS_COLORS) == {"#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#F0E442"}


def test_a_k_class_table_runs_from_white_to_each_classs_tint():
    lut = class_surface_lut(3).astype(int)
    assert lut.shape == (3 * 256, 3)
    two = surface_lut().astype(int)
    # p = 1/K looks like p = 0.5 of two classes; p = 1 like the two-class ends.
    for c in range(3):
        assert np.abs(lut[c * 256] - two[128]).max() <= 2
    assert np.abs(lut[255] - two[0]).max() <= 2  # orange, as P(class 1) = 0
    assert np.abs(lut[2 * 256 - 1] - two[255]).max() <= 2  # blue, as P(class 1) = 1
    flat = class_surface_lut(3, discrete=True)
    assert (flat[:256] == flat[255]).all() and (np.abs(flat[512:].astype(int) - lut[-1]) <= 1).all()


def test_the_surface_item_colours_each_cell_by_its_winner_and_probability(qtbot):
    lut = class_surface_lut(3)
    item = SurfaceImage(QRectF(0, 0, 1, 1), lut)
    surface = np.array([[1 / 3, 1.0], [2 / 3, 1.0]], np.float32)
    classes = np.array([[0, 1], [2, 2]], np.uint8)
    item.set_image(surface, classes)
    table = rgb32_table(lut)
    expected = [[table[0], table[256 + 255]], [table[512 + 128], table[512 + 255]]]
    assert item.pixels().tolist() == [[int(v) for v in row] for row in expected]
    with pytest.raises(ValueError):
        item.set_image(surface, classes[:1])
    # A two-class image still goes through the 256-entry table.
    item.set_lut(surface_lut())
    item.set_image(np.full((1, 1), 0.0, np.float32))
    assert int(item.pixels()[0, 0]) == int(rgb32_table(surface_lut())[0])


def test_the_counts_line_shows_every_class_with_its_swatch(qtbot):
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.show_counts((5, 4, 3, 2), 1)
    text = panel.counts.text()
    assert text.count("■") == 4 and text.endswith("(1 test)")
    assert [f"&nbsp;{n} " in text for n in (5, 4, 3, 2)] == [True] * 4
    panel.show_counts((7, 9), 0)
    assert panel.counts.text().count("■") == 2


def test_the_maths_names_the_output_and_why_dz_is_a_minus_y():
    two = equations_html(NetworkSpec((4,)))
    assert "σ(Z<sup>[2]</sup>) = Ŷ" in two and "one sigmoid unit" in two
    assert "binary cross-entropy" in two and "dZ<sup>[2]</sup> = A<sup>[2]</sup> − Y" in two
    three = equations_html(NetworkSpec((4,), n_classes=3))
    assert "softmax(Z<sup>[2]</sup>) = Ŷ" in three and "3 softmax units" in three
    assert "categorical cross-entropy" in three and "W<sup>[2]</sup>: 3×4" in three
    assert "dZ<sup>[2]</sup> = A<sup>[2]</sup> − Y" in three and "same fused gradient" in three
