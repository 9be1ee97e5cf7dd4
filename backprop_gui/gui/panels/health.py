"""Gradient health over time: per layer ‖dW[l]‖ on a log axis, the update
ratio ‖ΔW[l]‖/‖W[l]‖ against the usual ~1e-3, and the saturated and dead
fractions now; ``health_warning`` says in words what is wrong.

Each curve keeps the last ``capacity`` steps in a fixed buffer (shifted by
one per new step, no allocation) and is updated in place with ``setData``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..theme import cache_axes
from .base import RIGHT, Panel
from .cost_plot import CostAxis
from .throttle import Throttle

GUIDE_RATIO = 1e-3
UPDATES_PER_SECOND = 5
# Okabe–Ito hues beyond the two class colours, one per layer (repeating).
LAYER_COLORS = ("#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#E69F00")
DEAD_FRACTION = 0.5  # a layer with at least this share of dead units gets a warning
SATURATED_FRACTION = 0.5
VANISHING = 1e-3  # ‖dW[1]‖ below this share of ‖dW[L]‖: the first layer barely learns
FLOOR = 1e-12  # zeros (dead layers) are drawn here on the log axes
BIG_UPDATE = 0.1  # update ratios above this make training jump around
SATURATED, DEAD = "#E69F00", "#555555"  # the units bars
TITLE_POINTS = 8.0


def _layer_color(l: int) -> str:
    return LAYER_COLORS[(l - 1) % len(LAYER_COLORS)]


def _let_shrink(label: pg.LabelItem) -> None:
    """pyqtgraph makes a title's text width its minimum and preferred width,
    again at every resize, and the plots then widen past the dock; here it
    keeps its height only, and a title wider than its plot spreads over the
    axis beside it. (An instance's ``updateMin``, which pyqtgraph calls, and
    its private ``_sizeHint``: as pyqtgraph 0.14 has them.)"""

    def update_min() -> None:
        height = label.itemRect().height()
        label.setMinimumSize(0, height)
        label._sizeHint = {
            Qt.SizeHint.MinimumSize: (0, height),
            Qt.SizeHint.PreferredSize: (0, height),
            Qt.SizeHint.MaximumSize: (-1, -1),
        }
        label.updateGeometry()

    label.updateMin = update_min
    update_min()


def _swatch(color: str) -> str:
    return f"<span style='color:{color}'>■</span>"


def _count(fraction: float, n: int | None) -> str:
    if n is None:
        return f"{100 * fraction:.0f} % of the"
    return f"{round(fraction * n)} of {n}"


def health_warning(
    health: Sequence, activation_names: Sequence[str], layer_sizes: Sequence[int] | None = None
) -> str:
    """One status-bar line when the gradients are unhealthy, else "".

    ``health`` has one entry per layer l = 1..L (attributes dW_norm, db_norm,
    dZ_rms, update_ratio, saturated, dead); ``activation_names`` one per
    hidden layer; ``layer_sizes`` (n_0..n_L) or the entries' ``units`` turn
    fractions into counts. ``saturated`` is the mean share of a layer's units
    saturated on a point, ``dead`` the share of units off on every point
    (as core.inspect defines them). The most serious problem is named first.
    """
    if not health:
        return ""
    L = len(health)

    def n(l: int) -> int | None:
        if layer_sizes is not None:
            return int(layer_sizes[l])
        return getattr(health[l - 1], "units", None)  # core.inspect's LayerHealth has it

    for l, h in enumerate(health, 1):
        # The update ratio is NaN before a step is known: that is no divergence.
        if not (np.isfinite(h.dW_norm) and np.isfinite(h.db_norm)):
            return (
                f"Layer {l}: the gradients are not finite numbers; training diverged. "
                "Lower α and reset."
            )
    for l, h in enumerate(health[:-1], 1):
        name = activation_names[l - 1]
        if h.dead >= DEAD_FRACTION:
            if name == "relu":
                return (
                    f"Layer {l}: {_count(h.dead, n(l))} ReLUs are dead (output 0 on every point); "
                    "lower α or use leaky_relu."
                )
            return (
                f"Layer {l}: {_count(h.dead, n(l))} units never activate (the same output on "
                "every point); lower α or reset."
            )
    for l, h in enumerate(health[:-1], 1):
        name = activation_names[l - 1]
        if h.saturated >= SATURATED_FRACTION:
            return (
                f"Layer {l}: on average {_count(h.saturated, n(l))} {name} units are saturated "
                "on a point (flat g′), so little gradient passes through; lower α or reset."
            )
    first, last = health[0].dW_norm, health[-1].dW_norm
    if L > 1 and last > 0 and first < VANISHING * last:
        return (
            f"Gradients vanish: ‖dW[1]‖ is {first / last:.0e} of ‖dW[{L}]‖, so the first layer "
            "barely learns; try relu or tanh, or fewer layers."
        )
    for l, h in enumerate(health, 1):
        if h.update_ratio > BIG_UPDATE:  # False for NaN
            return (
                f"Layer {l}: each step changes W[{l}] by {h.update_ratio:.0%} of its size "
                f"(about 0.1 % is usual); lower α."
            )
    return ""


def headline(warning: str) -> str:
    """``warning``'s first words, for a status bar without room for all of
    it: the problem, without its explanation and remedy, and where they are."""
    cut = min((i for i in (warning.find(m) for m in (" (", ";", ", so")) if i > 0), default=-1)
    return warning if cut < 0 else f"{warning[:cut]} (see Gradient health)."


class HealthAxis(CostAxis):
    """The cost plot's log axis, with the floor where zeros are drawn labelled 0."""

    def tickStrings(self, values, scale, spacing):
        strings = super().tickStrings(values, scale, spacing)
        if self.logMode:
            floor = np.log10(FLOOR)
            strings = [
                "0" if abs(v - floor) < 1e-9 else "" if v < floor else s
                for v, s in zip(values, strings, strict=True)
            ]
        return strings


class HealthPanel(Panel, QWidget):
    """Two small plots sharing a step axis, the units bars beside them;
    ``show(frame)`` per frame."""

    area = RIGHT
    dock_title = "Gradient health"
    dock_group = "inspector"
    stretch = 3

    def __init__(self, parent: QWidget | None = None, capacity: int = 300) -> None:
        super().__init__(parent)
        self.setObjectName("healthPanel")
        self.setToolTip(
            "Layer health: the size of each layer's gradient ‖dW[l]‖, how much a step "
            "changes its weights ‖ΔW[l]‖/‖W[l]‖ (about 1e-3 is healthy), and the share "
            "of saturated and dead units. A gradient of 0 is drawn at 1e-12."
        )
        self.capacity = capacity
        self.steps = np.full(capacity, np.nan)
        self.norms = np.full((0, capacity), np.nan)
        self.ratios = np.full((0, capacity), np.nan)
        self.count = 0  # steps recorded, up to capacity
        self._last = (None, -1)  # (generation, step) of the last record
        self._undrawn: Sequence | None = None  # recorded while off screen
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.view.setObjectName("healthPlots")
        # What health_warning finds, whole (the status bar may have room for
        # its first words only).
        self.warning = QLabel(objectName="healthWarning", wordWrap=True)
        self.warning.setTextFormat(Qt.PlainText)
        self.warning.setStyleSheet("color: #A32D00; padding: 2px 4px;")
        self.warning.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.warning)
        layout.addWidget(self.view, 1)
        # The two per-step plots share one step axis, on the left; the units
        # bars stand beside them: in a dock 250 px tall, three plots one above
        # the other left each about 20 px of data, and their labels overlapped.
        self.norm_plot = self._plot(0, 0, "‖dW[l]‖", log=True)
        self.ratio_plot = self._plot(1, 0, "‖ΔW‖/‖W‖", log=True)
        self.ratio_plot.setXLink(self.norm_plot)
        self.norm_plot.getAxis("bottom").setStyle(showValues=False)
        self.ratio_plot.getAxis("bottom").setLabel("step")
        self.guide = pg.InfiniteLine(
            pos=np.log10(GUIDE_RATIO), angle=0, pen=pg.mkPen("#999", style=pg.QtCore.Qt.DashLine)
        )
        self.ratio_plot.addItem(self.guide, ignoreBounds=True)
        self.units_plot = self._plot(0, 1, "share of units", log=False, rows=2)
        self.units_plot.getAxis("left").setWidth(44)
        self.units_plot.setYRange(0, 1, padding=0.05)
        self.units_plot.getAxis("bottom").setLabel("layer")
        grid = self.view.ci.layout
        grid.setColumnStretchFactor(0, 3)
        grid.setColumnStretchFactor(1, 1)
        # Until there are steps to draw, the plot says how to get them (in the
        # view's pixels: the data range means nothing yet).
        self.empty_hint = pg.TextItem("Train or Step to draw", color="#666")
        self.empty_hint.setAnchor((0, 1))
        self.empty_hint.setParentItem(self.norm_plot.vb)
        self.norm_plot.vb.sigResized.connect(self._place_hint)
        self.saturated_bars = pg.BarGraphItem(x=[], height=[], width=0.35, brush=SATURATED)
        self.dead_bars = pg.BarGraphItem(x=[], height=[], width=0.35, brush=DEAD)
        self.units_plot.addItem(self.saturated_bars)
        self.units_plot.addItem(self.dead_bars)
        # The keys are in the titles (legends inside plots this small covered
        # the curves and the bars).
        self._layers, self._scale = 0, 1.0
        for plot in (self.norm_plot, self.ratio_plot, self.units_plot):
            _let_shrink(plot.titleLabel)
        self._set_titles()
        self._ticks: list[tuple[float, str]] = []
        self.norm_curves: list[pg.PlotDataItem] = []
        self.ratio_curves: list[pg.PlotDataItem] = []
        self.setMinimumSize(220, 240)
        self._throttle = Throttle(self, self._record, 1.0 / UPDATES_PER_SECOND)

    def _plot(self, row: int, col: int, label: str, log: bool, rows: int = 1) -> pg.PlotItem:
        # The cost plot's axis: on a log scale, ticks at whole decades only.
        axes = {"left": HealthAxis("left")}
        plot = self.view.addPlot(row=row, col=col, rowspan=rows, axisItems=axes)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.getViewBox().setMouseEnabled(False, False)
        plot.setLabel("left", label)
        plot.setLogMode(y=log)
        if log:  # nothing lies below the floor that stands for 0
            plot.setLimits(yMin=float(np.log10(FLOOR)) - 0.5)  # room for the "0" tick
        plot.showGrid(x=False, y=True, alpha=0.2)
        plot.disableAutoRange()  # see _fit: the view moves in jumps, not every step
        plot.getAxis("left").setWidth(62)  # room for "0.0002" beside the axis label
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setTextPen("#444")
            plot.getAxis(axis).enableAutoSIPrefix(False)
            plot.getAxis(axis).setStyle(maxTickLevel=0)
        cache_axes(plot)
        return plot

    def _place_hint(self) -> None:
        self.empty_hint.setPos(4, self.norm_plot.vb.height())

    def _reset(self, layers: int) -> None:
        self.steps[:] = np.nan
        self.norms = np.full((layers, self.capacity), np.nan)
        self.ratios = np.full((layers, self.capacity), np.nan)
        self.count = 0
        for plot, curves in (
            (self.norm_plot, self.norm_curves),
            (self.ratio_plot, self.ratio_curves),
        ):
            for curve in curves:
                plot.removeItem(curve)
            curves.clear()
            for l in range(1, layers + 1):
                curves.append(plot.plot(pen=pg.mkPen(_layer_color(l), width=1.5)))
        self._layers = layers
        self._set_titles()

    def _set_titles(self) -> None:
        """The plots' titles, with each curve's and bar's colour as its key."""
        size = f"{TITLE_POINTS * self._scale:.1f}pt"
        keys = " ".join(f"{_swatch(_layer_color(l))}{l}" for l in range(1, self._layers + 1))
        title = f"gradient size {keys}" if keys else "gradient size per layer"
        self.norm_plot.setTitle(title, size=size)
        self.ratio_plot.setTitle("update size (dashed: 1e-3)", size=size)
        self.units_plot.setTitle(
            f"units now<br>{_swatch(SATURATED)} saturated<br>{_swatch(DEAD)} dead",
            size=size,
            justify="right",  # wider than its narrow plot: it spreads over the axis, left
        )
        for plot in (self.norm_plot, self.ratio_plot, self.units_plot):
            # pyqtgraph gives a title one 30-pixel row: these have up to three lines.
            height = max(30, math.ceil(plot.titleLabel.itemRect().height()))
            plot.titleLabel.setMaximumHeight(height)
            plot.layout.setRowFixedHeight(0, height)
        font = self.empty_hint.textItem.font()
        font.setPointSizeF(TITLE_POINTS * self._scale)
        self.empty_hint.setFont(font)

    def set_scale(self, scale: float) -> None:
        """Titles ``scale`` times their size (presentation mode scales the
        application's font and the axes; these are set here)."""
        self._scale = scale
        self._set_titles()

    def show_frame(self, frame) -> None:
        """Record the frame's health once per step; while training at most
        ``UPDATES_PER_SECOND`` frames a second (the curves then reach further back)."""
        self._throttle.offer(frame)

    def _record(self, frame) -> None:
        health = getattr(frame, "health", None)
        if not health:  # no training points: nothing to warn of
            self.warning.hide()
            return
        spec = getattr(frame, "spec", None)
        if spec is not None:
            warning = health_warning(health, spec.activations, spec.layer_sizes())
            self.warning.setText(warning)
            self.warning.setVisible(bool(warning))
        layers = len(health)
        generation = frame.generation
        if layers != len(self.norms) or generation != self._last[0] or frame.steps < self._last[1]:
            self._reset(layers)
        elif frame.steps == self._last[1]:
            return  # a repeated frame: nothing new
        self._last = (generation, frame.steps)
        if self.count == self.capacity:  # full: drop the oldest
            self.steps[:-1] = self.steps[1:]
            self.norms[:, :-1] = self.norms[:, 1:]
            self.ratios[:, :-1] = self.ratios[:, 1:]
            k = self.capacity - 1
        else:
            k = self.count
            self.count += 1
        self.steps[k] = frame.steps
        for l, h in enumerate(health):
            # Zero has no logarithm: drawn at FLOOR, where a student sees the
            # gradient has gone (a gap would look like missing data).
            self.norms[l, k] = max(h.dW_norm, FLOOR)
            self.ratios[l, k] = max(h.update_ratio, FLOOR)
        if self.on_screen:
            self._draw(health)
        else:  # recorded all the same; drawn when the panel comes into view
            self._undrawn = health

    def set_on_screen(self, on: bool) -> None:
        super().set_on_screen(on)
        if on and self._undrawn is not None:
            self._draw(self._undrawn)

    def _draw(self, health: Sequence) -> None:
        """The curves and bars, from what has been recorded."""
        self._undrawn = None
        layers = len(health)
        x = self.steps[: self.count]
        self.empty_hint.setVisible(self.count < 2)
        for l in range(layers):
            self.norm_curves[l].setData(x, self.norms[l, : self.count], connect="finite")
            self.ratio_curves[l].setData(x, self.ratios[l, : self.count], connect="finite")
        self._fit(self.norm_plot, x, self.norms[:, : self.count])
        self._fit(self.ratio_plot, x, self.ratios[:, : self.count], GUIDE_RATIO)
        positions = np.arange(1, layers + 1, dtype=float)
        self.saturated_bars.setOpts(x=positions - 0.18, height=[h.saturated for h in health])
        self.dead_bars.setOpts(x=positions + 0.18, height=[h.dead for h in health])
        if len(self._ticks) != layers:
            self._ticks = [(float(l), str(l)) for l in range(1, layers + 1)]
            self.units_plot.getAxis("bottom").setTicks([self._ticks])
            self.units_plot.setXRange(0.4, layers + 0.6, padding=0)

    def _fit(
        self, plot: pg.PlotItem, x: np.ndarray, values: np.ndarray, guide: float | None = None
    ) -> None:
        """Move a plot's view only when its curves leave it or fill a small
        part of it: each move redraws the axes' labels, which took most of a
        5-a-second redraw (15-30 ms) while the view followed every step.
        Steps: the view reaches half its width again ahead. Values: whole
        decades on the log axis, and the ``guide`` value among them."""
        finite = values[np.isfinite(values) & (values > 0)]
        if not x.size or not finite.size:
            return
        if guide is not None:
            finite = np.append(finite, guide)
        (x0, x1), (y0, y1) = plot.getViewBox().viewRange()
        lo, hi = float(x[0]), float(x[-1])
        if lo < x0 or hi > x1 or (hi - lo) < 0.4 * (x1 - x0):
            plot.setXRange(lo, hi + 0.5 * max(hi - lo, 1.0), padding=0)
        low, high = np.log10(finite.min()), np.log10(finite.max())
        if low < y0 or high > y1 or high - low < 0.25 * (y1 - y0) - 1:
            plot.setYRange(np.floor(low), max(np.ceil(high), np.floor(low) + 1), padding=0)
