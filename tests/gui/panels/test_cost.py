"""The cost plot: live curves, a log axis, and a readout under the mouse."""

import math

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from backprop_gui.core.trainer import Evaluation
from backprop_gui.gui.panels.cost_plot import DIVERGENCE_LABEL_HEIGHT, CostPlot
from backprop_gui.session.stepcosts import StepCosts

from ..driving import shown


def filled_plot(qtbot, n=50, with_test=True):
    plot = shown(qtbot, CostPlot(), 500, 300)
    for epoch in range(n):
        cost = 0.7 * math.exp(-epoch / 10)
        test = cost * 1.2 if with_test else math.nan
        plot.add(Evaluation(epoch, epoch, cost, test, 0.5, 0.5))
    plot.redraw()
    # The axes take their widths from their labels at the next repaint, and
    # the view moves with them: map coordinates only once it stays put.
    view = plot.getPlotItem().getViewBox()
    last = []

    def settled() -> bool:  # the same over five polls (waitUntil polls every 10 ms)
        last.append(view.sceneBoundingRect())
        return len(last) >= 5 and all(rect == last[-1] for rect in last[-5:])

    qtbot.waitUntil(settled)
    return plot


def test_curves_hold_the_history_and_skip_missing_test_values(qtbot):
    plot = filled_plot(qtbot, with_test=False)
    assert len(plot.train_curve.xData) == 50
    assert plot.test_curve.xData is None or len(plot.test_curve.xData) == 0


def test_hovering_reads_out_the_nearest_epoch(qtbot):
    plot = filled_plot(qtbot)
    view = plot.getPlotItem().getViewBox()
    scene = view.mapViewToScene(QPointF(20, 0.7 * math.exp(-2)))
    target = plot.mapFromScene(scene)
    # From a corner first: a move to where the cursor already is sends no event.
    QTest.mouseMove(plot.viewport(), QPoint(2, 2))
    qtbot.wait(20)
    QTest.mouseMove(plot.viewport(), target)
    qtbot.waitUntil(lambda: "epoch 20" in plot.readout.toPlainText())
    assert plot.readout.isVisible()
    text = plot.readout.toPlainText()
    assert "epoch 20" in text and "train J = 0.09473" in text and "test J" in text


def test_the_read_out_goes_when_the_mouse_leaves_the_plot(qtbot):
    plot = filled_plot(qtbot)
    scene = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(20, 0.1))
    QTest.mouseMove(plot.viewport(), QPoint(2, 2))
    qtbot.wait(20)
    QTest.mouseMove(plot.viewport(), plot.mapFromScene(scene))
    qtbot.waitUntil(plot.readout.isVisible)
    QApplication.sendEvent(plot, QEvent(QEvent.Leave))
    assert not plot.readout.isVisible() and len(plot.marker.data) == 0


def diverged_twice(qtbot, first: float, second: float) -> CostPlot:
    """``filled_plot`` with two clipped rises, each marked as a divergence."""
    plot = filled_plot(qtbot)
    at = np.array([first - 1, first - 0.5, first, second - 1, second - 0.5])
    cost = np.array([0.6, 1e198, 2e198, 0.5, 2.13e213])
    plot.add_steps(StepCosts(np.arange(1, 6), at.astype(np.int64), at, cost))
    plot.mark_divergence(int(first))
    plot.mark_divergence(int(second))
    plot.redraw()
    qtbot.wait(50)  # the axes settle at the next repaint
    return plot


def scene_rect(item):
    return item.mapRectToScene(item.boundingRect())


@pytest.mark.parametrize(("first", "second"), [(3, 8), (40, 45)])
def test_a_divergences_words_and_its_peaks_stay_in_the_plot_and_apart(qtbot, first, second):
    # Two divergences close together near either end: their labels printed
    # over each other, and "up to 2.13e+213" ran left past the axis.
    plot = diverged_twice(qtbot, first, second)
    assert len(plot._marks) == 2 and all(not hasattr(line, "label") for line in plot._marks)
    words, peak = plot.divergence_label, plot.clip_label
    assert words.isVisible() and peak.isVisible() and peak.toPlainText() == "up to 2.13e+213"
    inside = plot.getPlotItem().getViewBox().sceneBoundingRect()
    for label in (words, peak):
        assert inside.contains(scene_rect(label)), label.toPlainText()
    assert not scene_rect(words).intersects(scene_rect(peak))
    # The words are beside the latest line, low on it.
    line_x = plot._marks[-1].mapToScene(QPointF(0, 0)).x()
    rect = scene_rect(words)
    assert min(abs(rect.left() - line_x), abs(rect.right() - line_x)) < 2
    low = inside.bottom() - DIVERGENCE_LABEL_HEIGHT * inside.height()
    assert abs(rect.center().y() - low) < 2
    plot.clear_history()
    assert not words.isVisible()


def test_log_axis_toggles(qtbot):
    plot = filled_plot(qtbot)
    plot.set_log(True)
    assert plot.getPlotItem().ctrl.logYCheck.isChecked()
    assert "log" in plot.getPlotItem().getAxis("left").labelText
    plot.set_log(False)
    assert not plot.getPlotItem().ctrl.logYCheck.isChecked()


def test_clearing_empties_the_curves(qtbot):
    plot = filled_plot(qtbot)
    plot.mark_divergence(30)
    plot.clear_history()
    assert len(plot.series) == 0 and plot._marks == []
    assert plot.readout.isVisible() is False


def test_the_window_log_checkbox_drives_the_plot(qtbot, window):
    # Click the box itself: a full-width checkbox ignores clicks past its label.
    qtbot.mouseClick(window.log_check, Qt.LeftButton, pos=QPoint(8, window.log_check.height() // 2))
    assert window.cost_plot.getPlotItem().ctrl.logYCheck.isChecked()
    assert window.log_action.isChecked()


def _shown(plot):
    """The plot's visible (x, y) ranges, with y in cost units."""
    (x0, x1), (y0, y1) = plot.getPlotItem().getViewBox().viewRange()
    if plot.getPlotItem().ctrl.logYCheck.isChecked():
        y0, y1 = 10**y0, 10**y1
    return x0, x1, y0, y1


def test_the_view_holds_every_point_on_linear_and_log_axes(qtbot):
    plot = filled_plot(qtbot)
    for log in (False, True):
        plot.set_log(log)
        x0, x1, y0, y1 = _shown(plot)
        ys = [*plot.series.y(0), *plot.series.y(1)]
        assert x0 <= plot.series.x[0] and plot.series.x[-1] <= x1
        assert y0 <= min(ys) and max(ys) <= y1


def test_the_view_grows_in_a_few_steps_not_with_every_epoch(qtbot):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    changes = []
    plot.getPlotItem().getViewBox().sigRangeChanged.connect(lambda *_: changes.append(1))
    for epoch in range(1, 2001):
        cost = 0.7 * math.exp(-epoch / 300)
        plot.add(Evaluation(epoch, epoch, cost, cost * 1.2, 0.5, 0.5))
        plot.redraw()
    # Room for 50 % more epochs, in 1-2-5 steps: a change at most every ~2×.
    assert 0 < len(changes) <= 12
    _, x1, _, y1 = _shown(plot)
    assert x1 >= 2000 and y1 >= 0.7 * 1.2


def _left_ticks(plot):
    axis = plot.getPlotItem().getAxis("left")
    (low, high), size = axis.range, axis.geometry().height()
    return [10**v for _, values in axis.tickValues(low, high, size) for v in values], size


def log_plot(qtbot, costs, height=300):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.resize(500, height)
    plot.show()
    for epoch, cost in enumerate(costs):
        plot.add(Evaluation(epoch, epoch, cost, math.nan, 0.5, 0.5))
    plot.redraw()
    plot.set_log(True)
    low = math.floor(math.log10(min(costs)))
    qtbot.waitUntil(lambda: plot.getPlotItem().getAxis("left").range[0] < low)
    return plot


def test_a_log_axis_labels_decades_and_their_2_and_5_multiples(qtbot):
    plot = log_plot(qtbot, [0.7 * 0.9**epoch for epoch in range(35)])  # 0.7 to 0.019
    ticks, _ = _left_ticks(plot)
    # Not every multiple from 1 to 9: those labels overlap.
    assert ticks == pytest.approx([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0])


def test_a_log_axis_over_three_decades_or_more_labels_decades_only(qtbot):
    plot = filled_plot(qtbot)  # 0.84 to 0.0052
    plot.set_log(True)
    ticks, _ = _left_ticks(plot)
    assert ticks == pytest.approx([0.001, 0.01, 0.1, 1.0])


def test_a_log_axis_over_many_decades_labels_fewer_of_them(qtbot):
    plot = log_plot(qtbot, [10.0 ** (-epoch / 3) for epoch in range(60)], height=200)
    ticks, size = _left_ticks(plot)
    exponents = [round(math.log10(t)) for t in ticks]
    assert all(math.isclose(t, 10.0**e) for t, e in zip(ticks, exponents, strict=True))
    assert len(ticks) >= 4 and size / len(ticks) >= 20


def _drawn_labels(plot):
    """The left axis's labels as pyqtgraph draws them (it drops any that stick out)."""
    from PySide6.QtGui import QImage, QPainter

    axis = plot.getPlotItem().getAxis("left")
    image = QImage(10, 10, QImage.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for *_, text in texts]


def test_the_labels_at_both_ends_of_the_cost_axis_are_drawn(qtbot):
    plot = log_plot(qtbot, [0.7 * 0.9**epoch for epoch in range(35)])  # view 0.01 to 1
    assert {"0.01", "1"} <= set(_drawn_labels(plot))
    plot.set_log(False)  # view 0 to 1
    qtbot.waitUntil(lambda: plot.getPlotItem().getAxis("left").range[1] < 2)
    labels = _drawn_labels(plot)
    assert labels[0] in ("0", "0.0") and labels[-1] in ("1", "1.0")


def test_a_log_axis_takes_costs_down_to_the_smallest_float(qtbot):
    # 10**-324 is 0.0 in floating point: the view must not go through it.
    plot = CostPlot()
    qtbot.addWidget(plot)
    for epoch, cost in enumerate([0.5, 1e-300, 5e-324]):
        plot.add(Evaluation(epoch, epoch, cost, math.nan, 0.5, 0.5))
    plot.redraw()
    plot.set_log(True)  # raised ValueError (log10 of 0.0)
    low, high = plot.getPlotItem().getViewBox().viewRange()[1]
    assert low <= -300 and high >= 0  # pyqtgraph keeps the view above about 1e-308


def test_the_axes_drawn_from_their_cache_follow_the_view_as_it_grows(qtbot):
    from PySide6.QtWidgets import QGraphicsItem

    plot = filled_plot(qtbot, n=20)
    axes = [plot.getPlotItem().getAxis(name) for name in ("left", "bottom")]
    assert all(a.cacheMode() == QGraphicsItem.DeviceCoordinateCache for a in axes)
    plot.grab()  # the caches now hold the first view
    for epoch in range(20, 400):
        plot.add(Evaluation(epoch, epoch, 5.0 / (epoch + 1), math.nan, 0.5, 0.5))
    plot.redraw()
    qtbot.wait(100)
    cached = plot.grab().toImage()
    for axis in axes:
        axis.setCacheMode(QGraphicsItem.NoCache)
    drawn_afresh = plot.grab().toImage()
    assert cached == drawn_afresh


def _steps(first: int, last: int):
    import numpy as np

    from backprop_gui.session.stepcosts import StepCosts

    steps = np.arange(first, last + 1)
    return StepCosts(steps, steps - 1, (steps - 1).astype(float), 0.5 / steps)


def test_fast_training_redraws_a_few_times_a_second_and_slow_with_every_step(qtbot):
    from backprop_gui.gui.panels.cost import FAST, FAST_REDRAW_SECONDS, CostPanel
    from backprop_gui.session import Frame

    panel = CostPanel()
    qtbot.addWidget(panel)
    timer = panel.plot._redraw_timer
    panel.show(Frame(steps=1, training=True, step_costs=_steps(1, 1)))
    qtbot.waitUntil(lambda: not timer.isActive())  # the first: at once
    panel.show(Frame(steps=2, training=True, step_costs=_steps(2, 2)))
    assert timer.isActive() and timer.interval() == 0  # one step a frame: every step
    qtbot.waitUntil(lambda: not timer.isActive())
    panel.show(Frame(steps=2 + FAST, training=True, step_costs=_steps(3, 2 + FAST)))
    # Many steps a frame: not before FAST_REDRAW_SECONDS after the last redraw.
    assert timer.isActive() and 0 < timer.interval() <= 1000 * FAST_REDRAW_SECONDS
    qtbot.waitUntil(lambda: not timer.isActive())
    assert panel.plot.steps[0].size == 2 + FAST  # every step drawn in the end
    panel.show(Frame(steps=99, training=False, step_costs=_steps(3 + FAST, 99)))
    assert timer.interval() == 0  # paused: at once, however many steps


def test_the_kept_step_costs_follow_a_steep_fall_however_long_the_run(qtbot):
    # Seen at full speed: the cost falls from 0.7 to near 0 within the first
    # few hundred epochs of a run of 30,000, and after many frames the thin
    # line was a straight diagonal from (0, 0.7) to (~9,000, 0) — buckets of
    # equal counts had come to span thousands of early epochs. Wherever the
    # kept line is drawn, it must stay within the costs near that epoch.
    import numpy as np

    from backprop_gui.session.stepcosts import StepCosts, envelope

    plot = CostPlot()
    qtbot.addWidget(plot)

    def truth(x):
        return 0.7 * np.exp(-x / 100.0)

    for first in range(0, 30_000, 700):  # frames of 700 steps, as at "max"
        steps = np.arange(first + 1, first + 701)
        x = (steps - 1).astype(float)
        plot.add_steps(envelope(StepCosts(steps, steps - 1, x, truth(x))))
    kept_x, kept_y = plot.steps
    assert kept_x.size <= 4000 and np.all(np.diff(kept_x) >= 0)
    for at in (50.0, 200.0, 500.0, 1000.0, 3000.0, 10_000.0, 25_000.0):
        drawn = np.interp(at, kept_x, kept_y)
        # Within the costs a pixel's width of epochs either side (500 px wide).
        width = 30_000 / 500
        assert truth(at + width) - 1e-12 <= drawn <= truth(max(at - width, 0.0)) + 1e-12, at


def test_log_ticks_at_2_and_5_only_where_they_have_room():
    from backprop_gui.gui.panels.cost_plot import CostAxis

    axis = CostAxis("left")
    # 1.5 decades, 0.063 to 2: decades at 0.1 and 1 (log −1 and 0).
    few = axis.logTickValues(-1.2, 0.3, 40, [])[0][1]
    assert few == [-1.0, 0.0]  # 27 px a decade: 1 to 2 would be 8 px apart
    many = axis.logTickValues(-1.2, 0.3, 200, [])[0][1]
    expected = sorted([-1.0, 0.0] + [d + math.log10(k) for d in (-2, -1, 0) for k in (2, 5)])
    assert many == [v for v in expected if -1.2 <= v <= 0.3]
    assert pytest.approx(many) == [math.log10(x) for x in (0.1, 0.2, 0.5, 1.0)]
