"""The example view shows one point's forward and backward pass."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_gui.core import MLP
from backprop_gui.gui.panels.example import ExampleView
from backprop_gui.gui.panels.heat import fmt

from .handworked import X, by_hand, tiny
from .reference import example_pass


@pytest.fixture
def view(qtbot):
    widget = ExampleView()
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def text(view, key: str) -> str:
    return view.rows[key].text()


def test_the_hand_worked_example(view):
    hand = by_hand()  # one example x = 2, y = 1 through the 1-1-1 sigmoid network
    view.set_example(example_pass(tiny(), np.array([X]), 1), ("sigmoid",), ("x1",), m=40)
    assert text(view, "x") == "x = A<sup>[0]</sup> = [x₁ = 2]ᵀ"
    assert text(view, "Z1").endswith(f"= {fmt(hand['Z1'])}")
    assert text(view, "A1") == f"A<sup>[1]</sup> = σ(Z<sup>[1]</sup>) = {fmt(hand['A1'])}"
    assert f"= <b>{fmt(hand['A2'])}</b> &nbsp; against y = <b>1</b>" in text(view, "A2")
    assert text(view, "loss").endswith(f"= <b>{fmt(hand['J'])}</b>")
    assert text(view, "dZ2") == f"dZ<sup>[2]</sup> = Ŷ − y = {fmt(hand['dZ2'])}"
    assert text(view, "dZ1").endswith(f"σ′(Z<sup>[1]</sup>) = {fmt(hand['dZ1'])}")
    assert "1/40 of it goes into the step's" in text(view, "dW1")
    assert view.matrices["dW1"].cell_text(0, 0) == fmt(hand["dW1"])
    assert view.matrices["dW2"].cell_text(0, 0) == fmt(hand["dW2"])
    assert text(view, "db2").endswith(f"= {fmt(hand['db2'])}")


def test_a_wider_network_against_forward_and_backward(view):
    net = MLP([2, 3, 12, 1], ["tanh", "relu"], seed=5)
    net.theta[net.n_weights :] = 0.1
    x = np.array([0.7, -1.3])
    view.set_example(example_pass(net, x, 0), net.activation_names, ("x1", "x2"))
    cache = net.forward(x.reshape(2, 1))
    Z1 = ", ".join(fmt(v) for v in cache.Z[1][:, 0])
    assert text(view, "Z1").endswith(f"= [{Z1}]ᵀ")
    A2 = ", ".join(fmt(v) for v in cache.A[2][:8, 0])
    assert text(view, "A2") == f"A<sup>[2]</sup> = relu(Z<sup>[2]</sup>) = [{A2}, … (+4)]ᵀ"
    grads = net.backward(cache, np.array([0]))
    np.testing.assert_array_equal(view.matrices["dW2"].values, grads["dW2"])
    assert not view.matrices["dW2"].shows_numbers()  # 12×3: colour
    assert f"‖·‖ = {fmt(np.linalg.norm(grads['dW2']))}" in text(view, "dW2")
    assert "tanh′(Z<sup>[1]</sup>)" in text(view, "dZ1")
    # The same view takes another network's pass: rows are rebuilt for its shape.
    view.set_example(example_pass(tiny(), np.array([X]), 1), ("sigmoid",), ("x1",))
    assert "Z3" not in view.rows and "1/m of it" in text(view, "dW1")
