"""The gradient-check button: green on a correct backward, red where it is broken."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QScrollArea, QVBoxLayout, QWidget

from backprop_gui.core import (
    MLP,
    TrainConfig,
    Trainer,
    check_gradients,
    make_dataset,
    numeric_gradient,
    transform,
)
from backprop_gui.core import activations as act
from backprop_gui.gui.panels.gradcheck import (
    BAD,
    FULL_CHECK,
    GOOD,
    GradcheckButton,
    layer_errors,
    numeric_estimates,
)

from ..driving import shown


def broken_tanh(net: MLP) -> MLP:
    # tanh′ doubled, in place as backward works (as tests/core/test_gradcheck.py).
    broken = dataclasses.replace(
        act.ACTIVATIONS["tanh"],
        backward=lambda dA, Z, A: np.multiply(act._tanh_backward(dA, Z, A), 2.0, out=dA),
    )
    net.activations = tuple(broken if a.name == "tanh" else a for a in net.activations)
    return net


def data(n_x=2, m=12, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1.5, (n_x, m)), rng.integers(0, 2, m)


def test_errors_per_layer_are_the_cores_check_or_closer():
    net = MLP([2, 4, 3, 1], ["tanh", "relu"], seed=1)
    X, y = data()
    errors = layer_errors(net, X, y, l2=0.01)
    central, _ = numeric_estimates(net, X, y, 0.0, 0.01, None)
    np.testing.assert_array_equal(central, numeric_gradient(net, X, y, l2=0.01, eps=1e-6))
    reference = check_gradients(net, X, y, l2=0.01).per_parameter
    for e in errors:
        # The closer estimate: never worse than the core's own check on the layer.
        assert e.both <= max(reference[f"dW{e.layer}"], reference[f"db{e.layer}"])
        assert e.passed and e.both <= 1e-7 and not e.sampled


def test_a_trained_network_passes_where_plain_central_differences_do_not():
    # Trained to J ≈ 2.5e-4, its gradients are ~1e-7: the loss's rounding over
    # 2ε = 2e-6 alone gives a relative error of ~4e-7 with backprop right.
    net = MLP([2, 8, 8, 1], "tanh", seed=0)
    points, labels = make_dataset("circle", 200, seed=1)
    X = transform(points)
    Trainer(net, X, labels, TrainConfig(learning_rate=0.01, optimizer="adam")).run(1200)
    assert check_gradients(net, X, labels).per_parameter["dW1"] > 1e-7  # the core's check
    errors = layer_errors(net, X, labels)
    assert all(e.passed for e in errors), errors
    assert not layer_errors(broken_tanh(net), X, labels)[0].passed


@pytest.fixture
def panel(qtbot):
    return shown(qtbot, GradcheckButton())


def click_and_wait(qtbot, panel):
    with qtbot.waitSignal(panel.finished, timeout=60_000) as blocker:
        qtbot.mouseClick(panel.button, Qt.LeftButton)
    return blocker.args[0]


def colours(panel) -> list[list[str]]:
    return [
        [panel.table.item(r, c).background().color().name() for c in (1, 2, 3)]
        for r in range(panel.table.rowCount())
    ]


def test_a_correct_network_is_green(qtbot, panel):
    net = MLP([2, 5, 4, 1], "tanh", seed=0)
    X, y = data()
    panel.provider = lambda: (net, X, y, 0.0, 0.0)
    result = click_and_wait(qtbot, panel)
    assert [r.layer for r in result] == [1, 2, 3]
    assert colours(panel) == [[GOOD.name()] * 3] * 3
    assert panel.table.item(0, 3).text() == f"{result[0].both:.1e}"
    assert "agrees" in panel.status.text() and panel.button.isEnabled()


def test_a_broken_backward_is_red_where_it_is_broken(qtbot, panel):
    net = broken_tanh(MLP([2, 4, 1], "tanh", seed=0))
    X, y = data(m=8)
    panel.provider = lambda: (net, X, y, 0.0, 0.0)
    result = click_and_wait(qtbot, panel)
    # tanh′ enters dZ[1] only: layer 1 is wrong, layer 2 still right.
    assert result[0].both > 1e-3 and not result[0].passed and result[1].passed
    assert colours(panel)[0] == [BAD.name()] * 3 and colours(panel)[1] == [GOOD.name()] * 3
    assert "layer(s) 1" in panel.status.text()


def test_big_networks_are_checked_on_a_sample(qtbot, panel):
    net = MLP([2, 64, 48, 1], "tanh", seed=0)
    assert net.theta.size > FULL_CHECK
    X, y = data(m=6)
    panel.check(net, X, y)
    qtbot.waitUntil(lambda: panel.results is not None, timeout=60_000)
    assert all(r.sampled and r.passed for r in panel.results)
    assert "sample" in panel.status.text()
    broken = layer_errors(broken_tanh(net), X, y)
    assert not broken[0].passed and not broken[1].passed and broken[2].passed


def test_nothing_to_check(panel, qtbot):
    net = MLP([2, 3, 1], "tanh", seed=0)
    X, y = data(m=8)
    panel.provider = lambda: (net, X, y, 0.0, 0.0)
    click_and_wait(qtbot, panel)
    assert panel.table.rowCount() == 2
    panel.provider = lambda: None
    qtbot.mouseClick(panel.button, Qt.LeftButton)
    assert "Nothing to check" in panel.status.text() and panel.button.isEnabled()
    # Not above the result of points that are gone.
    assert panel.table.rowCount() == 0 and panel.results is None


def test_before_any_check_the_panel_says_what_the_button_does(panel):
    # An empty table with no word was a dead end.
    assert panel.table.rowCount() == 0
    text = panel.status.text()
    assert "central differences" in text and "Check gradients" in text


def test_before_the_first_check_it_says_what_it_compares_and_to_what_tolerance():
    from backprop_gui.core import TOLERANCE
    from backprop_gui.gui.panels.gradcheck import IDLE_TEXT

    assert "dW[l]" in IDLE_TEXT and "central differences" in IDLE_TEXT
    said = re.search(r"agree to ([0-9.e+-]+)\.$", IDLE_TEXT)
    assert said and float(said.group(1)) == TOLERANCE  # the check's own


def active_window(qtbot, window: QWidget, panel: GradcheckButton) -> None:
    """``window`` shown and active (so that focus is real), and ``panel`` in it
    given a small network to check."""
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    net = MLP([2, 5, 4, 1], "tanh", seed=0)
    X, y = data()
    panel.provider = lambda: (net, X, y, 0.0, 0.0)


def test_checking_leaves_the_dock_where_it_was_and_the_focus_on_the_button(qtbot):
    # Disabled while it checks, the focused button passed its focus to the
    # table, and the dock's scroll area scrolled the button and verdict away.
    panel = GradcheckButton()
    panel.setMinimumHeight(500)  # taller than the dock: it scrolls
    dock = QScrollArea()
    dock.setWidget(panel)
    dock.setWidgetResizable(True)
    dock.resize(380, 200)
    active_window(qtbot, dock, panel)
    click_and_wait(qtbot, panel)
    assert dock.verticalScrollBar().value() == 0
    assert panel.button.hasFocus()


def test_focus_moved_elsewhere_during_a_check_stays_there(qtbot):
    holder = QWidget()
    layout = QVBoxLayout(holder)
    panel, field = GradcheckButton(), QLineEdit()
    layout.addWidget(panel)
    layout.addWidget(field)
    active_window(qtbot, holder, panel)
    panel.button.setFocus()
    with qtbot.waitSignal(panel.finished, timeout=60_000):
        panel.button.click()
        field.setFocus()  # the user goes on typing while it checks
    assert field.hasFocus()
