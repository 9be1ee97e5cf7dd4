"""The network panel: input features, hidden layers, each with its size and activation.

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
from .base import LEFT, ChoiceBox, Panel, form_layout

MIXED = "(per layer)"


def _fill(combo: QComboBox) -> None:
    """Every activation, each with its tooltip."""
    for name, activation in ACTIVATIONS.items():
        combo.addItem(name)
        if activation.tooltip:
            combo.setItemData(combo.count() - 1, activation.tooltip, Qt.ToolTipRole)


class NetworkPanel(Panel, QGroupBox):
    """Input features, hidden layers and activation: any change re-initialises."""

    area = LEFT
    dock_title = "Network"
    dock_group = "controls"

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

        # "+" and "−" sit in the header; the layers are a list below them, so
        # adding or removing one never moves the buttons.
        header = QHBoxLayout()
        header.addWidget(QLabel("Hidden layers"))
        header.addStretch(1)
        self.remove_layer = QToolButton(objectName="removeLayer", text="−")
        self.remove_layer.setToolTip("Remove the last hidden layer")
        self.add_layer = QToolButton(objectName="addLayer", text="+")
        self.add_layer.setToolTip(f"Add a hidden layer (at most {LIMITS.hidden_layers})")
        for button in (self.remove_layer, self.add_layer):
            button.setFixedSize(28, 24)
            header.addWidget(button)
        layout.addLayout(header)

        form = form_layout()
        self.activation = ChoiceBox(objectName="activation")
        _fill(self.activation)
        self.activation.setToolTip(
            "Activation g(z) of every hidden layer (the quick path); each layer "
            "can have its own below. The output is σ for two classes, softmax for more."
        )
        form.addRow("Same for all", self.activation)
        layout.addLayout(form)

        # One row per layer: its number, its size, its activation.
        self.layers_box = QGridLayout()
        self.layers_box.setHorizontalSpacing(6)
        self.layers_box.setVerticalSpacing(3)
        self.layers_box.setColumnStretch(1, 1)
        self.layers_box.setColumnStretch(2, 1)
        layout.addLayout(self.layers_box)
        layout.addStretch(1)  # spare height below the list: nothing above it moves
        self.layer_spins: list[QSpinBox] = []
        self.layer_activations: list[QComboBox] = []
        self._layer_labels: list[QLabel] = []

        self.add_layer.clicked.connect(lambda: self.set_hidden([*self.hidden(), 4]))
        self.remove_layer.clicked.connect(lambda: self.set_hidden(self.hidden()[:-1]))
        self.activation.currentTextChanged.connect(self._all_layers)
        self.set_hidden((8, 8), announce=False)

    def hidden(self) -> tuple[int, ...]:
        return tuple(spin.value() for spin in self.layer_spins)

    def activations(self) -> tuple[str, ...]:
        """One activation per hidden layer."""
        return tuple(combo.currentText() for combo in self.layer_activations)

    def set_hidden(self, sizes, announce: bool = True) -> None:
        sizes = tuple(sizes)[: LIMITS.hidden_layers]
        while len(self.layer_spins) > len(sizes):
            for widget in (
                self.layer_spins.pop(),
                self.layer_activations.pop(),
                self._layer_labels.pop(),
            ):
                self.layers_box.removeWidget(widget)
                widget.deleteLater()
        while len(self.layer_spins) < len(sizes):
            k = len(self.layer_spins) + 1
            label = QLabel(f"{k}")
            label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            spin = QSpinBox(objectName=f"layerSize{k}", minimum=1, maximum=LIMITS.hidden_width)
            spin.setToolTip(f"Neurons in hidden layer {k} (1–{LIMITS.hidden_width})")
            spin.valueChanged.connect(lambda _: self.changed.emit())
            combo = ChoiceBox(objectName=f"layerActivation{k}")
            _fill(combo)
            combo.setCurrentText(self.activation.currentText())  # a new layer: the common g
            combo.setToolTip(f"Activation g of hidden layer {k}")
            combo.currentIndexChanged.connect(lambda _: self._layer_activation_changed())
            self.layer_spins.append(spin)
            self.layer_activations.append(combo)
            self._layer_labels.append(label)
            for column, widget in enumerate((label, spin, combo)):
                self.layers_box.addWidget(widget, k - 1, column)
        for spin, size in zip(self.layer_spins, sizes, strict=True):
            spin.blockSignals(True)
            spin.setValue(int(size))
            spin.blockSignals(False)
        self.add_layer.setEnabled(len(sizes) < LIMITS.hidden_layers)
        self.remove_layer.setEnabled(len(sizes) > 0)
        self._show_common()
        if announce:
            self.changed.emit()

    def set_activations(self, names, announce: bool = True) -> None:
        """Give hidden layer k the activation ``names[k-1]``."""
        for combo, name in zip(self.layer_activations, names, strict=True):
            combo.blockSignals(True)
            combo.setCurrentText(name)
            combo.blockSignals(False)
        self._show_common()
        if announce:
            self.changed.emit()

    def _all_layers(self, name: str) -> None:
        """The quick path: every layer takes ``name``."""
        if name in ACTIVATIONS:
            self.set_activations([name] * len(self.layer_activations))

    def _layer_activation_changed(self) -> None:
        self._show_common()
        self.changed.emit()

    def _show_common(self) -> None:
        """The common combo shows the layers' activation, or "mixed"."""
        names = set(self.activations())
        mixed = self.activation.findText(MIXED)
        self.activation.blockSignals(True)
        if len(names) > 1:
            if mixed < 0:
                self.activation.addItem(MIXED)
                self.activation.setItemData(
                    self.activation.count() - 1,
                    "The layers differ; choose one to give it to every layer",
                    Qt.ToolTipRole,
                )
            self.activation.setCurrentText(MIXED)
        else:
            if names:
                self.activation.setCurrentText(names.pop())
            if mixed >= 0:
                self.activation.removeItem(mixed)
        self.activation.blockSignals(False)

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
        hidden = self.hidden()
        activation = self.activations() if hidden else self.activation.currentText()
        return NetworkSpec(hidden, activation, features, seed)

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
        if not spec.hidden and isinstance(spec.activation, str):
            self.activation.setCurrentText(spec.activation)
        self.set_activations(spec.activations, announce=False)
        self.blockSignals(False)

    def state(self) -> dict:
        spec = self.spec(0)
        return {
            "hidden": list(spec.hidden),
            "activation": list(spec.activations) if spec.hidden else spec.activation,
            "features": list(spec.features),
        }

    def restore(self, state: dict) -> None:
        hidden = [int(n) for n in state.get("hidden", [8, 8]) if 1 <= int(n) <= LIMITS.hidden_width]
        features = [f for f in state.get("features", ["x1", "x2"]) if f in FEATURES] or ["x1", "x2"]
        hidden = tuple(hidden[: LIMITS.hidden_layers])
        activation = state.get("activation", "tanh")
        # One name (older settings) or one per layer; an unknown one is tanh.
        names = [activation] * len(hidden) if isinstance(activation, str) else list(activation)
        names = [n if n in ACTIVATIONS else "tanh" for n in names][: len(hidden)]
        names += ["tanh"] * (len(hidden) - len(names))
        self.set_spec(NetworkSpec(hidden, tuple(names) if hidden else "tanh", tuple(features)))
