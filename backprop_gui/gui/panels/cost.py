"""The cost panel: a legend and log-scale boxes above the ``CostPlot``
(``cost_plot``), fed from each frame: every step's cost, and train and test
cost at their evaluations, against epoch, live.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from ...session import Frame
from ..folding_row import FoldingRow
from ..theme import TEST_PEN, TRAIN_PEN
from .base import Panel
from .cost_plot import STEP_PEN, CostPlot

# A frame with this many steps or more is fast training: the plot is redrawn
# every FAST_REDRAW_SECONDS, not with every frame.
FAST = 10
FAST_REDRAW_SECONDS = 0.1


class CostPanel(Panel, QWidget):
    """The legend and log-scale boxes (one row where it fits), and the
    ``CostPlot`` under them.

    From each frame: a new weights generation (a new run) starts an empty
    plot; its step costs extend the step line; a new evaluation (a new step,
    or the same step on changed points) adds a point (drawn a turn later, see
    ``schedule_redraw``); a change in the number of training points within a
    run is marked; a divergence is marked once, where it happened.
    """

    dock_title = "Cost"
    stretch = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        legend = QLabel(
            f"<span style='color:{TRAIN_PEN}'>━━</span> train &nbsp; "
            f"<span style='color:{TEST_PEN}'>╍╍</span> test &nbsp; "
            f"<span style='color:{STEP_PEN}'>──</span> every step"
        )
        legend.setObjectName("costLegend")
        legend.setToolTip(
            "Cost J on the training points (solid) and the held-out test points (dashed), "
            "evaluated now and then; thin: every step's batch cost before its update"
        )
        self.log_check = QCheckBox("Log cost", objectName="logCost")
        self.log_check.setToolTip("Show the cost on a logarithmic axis (L)")
        self.log_epochs = QCheckBox("Log epochs", objectName="logEpochs")
        self.log_epochs.setToolTip(
            "Show the epochs on a logarithmic axis: the early fall stays visible in long runs"
        )
        # One row where it fits: the plot gets the height of the boxes' row.
        self.header = FoldingRow(legend, (self.log_check, self.log_epochs))
        self.header.setObjectName("costHeader")
        layout.addWidget(self.header)
        self.plot = CostPlot()
        layout.addWidget(self.plot, 1)
        self.log_check.toggled.connect(self.plot.set_log)
        self.log_epochs.toggled.connect(self.plot.set_log_x)
        self._generation = -1
        self._last_plotted: tuple | None = None  # (step, train cost, test cost) of the last point
        self._n_train = -1
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
        # Many steps a frame (fast training): the curve moves too fast to follow
        # each redraw, which cost as much as the canvas; a few a second. At a
        # watchable speed it moves with every step.
        costs = frame.step_costs
        fast = frame.training and costs is not None and costs.step[-1] - costs.step[0] + 1 >= FAST
        spacing = FAST_REDRAW_SECONDS if fast else 0.0
        if frame.generation != self._generation:
            self._generation = frame.generation
            self.plot.clear_history()
            self._last_plotted = None
            self._n_train = frame.n_train
            self._drawn_until = -math.inf
            if self._preload is not None and len(self._preload):
                for epoch, train, test in self._preload:
                    self.plot.series.append(float(epoch), float(train), float(test))
                # The reopened weights' first evaluation is the curve's last point.
                self._drawn_until = float(self._preload[-1, 0])
                self.plot.schedule_redraw()
            self._preload = None
        if frame.step_costs is not None and len(frame.step_costs):
            self.plot.add_steps(frame.step_costs)
            self.plot.schedule_redraw(spacing)
        e = frame.evaluation
        if frame.n_train != self._n_train:
            self._n_train = frame.n_train
            if e is not None and frame.steps:  # points drawn or erased in the run
                self.plot.mark_data_change(frame.epoch, e.train_cost)
        # The same step on other points has another cost: a point of its own.
        key = e and (e.step, e.train_cost, repr(e.test_cost))
        if e is not None and key != self._last_plotted and e.epoch > self._drawn_until:
            self.plot.add(e)
            self.plot.schedule_redraw(spacing)
            self._last_plotted = key
        # Once per divergence, as the banner announces it.
        if frame.diverged and not self._divergence_marked:
            self._divergence_marked = True
            self.plot.mark_divergence(frame.epoch)
        elif not frame.diverged:
            self._divergence_marked = False
