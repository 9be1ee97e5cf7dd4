"""The inspector in the real window: clicks on the diagram's nodes, the
inspect tool on a point, the step-through with keys, the gradient-check
button and ``current_gradients``, each checked against ``MLP.forward`` /
``MLP.backward`` and ``core.inspect``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QPushButton

from backprop_gui.core import inspect as inspection
from backprop_gui.core import load_weights, save_weights, transform
from backprop_gui.core.optimizers import make_optimizer
from backprop_gui.gui.inspector import reveal
from backprop_gui.gui.panels import (
    ExampleView,
    GradcheckButton,
    LiveEquations,
    NetworkDiagram,
    StepThrough,
)
from backprop_gui.gui.panels.equations import ASSIGN, hat
from backprop_gui.gui.panels.heat import fmt

from ..driving import canvas_pos, load_dataset, train_then_pause, wait_for


def training_points(window):
    """The window's training points as network inputs, and their labels."""
    model = window.model
    train = ~model.test_mask(window.canvas.test_ratio)
    features = window.snapshot.spec.features
    return transform(model.points[:, train], features), model.labels[train]


def paused_on(qtbot, window, tmp_path):
    """The circle dataset, trained a little, paused and shown."""
    load_dataset(window, tmp_path, "circle", n=120)
    qtbot.mouseClick(window.step_button, Qt.LeftButton)
    return wait_for(
        qtbot,
        window,
        lambda s: s.request == window.last_request and s.epoch >= 1 and s.gradients is not None,
    )


def click_node(qtbot, diagram, key):
    qtbot.mouseClick(
        diagram.canvas, Qt.LeftButton, pos=diagram.node_rects()[key].center().toPoint()
    )


def test_a_clicked_node_shows_its_map_on_the_canvas_and_again_the_output(qtbot, window, tmp_path):
    paused_on(qtbot, window, tmp_path)
    diagram = window.panel(NetworkDiagram)
    assert diagram.isVisible()
    click_node(qtbot, diagram, (2, 3))
    frame = wait_for(qtbot, window, lambda s: s.unit_map is not None)
    net = window.current_network()
    expected = inspection.unit_map(net, 2, 3, frame.surface.shape[0], net.features)
    shown = window.canvas.shown_map
    assert shown is not None and np.allclose(shown, expected, atol=1e-6)
    # A tanh unit: its whole range −1..1 on the diverging table, white at 0.
    assert np.allclose(window.canvas.surface.image, (expected + 1) / 2, atol=1e-6)
    assert window.canvas.map_caption.isVisible()
    assert "A[2]₄" in window.canvas.map_caption.textItem.toHtml()

    click_node(qtbot, diagram, (2, 3))
    wait_for(qtbot, window, lambda s: s.unit_map is None)
    assert window.canvas.shown_map is None and not window.canvas.map_caption.isVisible()
    assert np.array_equal(window.canvas.surface.image, window.snapshot.surface)


def test_a_softmax_output_units_map_is_its_class_from_white_to_its_colour(qtbot, window):
    from backprop_gui.gui.surface_image import rgb32_table
    from backprop_gui.gui.theme import class_tint_lut

    from ..test_classes import draw_three_blobs_with_keys

    draw_three_blobs_with_keys(window)
    frame = wait_for(qtbot, window, lambda s: s.spec.n_classes == 3 and s.n_train == 21)
    diagram = window.panel(NetworkDiagram)
    L = len(frame.spec.layer_sizes()) - 1
    qtbot.waitUntil(lambda: (L, 2) in diagram.node_rects())
    click_node(qtbot, diagram, (L, 2))
    wait_for(qtbot, window, lambda s: s.unit_map is not None)
    caption = window.canvas.map_caption.textItem.toPlainText()
    assert "P(green class) from 0 (white) to 1 (green)" in caption
    assert np.array_equal(window.canvas.surface._table, rgb32_table(class_tint_lut(2)))


def test_a_picked_unit_that_a_smaller_network_no_longer_has_gives_way_to_the_output(
    qtbot, window, tmp_path
):
    paused_on(qtbot, window, tmp_path)
    diagram = window.panel(NetworkDiagram)
    click_node(qtbot, diagram, (2, 6))  # unit 7 of the second hidden layer
    wait_for(qtbot, window, lambda s: s.unit_map is not None)
    window.network_panel.remove_layer.click()  # one hidden layer: no layer 2 unit 7
    frame = wait_for(qtbot, window, lambda s: s.spec.hidden == (8,))
    assert not frame.error and frame.unit_map is None
    assert window.inspector.selected == (-1, -1) and diagram.selected == (-1, -1)
    assert window.canvas.shown_map is None  # the output again


def test_unit_maps_are_asked_for_only_while_the_diagram_is_visible(qtbot, window):
    diagram = window.panel(NetworkDiagram)
    wait_for(qtbot, window, lambda s: s.unit_maps is not None)
    window.dock(diagram).hide()  # the diagram closed: no maps are made
    qtbot.waitUntil(lambda: "unit_maps" not in window.inspector._posted)
    wait_for(qtbot, window, lambda s: s.unit_maps is None)
    window.findChild(QAction, "view_dock_networkDiagram").trigger()  # View › Network
    assert window.dock(diagram).isVisible() and diagram.on_screen  # shown in front
    wait_for(qtbot, window, lambda s: s.unit_maps is not None)


def test_panels_behind_other_tabs_are_not_drawn_nor_computed_for(qtbot, window):
    diagram, equations = window.panel(NetworkDiagram), window.panel(LiveEquations)
    assert diagram.on_screen and not equations.on_screen  # the diagram's tab is in front
    wait_for(qtbot, window, lambda s: s.unit_maps is not None and s.gradients is not None)
    held = window.snapshot
    assert equations._held is not None  # frames wait for the tab to be chosen
    window.dock(equations).raise_()  # the student picks the "Live equations" tab
    qtbot.waitUntil(lambda: equations.on_screen and not diagram.on_screen)
    assert equations._held is None and equations.frame is not None
    assert equations.frame.steps >= held.steps  # the latest frame, drawn now
    qtbot.waitUntil(lambda: "unit_maps" not in window.inspector._posted)  # no maps to draw
    assert window.inspector._posted.get("gradients")  # the equations show dW


def test_the_inspect_tool_shows_a_points_forward_and_backward_pass(qtbot, window, tmp_path):
    paused_on(qtbot, window, tmp_path)
    action = window.findChild(QAction, "inspectTool")
    assert action is not None and action.shortcut().toString() == "I"
    action.trigger()
    assert window.canvas.tool == "inspect"
    count = len(window.model)
    index = int(np.argmax(window.model.points[0]))  # the rightmost point
    x, y = window.model.points[:, index]
    # A couple of pixels beside it still picks it.
    pos = canvas_pos(window, x, y)
    pos.setX(pos.x() - 2)
    QTest.mouseClick(window.canvas.viewport(), Qt.LeftButton, Qt.NoModifier, pos)
    assert len(window.model) == count  # the tool only looks
    view = window.panel(ExampleView)
    frame = wait_for(qtbot, window, lambda s: s.example is not None)
    assert view.isVisible()
    qtbot.waitUntil(lambda: view.example is not None)
    net = window.current_network()
    _, labels = training_points(window)
    label = int(window.model.labels[index])
    truth = inspection.example_pass(net, np.array([x, y]), label, labels.size)
    cache = net.forward(transform(np.array([[x], [y]]), net.features))
    for l in range(1, net.L + 1):
        assert np.allclose(np.ravel(view.example.Z[l]), np.ravel(cache.Z[l]), atol=1e-12)
        assert np.allclose(np.ravel(view.example.A[l]), np.ravel(cache.A[l]), atol=1e-12)
        assert np.allclose(view.example.dW[l], truth.backward[f"dW{l}"], atol=1e-12)
    assert frame.example.m == labels.size
    assert fmt(truth.loss) in view.rows["loss"].text()


def inspect(window, index: int) -> None:
    """Click point ``index`` with the inspect tool."""
    window.findChild(QAction, "inspectTool").trigger()
    x, y = window.model.points[:, index]
    QTest.mouseClick(
        window.canvas.viewport(), Qt.LeftButton, Qt.NoModifier, canvas_pos(window, x, y)
    )


def test_the_inspected_point_can_be_erased_and_the_panel_then_forgets_it(qtbot, window, tmp_path):
    # The ring round the point took the clicks meant for the point beneath.
    paused_on(qtbot, window, tmp_path)
    index = int(np.argmax(window.model.points[0]))
    inspect(window, index)
    view = window.panel(ExampleView)
    qtbot.waitUntil(lambda: view.example is not None)
    count = len(window.model)
    window.tool_actions["erase"].trigger()
    x, y = window.model.points[:, index]
    QTest.mouseClick(
        window.canvas.viewport(), Qt.LeftButton, Qt.NoModifier, canvas_pos(window, x, y)
    )
    assert len(window.model) == count - 1
    # The panel says how to pick another, and no frame brings the old one back.
    assert view.example is None and "inspect tool" in view.title.text()
    qtbot.wait(300)
    assert view.example is None


def test_a_point_erased_while_training_is_not_brought_back_by_a_frame_in_flight(
    qtbot, window, tmp_path
):
    paused_on(qtbot, window, tmp_path)
    index = int(np.argmax(window.model.points[0]))
    inspect(window, index)
    view = window.panel(ExampleView)
    qtbot.waitUntil(lambda: view.example is not None)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    wait_for(qtbot, window, lambda s: s.training and s.example is not None)
    window.tool_actions["erase"].trigger()
    x, y = window.model.points[:, index]
    QTest.mouseClick(
        window.canvas.viewport(), Qt.LeftButton, Qt.NoModifier, canvas_pos(window, x, y)
    )
    wait_for(qtbot, window, lambda s: s.training and s.example is None)
    qtbot.wait(200)
    assert view.example is None and "inspect tool" in view.title.text()


def test_before_a_point_is_picked_one_point_is_its_prompt_without_scroll_bars(qtbot, window):
    view = window.panel(ExampleView)
    reveal(view)
    qtbot.waitUntil(view.isVisible)
    dock_scroll = window.dock(view).widget()
    qtbot.waitUntil(lambda: dock_scroll.verticalScrollBar().maximum() == 0)
    assert not view.scroll.isVisible() and "inspect tool" in view.title.text()


def test_a_test_point_is_said_to_be_one(qtbot, window, tmp_path):
    paused_on(qtbot, window, tmp_path)
    test = window.model.test_mask(window.canvas.test_ratio)
    view = window.panel(ExampleView)
    inspect(window, int(np.flatnonzero(test)[0]))
    qtbot.waitUntil(lambda: view.example is not None)
    assert view.title.text().startswith("The test point at (")
    assert "not trained on" in view.title.text()
    # A training point that a test share of 50 % holds out: said so once it is.
    index = int(np.flatnonzero(window.model.test_mask(0.5) & ~test)[0])
    inspect(window, index)
    qtbot.waitUntil(lambda: view.title.text().startswith("The point at ("))
    window.data_panel.test_ratio.setValue(50)
    qtbot.waitUntil(lambda: view.title.text().startswith("The test point at ("))


def test_a_test_share_changed_during_a_walk_ends_it_without_applying_its_step(
    qtbot, window, tmp_path
):
    _, stepper = begin_walk(qtbot, window, tmp_path)
    window.data_panel.test_ratio.setValue(window.data_panel.test_ratio.value() + 10)
    assert not stepper.active
    qtbot.waitUntil(
        lambda: "the training points changed" in window.statusBar().currentMessage(), timeout=3000
    )


def test_a_preset_chosen_during_a_walk_says_the_new_run_then_that_the_walk_ended(
    qtbot, window, tmp_path
):
    frame, stepper = begin_walk(qtbot, window, tmp_path)
    window.data_panel.regenerate.click()
    assert not stepper.active
    new = wait_for(qtbot, window, lambda s: s.generation != frame.generation)
    qtbot.waitUntil(
        lambda: "without applying its step" in window.statusBar().currentMessage(), timeout=3000
    )
    assert window.statusBar().currentMessage().startswith(new.message)


def test_current_gradients_are_backprop_at_the_exported_weights(qtbot, window, tmp_path):
    paused_on(qtbot, window, tmp_path)
    window.training_panel.regularization.setCurrentText("L2")
    qtbot.waitUntil(lambda: window.training_panel.config()["l2"] > 0)
    path = tmp_path / "w.npz"
    window.export_weights(path)
    grads = window.current_gradients()
    net = load_weights(path)
    X, labels = training_points(window)
    l2 = window.training_panel.config()["l2"]
    expected = net.backward(net.forward(X), labels, 0.0, l2)
    assert set(grads) == {f"{p}{l}" for l in range(1, net.L + 1) for p in ("dW", "db")}
    for name, value in grads.items():
        assert value.shape == expected[name].shape
        assert np.allclose(value, expected[name], rtol=0, atol=1e-12), name


def test_the_gradient_check_button_is_green_for_the_real_network(qtbot, window, tmp_path):
    paused_on(qtbot, window, tmp_path)
    button = window.findChild(QPushButton, "gradcheckButton")
    panel = window.panel(GradcheckButton)
    reveal(panel)
    qtbot.mouseClick(button, Qt.LeftButton)
    qtbot.waitUntil(lambda: panel.results is not None and not panel.running, timeout=20_000)
    assert [r.layer for r in panel.results] == [1, 2, 3]
    assert all(r.passed for r in panel.results)
    item = panel.table.item(0, 3)
    assert item.background().color().green() > item.background().color().red()


def test_stepping_through_with_keys_then_esc_applies_one_sgd_step(qtbot, window, tmp_path):
    frame = paused_on(qtbot, window, tmp_path)
    net = window.current_network()
    X, labels = training_points(window)
    alpha = window.training_panel.config()["learning_rate"]
    grads = net.backward(net.forward(X), labels)
    expected = net.copy()
    for name, g in grads.items():
        expected.params[name[1:]] -= alpha * g

    stepper = window.panel(StepThrough)
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    assert stepper.active and not window.is_training
    for _ in range(3):
        QTest.keyClick(window, Qt.Key_Right)
    assert stepper.index == 3
    QTest.keyClick(window, Qt.Key_Left)
    assert stepper.index == 2
    QTest.keyClick(window, Qt.Key_Escape)
    assert not stepper.active
    after = wait_for(qtbot, window, lambda s: s.steps == frame.steps + 1)
    assert np.allclose(after.theta, expected.theta, rtol=0, atol=1e-12)
    assert after.epoch == frame.epoch + 1  # full batch: one step is an epoch


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_a_step_walked_with_momentum_or_adam_is_the_optimizers_and_training_goes_on_from_it(
    qtbot, window, tmp_path, optimizer
):
    load_dataset(window, tmp_path, "circle", n=120)
    window.training_panel.optimizer.setCurrentText(optimizer)
    wait_for(qtbot, window, lambda s: s.steps == 0 and s.config.optimizer == optimizer)
    # The textbook: MLP.backward and the optimizer's rule on the seeds' θ, from
    # the same weights, one full-batch step at a time.
    reference = window.current_network()
    X, labels = training_points(window)
    textbook = make_optimizer(optimizer, reference.theta.size)
    alpha = window.training_panel.config()["learning_rate"]

    def textbook_step():
        g = np.empty_like(reference.theta)
        reference.backward(reference.forward(X), labels, out=g)
        textbook.update(reference.theta, g, alpha)

    def close_to_textbook(theta):
        np.testing.assert_allclose(theta, reference.theta, rtol=1e-9, atol=1e-11)

    for n in (1, 2, 3):  # the optimizer builds up its running averages
        qtbot.mouseClick(window.step_button, Qt.LeftButton)
        textbook_step()
        wait_for(qtbot, window, lambda s, n=n: s.steps == n and bool(s.optimizer))
    close_to_textbook(window.snapshot.theta)

    stepper = window.panel(StepThrough)
    button = window.findChild(QPushButton, "stepThrough")
    assert button.isEnabled() and optimizer in button.toolTip()
    qtbot.mouseClick(button, Qt.LeftButton)
    assert stepper.active
    stepper.go(len(stepper.stages) - 1)  # the update, with the optimizer's own rule
    rule = f"v{ASSIGN}β·v" if optimizer == "momentum" else f"{hat('m')} / (√{hat('v')} + ε)"
    assert rule in stepper.label.text()
    QTest.keyClick(window, Qt.Key_Escape)
    textbook_step()
    close_to_textbook(wait_for(qtbot, window, lambda s: s.steps == 4).theta)
    # The trainer goes on with the optimizer's state after the walked step.
    qtbot.mouseClick(window.step_button, Qt.LeftButton)
    textbook_step()
    close_to_textbook(wait_for(qtbot, window, lambda s: s.steps == 5).theta)


def test_an_optimizer_chosen_during_a_walk_starts_afresh_after_it(qtbot, window, tmp_path):
    load_dataset(window, tmp_path, "circle", n=120)
    window.training_panel.optimizer.setCurrentText("adam")
    for n in (1, 2):
        qtbot.mouseClick(window.step_button, Qt.LeftButton)
        wait_for(qtbot, window, lambda s, n=n: s.steps == n and bool(s.optimizer))
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    stepper = window.panel(StepThrough)
    assert stepper.active
    walked = stepper.numbers.theta_after.copy()
    window.training_panel.optimizer.setCurrentText("momentum")  # mid-walk
    QTest.keyClick(window, Qt.Key_Escape)
    after = wait_for(qtbot, window, lambda s: s.steps == 3 and s.config.optimizer == "momentum")
    assert not after.error and np.array_equal(after.theta, walked)  # the walked step, applied
    # Momentum from rest: its first step is plain gradient descent.
    net = window.current_network()
    X, labels = training_points(window)
    g = np.empty_like(net.theta)
    net.backward(net.forward(X), labels, out=g)
    alpha = window.training_panel.config()["learning_rate"]
    qtbot.mouseClick(window.step_button, Qt.LeftButton)
    fourth = wait_for(qtbot, window, lambda s: s.steps == 4)
    np.testing.assert_allclose(fourth.theta, net.theta - alpha * g, rtol=1e-9, atol=1e-12)


def test_the_status_bar_says_once_when_units_are_dead(qtbot, window, monkeypatch):
    frame = wait_for(qtbot, window, lambda s: s.health is not None)
    dead = tuple(replace(h, dead=1.0 if h.layer == 1 else 0.0, saturated=0.0) for h in frame.health)
    said = []
    monkeypatch.setattr(window.statusBar(), "showMessage", lambda text, ms=0: said.append(text))
    busy = ["Opened 3 points"]  # another message first: the warning waits for it to go
    monkeypatch.setattr(window.statusBar(), "currentMessage", lambda: busy[0])
    sick = replace(frame, health=dead)
    window.inspector.show_frame(sick)
    assert said == []
    busy[0] = ""
    window.inspector.show_frame(sick)
    window.inspector.show_frame(sick)  # the same news is not repeated
    assert len(said) == 1 and said[0].startswith("Layer 1: 8 of 8 units never activate")
    window.inspector.show_frame(frame)  # healthy again: nothing to say
    window.inspector.show_frame(sick)  # and sick again: said again
    assert len(said) == 2


def test_a_big_network_says_how_its_maps_are_made(qtbot, window):
    window.network_panel.set_hidden((256, 256))
    wait_for(qtbot, window, lambda s: s.spec.hidden == (256, 256) and s.unit_maps is not None)
    note = window.panel(NetworkDiagram).note
    qtbot.waitUntil(lambda: "16×16" in note.text())
    assert note.isVisible()
    # On a row of its own, the diagram's width (beside the box it took six lines).
    diagram = window.panel(NetworkDiagram)
    assert note.width() >= diagram.width() - 12 and note.height() <= 3 * note.fontMetrics().height()
    # The drawn units' maps only: 8 of 256, and a summary.
    assert [m.shape[0] for m in window.snapshot.unit_maps] == [2, 9, 9, 1]


def test_leaving_a_walk_keeps_the_cost_curve_and_goes_on_with_the_run(qtbot, window, tmp_path):
    # Applying the walked step started a new run: the cost curve was wiped.
    load_dataset(window, tmp_path, "circle", n=120)
    frame = train_then_pause(qtbot, window, 20)
    qtbot.waitUntil(lambda: window.cost_panel.curve()[-1, 0] == frame.epoch, timeout=5000)
    before = window.cost_panel.curve().copy()
    assert len(before) >= 2
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    QTest.keyClick(window, Qt.Key_Escape)
    after = wait_for(qtbot, window, lambda s: s.steps == frame.steps + 1)
    assert after.generation == frame.generation
    qtbot.waitUntil(lambda: window.cost_panel.curve()[-1, 0] == after.epoch, timeout=5000)
    curve = window.cost_panel.curve()
    np.testing.assert_array_equal(curve[: len(before)], before)
    # The walked step's cost is the next point, at the weights after it.
    net = window.current_network()
    X, labels = training_points(window)
    assert curve[-1, 1] == pytest.approx(net.cost(X, labels), rel=1e-12)


def test_the_step_through_is_one_row_until_a_walk_then_its_dock_grows_and_gives_back(
    qtbot, window, tmp_path
):
    # Idle, the bar kept room for a stage it did not show: at 1280×720 that
    # height was the cost plot's and the diagram's.
    paused_on(qtbot, window, tmp_path)
    stepper = window.panel(StepThrough)
    dock = window.dock(stepper)
    button = stepper.start_button
    assert stepper.sizeHint().height() <= button.sizeHint().height() + 8
    idle = dock.height()
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    assert stepper.active
    # The whole stage fits: the docks beside it gave way.
    qtbot.waitUntil(
        lambda: dock.widget().height() >= stepper.sizeHint().height() and dock.height() > idle,
        timeout=3000,
    )
    assert stepper.label.isVisible() and not stepper.idle_hint.isVisible()
    QTest.keyClick(window, Qt.Key_Escape)
    qtbot.waitUntil(lambda: dock.height() <= idle + 4, timeout=3000)
    assert stepper.idle_hint.isVisible() and not stepper.label.isVisible()


def test_a_floating_step_through_grows_to_a_walk_and_shrinks_after_it(qtbot, window, tmp_path):
    paused_on(qtbot, window, tmp_path)
    stepper = window.panel(StepThrough)
    dock = window.dock(stepper)
    dock.setFloating(True)
    qtbot.waitUntil(dock.isFloating, timeout=3000)
    idle = dock.height()
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    assert stepper.active
    qtbot.waitUntil(
        lambda: dock.height() > idle and dock.widget().height() >= stepper.sizeHint().height(),
        timeout=3000,
    )
    QTest.keyClick(stepper, Qt.Key_Escape)
    qtbot.waitUntil(lambda: dock.height() <= idle + 4, timeout=3000)


def test_a_floating_step_through_made_taller_keeps_its_height_through_a_walk(
    qtbot, window, tmp_path
):
    paused_on(qtbot, window, tmp_path)
    stepper = window.panel(StepThrough)
    dock = window.dock(stepper)
    dock.setFloating(True)
    qtbot.waitUntil(dock.isFloating, timeout=3000)
    dock.resize(dock.width(), 500)  # taller than a stage
    qtbot.waitUntil(lambda: dock.height() == 500, timeout=3000)
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    stage = 2 * stepper.start_button.height()  # a stage is taller than the idle row
    qtbot.waitUntil(lambda: dock.widget().minimumHeight() > stage, timeout=3000)
    QTest.qWait(50)
    assert dock.height() == 500
    QTest.keyClick(stepper, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not stepper.active, timeout=3000)
    QTest.qWait(50)
    assert dock.height() == 500


def test_a_tabbed_step_through_keeps_the_height_of_its_group_after_a_walk(qtbot, window, tmp_path):
    # Shrinking it to one row would squeeze the tab beside it.
    paused_on(qtbot, window, tmp_path)
    stepper = window.panel(StepThrough)
    dock, cost = window.dock(stepper), window.docks["dock_CostPanel"]
    window.tabifyDockWidget(cost, dock)
    dock.raise_()
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty(), timeout=3000)
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    qtbot.waitUntil(lambda: dock.widget().height() >= stepper.sizeHint().height(), timeout=3000)
    walked = dock.height()
    QTest.keyClick(stepper, Qt.Key_Escape)
    qtbot.waitUntil(lambda: not stepper.active, timeout=3000)
    QTest.qWait(50)  # the refit after leaving
    assert dock.height() >= walked - 4
    cost.raise_()
    qtbot.waitUntil(lambda: not cost.visibleRegion().isEmpty(), timeout=3000)
    assert cost.height() >= walked - 4


def test_a_walk_begun_while_training_applies_its_step_as_a_new_run(qtbot, window, tmp_path):
    # The walk pauses training at the frame shown; the trainer had run past
    # it. Its step goes on from the frame's weights, so it cannot go on the
    # run's curve, whose last costs are of weights the walk dropped.
    load_dataset(window, tmp_path, "circle", n=120)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    shown = wait_for(qtbot, window, lambda s: s.training and s.epoch >= 20)
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    stepper = window.panel(StepThrough)
    assert stepper.active and not window.is_training
    begun = window.inspector._walk_from
    paused = wait_for(qtbot, window, lambda s: s.request == window.last_request and not s.training)
    assert (paused.generation, paused.steps) != (begun.generation, begun.steps)  # the run moved on
    walked = stepper.numbers.theta_after.copy()
    QTest.keyClick(stepper, Qt.Key_Escape)
    after = wait_for(qtbot, window, lambda s: s.generation != paused.generation)
    assert np.array_equal(after.theta, walked)
    assert after.steps == begun.steps + 1
    assert shown.generation == paused.generation


def begin_walk(qtbot, window, tmp_path):
    """Paused on the circle, walking; (the frame it began at, the walker)."""
    frame = paused_on(qtbot, window, tmp_path)
    qtbot.mouseClick(window.findChild(QPushButton, "stepThrough"), Qt.LeftButton)
    stepper = window.panel(StepThrough)
    assert stepper.active
    return frame, stepper


def test_train_pressed_during_a_walk_applies_the_step_and_trains_on_from_it(
    qtbot, window, tmp_path
):
    frame, stepper = begin_walk(qtbot, window, tmp_path)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    assert not stepper.active and window.is_training
    # The same run: its counters go on from the walked step, its curve kept.
    after = wait_for(qtbot, window, lambda s: s.training and s.steps > frame.steps + 1)
    assert after.generation == frame.generation


def test_step_pressed_during_a_walk_applies_the_walked_step_then_one_more(qtbot, window, tmp_path):
    frame, stepper = begin_walk(qtbot, window, tmp_path)
    walked = stepper.numbers.theta_after.copy()
    qtbot.mouseClick(window.step_button, Qt.LeftButton)
    assert not stepper.active
    after = wait_for(qtbot, window, lambda s: s.request == window.last_request)
    assert (after.steps, after.generation) == (frame.steps + 2, frame.generation)
    assert not np.array_equal(after.theta, walked)  # one step on from it
    assert not np.array_equal(after.theta, frame.theta)


def test_a_network_changed_during_a_walk_ends_it_without_applying_its_step(qtbot, window, tmp_path):
    # The walked weights are those of a network that is gone: applying them
    # to the new one re-initialised it behind an "Applied" message.
    frame, stepper = begin_walk(qtbot, window, tmp_path)
    qtbot.mouseClick(window.findChild(QAbstractButton, "addLayer"), Qt.LeftButton)
    new = wait_for(qtbot, window, lambda s: s.spec != frame.spec)
    qtbot.waitUntil(lambda: not stepper.active, timeout=3000)
    # After the frame's own message, which it keeps.
    qtbot.waitUntil(
        lambda: "without applying its step" in window.statusBar().currentMessage(), timeout=3000
    )
    assert window.statusBar().currentMessage().startswith(new.message)
    QTest.keyClick(window, Qt.Key_Escape)  # nothing left to leave
    QTest.qWait(200)
    assert window.snapshot.generation == new.generation and not window.snapshot.error


def test_points_drawn_during_a_walk_end_it_without_applying_its_step(qtbot, window, tmp_path):
    # The walk's step was on the points before: it went on, and Esc applied
    # a step of 160 points while the window showed 161.
    frame, stepper = begin_walk(qtbot, window, tmp_path)
    window.tool_actions["put"].trigger()
    QTest.mouseClick(
        window.canvas.viewport(), Qt.LeftButton, Qt.NoModifier, canvas_pos(window, 0.5, 0.5)
    )
    assert not stepper.active
    qtbot.waitUntil(
        lambda: "the training points changed" in window.statusBar().currentMessage(), timeout=3000
    )
    QTest.keyClick(window, Qt.Key_Escape)  # nothing left to leave
    training = int((~window.model.test_mask(window.canvas.test_ratio)).sum())
    after = wait_for(qtbot, window, lambda s: s.n_train == training and s.steps == frame.steps)
    assert np.array_equal(after.theta, frame.theta)


def test_leaving_a_walk_after_the_network_changed_but_before_its_frame_applies_nothing(
    qtbot, window, tmp_path
):
    frame, stepper = begin_walk(qtbot, window, tmp_path)
    window.network_panel.set_hidden((8, 8, 4))  # posted; its frame not yet shown
    QTest.keyClick(stepper, Qt.Key_Escape)
    assert not stepper.active
    qtbot.waitUntil(
        lambda: "without applying its step" in window.statusBar().currentMessage(), timeout=3000
    )
    new = wait_for(qtbot, window, lambda s: s.spec != frame.spec)
    assert new.spec.hidden == (8, 8, 4) and not new.error
    assert new.steps == 0  # a new run from the seed, not the walked step


@pytest.mark.parametrize("replace", ["reset", "import"])
def test_leaving_a_walk_before_the_frame_of_other_weights_keeps_those_weights(
    qtbot, window, tmp_path, replace
):
    # Esc right after Reset (or imported weights), before their frame came:
    # the walked step of the old weights was applied over them.
    frame, stepper = begin_walk(qtbot, window, tmp_path)
    if replace == "reset":
        window.reset()
        expected = None
    else:
        net = window.current_network()
        net.theta[:] = 0.25
        path = tmp_path / "w.npz"
        save_weights(net, path)
        window.import_weights(path)
        expected = net.theta.copy()
    QTest.keyClick(stepper, Qt.Key_Escape)
    assert not stepper.active
    qtbot.waitUntil(
        lambda: "without applying its step" in window.statusBar().currentMessage(), timeout=3000
    )
    after = wait_for(qtbot, window, lambda s: s.generation != frame.generation)
    QTest.qWait(300)  # nothing else comes after it
    assert window.snapshot.generation == after.generation and window.snapshot.steps == 0
    if expected is not None:
        assert np.array_equal(window.snapshot.theta, expected)
    # Said again after the new weights' own message ("Weights re-initialised").
    message = window.statusBar().currentMessage()
    assert message.startswith(after.message) and "without applying its step" in message
