"""Drawing on the canvas with the real mouse: classes, places, strokes, undo."""

import numpy as np
from PySide6.QtCore import Qt

from .driving import click, drag


def clear(window):
    window.clear_action.trigger()
    assert len(window.model) == 0


def test_left_click_adds_class_0_at_the_clicked_place(window):
    clear(window)
    click(window, 2.0, -3.0)
    assert window.model.labels.tolist() == [0]
    x, y = window.model.points[:, 0]
    # One pixel is about 12/500 data units; allow a couple of pixels.
    assert abs(x - 2.0) < 0.06 and abs(y + 3.0) < 0.06


def test_right_click_and_shift_click_add_class_1(window):
    clear(window)
    click(window, -1.0, 1.0, Qt.RightButton)
    click(window, 4.0, 4.0, Qt.LeftButton, Qt.ShiftModifier)
    assert window.model.labels.tolist() == [1, 1]
    assert abs(window.model.points[0, 1] - 4.0) < 0.06


def test_ctrl_click_erases_the_nearest_point(window):
    clear(window)
    click(window, 0.0, 0.0)
    click(window, 3.0, 3.0, Qt.RightButton)
    click(window, 2.7, 2.8, Qt.LeftButton, Qt.ControlModifier)
    assert window.model.labels.tolist() == [0]


def test_eraser_tool_click_erases(window):
    clear(window)
    click(window, 1.0, 1.0)
    window.tool_actions["erase"].trigger()
    click(window, 1.2, 1.1)
    assert len(window.model) == 0


def test_a_brush_stroke_adds_many_points_and_one_undo_removes_them_all(window):
    clear(window)
    click(window, -5.0, -5.0)  # an earlier, separate edit
    window.tool_actions["brush"].trigger()
    drag(window, [(-3.0 + 0.5 * i, 0.5 * i) for i in range(12)], Qt.RightButton)
    added = len(window.model) - 1
    assert added >= 20
    assert (window.model.labels[1:] == 1).all()
    window.undo_action.trigger()
    assert window.model.labels.tolist() == [0]
    window.redo_action.trigger()
    assert len(window.model) == added + 1


def test_a_put_stroke_lays_a_trail_of_single_points(window):
    clear(window)
    drag(window, [(-4.0 + 0.5 * i, -2.0) for i in range(10)])
    # 4.5 units at one point per 0.25 units, plus the first point.
    assert 17 <= len(window.model) <= 20
    assert abs(window.model.points[1] + 2.0).max() < 0.06
    window.undo_action.trigger()
    assert len(window.model) == 0


def test_an_erase_stroke_is_one_undo_step(window):
    clear(window)
    for x in (-2.0, -1.0, 0.0, 1.0, 2.0):
        click(window, x, 0.0)
    window.tool_actions["erase"].trigger()
    drag(window, [(-2.5 + 0.25 * i, 0.0) for i in range(21)])
    assert len(window.model) == 0
    window.undo_action.trigger()
    assert len(window.model) == 5
    assert sorted(window.model.points[0].round(1).tolist()) == [-2.0, -1.0, 0.0, 1.0, 2.0]


def test_clicks_outside_the_domain_add_nothing(window):
    clear(window)
    window.resize(1400, 700)  # the square view shows space beyond the domain
    click(window, 7.0, 0.0)
    assert len(window.model) == 0


def test_class_counts_follow_the_points(window):
    clear(window)
    click(window, 0.0, 0.0)
    click(window, 1.0, 0.0, Qt.RightButton)
    click(window, 2.0, 0.0, Qt.RightButton)
    text = window.data_panel.counts.text()
    assert "</span>&nbsp;1 " in text and "</span>&nbsp;2 " in text


def test_empty_canvas_shows_how_to_draw(window):
    clear(window)
    assert window.canvas.hint.isVisible()
    # Over the boundary the network still draws, and over the surface.
    canvas = window.canvas
    under = [canvas.boundary, canvas.surface, *canvas.train_items, *canvas.test_items]
    assert all(canvas.hint.zValue() > item.zValue() for item in under)
    click(window, 0.0, 0.0)
    assert not window.canvas.hint.isVisible()


def test_test_points_are_drawn_apart_and_can_be_hidden(window):
    window.data_panel.test_ratio.setValue(50)
    n_test = sum(len(item) for item in window.canvas.test_items)
    assert n_test > 0
    window.data_panel.show_test.setChecked(False)
    assert not any(item.isVisible() for item in window.canvas.test_items)


def test_a_stroke_that_leaves_the_square_does_not_paint_across(window):
    # A real drag keeps the mouse grabbed outside the widget, but QTest cannot
    # put the pointer outside the window, so this drives the gesture API itself.
    clear(window)
    canvas = window.canvas
    canvas.begin_stroke(4.0, 0.0, Qt.LeftButton, Qt.NoModifier)
    for x, y in [(4.0, 0.0), (5.5, 0.0), (7.0, 0.0), (7.0, 5.0), (5.5, 5.0), (4.0, 5.0)]:
        canvas.continue_stroke(x, y)
    canvas.end_stroke()
    ys = window.model.points[1]
    assert len(ys) > 0 and ((np.abs(ys) < 0.1) | (np.abs(ys - 5.0) < 0.1)).all()
    window.undo_action.trigger()  # still one stroke, one undo step
    assert len(window.model) == 0


def test_points_stop_at_what_the_window_holds_and_it_says_so(window, monkeypatch):
    # A file of the most points plus one brush stroke made a set that Save
    # session refused, and that the save at quit lost.
    from dataclasses import replace

    from backprop_gui.gui import canvas
    from backprop_gui.session import LIMITS

    monkeypatch.setattr(canvas, "LIMITS", replace(LIMITS, window_points=5))
    clear(window)
    for i in range(4):
        click(window, -4.0 + i, 0.0)
    window.tool_actions["brush"].trigger()
    drag(window, [(-3.0 + 0.5 * i, 2.0) for i in range(8)])  # dozens of points asked for
    assert len(window.model) == 5
    assert window.statusBar().currentMessage() == "The window holds at most 5 points."
    window.tool_actions["put"].trigger()
    click(window, 3.0, -3.0)
    assert len(window.model) == 5
