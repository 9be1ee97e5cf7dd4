"""The cost plot: live curves, a log axis, and a readout under the mouse."""

import math

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from backprop_gui.core.trainer import Evaluation
from backprop_gui.gui.cost_plot import CostPlot


def filled_plot(qtbot, n=50, with_test=True):
    plot = CostPlot()
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    qtbot.waitExposed(plot)
    for epoch in range(n):
        cost = 0.7 * math.exp(-epoch / 10)
        test = cost * 1.2 if with_test else math.nan
        plot.add(Evaluation(epoch, epoch, cost, test, 0.5, 0.5))
    plot.redraw()
    # The view applies its new range lazily; map coordinates only after that.
    view = plot.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: view.viewRange()[0][1] >= n - 1)
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
    # Two moves: a move to where the cursor already is sends no event.
    QTest.mouseMove(plot.viewport(), target + QPoint(5, 0))
    QTest.mouseMove(plot.viewport(), target, 20)
    qtbot.waitUntil(plot.readout.isVisible)
    text = plot.readout.toPlainText()
    assert "epoch 20" in text and "train J = 0.09473" in text and "test J" in text


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
