"""The window as a whole: files, settings, shortcuts, tooltips, clean exit."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QWidget

from backprop_gui.core import read_points_csv

from .driving import load_dataset, wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_main_window_needs_no_arguments(qapp, qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path))
    from backprop_gui.gui import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert window.canvas.objectName() == "canvas"
    window.close()


def test_objects_named_for_scripts_and_tests(window):
    for name in ("canvas", "costPlot", "trainButton", "stepButton", "resetButton"):
        assert window.findChild(QWidget, name) is not None, name


def test_every_control_has_a_tooltip(window):
    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox)
    missing = [
        w.objectName() or w.text() if hasattr(w, "text") else w.objectName()
        for kind in kinds
        for w in window.findChildren(kind)
        if w.isVisibleTo(window)
        and not w.toolTip()
        and w.objectName() != "qt_toolbar_ext_button"
        and not (
            isinstance(w, QAbstractButton)
            and w.parent() is not None
            and w.parent().inherits("QToolBar")
        )
    ]
    # Toolbar buttons take their tooltips from their actions.
    assert missing == []
    for action in window.tool_actions.values():
        assert action.toolTip()


def test_points_round_trip_through_csv(window, tmp_path):
    points, labels = load_dataset(window, tmp_path, "moons", n=50)
    path = tmp_path / "saved.csv"
    window.save_points(path)
    read_points, read_labels = read_points_csv(path)
    assert np.array_equal(read_points, points) and np.array_equal(read_labels, labels)
    window.clear_action.trigger()
    window.load_points(path)
    assert np.array_equal(window.model.points, points)
    window.undo_action.trigger()  # opening is undoable
    assert len(window.model) == 0


def test_a_bad_points_file_leaves_the_points_untouched(window, tmp_path):
    before = window.model.points.copy()
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,0.5\n")
    try:
        window.load_points(bad)
    except ValueError as exc:
        assert "bad.csv" in str(exc) and "line 2" in str(exc)
    else:
        raise AssertionError("a bad file was accepted")
    assert np.array_equal(window.model.points, before)


def test_points_too_large_for_a_feature_are_refused_not_blamed_on_alpha(window, tmp_path):
    # x₁² of 1e200 overflows: training on it would "diverge" at once and blame
    # α. The window may switch to any feature, so it checks them all, as the
    # command line checks the features it is given.
    before = window.model.points.copy()
    huge = tmp_path / "huge.csv"
    huge.write_text("x1,x2,label\n0.5,1,0\n1e200,2,1\n")
    with pytest.raises(ValueError, match=r"huge\.csv: the input feature x₁² overflows.*point 2"):
        window.load_points(huge)
    assert np.array_equal(window.model.points, before)


def test_a_file_of_more_classes_than_the_window_draws_is_refused_as_such(window, tmp_path):
    # It read as a broken file ("label '6' is out of range"); the command line trains it.
    seven = tmp_path / "seven.csv"
    seven.write_text("x1,x2,label\n" + "".join(f"{k},0,{k}\n" for k in range(7)))
    with pytest.raises(ValueError, match=r"seven\.csv: the window draws at most 6 classes.*6"):
        window.load_points(seven)
    eleven = tmp_path / "eleven.csv"  # beyond what any entry point takes: the file's fault
    eleven.write_text("x1,x2,label\n0,0,0\n1,1,10\n")
    with pytest.raises(ValueError, match=r"eleven\.csv.*line 3"):
        window.load_points(eleven)


def test_points_outside_the_view_are_counted_where_the_counts_are(qtbot, window, tmp_path):
    # Said only in the status bar when opened, where the next frame's "New
    # data" message replaced it at once.
    far = tmp_path / "far.csv"
    far.write_text("x1,x2,label\n0,0,0\n7,0,1\n0,-6.5,0\n100,100,1\n6,-6,1\n")
    window.load_points(far)
    counts = window.data_panel.counts
    assert counts.text().endswith("test; 3&nbsp;outside&nbsp;the&nbsp;view)")
    window.undo_action.trigger()
    assert "outside" not in counts.text()


def test_an_opened_files_notes_stay_on_screen_with_the_new_run(qtbot, window, tmp_path):
    # "Opened …; class 0 has no points" was replaced within 0.1 s by the
    # frame's "New data: a new run from seed 0."
    odd = tmp_path / "one_two.csv"
    odd.write_text("x1,x2,label\n0,0,1\n1,1,2\n2,2,2\n")
    bar = window.statusBar()
    window.load_points(odd)
    qtbot.waitUntil(lambda: "New data" in bar.currentMessage(), timeout=5000)
    said = bar.currentMessage()
    assert said.startswith(f"Opened 3 points from {odd}; class 0 has no points (classes count")
    assert said.endswith("New data: a new run from seed 0.")
    assert window.snapshot.spec.n_classes == 3  # labels 1, 2: three classes, as train reads them
    # Undo brings the points before back: the file's notes are not news then.
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("New data"), timeout=5000)
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("New data"), timeout=5000)


def test_import_weights_sets_the_network_and_shows_their_surface(qtbot, window, tmp_path):
    from backprop_gui.core import MLP, save_weights

    net = MLP([3, 5, 1], "relu", seed=42, features=["x1", "x2", "x1*x2"])
    path = tmp_path / "w.json"
    save_weights(net, path)
    window.import_weights(path)
    shown = wait_for(qtbot, window, lambda s: s.spec.hidden == (5,))
    assert np.array_equal(shown.theta, net.theta)
    assert window.network_panel.activation.currentText() == "relu"
    assert window.network_panel.features["x1*x2"].isChecked()


def test_export_image_writes_the_format_its_name_says(window, tmp_path):
    # "img.jpg" held PNG data.
    magic = {"png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff", "JPEG": b"\xff\xd8\xff"}
    magic["bmp"] = b"BM"
    for suffix, start in magic.items():
        path = tmp_path / f"canvas.{suffix}"
        window.export_image(path)
        assert path.read_bytes().startswith(start), suffix
    with pytest.raises(ValueError, match=r"canvas\.gif: name it \.png, \.jpg or \.bmp"):
        window.export_image(tmp_path / "canvas.gif")
    assert not (tmp_path / "canvas.gif").exists()


def test_settings_survive_a_restart(qtbot, settings, session_dir):
    from backprop_gui.gui import MainWindow

    first = MainWindow(settings, session_dir)
    qtbot.addWidget(first)
    first.training_panel.optimizer.setCurrentText("adam")
    first.network_panel.set_hidden((5, 3, 2))
    first.data_panel.test_ratio.setValue(35)
    first.resize(1234, 777)
    first.close()

    second = MainWindow(settings, session_dir)
    qtbot.addWidget(second)
    assert second.training_panel.optimizer.currentText() == "adam"
    assert second.network_panel.hidden() == (5, 3, 2)
    assert second.data_panel.test_ratio.value() == 35
    assert second.size().width() == 1234
    second.close()


def test_shortcuts_are_listed_in_help(window):
    for action in (window.train_action, window.step_action, window.export_weights_action):
        key = action.shortcut().toString()
        assert key
    from backprop_gui.gui.main_window import SHORTCUTS

    listed = " ".join(k for k, _ in SHORTCUTS)
    for key in ("Space", "Ctrl+E", "Ctrl+Z"):
        assert key in listed


def test_closing_during_training_is_clean(tmp_path):
    script = textwrap.dedent(
        f"""
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from backprop_gui.gui import MainWindow
        w = MainWindow(QSettings({str(tmp_path / "s.ini")!r}, QSettings.IniFormat),
                       {str(tmp_path / "session")!r})
        w.show()
        QTimer.singleShot(300, w.train_button.click)
        QTimer.singleShot(1500, w.close)
        app.exec()
        print("epochs", w.snapshot.epoch, "running", w.thread.isRunning())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    # The offscreen platform itself warns about size hints; nothing else may appear.
    noise = "This plugin does not support propagateSizeHints()"
    stderr = [line for line in result.stderr.splitlines() if line.strip() != noise]
    assert stderr == []
    assert "running False" in result.stdout
    assert int(result.stdout.split()[1]) > 0


@pytest.mark.parametrize(
    "controls",
    [
        {"version": 1, "data": {"count": "abc"}},
        {"version": 1, "data": []},
        {"version": 1, "network": {"hidden": [None]}},
        {"version": 1, "training": {"batch_size": "full"}},
        {"version": 1, "training": {"seed": "1.5"}},
        {"version": 1, "view": [1]},
        "not json at all",
    ],
)
def test_a_damaged_settings_file_never_stops_the_app(qtbot, settings, session_dir, controls):
    from backprop_gui.gui import MainWindow

    settings.setValue("controls", controls if isinstance(controls, str) else json.dumps(controls))
    settings.setValue("geometry", "hello")
    window = MainWindow(settings, session_dir)
    qtbot.addWidget(window)
    assert window.data_panel.count.value() >= 10
    window.close()


def test_restored_view_settings_take_effect(qtbot, settings, session_dir):
    from backprop_gui.gui import MainWindow

    first = MainWindow(settings, session_dir)
    qtbot.addWidget(first)
    first.log_check.setChecked(True)
    first.data_panel.show_test.setChecked(False)
    first.close()
    second = MainWindow(settings, session_dir)
    qtbot.addWidget(second)
    assert second.cost_plot.getPlotItem().ctrl.logYCheck.isChecked()
    assert second.log_action.isChecked() and not second.show_test_action.isChecked()
    second.close()


def test_space_trains_from_the_canvas_but_toggles_a_focused_checkbox(qtbot, window):
    box = window.network_panel.features["x1^2"]
    box.setFocus()
    QTest.keyClick(box, Qt.Key_Space)
    assert box.isChecked() and window.train_button.text() == "Train"
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key_Space)
    assert window.train_button.text() == "Pause"


def test_space_trains_from_a_drop_down_list_picked_with_the_mouse(qtbot, window):
    # The list kept the focus after a mouse choice, and Space reopened it.
    for name in ("optimizer", "speedControl", "presetCombo", "layerActivation1"):
        combo = window.findChild(QComboBox, name)
        assert combo is not None, name
        combo.setFocus()
        before = window.train_button.text()
        QTest.keyClick(combo, Qt.Key_Space)
        assert window.train_button.text() != before, name
        assert not combo.view().isVisible(), name
    if window.is_training:
        window.toggle_training()
    # Alt+Down still opens a focused list.
    combo = window.training_panel.optimizer
    QTest.keyClick(combo, Qt.Key_Down, Qt.AltModifier)
    qtbot.waitUntil(combo.view().isVisible)
    combo.hidePopup()


def test_the_maths_panel_follows_optimizer_and_regularisation(window):
    window.training_panel.optimizer.setCurrentText("adam")
    window.training_panel.regularization.setCurrentText("L2")
    text = window.maths_label.text()
    assert "m̂" in text and "Σ‖W‖²" in text and "λ·W" in text


def test_step_gets_its_tooltip_back_when_there_is_data_again(window, tmp_path):
    window.clear_action.trigger()
    assert window.step_button.toolTip() == "Cannot train: add some points first."
    load_dataset(window, tmp_path)
    assert window.step_button.isEnabled()
    # Issue #13: Step is one step (one epoch is Shift+Step).
    assert window.step_button.toolTip() == (
        "Train exactly one step (one update on one mini-batch), then pause (S)"
    )


def test_clearing_the_points_while_training_pauses_and_says_why(qtbot, window, tmp_path):
    # Training stopped with no word, and Undo then left it paused: it looked stuck.
    load_dataset(window, tmp_path)
    window.train_button.click()
    assert window.is_training
    window.clear_action.trigger()
    assert not window.is_training and window.train_button.text() == "Train"
    assert window.statusBar().currentMessage() == "Paused: add some points first."
    window.undo_action.trigger()
    assert window.train_button.isEnabled() and not window.is_training
    two = tmp_path / "two.csv"  # at 90 %, both are test points
    two.write_text("x1,x2,label\n0,0,0\n1,1,1\n")
    window.data_panel.test_ratio.setValue(0)
    window.load_points(two)
    window.train_button.click()
    window.data_panel.test_ratio.setValue(90)
    assert not window.is_training
    said = window.statusBar().currentMessage()
    assert said == "Paused: every point is test data: lower the test share."


def test_export_image_replaces_the_file_whole_and_leaves_no_temporary(window, tmp_path):
    tmp_path = tmp_path / "images"
    tmp_path.mkdir()
    path = tmp_path / "canvas.png"
    path.write_bytes(b"old")
    window.export_image(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["canvas.png"]
    with pytest.raises(OSError):
        window.export_image(tmp_path / "missing" / "canvas.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["canvas.png"]


def test_weights_beyond_the_shared_limits_are_refused_by_name(window, tmp_path):
    from backprop_gui.core import MLP, save_weights
    from backprop_gui.session import LIMITS

    too_deep = MLP([2, *[3] * (LIMITS.hidden_layers + 1), 1], "tanh", seed=0)
    path = tmp_path / "deep.npz"
    save_weights(too_deep, path)
    with pytest.raises(ValueError, match=f"deep.npz.*at most {LIMITS.hidden_layers} hidden"):
        window.import_weights(path)
    assert window.network_panel.hidden() == (8, 8)


@pytest.mark.parametrize("suffix", [".onnx", ".py"])
def test_export_offers_the_bridges_too(window, tmp_path, suffix):
    # The window's Export writes every format `backprop-gui export` does, by suffix.
    pytest.importorskip("onnx") if suffix == ".onnx" else None
    from backprop_gui.gui.documents import DIALOGS

    assert f"*{suffix}" in DIALOGS["export_weights"].filters
    path = tmp_path / f"net{suffix}"
    window.export_weights(path)
    assert path.is_file() and path.stat().st_size > 0
    if suffix == ".py":
        assert "def predict_proba" in path.read_text()


def test_an_opened_file_holds_out_the_points_train_holds_out(window, tmp_path):
    # The window drew the keys of an opened file at random, so `train --data`
    # with the same seed and ratio held out other points (the README says the same).
    from backprop_gui.session import test_mask

    window.training_panel.seed.setValue(5)
    window.data_panel.test_ratio.setValue(20)
    load_dataset(window, tmp_path, "circle", n=200, seed=3)
    # tests/cli/test_train.py: train's test points for seed 5 at 20 %.
    expected = test_mask(np.random.default_rng(5).random(200), 0.2)
    np.testing.assert_array_equal(window.model.test_mask(0.2), expected)
    assert expected.sum() == 40


def test_the_shortcuts_box_fits_the_screen_in_presentation_mode(qtbot, window):
    # One column of 1,146 px at 1280×720 in the mode: F11, F1 and OK were off screen.
    from PySide6.QtWidgets import QLabel, QScrollArea

    from backprop_gui.gui.main_window import SHORTCUTS

    window.set_presentation(True)
    box = window.show_shortcuts()
    qtbot.waitExposed(box)
    room = box.screen().availableGeometry()
    assert box.height() <= room.height() and box.width() <= room.width()
    (scroll,) = box.findChildren(QScrollArea)  # it may scroll down, never cut off sideways
    assert scroll.widget().sizeHint().width() <= scroll.viewport().width()
    text = " ".join(label.text() for label in box.findChildren(QLabel))
    assert all(f"<b>{key}</b>" in text for key, _ in SHORTCUTS)
    box.close()
    window.set_presentation(False)
