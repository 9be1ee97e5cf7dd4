"""The metrics panel: the epoch, big, above a small train/test table of cost
and accuracy; and the same numbers as read-outs in the status bar."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...session import EVALUATION_SAMPLE, Frame
from ..steady_label import SteadyLabel
from .base import Panel

STATUS_TIPS = (
    ("epoch", "Completed epochs (passes over the training set)"),
    ("steps", "Parameter updates so far"),
    ("cost", "Cost J on the training / test data"),
    ("accuracy", "Accuracy on the training / test data"),
    ("speed", "Training steps per second"),
)
SPEED_TIP = dict(STATUS_TIPS)["speed"]


def _number(value: float | None, fmt: str, unit: str = "") -> str:
    if value is None or not np.isfinite(value):
        return "–"
    return format(value, fmt).removesuffix(".") + unit


# Four significant digits, trailing zeros kept: 0.7160 beside 0.7066, not 0.716
# (a cost of 1235 is written without the point "#" would leave).
COST_FORMAT = "#.4g"


EPOCH_POINTS, VALUE_POINTS = 20.0, 13.0  # the big read-outs' sizes, at scale 1

# The worker in one computation this long (a step of a big network on many
# points, a rebuild): the speed read-out says it is busy, and for how long.
# Over a second and a half: a turn that trains 0.25 s after a slow frame
# (worker.MAX_SLOW_FRAME_CHUNK) would otherwise flicker in and out of it.
BUSY_AFTER_SECONDS = 1.5
BUSY_CHECK_MS = 250
BUSY_TIP = (
    "A long computation is running: a training step, a pass over every training point "
    "for the inspector, or the trainer starting. The window shows its result when it "
    "ends; Pause and changes take effect after it."
)


def big_style(points: float) -> str:
    return f"font-size: {points:.1f}pt; font-weight: 600;"


def caption_style(points: float) -> str:
    return f"color: #666; font-size: {points:.1f}pt;"


class MetricsPanel(Panel, QWidget):
    """``labels``: the table's read-outs by key (``epoch``, ``cost_train``,
    ``accuracy_test``, …); ``status_labels``: the status bar's."""

    dock_title = "Read-outs"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The epoch on a line of its own, above the table: however many digits
        # it grows to, it cannot reach "Cost J" (beside it, it did past 100,000).
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 0, 4, 0)
        top = QHBoxLayout()
        outer.addLayout(top)
        grid = QGridLayout()
        outer.addLayout(grid)
        grid.setHorizontalSpacing(14)
        self.labels: dict[str, QLabel] = {}
        # Grey captions. A style sheet keeps a label from following the
        # application's font (presentation mode's larger one): ``set_scale``
        # gives them their size, as it does the big read-outs.
        self._captions: list[QLabel] = []
        caption = QLabel("Epoch")
        self._captions.append(caption)
        top.addWidget(caption, 0, Qt.AlignBottom)
        epoch = SteadyLabel("0", objectName="metric_epoch")
        epoch.setStyleSheet(big_style(EPOCH_POINTS))
        top.addWidget(epoch, 0, Qt.AlignBottom)
        top.addStretch(1)
        self.labels["epoch"] = epoch
        for column, title in ((2, "train"), (3, "test")):
            header = QLabel(title)
            self._captions.append(header)
            grid.addWidget(header, 0, column, Qt.AlignRight)
        for row, (key, title) in enumerate((("cost", "Cost J"), ("accuracy", "Accuracy")), 1):
            grid.addWidget(QLabel(title), row, 1)
            for column, which in ((2, "train"), (3, "test")):
                value = SteadyLabel("–", objectName=f"metric_{key}_{which}")
                value.setStyleSheet(big_style(VALUE_POINTS))
                value.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
                # Fixed-size labels: the cell aligns them, so a column shares its right edge.
                grid.addWidget(value, row, column, Qt.AlignRight | Qt.AlignVCenter)
                self.labels[f"{key}_{which}"] = value
        grid.setColumnStretch(0, 1)  # the table keeps to the right
        points = self.font().pointSizeF()  # the application's, at start (-1: set in pixels)
        self._caption_points = points if points > 0 else 9.0
        self.set_scale(1.0)

        self.status_labels: dict[str, QLabel] = {}
        for key, tip in STATUS_TIPS:
            label = SteadyLabel(min_width=90, objectName=f"status_{key}")
            label.setToolTip(tip)
            if not self.status_labels:  # a gap after the status bar's message
                label.setContentsMargins(16, 0, 0, 0)
            self.status_labels[key] = label

    def watch(self, heartbeat: Callable[[], float]) -> None:
        """Say "Working… N s" in place of the speed while ``heartbeat()`` (the
        worker's last ``time.perf_counter()`` stamp) is ``BUSY_AFTER_SECONDS`` old."""
        self._heartbeat = heartbeat
        self._busy_timer = QTimer(self, interval=BUSY_CHECK_MS)
        self._busy_timer.timeout.connect(self.check_busy)
        self._busy_timer.start()

    def check_busy(self) -> None:
        label = self.status_labels["speed"]
        busy = time.perf_counter() - self._heartbeat()
        if busy >= BUSY_AFTER_SECONDS:
            label.setText(f"Working… {busy:.0f} s")
            label.setToolTip(BUSY_TIP)
        elif label.toolTip() == BUSY_TIP:  # over: what the last frame said
            label.setText(self._speed_text)
            label.setToolTip(SPEED_TIP)

    _speed_text = "0 steps/s"

    def status_widgets(self) -> list[QWidget]:
        return list(self.status_labels.values())

    def set_scale(self, scale: float) -> None:
        """The big read-outs and the captions at ``scale`` times their size
        (presentation mode: their sizes are set here, so the application's
        font does not reach them)."""
        for key, label in self.labels.items():
            points = EPOCH_POINTS if key == "epoch" else VALUE_POINTS
            label.setStyleSheet(big_style(points * scale))
        # Captions grow half as much: at 1280×720 in presentation mode their
        # full 1.5× took the 3 px the diagram below needed.
        for caption in self._captions:
            caption.setStyleSheet(caption_style(self._caption_points * (1 + (scale - 1) / 2)))

    def show_frame(self, frame: Frame) -> None:
        e = frame.evaluation
        # Bigger sets are estimated on a fixed sample (session.EVALUATION_SAMPLE).
        approx = "≈" if frame.estimated else ""
        values = {
            "cost_train": approx + _number(e and e.train_cost, COST_FORMAT),
            "cost_test": approx + _number(e and e.test_cost, COST_FORMAT),
            "accuracy_train": approx + _number(e and 100 * e.train_accuracy, ".1f", " %"),
            "accuracy_test": approx + _number(e and 100 * e.test_accuracy, ".1f", " %"),
        }
        tip = (
            f"Estimated on a fixed sample of {EVALUATION_SAMPLE:,} points of each set"
            if approx
            else "Computed on every point"
        )
        labels = self.labels
        for key in values:
            if labels[key].toolTip() != tip:  # each set sends an event
                labels[key].setToolTip(tip)
        labels["epoch"].setText(f"{frame.epoch:,}")
        for key, text in values.items():
            labels[key].setText(text)
        s = self.status_labels
        s["epoch"].setText(f"Epoch {frame.epoch:,}")
        s["steps"].setText(f"Steps {frame.steps:,}")
        s["cost"].setText(f"Cost {values['cost_train']} / {values['cost_test']}")
        s["accuracy"].setText(f"Accuracy {values['accuracy_train']} / {values['accuracy_test']}")
        self._speed_text = f"{frame.steps_per_second:,.0f} steps/s"
        s["speed"].setText(self._speed_text)  # a frame: the worker came round
        if s["speed"].toolTip() == BUSY_TIP:
            s["speed"].setToolTip(SPEED_TIP)
