"""The cost panel: train and test cost against epoch, live, with memory that
stays flat; a legend above the plot and a log-scale box below."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from ...core.series import DecimatingSeries
from ...core.trainer import Evaluation
from ...session import Frame
from ..theme import TEST_PEN, TRAIN_PEN, cache_axes
from .base import Panel

MIN_TICK_PIXELS = 20  # between labelled decades on a log axis


class CostAxis(pg.AxisItem):
    """The cost axis. On a log scale: ticks at whole decades, and at 2× and 5×
    them while at most two decades are in view (pyqtgraph's own labels every
    multiple from 1 to 9, and they overlap)."""

    def logTickValues(
        self, minVal: float, maxVal: float, size: float, stdTicks: list
    ) -> list[tuple[float, list[float]]]:
        first, last = math.ceil(minVal - 1e-9), math.floor(maxVal + 1e-9)  # decades in view
        # Every decade while they are MIN_TICK_PIXELS apart, else every 2nd, 3rd...
        step = max(1, math.ceil((last - first + 1) * MIN_TICK_PIXELS / max(size, 1.0)))
        marks = [float(decade) for decade in range(first, last + 1) if decade % step == 0]
        if last - first <= 2:
            marks += [d + math.log10(k) for d in range(first - 1, last + 1) for k in (2, 5)]
        return [(1.0, sorted(v for v in marks if minVal <= v <= maxVal))]


class CostPlot(pg.PlotWidget):
    def __init__(self, parent=None, capacity: int = 2000) -> None:
        super().__init__(parent, background="w", axisItems={"left": CostAxis("left")})
        self.setObjectName("costPlot")
        self.series = DecimatingSeries(capacity)  # epoch → (train cost, test cost)
        self._marks: list[pg.InfiniteLine] = []
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("bottom", "epoch")
        item.setLabel("left", "cost J")
        item.getViewBox().setMouseEnabled(False, False)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setTextPen("#444")
            # "700 (×0.001)" reads as a cost of 700: show plain values.
            item.getAxis(axis).enableAutoSIPrefix(False)
            # Ticks and grid lines at the labelled values only: with the minor
            # ones too, redrawing the axes after a range change took 8-14 ms each.
            item.getAxis(axis).setStyle(maxTickLevel=0)
        cache_axes(item)
        self.train_curve = item.plot(pen=pg.mkPen(TRAIN_PEN, width=2), name="train")
        self.test_curve = item.plot(
            pen=pg.mkPen(TEST_PEN, width=2, style=pg.QtCore.Qt.DashLine), name="test"
        )
        self.readout = pg.TextItem(color="#222", anchor=(0, 1), fill=pg.mkBrush(255, 255, 255, 220))
        self.readout.setZValue(10)
        self.readout.hide()
        item.addItem(self.readout, ignoreBounds=True)
        self.marker = pg.ScatterPlotItem(size=8, brush=pg.mkBrush(TRAIN_PEN), pen=None)
        item.addItem(self.marker, ignoreBounds=True)
        self.scene().sigMouseMoved.connect(self._hover)
        # The view is set by _fit_view only: pyqtgraph's autorange would
        # measure every curve before each repaint.
        item.disableAutoRange()
        self._view: tuple[float, float, float, float] | None = None  # x0, x1, y0, y1
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(0)
        self._redraw_timer.timeout.connect(self.redraw)
        self.setToolTip("Cost J against epoch. Hover to read exact values.")
        self.setMinimumHeight(160)

    def add(self, evaluation: Evaluation) -> None:
        test = evaluation.test_cost
        self.series.append(evaluation.epoch, evaluation.train_cost, test)

    def schedule_redraw(self) -> None:
        """Redraw at the next turn of the event loop (once, however often asked).

        A snapshot that brings a new evaluation also repaints the canvas: with
        the cost plot's redraw and repaint in the same turn, those were the
        window's slowest moments while training (``backprop-gui bench``, the
        worst ticks). A turn apart, timers and input get a look in between.
        """
        self._redraw_timer.start()

    def mark_divergence(self, epoch: int) -> None:
        """A labelled line where training diverged, so the plot tells the story."""
        if any(line.value() == epoch for line in self._marks):
            return
        line = pg.InfiniteLine(
            epoch,
            angle=90,
            pen=pg.mkPen("#C00000", width=1.5, style=pg.QtCore.Qt.DashLine),
            label="diverged: α too large",
            labelOpts={"color": "#C00000", "position": 0.85, "anchors": [(1, 0), (1, 0)]},
        )
        self.getPlotItem().addItem(line, ignoreBounds=True)
        self._marks.append(line)

    def clear_history(self) -> None:
        for line in self._marks:
            self.getPlotItem().removeItem(line)
        self._marks.clear()
        self.series.clear()
        self.redraw()
        self.readout.hide()
        self.marker.setData([], [])

    def set_log(self, on: bool) -> None:
        self.getPlotItem().setLogMode(y=on)
        self.getPlotItem().disableAutoRange()  # setLogMode turns it back on
        self.getPlotItem().setLabel("left", "cost J (log)" if on else "cost J")
        self._view = None
        self.redraw()

    def redraw(self) -> None:
        x = self.series.x
        for column, curve in enumerate((self.train_curve, self.test_curve)):
            y = self.series.y(column) if len(x) else np.zeros(0)
            # Only finite, positive values reach the plot (log mode needs > 0).
            ok = np.isfinite(y) & (y > 0)
            curve.setData(x[ok], y[ok])
        self._fit_view()

    def _fit_view(self) -> None:
        """Let the view grow in steps rather than with every new point.

        When the view range changes, pyqtgraph lays out and repaints both axes
        and their grid, several times the cost of the curves themselves: done
        at every new point, it made the whole window late while training
        (``backprop-gui bench``). So the view leaves room for 50 % more epochs
        in round numbers, and a linear cost axis runs from 0, a log one in
        whole decades: the range changes only now and then, in the same
        repaint as the new points.
        """
        x = self.series.x
        ys = np.concatenate([self.series.y(0), self.series.y(1)]) if len(x) else np.zeros(0)
        ys = ys[np.isfinite(ys) & (ys > 0)]
        if not ys.size:
            self._view = None
            return
        log = self.getPlotItem().ctrl.logYCheck.isChecked()
        x0, x_last = float(x[0]), float(x[-1])
        low, high = float(ys.min()), float(ys.max())
        view = self._view
        fits = view is not None and view[0] <= x0 <= x_last <= view[1]
        if fits and view[2] <= low and high <= view[3]:
            return
        x1 = x0 + _round_up(max(x_last - x0, 1.0) * 1.5)
        if log:
            # In log mode the view's y coordinates are decades; kept as exponents,
            # since 10**-324 is 0.0 (costs can be that small).
            first = math.floor(math.log10(low))
            y_range = (first, max(math.ceil(math.log10(high)), first + 1))
            y0, y1 = 10.0 ** y_range[0], 10.0 ** y_range[1]
        else:
            y0, y1 = 0.0, _round_up(high * 1.1)
            y_range = (y0, y1)
        self._view = (x0, x1, y0, y1)
        # pyqtgraph's own padding: enough room for the labels at both ends.
        self.getPlotItem().setRange(xRange=(x0, x1), yRange=y_range, padding=None)

    def _hover(self, scene_pos) -> None:
        view = self.getPlotItem().getViewBox()
        if not self.sceneBoundingRect().contains(scene_pos) or not len(self.series):
            self.readout.hide()
            self.marker.setData([], [])
            return
        x = self.series.x
        pos = view.mapSceneToView(scene_pos)
        i = int(np.abs(x - pos.x()).argmin())
        train, test = self.series.y(0)[i], self.series.y(1)[i]
        text = f"epoch {int(x[i])}\ntrain J = {train:.4g}"
        if math.isfinite(test):
            text += f"\ntest J = {test:.4g}"
        self.readout.setText(text)
        log = self.getPlotItem().ctrl.logYCheck.isChecked()
        y = math.log10(train) if log and train > 0 else train
        self.readout.setPos(x[i], y)
        self.readout.show()
        self.marker.setData([x[i]], [y])


def _round_up(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is ≥ value."""
    if value <= 0:
        return 1.0
    scale = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * scale >= value * (1 - 1e-12):
            return step * scale
    return 10.0 * scale


class CostPanel(Panel, QWidget):
    """The legend, the ``CostPlot`` and its log-scale box.

    From each frame: a new weights generation starts an empty plot, a new
    evaluation adds a point (drawn a turn later, see ``schedule_redraw``), and
    a divergence is marked once, where it happened.
    """

    dock_title = "Cost"
    stretch = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        legend = QLabel(
            f"<span style='color:{TRAIN_PEN}'>━━</span> train cost &nbsp;&nbsp; "
            f"<span style='color:{TEST_PEN}'>╍╍</span> test cost"
        )
        legend.setToolTip(
            "Cost J on the training points (solid) and the held-out test points (dashed)"
        )
        layout.addWidget(legend)
        self.plot = CostPlot()
        layout.addWidget(self.plot, 1)
        self.log_check = QCheckBox("Log scale", objectName="logCost")
        self.log_check.setToolTip("Show the cost on a logarithmic axis (L)")
        layout.addWidget(self.log_check)
        self.log_check.toggled.connect(self.plot.set_log)
        self._generation = -1
        self._last_plotted_step = -1
        self._divergence_marked = False
        self._preload: np.ndarray | None = None
        self._drawn_until = -math.inf  # a preloaded curve's last epoch

    def curve(self) -> np.ndarray:
        """(k, 3) float64: the plotted epochs, train costs and test costs."""
        series = self.plot.series
        if not len(series.x):
            return np.zeros((0, 3))
        return np.column_stack([series.x, series.y(0), series.y(1)]).astype(np.float64)

    def preload(self, curve: np.ndarray) -> None:
        """Start the next weights' plot with ``curve`` ((k, 3) as ``curve()``):
        a reopened session goes on drawing where it stopped."""
        self._preload = np.asarray(curve, np.float64).reshape(-1, 3)

    def show_frame(self, frame: Frame) -> None:
        if frame.generation != self._generation:
            self._generation = frame.generation
            self.plot.clear_history()
            self._last_plotted_step = -1
            self._drawn_until = -math.inf
            if self._preload is not None and len(self._preload):
                for epoch, train, test in self._preload:
                    self.plot.series.append(float(epoch), float(train), float(test))
                # The reopened weights' first evaluation is the curve's last point.
                self._drawn_until = float(self._preload[-1, 0])
                self.plot.schedule_redraw()
            self._preload = None
        e = frame.evaluation
        if e is not None and e.step != self._last_plotted_step and e.epoch > self._drawn_until:
            self.plot.add(e)
            self.plot.schedule_redraw()
            self._last_plotted_step = e.step
        # Once per divergence, as the banner announces it.
        if frame.diverged and not self._divergence_marked:
            self._divergence_marked = True
            self.plot.mark_divergence(frame.epoch)
        elif not frame.diverged:
            self._divergence_marked = False
