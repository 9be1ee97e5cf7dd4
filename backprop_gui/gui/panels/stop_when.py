"""The "Stop when" box of the training panel: optional stop conditions."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QGridLayout, QGroupBox, QSpinBox, QWidget

from ...session.stopping import StopConditions


class StopWhenBox(QGroupBox):
    """Three conditions, each a checkbox and its value; ``changed`` carries
    the ``StopConditions`` they make. Accuracy and cost are checked on the
    evaluations the read-outs show; the epochs exactly."""

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Stop when", parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        self.accuracy = QCheckBox("train accuracy ≥", objectName="stopAccuracy")
        self.accuracy.setToolTip(
            "Pause by itself when the accuracy on the training points reaches this"
        )
        self.accuracy_value = QDoubleSpinBox(objectName="stopAccuracyValue", suffix=" %")
        self.accuracy_value.setRange(1.0, 100.0)
        self.accuracy_value.setDecimals(1)
        self.accuracy_value.setValue(100.0)
        self.accuracy_value.setToolTip("The train accuracy to stop at")
        self.cost = QCheckBox("train cost <", objectName="stopCost")
        self.cost.setToolTip("Pause by itself when the cost J on the training points falls below")
        self.cost_value = QDoubleSpinBox(objectName="stopCostValue")
        self.cost_value.setRange(0.0001, 100.0)
        self.cost_value.setDecimals(4)
        self.cost_value.setSingleStep(0.01)
        self.cost_value.setValue(0.05)
        self.cost_value.setToolTip("The train cost J to stop below")
        self.epochs = QCheckBox("epochs =", objectName="stopEpochs")
        self.epochs.setToolTip("Pause by itself when the epoch count reaches this")
        self.epochs_value = QSpinBox(objectName="stopEpochsValue", minimum=1, maximum=10**9)
        self.epochs_value.setValue(1000)
        self.epochs_value.setSingleStep(100)
        self.epochs_value.setToolTip("The epoch count to stop at")
        rows = (
            (self.accuracy, self.accuracy_value),
            (self.cost, self.cost_value),
            (self.epochs, self.epochs_value),
        )
        for row, (box, value) in enumerate(rows):
            grid.addWidget(box, row, 0)
            grid.addWidget(value, row, 1)
            box.toggled.connect(self._changed)
            value.valueChanged.connect(self._changed)
        grid.setColumnStretch(1, 1)
        self.setToolTip(
            "Training pauses by itself when a checked condition becomes true; "
            "Train goes on from there (a condition met already waits until it is met again)"
        )

    def conditions(self) -> StopConditions:
        return StopConditions(
            accuracy=self.accuracy_value.value() / 100 if self.accuracy.isChecked() else None,
            cost=self.cost_value.value() if self.cost.isChecked() else None,
            epochs=self.epochs_value.value() if self.epochs.isChecked() else None,
        )

    def _changed(self) -> None:
        self.changed.emit(self.conditions())

    def state(self) -> dict:
        return {
            "accuracy": [self.accuracy.isChecked(), self.accuracy_value.value()],
            "cost": [self.cost.isChecked(), self.cost_value.value()],
            "epochs": [self.epochs.isChecked(), self.epochs_value.value()],
        }

    def restore(self, state: dict) -> None:
        pairs = (
            ("accuracy", self.accuracy, self.accuracy_value, float),
            ("cost", self.cost, self.cost_value, float),
            ("epochs", self.epochs, self.epochs_value, int),
        )
        for key, box, value, kind in pairs:
            with contextlib.suppress(TypeError, ValueError):
                on, number = state[key]
                value.setValue(kind(number))
                box.setChecked(bool(on))
