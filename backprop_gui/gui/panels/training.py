"""The training panel: learning rate, optimizer, batch size, regularisation,
seed and stop conditions, all applied live."""

from __future__ import annotations

import contextlib
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QSlider, QSpinBox, QWidget

from ...core import OPTIMIZERS, TrainConfig
from .base import LEFT, ChoiceBox, Panel, form_layout
from .stop_when import StopWhenBox

LEARNING_RATES = (
    1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0,
)  # fmt: skip
REGULARIZATION_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)


class TrainingPanel(Panel, QGroupBox):
    """Learning rate, optimizer, batch size, regularisation: applied live."""

    area = LEFT
    dock_title = "Training"
    dock_group = "controls"

    config_changed = Signal(dict)
    seed_changed = Signal(int)
    stop_changed = Signal(object)  # session.stopping.StopConditions

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Training", parent)
        form = form_layout()

        self.learning_rate = QSlider(Qt.Horizontal, objectName="learningRate")
        self.learning_rate.setRange(0, len(LEARNING_RATES) - 1)
        self.learning_rate.setValue(LEARNING_RATES.index(0.03))
        self.learning_rate.setPageStep(1)
        self.learning_rate.setTickPosition(QSlider.TicksBelow)
        self.learning_rate.setToolTip(
            "Learning rate α, on a log scale from 1e-5 to 10. Applies at once, even while training."
        )
        self.lr_label = QLabel(objectName="learningRateValue")
        self.lr_label.setMinimumWidth(48)
        row = QHBoxLayout()
        row.addWidget(self.learning_rate, 1)
        row.addWidget(self.lr_label)
        form.addRow("Learning rate α", row)

        self.optimizer = ChoiceBox(objectName="optimizer")
        self.optimizer.addItems(list(OPTIMIZERS))
        self.optimizer.setToolTip(
            "sgd: θ ← θ − α·dθ;  momentum: with a velocity (β = 0.9);  "
            "adam: adaptive per-parameter steps"
        )
        form.addRow("Optimizer", self.optimizer)

        self.batch_size = QSpinBox(objectName="batchSize", minimum=0, maximum=4096)
        self.batch_size.setSpecialValueText("full batch")
        self.batch_size.setSingleStep(10)
        self.batch_size.setToolTip(
            "Examples per step. Full batch: one step is one epoch. "
            "Smaller batches: several noisier steps per epoch."
        )
        form.addRow("Batch size", self.batch_size)

        self.regularization = ChoiceBox(objectName="regularization")
        self.regularization.addItems(["none", "L1", "L2"])
        self.regularization.setToolTip(
            "Adds λ·Σ|W| (L1) or (λ/2)·Σ‖W‖² (L2) to the cost; biases are not regularised"
        )
        self.reg_rate = ChoiceBox(objectName="regularizationRate")
        self.reg_rate.addItems([f"{r:g}" for r in REGULARIZATION_RATES])
        self.reg_rate.setCurrentText("0.001")
        self.reg_rate.setToolTip("Regularisation rate λ")
        row = QHBoxLayout()
        row.addWidget(self.regularization, 1)
        row.addWidget(QLabel("λ"))
        row.addWidget(self.reg_rate, 1)
        form.addRow("Regularisation", row)

        self.seed = QSpinBox(objectName="seed", minimum=0, maximum=2**31 - 1)
        self.seed.setToolTip("Seed of the initial weights: the same seed gives the same start")
        form.addRow("Seed", self.seed)
        self.stop_when = StopWhenBox()
        form.addRow(self.stop_when)
        self.stop_when.changed.connect(self.stop_changed)
        self.setLayout(form)

        self.learning_rate.valueChanged.connect(self._changed)
        self.optimizer.currentIndexChanged.connect(self._changed)
        self.batch_size.valueChanged.connect(self._changed)
        self.regularization.currentIndexChanged.connect(self._changed)
        self.reg_rate.currentIndexChanged.connect(self._changed)
        self.seed.valueChanged.connect(self.seed_changed)
        self._update_labels()

    def _update_labels(self) -> None:
        self.lr_label.setText(f"{self.learning_rate_value():g}")
        self.reg_rate.setEnabled(self.regularization.currentText() != "none")

    def _changed(self) -> None:
        self._update_labels()
        self.config_changed.emit(self.config())

    def learning_rate_value(self) -> float:
        return LEARNING_RATES[self.learning_rate.value()]

    def set_learning_rate(self, value: float) -> None:
        """Move the slider to the listed rate nearest to ``value`` (on a log scale)."""
        index = min(
            range(len(LEARNING_RATES)),
            key=lambda i: abs(math.log10(LEARNING_RATES[i]) - math.log10(value)),
        )
        self.learning_rate.setValue(index)

    def lower_learning_rate(self, at_most: float) -> float:
        """Move to the largest listed rate ≤ ``at_most`` (the smallest if none is),
        announcing the change like a user's; returns the new rate."""
        lower = [i for i, rate in enumerate(LEARNING_RATES) if rate <= at_most * (1 + 1e-9)]
        self.learning_rate.setValue(lower[-1] if lower else 0)
        return self.learning_rate_value()

    def config(self) -> dict:
        """The settings as ``TrainConfig`` fields, checked here by TrainConfig
        itself: a value the trainer would refuse fails in the window, where it
        was chosen, and not later in the trainer's process."""
        kind = self.regularization.currentText()
        rate = float(self.reg_rate.currentText())
        fields = {
            "learning_rate": self.learning_rate_value(),
            "optimizer": self.optimizer.currentText(),
            "batch_size": self.batch_size.value() or None,
            "l1": rate if kind == "L1" else 0.0,
            "l2": rate if kind == "L2" else 0.0,
        }
        TrainConfig(**fields)  # raises ValueError, naming the field
        return fields

    def state(self) -> dict:
        return {
            "learning_rate": self.learning_rate_value(),
            "optimizer": self.optimizer.currentText(),
            "batch_size": self.batch_size.value(),
            "regularization": self.regularization.currentText(),
            "reg_rate": self.reg_rate.currentText(),
            "seed": self.seed.value(),
            "stop_when": self.stop_when.state(),
        }

    def restore(self, state: dict) -> None:
        self.blockSignals(True)
        with contextlib.suppress(TypeError, ValueError):
            self.set_learning_rate(float(state.get("learning_rate", 0.03)))
        if state.get("optimizer") in OPTIMIZERS:
            self.optimizer.setCurrentText(state["optimizer"])
        self.batch_size.setValue(int(state.get("batch_size", 0)))
        if state.get("regularization") in ("none", "L1", "L2"):
            self.regularization.setCurrentText(state["regularization"])
        if self.reg_rate.findText(str(state.get("reg_rate"))) >= 0:
            self.reg_rate.setCurrentText(str(state["reg_rate"]))
        self.seed.setValue(int(state.get("seed", 0)))
        if isinstance(state.get("stop_when"), dict):
            self.stop_when.restore(state["stop_when"])
        self.blockSignals(False)
        self._update_labels()
