"""The cost plot: every step's cost, and train and test cost at their
evaluations, against epoch, with memory that stays flat.

What is drawn, and how it stays true:
- the thin line is every step's batch cost J at the parameters before that
  step's update (``Frame.step_costs``); beyond ``STEP_CAPACITY`` points it is
  kept as a min/max envelope over equal spans of the epoch axis, linear and
  log (``session.stepcosts.envelope_over``), so no spike is lost and a steep
  fall keeps its shape;
- the thick solid and dashed lines are the train and test cost at their
  evaluations (the read-outs' numbers);
- costs above ``CLIP_FACTOR`` times the larger of the run's first cost and
  the current one are drawn at that ceiling with a red triangle, the highest
  finite one written under it on the side with room: a divergence shows as
  the rise it was, and a red line marks where it stopped (the latest one
  labelled);
- the y range always includes the current costs; a small diamond marks each
  moment the training points changed (points drawn or erased).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer

from ...core.series import DecimatingSeries
from ...core.trainer import Evaluation
from ...session.stepcosts import StepCosts, envelope_over
from ..theme import TEST_PEN, TRAIN_PEN, cache_axes

MIN_TICK_PIXELS = 20  # between labelled decades on a log axis
STEP_CAPACITY = 4000  # step costs kept; beyond, an envelope of half as many
CLIP_FACTOR = 4.0  # costs above this × max(first cost, current cost) are clipped
STEP_PEN = "#7FB8D8"  # the train colour, lighter: the steps under the evaluations
LABEL_FILL = pg.mkBrush(255, 255, 255, 210)  # words stay readable over the curves
DIVERGENCE_LABEL_HEIGHT = 0.2  # of the view, from the bottom


class CostAxis(pg.AxisItem):
    """The cost axis. On a log scale: ticks at whole decades, and at 2× and 5×
    them while at most two decades are in view and there is room (pyqtgraph's
    own labels every multiple from 1 to 9, and they overlap)."""

    def logTickValues(
        self, minVal: float, maxVal: float, size: float, stdTicks: list
    ) -> list[tuple[float, list[float]]]:
        first, last = math.ceil(minVal - 1e-9), math.floor(maxVal + 1e-9)  # decades in view
        # Every decade while they are MIN_TICK_PIXELS apart, else every 2nd, 3rd...
        step = max(1, math.ceil((last - first + 1) * MIN_TICK_PIXELS / max(size, 1.0)))
        marks = [float(decade) for decade in range(first, last + 1) if decade % step == 0]
        # 2× and 5× too when they are as far apart (1 to 2 is 0.3 of a decade).
        pixels_per_decade = size / max(maxVal - minVal, 1e-9)
        if last - first <= 2 and math.log10(2) * pixels_per_decade >= MIN_TICK_PIXELS:
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
        self._steps_x, self._steps_y = np.zeros(0), np.zeros(0)
        self.step_curve = item.plot(pen=pg.mkPen(STEP_PEN, width=1), name="steps", connect="finite")
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
        # Clipped costs: a triangle at the ceiling, the highest finite one beside it.
        self.clip_marker = pg.ScatterPlotItem(
            size=9, symbol="t1", brush=pg.mkBrush("#C00000"), pen=None
        )
        item.addItem(self.clip_marker, ignoreBounds=True)
        # The peak's and the latest divergence's words (``_place_labels``).
        self.clip_label = pg.TextItem(color="#C00000", anchor=(1, 0), fill=LABEL_FILL)
        self.divergence_label = pg.TextItem("diverged: α too large", "#C00000", fill=LABEL_FILL)
        for label in (self.clip_label, self.divergence_label):
            label.setZValue(8)
            label.hide()
            item.addItem(label, ignoreBounds=True)
        item.getViewBox().sigRangeChanged.connect(self._place_labels)
        self.data_marker = pg.ScatterPlotItem(
            size=7, symbol="d", brush=pg.mkBrush("#666"), pen=None
        )
        self.data_marker.setToolTip("The training points changed here")
        self.data_marker.setZValue(5)  # above the curves it sits on
        item.addItem(self.data_marker, ignoreBounds=True)
        self._data_changes: list[tuple[float, float]] = []  # (epoch, cost) of each change
        self.log_x = False
        self.scene().sigMouseMoved.connect(self._hover)
        # The view is set by _fit_view only: pyqtgraph's autorange would
        # measure every curve before each repaint.
        item.disableAutoRange()
        self._view: tuple[float, float, float, float] | None = None  # x0, x1, y0, y1
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(0)
        self._redraw_timer.timeout.connect(self.redraw)
        self._redrawn_at = -math.inf  # time.monotonic() of the last redraw
        self.setToolTip("Cost J against epoch. Hover to read exact values.")
        self.setMinimumHeight(110)

    def add(self, evaluation: Evaluation) -> None:
        test = evaluation.test_cost
        self.series.append(evaluation.epoch, evaluation.train_cost, test)

    def add_steps(self, costs: StepCosts) -> None:
        """Append steps' costs (x: their place in epochs), keeping at most
        STEP_CAPACITY points by a min/max envelope."""
        self._steps_x = np.concatenate([self._steps_x, np.asarray(costs.at, np.float64)])
        self._steps_y = np.concatenate([self._steps_y, np.asarray(costs.cost, np.float64)])
        if self._steps_x.size > STEP_CAPACITY:
            keep = envelope_over(self._steps_x, self._steps_y, STEP_CAPACITY // 8)
            self._steps_x, self._steps_y = self._steps_x[keep], self._steps_y[keep]

    @property
    def steps(self) -> tuple[np.ndarray, np.ndarray]:
        """The step costs kept: (x in epochs, cost), both (n,)."""
        return self._steps_x, self._steps_y

    def mark_data_change(self, epoch: float, cost: float) -> None:
        """A small diamond where the training points changed."""
        self._data_changes.append((float(epoch), float(cost)))

    def schedule_redraw(self, spacing: float = 0.0) -> None:
        """Redraw at the next turn of the event loop (once, however often asked),
        or, with ``spacing``, no sooner than that many seconds after the last
        redraw.

        A snapshot that brings a new evaluation also repaints the canvas: with
        the cost plot's redraw and repaint in the same turn, those were the
        window's slowest moments while training (``python -m benchmarks``, the
        worst ticks). A turn apart, timers and input get a look in between.
        """
        wait = max(0.0, self._redrawn_at + spacing - time.monotonic()) if spacing else 0.0
        timer = self._redraw_timer
        if timer.isActive() and timer.remainingTime() <= 1000 * wait:
            return  # due as soon anyway
        timer.start(int(1000 * wait))

    def mark_divergence(self, epoch: int) -> None:
        """A labelled line where training diverged, so the plot tells the story."""
        if any(line.epoch == epoch for line in self._marks):
            return
        line = pg.InfiniteLine(
            self._x_of(epoch),
            angle=90,
            pen=pg.mkPen("#C00000", width=1.5, style=pg.QtCore.Qt.DashLine),
        )
        line.epoch = epoch  # where it stays when the epoch axis changes scale
        self.getPlotItem().addItem(line, ignoreBounds=True)
        self._marks.append(line)
        self.divergence_label.show()  # beside this line: one label, never a pile
        self._place_labels()

    def clear_history(self) -> None:
        for line in self._marks:
            self.getPlotItem().removeItem(line)
        self._marks.clear()
        self.divergence_label.hide()
        self.series.clear()
        self._steps_x, self._steps_y = np.zeros(0), np.zeros(0)
        self._data_changes.clear()
        self.redraw()
        self.readout.hide()
        self.marker.setData([], [])

    def set_log(self, on: bool) -> None:
        self.getPlotItem().setLogMode(y=on)
        self.getPlotItem().disableAutoRange()  # setLogMode turns it back on
        self.getPlotItem().setLabel("left", "cost J (log)" if on else "cost J")
        self._view = None
        self.redraw()

    def set_log_x(self, on: bool) -> None:
        """Epochs on a log axis: the early fall stays visible after long runs
        (epoch 0 itself has no place on it)."""
        self.log_x = bool(on)
        self.getPlotItem().setLogMode(x=self.log_x)
        self.getPlotItem().disableAutoRange()
        self.getPlotItem().setLabel("bottom", "epoch (log)" if on else "epoch")
        self._view = None
        self.redraw()

    def _series_y(self, column: int) -> np.ndarray:
        return self.series.y(column) if len(self.series) else np.zeros(0)

    def _log_y(self) -> bool:
        return self.getPlotItem().ctrl.logYCheck.isChecked()

    def ceiling(self) -> float:
        """Costs above this are drawn clipped: CLIP_FACTOR × the larger of the
        run's first cost and the current evaluation's (inf with no costs yet)."""
        firsts, currents = [], []
        for y in (self._steps_y, self._series_y(0), self._series_y(1)):
            finite = y[np.isfinite(y)] if len(y) else y
            if finite.size:
                firsts.append(finite[0])
                # The current costs are the evaluations' (the read-outs): the
                # last step's can be the peak of a divergence.
                currents.append(finite[-1] if y is not self._steps_y else finite[0])
        if not firsts:
            return math.inf
        return CLIP_FACTOR * max(max(firsts), max(currents))

    def _shown(self, x: np.ndarray, y: np.ndarray, ceiling: float) -> tuple:
        """(x, y) as drawn: y clipped at ``ceiling``; non-finite y, and what a
        log axis cannot show (y ≤ 0, or x ≤ 0 on a log epoch axis), become
        gaps (NaN)."""
        y = np.minimum(y, ceiling)
        bad = ~np.isfinite(y) | ((y <= 0) if self._log_y() else False)
        y = np.where(bad, np.nan, y)
        if self.log_x:
            keep = x > 0
            x, y = x[keep], y[keep]
        return x, y

    def redraw(self) -> None:
        self._redrawn_at = time.monotonic()
        ceiling = self.ceiling()
        x = self.series.x
        for column, curve in enumerate((self.train_curve, self.test_curve)):
            y = self.series.y(column) if len(x) else np.zeros(0)
            cx, cy = self._shown(x, y, ceiling)
            ok = np.isfinite(cy)
            curve.setData(cx[ok], cy[ok])
        sx, sy = self._shown(self._steps_x, self._steps_y, ceiling)
        self.step_curve.setData(sx, sy, connect="finite")
        self._draw_clipping(ceiling)
        marks = [(e, min(c, ceiling)) for e, c in self._data_changes if not self.log_x or e > 0]
        self.data_marker.setData(
            [self._x_of(e) for e, _ in marks], [self._y_of(c) for _, c in marks]
        )
        for line in self._marks:
            line.setValue(self._x_of(line.epoch))
        self._fit_view()
        self._place_labels()

    def _place_labels(self, *_) -> None:
        """The latest divergence's words low on its line, the peak's under its
        triangle: each on the side of its mark with more of the plot, so
        neither runs past an axis."""
        (x0, x1), (y0, y1) = self.getPlotItem().getViewBox().viewRange()
        middle = (x0 + x1) / 2
        if self._marks:
            x = self._marks[-1].value()
            self.divergence_label.setAnchor((0 if x < middle else 1, 0.5))
            # Low: the peak's words are under the ceiling, which can be mid-plot.
            self.divergence_label.setPos(x, y0 + DIVERGENCE_LABEL_HEIGHT * (y1 - y0))
        self.clip_label.setAnchor((0 if self.clip_label.pos().x() < middle else 1, 0))

    def _y_of(self, cost: float) -> float:
        """Where ``cost`` is in the view (a decade on a log axis)."""
        if self._log_y():
            return math.log10(cost) if cost > 0 else math.nan
        return cost

    def _x_of(self, epoch: float) -> float:
        return math.log10(epoch) if self.log_x and epoch > 0 else epoch

    def _draw_clipping(self, ceiling: float) -> None:
        """A triangle at the ceiling over each clipped cost; the highest
        finite cost written beside the last."""
        xs = np.concatenate([self._steps_x, self.series.x])
        ys = np.concatenate([self._steps_y, self._series_y(0)])
        over = ys > ceiling
        # One triangle where each run of clipped costs begins (not a red band).
        clipped = over & ~np.concatenate([[False], over[:-1]]) & (xs > 0 if self.log_x else True)
        if not clipped.any():
            self.clip_marker.setData([], [])
            self.clip_label.hide()
            return
        top = self._y_of(ceiling)
        cx = np.log10(xs[clipped]) if self.log_x else xs[clipped]
        self.clip_marker.setData(cx, np.full(cx.size, top))
        finite = ys[over & np.isfinite(ys)]
        peak = f"up to {finite.max():.3g}" if finite.size else "not finite"
        self.clip_label.setText(peak)
        self.clip_label.setPos(float(cx[-1]), top)
        self.clip_label.show()

    def _fit_view(self) -> None:
        """Let the view grow in steps rather than with every new point.

        When the view range changes, pyqtgraph lays out and repaints both axes
        and their grid, several times the cost of the curves themselves: done
        at every new point, it made the whole window late while training
        (``python -m benchmarks``). So the view leaves room for 50 % more epochs
        in round numbers, and a linear cost axis runs from 0, a log one in
        whole decades: the range changes only now and then, in the same
        repaint as the new points.
        """
        ceiling = self.ceiling()
        sx, sy = self._shown(self._steps_x, self._steps_y, ceiling)
        x = self.series.x
        ex = np.concatenate([x, x])
        ey = np.concatenate([self.series.y(0), self.series.y(1)]) if len(x) else np.zeros(0)
        ex, ey = self._shown(ex, ey, ceiling)
        xs, ys = np.concatenate([sx, ex]), np.concatenate([sy, ey])
        ok = np.isfinite(ys) & (ys > 0)
        xs, ys = xs[ok], ys[ok]
        if not ys.size:
            self._view = None
            return
        log = self._log_y()
        x0, x_last = float(xs.min()), float(xs.max())
        low, high = float(ys.min()), float(ys.max())
        view = self._view
        fits = view is not None and view[0] <= x0 <= x_last <= view[1]
        # Also refit when the costs shrank far below the top (after a
        # divergence's peak, now clipped, or a new current cost).
        if fits and view[2] <= low and high <= view[3] and (log or high >= view[3] / 5):
            return
        x1 = x0 + _round_up(max(x_last - x0, 1.0) * 1.5)
        x_range = (x0, x1)
        if self.log_x:  # in decades; from the first epoch shown to 1-2-5 above the last
            x_range = (math.floor(math.log10(x0)), math.log10(_round_up(x_last * 1.5)))
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
        self.getPlotItem().setRange(xRange=x_range, yRange=y_range, padding=None)

    def leaveEvent(self, event) -> None:
        # Moves outside the plot stop reaching _hover: the read-out goes here.
        self.readout.hide()
        self.marker.setData([], [])
        super().leaveEvent(event)

    def _hover(self, scene_pos) -> None:
        view = self.getPlotItem().getViewBox()
        if not self.sceneBoundingRect().contains(scene_pos) or not len(self.series):
            self.readout.hide()
            self.marker.setData([], [])
            return
        x = self.series.x
        pos = view.mapSceneToView(scene_pos)
        at = 10 ** pos.x() if self.log_x else pos.x()
        i = int(np.abs(x - at).argmin())
        train, test = self.series.y(0)[i], self.series.y(1)[i]
        text = f"epoch {int(x[i])}\ntrain J = {train:.4g}"
        if math.isfinite(test):
            text += f"\ntest J = {test:.4g}"
        self.readout.setText(text)
        y = self._y_of(train) if self._log_y() else train
        self.readout.setPos(self._x_of(float(x[i])), y)
        self.readout.show()
        self.marker.setData([self._x_of(float(x[i]))], [y])


def _round_up(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is ≥ value."""
    if value <= 0:
        return 1.0
    scale = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * scale >= value * (1 - 1e-12):
            return step * scale
    return 10.0 * scale
