"""The decision surface on screen: the colour of each probability, the right
way up, and recoloured in place when the view asks for flat colours."""

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor

from backprop_gui.gui.surface_image import SurfaceImage, rgb32_table
from backprop_gui.gui.theme import surface_lut

from .driving import canvas_pos, wait_for


def rgb32(color) -> int:
    r, g, b = (int(c) for c in color)
    return 0xFF000000 | r << 16 | g << 8 | b


def test_probabilities_fall_into_256_equal_bins_of_the_table(qtbot):
    lut = surface_lut()
    item = SurfaceImage(QRectF(0, 0, 1, 1), lut)
    p = np.array([[0.0, 0.5 / 256, 1.5 / 256, 0.5, 0.999, 1.0]], np.float32)
    item.set_image(p)
    expected = [rgb32(lut[i]) for i in (0, 0, 1, 128, 255, 255)]
    assert item.pixels().tolist() == [expected]


def test_out_of_range_and_nan_probabilities_still_get_a_colour(qtbot):
    lut = surface_lut()
    item = SurfaceImage(QRectF(0, 0, 1, 1), lut)
    item.set_image(np.array([[-3.0, 7.0, np.nan]], np.float32))
    assert item.pixels().tolist() == [[rgb32(lut[0]), rgb32(lut[255]), rgb32(lut[128])]]


def test_the_image_keeps_the_surface_it_was_given(qtbot):
    item = SurfaceImage(QRectF(0, 0, 1, 1), surface_lut())
    surface = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    item.set_image(surface)
    assert item.image is surface and item.pixels().shape == (3, 4)


def test_a_surface_in_any_memory_order_shows_the_same(qtbot):
    item = SurfaceImage(QRectF(0, 0, 1, 1), surface_lut())
    surface = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    item.set_image(surface)
    c_order = item.pixels().copy()
    item.set_image(np.asfortranarray(surface))
    assert np.array_equal(item.pixels(), c_order) and item.pixels().flags.c_contiguous


def test_a_colour_table_must_have_256_rgb_rows():
    with pytest.raises(ValueError):
        rgb32_table(np.zeros((10, 3), np.uint8))


PLACES = [(-3, -3), (3, -3), (-3, 3), (3, 3)]
QUADRANT_P = (0.0, 0.3, 0.7, 1.0)


def show_quadrants(qtbot, window) -> None:
    """p = 0, 0.3, 0.7, 1 in the bottom-left, bottom-right, top-left and
    top-right quadrants (PLACES) of an empty canvas."""
    window.clear_action.trigger()
    wait_for(qtbot, window, lambda s: s.n_train == 0)
    surface = np.empty((64, 64), np.float32)
    surface[:32, :32], surface[:32, 32:] = QUADRANT_P[:2]  # row 0: the bottom, x₂ = -6
    surface[32:, :32], surface[32:, 32:] = QUADRANT_P[2:]
    window.canvas.show_surface(surface, np.zeros((0, 2)))


def painted_at_places(window) -> list[QColor]:
    # Painted now, in this thread: no new snapshot can come in between.
    shot = window.canvas.viewport().grab().toImage()
    return [shot.pixelColor(canvas_pos(window, x, y)) for x, y in PLACES]


def colours(lut) -> list[QColor]:
    return [QColor(*(int(c) for c in lut[min(int(p * 256), 255)])) for p in QUADRANT_P]


def test_the_canvas_paints_the_surface_the_right_way_up(qtbot, window):
    show_quadrants(qtbot, window)
    assert painted_at_places(window) == colours(surface_lut())


def test_discretize_recolours_the_shown_surface_in_two_flat_colours(qtbot, window):
    show_quadrants(qtbot, window)
    window.discretize_action.trigger()
    shown = painted_at_places(window)
    assert shown == colours(surface_lut(discrete=True))
    assert shown[0] == shown[1] != shown[2] == shown[3]
    window.discretize_action.trigger()
    assert painted_at_places(window) == colours(surface_lut())
