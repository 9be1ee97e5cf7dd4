"""The example view shows one point's forward and backward pass."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from backprop_gui.core import MLP
from backprop_gui.gui.panels.example import ExampleView
from backprop_gui.gui.panels.heat import fmt
from backprop_gui.session import NetworkSpec

from ..driving import shown
from .handworked import X, by_hand, tiny
from .reference import InspectFrame, example_pass


@pytest.fixture
def view(qtbot):
    return shown(qtbot, ExampleView(), 600, 500)


def text(view, key: str) -> str:
    return view.rows[key].text()


def test_the_hand_worked_example(view):
    hand = by_hand()  # one example x = 2, y = 1 through the 1-1-1 sigmoid network
    view.set_example(example_pass(tiny(), np.array([X]), 1, m=40), ("sigmoid",), ("x1",))
    assert text(view, "x") == "x = A<sup>[0]</sup> = [x₁ = 2]ᵀ"
    assert text(view, "Z1").endswith(f"= {fmt(hand['Z1'])}")
    assert text(view, "A1") == f"A<sup>[1]</sup> = σ(Z<sup>[1]</sup>) = {fmt(hand['A1'])}"
    assert f"= <b>{fmt(hand['A2'])}</b> &nbsp; against y = <b>1</b>" in text(view, "A2")
    assert text(view, "loss").endswith(f"= <b>{fmt(hand['J'])}</b>")
    assert text(view, "dZ2") == f"dZ<sup>[2]</sup> = Ŷ − y = {fmt(hand['dZ2'])}"
    assert text(view, "dZ1").endswith(f"σ′(Z<sup>[1]</sup>) = {fmt(hand['dZ1'])}")
    assert "its part of dW<sup>[1]</sup>: (1/m)·dZ<sup>[1]</sup>·A<sup>[0]</sup>ᵀ (1/40; 1×1)" in (
        text(view, "dW1")
    )
    assert view.matrices["dW1"].cell_text(0, 0) == fmt(hand["dW1"] / 40)
    assert view.matrices["dW2"].cell_text(0, 0) == fmt(hand["dW2"] / 40)
    assert text(view, "db2").endswith(f"= {fmt(hand['db2'] / 40)}")


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
    assert "Z3" not in view.rows and "(1/m, m = 1; 1×1)" in text(view, "dW1")


def core_like(view_pass, point):
    """The same pass laid out as core.inspect's ExamplePass (dicts by name)."""
    L = len(view_pass.A) - 1
    col = lambda v: np.asarray(v, dtype=float).reshape(-1, 1)  # noqa: E731
    forward = {"A0": col(view_pass.A[0])}
    backward = {}
    for l in range(1, L + 1):
        forward[f"Z{l}"], forward[f"A{l}"] = col(view_pass.Z[l]), col(view_pass.A[l])
        backward[f"dZ{l}"] = col(view_pass.dZ[l])
        backward[f"dW{l}"], backward[f"db{l}"] = view_pass.dW[l], col(view_pass.db[l])
    return SimpleNamespace(
        point=np.asarray(point, float),
        y=np.array([[1.0]]),
        m=view_pass.m,
        loss=view_pass.loss,
        penalty=0.0,
        forward=forward,
        backward=backward,
        penalty_gradients={},
    )


def test_core_inspects_example_pass_shows_the_same(view):
    mine = example_pass(tiny(), np.array([X]), 1, m=5)
    view.set_example(mine, ("sigmoid",), ("x1",))
    expected = {key: label.text() for key, label in view.rows.items()}
    view.set_example(core_like(mine, [X]), ("sigmoid",), ("x1",))
    assert {key: label.text() for key, label in view.rows.items()} == expected


def test_frames_carry_the_example_to_the_view(view):
    spec = NetworkSpec(hidden=(3,), activation="relu", seed=2)
    net = spec.build()
    point = np.array([0.5, -1.0])
    mine = example_pass(net, point, 1, m=7)
    frame = InspectFrame(spec=spec, theta=net.theta.copy(), example=core_like(mine, point))
    view.show(frame)  # of no point the inspector follows: not shown
    assert view.example is None
    view.follow(point, test_point=False)
    view.show(frame)
    assert view.title.text() == "The point at (0.5, −1)"
    assert "relu(Z<sup>[1]</sup>)" in text(view, "A1")
    np.testing.assert_array_equal(view.matrices["dW1"].values, mine.dW[1])
    view.rows["loss"].setText("")
    view.show(frame)  # the same example again: nothing to redo
    assert text(view, "loss") == ""


def test_three_classes_read_as_softmax_and_categorical_cross_entropy(view):
    # The point's pass said σ and the binary loss for a softmax network.
    net = MLP([2, 4, 3], "tanh", seed=2)
    x = np.array([0.4, -0.9])
    example = example_pass(net, x, 2)
    view.set_example(example, net.activation_names, ("x1", "x2"))
    assert text(view, "A2").startswith("Ŷ = A<sup>[2]</sup> = softmax(Z<sup>[2]</sup>)")
    loss = text(view, "loss")
    assert loss.startswith("loss = −Σ<sub>k</sub> y<sub>k</sub>·log ŷ<sub>k</sub>")
    # Its value: −log of the softmax probability of class 2, from MLP.forward.
    p = net.forward(x.reshape(2, 1)).A[-1][:, 0]
    assert loss.endswith(f"= <b>{fmt(-np.log(p[2]))}</b>")
