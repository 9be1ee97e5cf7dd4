"""The live equations show the network's own numbers, with shapes."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from backprop_gui.core import Evaluation, TrainConfig, transform
from backprop_gui.gui.panels.equations import LiveEquations, hat
from backprop_gui.gui.panels.heat import fmt
from backprop_gui.gui.step_through import Stage, stages
from backprop_gui.session import NetworkSpec

from ..driving import shown
from .reference import blobs, frame_for, gradients


@pytest.fixture
def panel(qtbot):
    return shown(qtbot, LiveEquations(min_interval=0.0), 600, 500)


def case(hidden=(3,)):
    spec = NetworkSpec(hidden=hidden, seed=4)
    net = spec.build()
    net.theta[net.n_weights :] = np.linspace(-0.4, 0.3, net.theta.size - net.n_weights)
    points, labels = blobs(24)
    return spec, net, points, labels


def test_numbers_are_the_networks_and_its_gradients(panel):
    spec, net, points, labels = case()
    panel.show(frame_for(spec, net, points, labels))
    grads = gradients(net, transform(points), labels)
    for l in (1, 2):
        forward = panel.rows[f"forward{l}"]
        W, b = net.params[f"W{l}"], net.params[f"b{l}"]
        assert f"‖W<sup>[{l}]</sup>‖ = {fmt(np.linalg.norm(W))}" in forward.label.text()
        assert f"b<sup>[{l}]</sup> = [{', '.join(fmt(x) for x in b.ravel())}]ᵀ" in (
            forward.label.text()
        )
        np.testing.assert_array_equal(forward.matrices[0].values, W)
        backward = panel.rows[f"backward{l}"]
        dW, db = grads[f"dW{l}"], grads[f"db{l}"]
        assert f"‖dW<sup>[{l}]</sup>‖ = {fmt(np.linalg.norm(dW))}" in backward.label.text()
        np.testing.assert_allclose(backward.matrices[0].values, dW, rtol=0, atol=0)
        np.testing.assert_allclose(backward.matrices[1].values, db, rtol=0, atol=0)
    # W[1] is 3×2: small enough for its numbers; they read as the weights.
    view = panel.rows["forward1"].matrices[0]
    assert view.shows_numbers()
    assert view.cell_text(2, 1) == fmt(net.params["W1"][2, 1])


def test_shapes_use_the_number_of_training_points(panel):
    spec, net, points, labels = case()
    panel.show(frame_for(spec, net, points, labels))
    text = panel.rows["forward1"].label.text()
    assert "(3×2)·(2×24) + (3×1)" in text and "X = [x₁, x₂]ᵀ" in text
    assert "(1×24)·(24×3)" in panel.rows["backward2"].label.text()
    assert "dZ<sup>[1]</sup> = W<sup>[2]</sup>ᵀ·dZ<sup>[2]</sup> ∗ tanh′(Z<sup>[1]</sup>)" in (
        panel.rows["dZ1"].label.text()
    )


def test_large_matrices_show_colour_not_numbers(panel):
    spec, net, points, labels = case(hidden=(8, 8))
    panel.show(frame_for(spec, net, points, labels))
    view = panel.rows["forward2"].matrices[0]
    assert not view.shows_numbers() and view.values.shape == (8, 8)
    # The most positive weight is bluer than the most negative one.
    W = net.params["W2"]
    (i, j), (k, n) = np.unravel_index(W.argmax(), W.shape), np.unravel_index(W.argmin(), W.shape)
    image = view.grab().toImage()
    side = view._cell()[0]
    top = image.pixelColor(int(1 + (j + 0.5) * side), int(1 + (i + 0.5) * side))
    low = image.pixelColor(int(1 + (n + 0.5) * side), int(1 + (k + 0.5) * side))
    assert top.blue() > top.red() and low.red() > low.blue()


def test_numbers_follow_the_frames_in_place(panel):
    spec, net, points, labels = case()
    panel.show(frame_for(spec, net, points, labels))
    row = panel.rows["forward1"]
    net.params["W1"][0, 0] = 1.25
    panel.show(frame_for(spec, net, points, labels, steps=2))
    assert panel.rows["forward1"] is row  # not rebuilt
    assert row.matrices[0].cell_text(0, 0) == "1.25"


def test_the_update_row_names_the_optimizer_with_hats(panel):
    spec, net, points, labels = case()
    frame = frame_for(spec, net, points, labels)
    panel.show(dataclasses.replace(frame, config=TrainConfig(learning_rate=0.01, optimizer="adam")))
    text = panel.rows["update"].label.text()
    assert f"θ&nbsp;:=&nbsp;θ − α·{hat('m')}/(√{hat('v')} + ε)" in text and "α = 0.01" in text
    assert "m\u0302" in text and "v\u0302" in text


def test_the_hat_is_drawn(qtbot):
    # A combining circumflex must put ink above the letter, not a box beside it.
    def ink(text: str) -> tuple[int, int]:
        label = QLabel(text)
        qtbot.addWidget(label)
        label.adjustSize()
        image = label.grab().toImage()
        dark = [
            (x, y)
            for y in range(image.height())
            for x in range(image.width())
            if QColor(image.pixel(x, y)).lightness() < 128
        ]
        return len(dark), min(y for _, y in dark), label.width()

    plain, hatted = ink(hat("m").replace("\u0302", "")), ink(hat("m"))
    assert hatted[0] > plain[0]  # more ink
    assert hatted[1] < plain[1]  # higher up: above the m
    assert hatted[2] <= plain[2] + 2  # not a separate glyph beside it


def test_highlight_marks_the_row_of_each_stage(panel):
    spec, net, points, labels = case(hidden=(3, 2))
    panel.show(frame_for(spec, net, points, labels))
    expected = {
        "Z": "forward",
        "A": "forward",
        "dW": "backward",
        "db": "backward",
        "dZ": "dZ",
    }
    for stage in stages(3):
        panel.highlight(stage)
        key = (
            "cost"
            if stage.kind == "J"
            else "update"
            if stage.kind == "update"
            else f"{expected[stage.kind]}{stage.layer}"
        )
        marked = [k for k, row in panel.rows.items() if row.property("current")]
        assert marked == [key]
    panel.highlight(None)
    assert not any(row.property("current") for row in panel.rows.values())
    panel.highlight(Stage("dW", 2))
    image = panel.rows["backward2"].grab().toImage()
    assert image.pixelColor(2, 2) == QColor("#FFF0B3")
    panel.highlight(Stage("dW", 1))
    assert panel.rows["backward2"].grab().toImage().pixelColor(2, 2) != QColor("#FFF0B3")


def test_frames_faster_than_readable_are_gathered(qtbot):
    panel = LiveEquations(min_interval=0.3)
    qtbot.addWidget(panel)
    spec, net, points, labels = case()
    panel.show(frame_for(spec, net, points, labels))  # a new network: shown at once
    assert panel.rows["forward1"].matrices[0].cell_text(0, 0) == fmt(net.params["W1"][0, 0])
    for value in (1.5, 2.5):  # two frames at once: only the last is shown, a little later
        net.params["W1"][0, 0] = value
        panel.show(frame_for(spec, net, points, labels))
    assert panel.rows["forward1"].matrices[0].cell_text(0, 0) != "2.5"
    qtbot.waitUntil(lambda: panel.rows["forward1"].matrices[0].cell_text(0, 0) == "2.5")


def test_negative_zero_reads_as_zero():
    assert fmt(-0.0) == "0" and fmt(-0.5) == "−0.5" and fmt(-2e-5) == "−2.00e−05"


def test_three_classes_read_as_softmax_and_categorical_cross_entropy(panel):
    # The live equations said σ and the binary cost beside a softmax diagram.
    spec = NetworkSpec(hidden=(3,), n_classes=3, seed=4)
    net = spec.build()
    points, _ = blobs(24)
    labels = np.arange(24) % 3
    config = dataclasses.replace(TrainConfig(), l1=0.001, l2=0.002)
    panel.show(frame_for(spec, net, points, labels, config=config))
    forward = panel.rows["forward2"].label.text()
    assert "A<sup>[2]</sup> = softmax(Z<sup>[2]</sup>) = Ŷ" in forward
    cost = panel.rows["cost"].label.text()
    assert cost.startswith("J = −(1/m)·Σ Σ<sub>k</sub> y<sub>k</sub>·log ŷ<sub>k</sub>")
    assert "(1−y)" not in cost
    assert " + 0.001·Σ|W| + (0.002/2)·Σ‖W‖²" in cost


def test_two_classes_read_as_sigmoid_and_binary_cross_entropy(panel):
    spec, net, points, labels = case()
    panel.show(frame_for(spec, net, points, labels))
    assert "A<sup>[2]</sup> = σ(Z<sup>[2]</sup>) = Ŷ" in panel.rows["forward2"].label.text()
    assert panel.rows["cost"].label.text().startswith("J = −(1/m)·Σ [y·log ŷ + (1−y)·log(1−ŷ)]")


def test_the_cost_is_the_networks_and_an_estimate_says_so(panel):
    spec, net, points, labels = case()
    J = net.cost(transform(points), labels)
    evaluation = Evaluation(1, 1, J, math.nan, 1.0, math.nan)
    panel.show(frame_for(spec, net, points, labels, evaluation=evaluation))
    assert panel.rows["cost"].label.text().endswith(f")] = <b>{fmt(J)}</b>")
    # Over 4,096 training points the evaluation is of a fixed sample of them
    # (as the read-outs' "≈"): the row says so, not "=" beside (1/m)·Σ.
    sampled = frame_for(spec, net, points, labels, evaluation=evaluation)
    panel.show(dataclasses.replace(sampled, n_train=10_000, estimated=True))
    text = panel.rows["cost"].label.text()
    assert f"≈ <b>{fmt(J)}</b>" in text and "(on 4,096 of the 10,000 points)" in text
    assert "= <b>" not in text


def test_with_mini_batches_it_says_its_m_is_every_training_point(panel):
    spec, net, points, labels = case()  # 24 points
    config = dataclasses.replace(TrainConfig(), batch_size=8)
    panel.show(frame_for(spec, net, points, labels, config=config))
    note = panel.batch_note
    assert note.isVisible() and note.text().startswith("m = 24, every training point")
    assert "mini-batch of 8" in note.text()
    assert "(2×24)" in panel.rows["forward1"].label.text()  # the shapes are over all 24
    full = dataclasses.replace(TrainConfig(), batch_size=32)  # bigger than the set: full
    panel.show(frame_for(spec, net, points, labels, config=full, steps=2))
    assert not panel.batch_note.isVisible()


def test_a_highlighted_row_wider_than_the_panel_is_not_scrolled_sideways(qtbot):
    # The walk scrolled to the right end of each wide row: "= W[1]·A[0] + b[1]"
    # without its "Z[1]", and the panel stayed so after the walk.
    narrow = shown(qtbot, LiveEquations(min_interval=0.0), 260, 300)
    spec, net, points, labels = case(hidden=(8, 8))
    narrow.show(frame_for(spec, net, points, labels))
    bar = narrow.scroll.horizontalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # wider than the panel: it could scroll
    for stage in stages(3):
        narrow.highlight(stage)
        assert bar.value() == 0, stage
