"""Up to six classes in the window: keys 1–6 and the class picker choose what
a left click adds, the output layer follows the data, the surface and the
counts show every class, and the weights export as K softmax outputs."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolBar

from backprop_gui.core import MLP, load_weights, read_points_csv, save_weights, transform
from backprop_gui.core.errors import WeightsFileError
from backprop_gui.gui.theme import CLASS_NAMES, class_surface_lut

from .driving import canvas_pos, click, wait_for

# Three blobs far apart, well inside the domain: (centre, label).
BLOBS = (((-3.5, 3.0), 0), ((3.5, 3.0), 1), ((0.0, -3.5), 2))
OFFSETS = ((0, 0), (0.5, 0), (-0.5, 0), (0, 0.5), (0, -0.5), (0.4, 0.4), (-0.4, -0.4))


def draw_three_blobs_with_keys(window) -> None:
    """Keys 1, 2, 3 then left clicks: class k's blob has label k − 1."""
    window.clear_action.trigger()
    window.data_panel.test_ratio.setValue(0)
    keys = (Qt.Key_1, Qt.Key_2, Qt.Key_3)
    for key, ((cx, cy), _) in zip(keys, BLOBS, strict=True):
        QTest.keyClick(window, key)
        for dx, dy in OFFSETS:
            click(window, cx + dx, cy + dy)


def test_keys_and_picker_choose_the_class_a_left_click_adds(window):
    window.clear_action.trigger()
    picker = window.findChild(QToolBar, "classPicker")
    assert picker is not None
    for k in range(1, 7):
        action = window.findChild(type(window.class_actions[0]), f"classAction{k}")
        assert action is window.class_actions[k - 1]
        assert action.toolTip() == f"Class {k - 1}, {CLASS_NAMES[k - 1]} (key {k})"
        assert action in picker.actions()
        assert not action.icon().isNull()
    assert window.class_actions[0].isChecked()
    QTest.keyClick(window, Qt.Key_5)
    assert window.canvas.current_class == 4 and window.class_actions[4].isChecked()
    click(window, 1.0, 1.0)
    window.class_actions[2].trigger()  # the picker, by mouse or menu
    assert window.canvas.current_class == 2
    click(window, 2.0, 2.0)
    # Right and Shift+left still add label 1, whatever the chosen class.
    click(window, 3.0, 3.0, Qt.RightButton)
    click(window, 4.0, 4.0, Qt.LeftButton, Qt.ShiftModifier)
    QTest.keyClick(window, Qt.Key_1)
    click(window, -1.0, -1.0)
    assert window.model.labels.tolist() == [4, 2, 1, 1, 0]


def test_the_digit_keys_are_no_other_actions_shortcut(window):
    keys = [seq.toString() for action in window.actions() for seq in action.shortcuts()]
    for k in "123456":
        assert keys.count(k) == 1


def test_a_brush_stroke_adds_the_chosen_class(window):
    from .driving import drag

    window.clear_action.trigger()
    QTest.keyClick(window, Qt.Key_4)
    window.tool_actions["brush"].trigger()
    drag(window, [(-3.0 + 0.5 * i, 0.5 * i) for i in range(8)])
    assert len(window.model) > 5 and (window.model.labels == 3).all()


def test_three_classes_drawn_with_keys_train_to_100_percent_and_export(qtbot, window, tmp_path):
    draw_three_blobs_with_keys(window)
    assert window.model.counts() == (7, 7, 7)
    # The output layer follows the data: three softmax units, said in words.
    shown = wait_for(qtbot, window, lambda s: s.spec.n_classes == 3 and s.n_train == 21)
    assert shown.spec.layer_sizes()[-1] == 3
    assert "softmax" in window.maths_label.text()
    window.training_panel.optimizer.setCurrentText("adam")
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    done = wait_for(
        qtbot,
        window,
        lambda s: s.evaluation is not None and s.evaluation.train_accuracy == 1.0,
        timeout=30_000,
    )
    assert done.surface_class.shape == done.surface.shape
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    path = tmp_path / "three.npz"
    window.export_weights(path)
    net = load_weights(path)
    assert net.layer_sizes[-1] == 3 and net.output_kind.name == "softmax"
    X = transform(window.model.points, net.features)
    assert (net.predict(X) == window.model.labels).all()


def test_the_surface_and_the_counts_show_three_classes(qtbot, window):
    draw_three_blobs_with_keys(window)
    window.training_panel.optimizer.setCurrentText("adam")
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    wait_for(
        qtbot,
        window,
        lambda s: s.evaluation is not None and s.evaluation.train_accuracy == 1.0,
        timeout=30_000,
    )
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    frame = wait_for(qtbot, window, lambda s: not s.training)
    lut = class_surface_lut(3)
    shot = window.canvas.viewport().grab().toImage()
    res = frame.surface.shape[0]
    for (cx, cy), label in BLOBS:
        # Deep in the region, away from the drawn points: beyond the blob's centre.
        x, y = 1.6 * cx, 1.6 * cy
        i, j = (int((v + 6.0) / 12.0 * res) for v in (y, x))
        assert frame.surface_class[i, j] == label
        p = float(frame.surface[i, j])
        level = min(int((p - 1 / 3) * 256 / (2 / 3)), 255)
        expected = QColor(*(int(c) for c in lut[label * 256 + level]))
        painted = shot.pixelColor(canvas_pos(window, x, y))
        assert painted == expected, (label, painted.name(), expected.name())
        # And that colour is this class's alone at that level: no other class's.
        for other in set(range(3)) - {label}:
            assert QColor(*(int(c) for c in lut[other * 256 + level])) != expected
    text = window.data_panel.counts.text()
    assert text.count("■") == 3 and text.count("&nbsp;7 ") == 3
    for color in ("#B87F00", "#0072B2", "#007A59"):
        assert color in text


def test_discretize_shows_hard_regions_for_three_classes(qtbot, window):
    draw_three_blobs_with_keys(window)
    frame = wait_for(qtbot, window, lambda s: s.spec.n_classes == 3 and s.surface_class.size > 0)
    window.discretize_action.trigger()
    flat = class_surface_lut(3, discrete=True)
    pixels = window.canvas.surface.pixels()
    for label in range(3):
        where = frame.surface_class == label
        if where.any():
            r, g, b = (int(c) for c in flat[label * 256])
            assert (pixels[where] == (0xFF000000 | r << 16 | g << 8 | b)).all()


def test_a_change_in_class_count_is_a_new_network(qtbot, window):
    window.clear_action.trigger()
    click(window, -2.0, 0.0)
    click(window, 2.0, 0.0, Qt.RightButton)
    before = wait_for(qtbot, window, lambda s: s.n_train >= 1 and s.spec.n_classes == 2)
    assert before.spec.layer_sizes()[-1] == 1 and not before.surface_class.size
    QTest.keyClick(window, Qt.Key_3)
    click(window, 0.0, 3.0)
    after = wait_for(qtbot, window, lambda s: s.spec.n_classes == 3)
    assert after.generation > before.generation
    assert "3 classes" in window.statusBar().currentMessage()
    window.undo_action.trigger()  # back to two classes: one sigmoid unit again
    wait_for(qtbot, window, lambda s: s.spec.n_classes == 2 and not s.surface_class.size)


def test_points_with_six_classes_round_trip_through_save_and_load(qtbot, window, tmp_path):
    window.clear_action.trigger()
    for k in range(6):
        window.canvas.set_class(k)
        click(window, -5.0 + 2 * k, 0.0)
    path = tmp_path / "six.csv"
    window.save_points(path)
    _, labels = read_points_csv(path, n_classes=6)
    assert labels.tolist() == [0, 1, 2, 3, 4, 5]
    window.clear_action.trigger()
    window.load_points(path)
    assert window.model.labels.tolist() == [0, 1, 2, 3, 4, 5]
    assert window.model.counts() == (1, 1, 1, 1, 1, 1)
    wait_for(qtbot, window, lambda s: s.spec.layer_sizes()[-1] == 6)


def test_import_takes_softmax_networks_up_to_six_classes(qtbot, window, tmp_path):
    window.clear_action.trigger()
    three = MLP([2, 5, 3], "tanh", seed=3, features=("x1", "x2"))
    save_weights(three, tmp_path / "three.npz")
    window.import_weights(tmp_path / "three.npz")
    shown = wait_for(qtbot, window, lambda s: s.spec.n_classes == 3)
    assert np.array_equal(shown.theta, three.theta)
    for outputs, why in ((2, "sigmoid"), (7, "at most 6")):
        net = MLP([2, 4, outputs], "tanh", seed=1, features=("x1", "x2"))
        save_weights(net, tmp_path / f"{outputs}.npz")
        with pytest.raises(WeightsFileError, match=why):
            window.import_weights(tmp_path / f"{outputs}.npz")


def test_a_new_problem_after_importing_more_classes_gives_the_points_their_outputs(
    qtbot, window, tmp_path
):
    # Three softmax outputs imported over two-class points train on (until the
    # points' classes change); a preset, a new problem, had them still.
    three = MLP([2, 5, 3], "tanh", seed=3, features=("x1", "x2"))
    save_weights(three, tmp_path / "three.npz")
    window.import_weights(tmp_path / "three.npz")
    wait_for(qtbot, window, lambda s: s.spec.n_classes == 3)
    window.data_panel.regenerate.click()
    assert window.model.n_classes() == 2
    shown = wait_for(qtbot, window, lambda s: s.spec.n_classes == 2)
    assert shown.spec.layer_sizes()[-1] == 1 and "σ" in window.maths_label.text()


def test_import_refuses_a_network_with_fewer_classes_than_the_points(qtbot, window, tmp_path):
    draw_three_blobs_with_keys(window)
    two = MLP([2, 4, 1], "tanh", seed=1, features=("x1", "x2"))
    save_weights(two, tmp_path / "two.npz")
    with pytest.raises(WeightsFileError, match="3 classes"):
        window.import_weights(tmp_path / "two.npz")


def test_the_class_count_control_makes_k_class_presets(qtbot, window):
    data = window.data_panel
    count = data.class_count
    assert count.objectName() == "classCount" and (count.minimum(), count.maximum()) == (2, 6)
    for name in ("gaussian", "spiral"):
        data.preset.setCurrentText(name)
        assert count.isVisibleTo(data)
        count.setValue(4 if count.value() != 4 else 5)
        k = count.value()
        assert sorted(set(window.model.labels.tolist())) == list(range(k))
        wait_for(qtbot, window, lambda s, k=k: s.spec.n_classes == k)
    data.preset.setCurrentText("circle")
    assert not count.isVisibleTo(data)
    data.regenerate.click()
    assert set(window.model.labels.tolist()) == {0, 1}


def test_the_autosaved_session_keeps_six_classes(tmp_path):
    from backprop_gui.gui.autosave import SessionStore

    store = SessionStore(tmp_path / "session")
    points = np.arange(12.0).reshape(2, 6)
    store.save_points(points, np.arange(6))
    loaded = store.load_points()
    assert loaded is not None and loaded[1].tolist() == [0, 1, 2, 3, 4, 5]
    assert np.array_equal(loaded[0], points)


def test_clear_and_undo_on_three_classes_keep_the_trained_network(qtbot, window):
    # Clear made the points "two classes" (none at all) and re-initialised
    # the network; Undo, three again, re-initialised it once more.
    draw_three_blobs_with_keys(window)
    wait_for(qtbot, window, lambda s: s.spec.n_classes == 3 and s.n_train == 21)
    window.step_button.click()
    trained = wait_for(qtbot, window, lambda s: s.epoch == 1 and s.request == window.last_request)
    window.clear_action.trigger()
    wait_for(qtbot, window, lambda s: s.n_train == 0)
    window.undo_stack.undo()
    back = wait_for(qtbot, window, lambda s: s.n_train == 21 and s.evaluation is not None)
    assert back.spec.n_classes == 3 and back.epoch == 1
    np.testing.assert_array_equal(back.theta, trained.theta)
