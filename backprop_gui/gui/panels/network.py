"""The network panel: input features, hidden layers and the activation.

Sizes are bounded by ``session.LIMITS`` (the table the command line and the
weights loader use too); each activation's menu tooltip is its
``Activation.tooltip``, so a new activation needs no change here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core import ACTIVATIONS, FEATURE_LABELS, FEATURES
from ...session import LIMITS, NetworkSpec
from .base import SIDE, Panel, form_layout


class NetworkPanel(Panel, QGroupBox):
    """Input features, hidden layers and activation: any change re-initialises."""

    area = SIDE

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
        self.add_layer.setToolTip(f"Add a hidden layer (at most {LIMITS.hidden_layers})")
        header.addWidget(self.remove_layer)
        header.addWidget(self.add_layer)
        layout.addLayout(header)
        self.layers_box = QHBoxLayout()
        self.layers_box.setSpacing(4)
        layout.addLayout(self.layers_box)
        self.layer_spins: list[QSpinBox] = []

        form = form_layout()
        self.activation = QComboBox(objectName="activation")
        for name, activation in ACTIVATIONS.items():
            self.activation.addItem(name)
            if activation.tooltip:
                self.activation.setItemData(
                    self.activation.count() - 1, activation.tooltip, Qt.ToolTipRole
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
        sizes = tuple(sizes)[: LIMITS.hidden_layers]
        while len(self.layer_spins) > len(sizes):
            spin = self.layer_spins.pop()
            self.layers_box.removeWidget(spin)
            spin.deleteLater()
        while len(self.layer_spins) < len(sizes):
            k = len(self.layer_spins) + 1
            spin = QSpinBox(objectName=f"layerSize{k}", minimum=1, maximum=LIMITS.hidden_width)
            spin.setToolTip(f"Neurons in hidden layer {k} (1–{LIMITS.hidden_width})")
            spin.valueChanged.connect(lambda _: self.changed.emit())
            self.layer_spins.append(spin)
            self.layers_box.addWidget(spin)
        for spin, size in zip(self.layer_spins, sizes, strict=True):
            spin.blockSignals(True)
            spin.setValue(int(size))
            spin.blockSignals(False)
        self.add_layer.setEnabled(len(sizes) < LIMITS.hidden_layers)
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
        hidden = [int(n) for n in state.get("hidden", [8, 8]) if 1 <= int(n) <= LIMITS.hidden_width]
        features = [f for f in state.get("features", ["x1", "x2"]) if f in FEATURES] or ["x1", "x2"]
        activation = state.get("activation", "tanh")
        if activation not in ACTIVATIONS:
            activation = "tanh"
        self.set_spec(
            NetworkSpec(tuple(hidden[: LIMITS.hidden_layers]), activation, tuple(features))
        )
