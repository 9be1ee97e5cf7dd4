"""The step-through walks one step of a hand-worked network, and leaving it
gives θ after exactly that step."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from backprop_gui.core import MLP, TrainConfig, Trainer
from backprop_gui.gui.panels.heat import fmt
from backprop_gui.gui.step_through import Stage, StepThrough, describe, stages, step_numbers

from ..driving import shown
from .handworked import ALPHA, B1, B2, W1, W2, X, by_hand, tiny


def test_stages_run_forward_then_backward_then_the_update():
    titles = [s.title for s in stages(2)]
    assert titles == [
        "Z[1]",
        "A[1]",
        "Z[2]",
        "A[2]",
        "J",
        "dZ[2]",
        "dW[2]",
        "db[2]",
        "dZ[1]",
        "dW[1]",
        "db[1]",
        "update θ",
    ]


def test_stage_values_are_the_hand_worked_ones():
    numbers = step_numbers(tiny(), np.array([[X]]), np.array([1]), ALPHA)
    hand = by_hand()
    for stage in stages(2):
        if stage.kind == "update":
            continue
        value = numbers.value(stage)
        assert float(np.asarray(value).ravel()[0]) == pytest.approx(
            hand[stage.title.replace("[", "").replace("]", "")], rel=1e-12
        )
    theta = numbers.theta_after
    net = tiny()
    net.theta[:] = theta
    assert net.params["W1"][0, 0] == pytest.approx(W1 - ALPHA * hand["dW1"], rel=1e-12)
    assert net.params["b1"][0, 0] == pytest.approx(B1 - ALPHA * hand["db1"], rel=1e-12)
    assert net.params["W2"][0, 0] == pytest.approx(W2 - ALPHA * hand["dW2"], rel=1e-12)
    assert net.params["b2"][0, 0] == pytest.approx(B2 - ALPHA * hand["db2"], rel=1e-12)


def test_the_step_is_the_trainers_step():
    # The trainer runs a packed copy of the same maths, so agreement is to
    # rounding, not bit for bit; the step itself is MLP.backward's, exactly.
    rng = np.random.default_rng(3)
    net = MLP([2, 4, 3, 1], "tanh", seed=3)
    X, y = rng.normal(size=(2, 30)), rng.integers(0, 2, 30)
    numbers = step_numbers(net, X, y, 0.1, l2=0.01)
    trainer = Trainer(net.copy(), X, y, TrainConfig(learning_rate=0.1, l2=0.01))
    trainer.run(1)
    np.testing.assert_allclose(numbers.theta_after, trainer.net.theta, rtol=1e-12, atol=1e-15)
    exact = np.empty_like(net.theta)
    net.backward(net.forward(X), y, l2=0.01, out=exact)
    np.testing.assert_array_equal(numbers.theta_after, net.theta - 0.1 * exact)
    np.testing.assert_array_equal(numbers.theta_before, net.theta)  # the copy moved, not net


class Recorder:
    def __init__(self):
        self.layers, self.stages = [], []

    def highlight_layer(self, layer):
        self.layers.append(layer)

    def highlight(self, stage):
        self.stages.append(stage)


@pytest.fixture
def walk(qtbot):
    recorder = Recorder()
    bar = shown(qtbot, StepThrough(diagram=recorder, equations=recorder))
    bar.provider = lambda: (tiny(), np.array([[X]]), np.array([1]), ALPHA)
    return bar, recorder


def test_keys_walk_the_stages_and_escape_applies_the_step(walk, qtbot):
    bar, recorder = walk
    qtbot.mouseClick(bar.start_button, Qt.LeftButton)
    assert bar.stage == Stage("Z", 1)
    hand = by_hand()
    assert "Z<sup>[1]</sup> = W<sup>[1]</sup>·A<sup>[0]</sup> + b<sup>[1]</sup>" in bar.label.text()
    assert bar.matrix.cell_text(0, 0) == f"{hand['Z1']:.3g}"
    QTest.keyClick(bar, Qt.Key_Right)
    QTest.keyClick(bar, Qt.Key_Right)
    QTest.keyClick(bar, Qt.Key_Left)
    assert bar.stage == Stage("A", 1)
    assert bar.matrix.cell_text(0, 0) == f"{hand['A1']:.3g}"
    for _ in range(3):
        QTest.keyClick(bar, Qt.Key_Right)
    assert bar.stage == Stage("J", 2)
    assert f"= <b>{hand['J']:.3g}</b>" in bar.label.text()
    QTest.keyClick(bar, Qt.Key_Right)
    assert bar.stage == Stage("dZ", 2)
    assert bar.matrix.cell_text(0, 0) == f"{hand['dZ2']:.3g}".replace("-", "−")
    assert recorder.layers[-1] == 2 and recorder.stages[-1] == Stage("dZ", 2)
    for _ in range(20):  # past the end stays at the update
        QTest.keyClick(bar, Qt.Key_Right)
    assert bar.stage == Stage("update", 0)
    received = []
    bar.left.connect(received.append)
    QTest.keyClick(bar, Qt.Key_Escape)
    assert not bar.active and recorder.layers[-1] == -1 and recorder.stages[-1] is None
    net = tiny()
    net.theta[:] = received[0]
    assert net.params["W1"][0, 0] == pytest.approx(W1 - ALPHA * hand["dW1"], rel=1e-12)
    assert net.params["b2"][0, 0] == pytest.approx(B2 - ALPHA * hand["db2"], rel=1e-12)
    QTest.keyClick(bar, Qt.Key_Right)  # not walking: keys do nothing
    assert bar.stage is None and len(received) == 1


def test_leaving_early_still_applies_the_whole_step(walk, qtbot):
    bar, _ = walk
    qtbot.mouseClick(bar.start_button, Qt.LeftButton)
    QTest.keyClick(bar, Qt.Key_Right)
    theta = bar.leave()
    expected = step_numbers(tiny(), np.array([[X]]), np.array([1]), ALPHA).theta_after
    np.testing.assert_array_equal(theta, expected)


def test_arrow_keys_reach_the_walk_from_another_widget_of_the_window(qtbot):
    from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

    window = QWidget()
    qtbot.addWidget(window)
    other = QWidget()  # e.g. the canvas, which has the focus while training
    other.setFocusPolicy(Qt.StrongFocus)
    bar = StepThrough()
    layout = QVBoxLayout(window)
    layout.addWidget(other)
    layout.addWidget(bar)
    window.show()
    window.activateWindow()
    # Shortcuts act in the active window.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    bar.begin(tiny(), np.array([[X]]), np.array([1]), ALPHA)
    other.setFocus()
    QTest.keyClick(other, Qt.Key_Right)
    assert bar.stage == Stage("A", 1)
    QTest.keyClick(other, Qt.Key_Escape)
    assert not bar.active


def test_many_points_show_their_first_columns_with_numbers(qtbot):
    bar = StepThrough()
    qtbot.addWidget(bar)
    rng = np.random.default_rng(0)
    net = MLP([2, 3, 1], "tanh", seed=0)
    X, y = rng.normal(size=(2, 30)), rng.integers(0, 2, 30)
    bar.begin(net, X, y, 0.1)
    assert "(points 1–8 of 30 shown)" in bar.label.text() and bar.label.text().startswith("1/")
    np.testing.assert_array_equal(bar.matrix.values, net.forward(X).Z[1][:, :8])
    for _ in range(bar.stages.index(Stage("dW", 2))):
        bar.forward()
    np.testing.assert_array_equal(bar.matrix.values, bar.numbers.dW[2])  # a whole gradient


def test_the_equations_are_those_of_the_networks_output_and_cost():
    # Three classes have a softmax output and categorical cross-entropy: the
    # walk showed σ and the binary cost for them.
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2, 12))
    for sizes, labels, g, cost in (
        ([2, 4, 1], np.arange(12) % 2, "σ(Z", "log(1−ŷ)"),
        (
            [2, 4, 3],
            np.arange(12) % 3,
            "softmax(Z",
            "Σ<sub>k</sub> y<sub>k</sub>·log ŷ<sub>k</sub>",
        ),
    ):
        net = MLP(sizes, "tanh", seed=5)
        numbers = step_numbers(net, X, labels, 0.1, l1=0.01, l2=0.02)
        output = describe(Stage("A", 2), numbers, net.activation_names)
        assert output.startswith(f"A<sup>[2]</sup> = {g}")
        J = describe(Stage("J", 2), numbers, net.activation_names)
        assert cost in J
        assert "(1−y)" not in J or sizes[-1] == 1
        # The value is J with both penalties, and the formula says so.
        assert " + 0.01·Σ|W| + (0.02/2)·Σ‖W‖² = " in J
        expected = net.cost(X, labels, 0.01, 0.02)
        assert expected == numbers.J
        assert J.endswith(f"<b>{fmt(expected)}</b>")


def test_the_buttons_stay_put_while_walking(qtbot):
    # The stage's text and value change height; the buttons moved up and down
    # by 11 px with them, and repeated clicks on → missed.
    bar = shown(qtbot, StepThrough(), 420, 220)
    rng = np.random.default_rng(2)
    net = MLP([2, 4, 3, 1], "tanh", seed=2)
    bar.begin(net, rng.normal(size=(2, 30)), rng.integers(0, 2, 30), 0.1)
    places = set()
    heights = set()
    for index in range(len(bar.stages)):
        bar.go(index)
        QApplication.processEvents()
        places.add((bar.next_button.y(), bar.back_button.y(), bar.leave_button.y()))
        heights.add(bar.label.height())
    assert len(heights) > 1  # the stages do differ in height
    assert len(places) == 1


def test_each_matrix_stage_gives_its_norm_and_its_rms():
    # The live equations give dZ's RMS; the walk gave only its norm, and the
    # two read as disagreeing numbers.
    rng = np.random.default_rng(4)
    net = MLP([2, 4, 1], "tanh", seed=4)
    X, y = rng.normal(size=(2, 40)), rng.integers(0, 2, 40)
    numbers = step_numbers(net, X, y, 0.1)
    for stage in (Stage("dZ", 2), Stage("dZ", 1), Stage("dW", 1), Stage("A", 1)):
        value = numbers.value(stage)
        text = describe(stage, numbers, net.activation_names)
        assert f"‖·‖ = <b>{fmt(np.sqrt(np.sum(value**2)))}</b>" in text
        assert f"rms = {fmt(np.sqrt(np.mean(value**2)))}" in text
