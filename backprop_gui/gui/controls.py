"""The side panel: data, network and training controls.

Panels only describe what the user chose (``state()``, ``spec()``,
``config()``) and announce changes through signals; the main window decides
what a change means for the worker. Every control has an objectName and a
tooltip.
"""

from __future__ import annotations

import contextlib
import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core import ACTIVATIONS, DATASETS, FEATURE_LABELS, FEATURES, OPTIMIZERS
from ..session import NetworkSpec

LEARNING_RATES = (
    1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0,
)  # fmt: skip
REGULARIZATION_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
MAX_LAYERS, MAX_NEURONS = 8, 256
ACTIVATION_TIPS = {
    "tanh": "tanh(z): smooth, zero-centred, the classic choice",
    "sigmoid": "σ(z) = 1/(1+e^−z): smooth but saturates; learns slowly when deep",
    "relu": "max(0, z): fast, piecewise-linear boundaries",
    "leaky_relu": "max(0.01z, z): like relu but never fully dead",
    "linear": "z: no non-linearity, so the whole network is linear",
}


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return form


class DataPanel(QGroupBox):
    preset_requested = Signal(str, int, float)
    test_ratio_changed = Signal(float)
    show_test_changed = Signal(bool)
    brush_changed = Signal(float, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        form = _form()

        self.preset = QComboBox(objectName="presetCombo")
        self.preset.addItems(list(DATASETS))
        self.preset.setToolTip("Replace the points with a generated dataset (undoable)")
        self.regenerate = QPushButton("Regenerate", objectName="regenerateButton")
        self.regenerate.setToolTip("Generate the chosen preset again with new random points (G)")
        row = QHBoxLayout()
        row.addWidget(self.preset, 1)
        row.addWidget(self.regenerate)
        form.addRow("Preset", row)

        self.count = QSpinBox(objectName="pointCount", minimum=10, maximum=5000, value=200)
        self.count.setSingleStep(50)
        self.count.setToolTip("How many points a preset generates")
        form.addRow("Points", self.count)

        self.noise = QSlider(Qt.Horizontal, objectName="noiseSlider", minimum=0, maximum=100)
        self.noise.setValue(10)
        self.noise_label = QLabel()
        self.noise.setToolTip("How much the preset's classes overlap (0–100%)")
        row = QHBoxLayout()
        row.addWidget(self.noise, 1)
        row.addWidget(self.noise_label)
        form.addRow("Noise", row)

        self.test_ratio = QSlider(Qt.Horizontal, objectName="testRatio", minimum=0, maximum=90)
        self.test_ratio.setSingleStep(5)
        self.test_ratio.setPageStep(10)
        self.test_ratio.setValue(20)
        self.test_ratio.setToolTip(
            "Share of points held out as test data: not trained on, only evaluated"
        )
        self.test_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.test_ratio, 1)
        row.addWidget(self.test_label)
        form.addRow("Test share", row)

        self.show_test = QCheckBox("Show test data", objectName="showTest", checked=True)
        self.show_test.setToolTip("Draw the held-out test points as hollow circles (T)")
        form.addRow("", self.show_test)

        self.brush_radius = QDoubleSpinBox(objectName="brushRadius", minimum=0.1, maximum=3.0)
        self.brush_radius.setSingleStep(0.1)
        self.brush_radius.setValue(0.6)
        self.brush_radius.setToolTip("Radius of the brush and the eraser, in data units")
        self.brush_density = QSpinBox(objectName="brushDensity", minimum=1, maximum=30, value=4)
        self.brush_density.setToolTip("Points the brush sprays per dab")
        row = QHBoxLayout()
        row.addWidget(self.brush_radius)
        row.addWidget(QLabel("density"))
        row.addWidget(self.brush_density)
        form.addRow("Brush", row)

        self.counts = QLabel(objectName="classCounts")
        self.counts.setTextFormat(Qt.RichText)
        self.counts.setToolTip("Points of each class, and how many are held out for testing")
        form.addRow("Points now", self.counts)
        self.setLayout(form)

        self.preset.activated.connect(lambda _: self._request())
        self.regenerate.clicked.connect(self._request)
        self.noise.valueChanged.connect(self._update_labels)
        self.test_ratio.valueChanged.connect(self._update_labels)
        self.test_ratio.valueChanged.connect(lambda v: self.test_ratio_changed.emit(v / 100))
        self.show_test.toggled.connect(self.show_test_changed)
        self.brush_radius.valueChanged.connect(self._brush)
        self.brush_density.valueChanged.connect(self._brush)
        self._update_labels()

    def _request(self) -> None:
        self.preset_requested.emit(
            self.preset.currentText(), self.count.value(), self.noise.value() / 100
        )

    def _brush(self) -> None:
        self.brush_changed.emit(self.brush_radius.value(), self.brush_density.value())

    def _update_labels(self) -> None:
        self.noise_label.setText(f"{self.noise.value():3d}%")
        self.test_label.setText(f"{self.test_ratio.value():3d}%")

    def show_counts(self, counts: tuple[int, int], n_test: int) -> None:
        orange, blue = counts
        self.counts.setText(
            f"<span style='color:#B87F00'>■</span> {orange} &nbsp; "
            f"<span style='color:#0072B2'>■</span> {blue} &nbsp; ({n_test} test)"
        )

    def state(self) -> dict:
        return {
            "preset": self.preset.currentText(),
            "count": self.count.value(),
            "noise": self.noise.value(),
            "test_ratio": self.test_ratio.value(),
            "show_test": self.show_test.isChecked(),
            "brush_radius": self.brush_radius.value(),
            "brush_density": self.brush_density.value(),
        }

    def restore(self, state: dict) -> None:
        if state.get("preset") in DATASETS:
            self.preset.setCurrentText(state["preset"])
        self.count.setValue(int(state.get("count", self.count.value())))
        self.noise.setValue(int(state.get("noise", self.noise.value())))
        self.test_ratio.setValue(int(state.get("test_ratio", self.test_ratio.value())))
        self.show_test.setChecked(bool(state.get("show_test", True)))
        self.brush_radius.setValue(float(state.get("brush_radius", self.brush_radius.value())))
        self.brush_density.setValue(int(state.get("brush_density", self.brush_density.value())))


class NetworkPanel(QGroupBox):
    """Input features, hidden layers and activation: any change re-initialises."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Network", parent)
        layout = QVBoxLayout(self)

        self._setting_spec = False
        layout.addWidget(QLabel("Input features"))
        grid = QGridLayout()
        self.features: dict[str, QCheckBox] = {}
        for i, name in enumerate(FEATURES):
            box = QCheckBox(FEATURE_LABELS[name], objectName=f"feature_{name}")
            box.setChecked(name in ("x1", "x2"))
            box.setToolTip(f"Feed {FEATURE_LABELS[name]} to the first layer (no normalisation)")
            box.toggled.connect(self._feature_toggled)
            self.features[name] = box
            grid.addWidget(box, i // 4, i % 4)
        layout.addLayout(grid)

        header = QHBoxLayout()
        header.addWidget(QLabel("Hidden layers"))
        header.addStretch(1)
        self.remove_layer = QToolButton(objectName="removeLayer", text="−")
        self.remove_layer.setToolTip("Remove the last hidden layer")
        self.add_layer = QToolButton(objectName="addLayer", text="+")
        self.add_layer.setToolTip(f"Add a hidden layer (at most {MAX_LAYERS})")
        header.addWidget(self.remove_layer)
        header.addWidget(self.add_layer)
        layout.addLayout(header)
        self.layers_box = QHBoxLayout()
        self.layers_box.setSpacing(4)
        layout.addLayout(self.layers_box)
        self.layer_spins: list[QSpinBox] = []

        form = _form()
        self.activation = QComboBox(objectName="activation")
        for name in ACTIVATIONS:
            self.activation.addItem(name)
            self.activation.setItemData(
                self.activation.count() - 1, ACTIVATION_TIPS[name], Qt.ToolTipRole
            )
        self.activation.setToolTip("Activation g(z) of every hidden layer; the output is σ")
        form.addRow("Activation", self.activation)
        layout.addLayout(form)

        self.add_layer.clicked.connect(lambda: self.set_hidden([*self.hidden(), 4]))
        self.remove_layer.clicked.connect(lambda: self.set_hidden(self.hidden()[:-1]))
        self.activation.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.set_hidden((8, 8), announce=False)

    def hidden(self) -> tuple[int, ...]:
        return tuple(spin.value() for spin in self.layer_spins)

    def set_hidden(self, sizes, announce: bool = True) -> None:
        sizes = tuple(sizes)[:MAX_LAYERS]
        while len(self.layer_spins) > len(sizes):
            spin = self.layer_spins.pop()
            self.layers_box.removeWidget(spin)
            spin.deleteLater()
        while len(self.layer_spins) < len(sizes):
            k = len(self.layer_spins) + 1
            spin = QSpinBox(objectName=f"layerSize{k}", minimum=1, maximum=MAX_NEURONS)
            spin.setToolTip(f"Neurons in hidden layer {k} (1–{MAX_NEURONS})")
            spin.valueChanged.connect(lambda _: self.changed.emit())
            self.layer_spins.append(spin)
            self.layers_box.addWidget(spin)
        for spin, size in zip(self.layer_spins, sizes, strict=True):
            spin.blockSignals(True)
            spin.setValue(int(size))
            spin.blockSignals(False)
        self.add_layer.setEnabled(len(sizes) < MAX_LAYERS)
        self.remove_layer.setEnabled(len(sizes) > 0)
        if announce:
            self.changed.emit()

    def _feature_toggled(self, checked: bool) -> None:
        if self._setting_spec:
            return
        if not checked and not any(box.isChecked() for box in self.features.values()):
            # At least one input is needed; put the tick back.
            self.sender().setChecked(True)
            return
        self.changed.emit()

    def spec(self, seed: int) -> NetworkSpec:
        features = tuple(name for name, box in self.features.items() if box.isChecked())
        return NetworkSpec(self.hidden(), self.activation.currentText(), features, seed)

    def set_spec(self, spec: NetworkSpec) -> None:
        self.blockSignals(True)
        # Boxes change one at a time; the "keep one input" guard must not
        # fight a change that ends with other inputs ticked.
        self._setting_spec = True
        try:
            for name, box in self.features.items():
                box.setChecked(name in spec.features)
        finally:
            self._setting_spec = False
        self.set_hidden(spec.hidden, announce=False)
        self.activation.setCurrentText(spec.activation)
        self.blockSignals(False)

    def state(self) -> dict:
        spec = self.spec(0)
        return {
            "hidden": list(spec.hidden),
            "activation": spec.activation,
            "features": list(spec.features),
        }

    def restore(self, state: dict) -> None:
        hidden = [int(n) for n in state.get("hidden", [8, 8]) if 1 <= int(n) <= MAX_NEURONS]
        features = [f for f in state.get("features", ["x1", "x2"]) if f in FEATURES] or ["x1", "x2"]
        activation = state.get("activation", "tanh")
        if activation not in ACTIVATIONS:
            activation = "tanh"
        self.set_spec(NetworkSpec(tuple(hidden[:MAX_LAYERS]), activation, tuple(features)))


class TrainingPanel(QGroupBox):
    """Learning rate, optimizer, batch size, regularisation: applied live."""

    config_changed = Signal(dict)
    seed_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Training", parent)
        form = _form()

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

        self.optimizer = QComboBox(objectName="optimizer")
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

        self.regularization = QComboBox(objectName="regularization")
        self.regularization.addItems(["none", "L1", "L2"])
        self.regularization.setToolTip(
            "Adds λ·Σ|W| (L1) or (λ/2)·Σ‖W‖² (L2) to the cost; biases are not regularised"
        )
        self.reg_rate = QComboBox(objectName="regularizationRate")
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
        kind = self.regularization.currentText()
        rate = float(self.reg_rate.currentText())
        return {
            "learning_rate": self.learning_rate_value(),
            "optimizer": self.optimizer.currentText(),
            "batch_size": self.batch_size.value() or None,
            "l1": rate if kind == "L1" else 0.0,
            "l2": rate if kind == "L2" else 0.0,
        }

    def state(self) -> dict:
        return {
            "learning_rate": self.learning_rate_value(),
            "optimizer": self.optimizer.currentText(),
            "batch_size": self.batch_size.value(),
            "regularization": self.regularization.currentText(),
            "reg_rate": self.reg_rate.currentText(),
            "seed": self.seed.value(),
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
        self.blockSignals(False)
        self._update_labels()
