"""The network panel: its limits are session.LIMITS, its activations the core's."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from backprop_gui.core import ACTIVATIONS
from backprop_gui.core.activations import Activation
from backprop_gui.gui.panels import NetworkPanel
from backprop_gui.gui.panels.maths import equations_html
from backprop_gui.session import LIMITS, NetworkSpec


def swish() -> Activation:
    def forward(Z, out):
        return np.multiply(Z, 1 / (1 + np.exp(-Z)), out=out)

    def backward(dA, Z, A):
        s = 1 / (1 + np.exp(-Z))
        dA *= s + Z * s * (1 - s)
        return dA

    return Activation("swish", "z·σ(z)", forward, backward, 1.0, "swish", "z·σ(z): smooth relu")


def test_layers_and_widths_stop_at_the_shared_limits(qtbot):
    panel = NetworkPanel()
    qtbot.addWidget(panel)
    panel.set_hidden([4] * (LIMITS.hidden_layers + 3))
    assert len(panel.hidden()) == LIMITS.hidden_layers
    assert not panel.add_layer.isEnabled()
    assert panel.layer_spins[0].maximum() == LIMITS.hidden_width
    panel.restore({"hidden": [LIMITS.hidden_width + 1, 3]})
    assert panel.hidden() == (3,)


def test_each_activation_shows_its_own_tooltip(qtbot):
    panel = NetworkPanel()
    qtbot.addWidget(panel)
    combo = panel.activation
    assert [combo.itemText(i) for i in range(combo.count())] == list(ACTIVATIONS)
    for i, activation in enumerate(ACTIVATIONS.values()):
        assert combo.itemData(i, Qt.ToolTipRole) == activation.tooltip


def test_a_new_activation_is_one_entry_in_the_core(qtbot, monkeypatch):
    monkeypatch.setitem(ACTIVATIONS, "swish", swish())
    panel = NetworkPanel()
    qtbot.addWidget(panel)
    i = panel.activation.findText("swish")
    assert i >= 0 and panel.activation.itemData(i, Qt.ToolTipRole) == "z·σ(z): smooth relu"
    html = equations_html(NetworkSpec((3,), "swish"))
    assert "swish(Z<sup>[1]</sup>)" in html


def test_an_unknown_activation_never_raises_in_the_equations():
    # A name from a newer settings file, say: the equations write the name.
    html = equations_html(NetworkSpec((3, 3), "mish"))
    assert "mish(Z<sup>[1]</sup>)" in html and "mish′(Z" in html


def test_the_equations_write_each_activations_symbol():
    for name, activation in ACTIVATIONS.items():
        html = equations_html(NetworkSpec((3,), name))
        assert f"A<sup>[1]</sup> = {activation.symbol}(Z<sup>[1]</sup>)" in html


def test_each_hidden_layer_has_its_own_activation_and_same_for_all_is_the_quick_path(qtbot):
    panel = NetworkPanel()
    qtbot.addWidget(panel)
    panel.set_hidden((4, 4, 4))
    assert panel.spec(0).activation == "tanh"
    panel.findChild(QComboBox, "layerActivation2").setCurrentText("relu")
    assert panel.spec(0).activation == ("tanh", "relu", "tanh")
    assert panel.activation.currentText() == "(per layer)"
    panel.activation.setCurrentText("sigmoid")  # every layer at once
    assert panel.activations() == ("sigmoid",) * 3 and panel.spec(0).activation == "sigmoid"
    assert panel.activation.findText("(per layer)") < 0
    # A new layer takes the common activation; the settings keep each layer's.
    panel.set_hidden((4, 4, 4, 2))
    assert panel.activations() == ("sigmoid",) * 4
    panel.set_activations(("relu", "tanh", "relu", "linear"))
    other = NetworkPanel()
    qtbot.addWidget(other)
    other.restore(panel.state())
    assert other.spec(0) == panel.spec(0)
    other.restore({"hidden": [3, 3], "activation": "relu"})  # older settings: one name
    assert other.activations() == ("relu", "relu")


def test_a_weights_file_with_mixed_activations_is_imported(qtbot, window, tmp_path):
    from backprop_gui.core import MLP, save_weights

    net = MLP([2, 5, 3, 1], ["relu", "tanh"], seed=3, features=("x1", "x2"))
    save_weights(net, tmp_path / "mixed.npz")
    window.import_weights(tmp_path / "mixed.npz")
    assert window.network_panel.activations() == ("relu", "tanh")
    qtbot.waitUntil(
        lambda: (
            window.snapshot.spec.activation == ("relu", "tanh")
            and (window.snapshot.theta == net.theta).all()
        ),
        timeout=10_000,
    )
    assert window.current_network().activation_names == ("relu", "tanh")
    assert "relu′(Z<sup>[1]</sup>)" in window.maths_label.text()
