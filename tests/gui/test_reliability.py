"""Whatever a student does, the app keeps working and loses nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from backprop_gui.core import MLP, load_weights, read_points_csv, save_weights, write_points_csv

from .driving import click, diverge, drag, load_dataset, wait_for


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def open_window(qtbot, settings, session_dir):
    from backprop_gui.gui import MainWindow

    win = MainWindow(settings, session_dir)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=5000)
    return win


def error_boxes(window) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


# -- nothing lost ------------------------------------------------------------------


def test_points_autosave_after_an_edit_and_the_lock_goes_on_clean_exit(qtbot, window, session_dir):
    window.clear_action.trigger()
    click(window, 1.0, 2.0, Qt.RightButton)
    qtbot.waitUntil(lambda: (session_dir / "points.csv").exists(), timeout=5000)
    qtbot.waitUntil(lambda: read_points_csv(session_dir / "points.csv")[1].tolist() == [1])
    assert (session_dir / "running.lock").exists()
    window.close()
    assert not (session_dir / "running.lock").exists()


def test_a_clean_exit_reopens_the_last_points_without_asking(
    qtbot, settings, session_dir, monkeypatch
):
    first = open_window(qtbot, settings, session_dir)
    first.clear_action.trigger()
    click(first, -2.0, 3.0)
    click(first, 2.0, -3.0, Qt.RightButton)
    first.close()
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: pytest.fail("asked after a clean exit")
    )
    second = open_window(qtbot, settings, session_dir)
    assert second.model.labels.tolist() == [0, 1]
    second.close()


@pytest.mark.parametrize("answer", [QMessageBox.Yes, QMessageBox.No])
def test_after_a_crash_the_next_launch_offers_the_autosaved_work(
    qtbot, settings, session_dir, monkeypatch, answer
):
    session_dir.mkdir(parents=True)
    points = np.array([[1.0, 2.0, 3.0], [0.0, 0.5, -1.0]])
    write_points_csv(session_dir / "points.csv", points, np.array([0, 1, 1]))
    net = MLP([2, 5, 1], "relu", seed=9)
    save_weights(net, session_dir / "weights.npz")
    (session_dir / "running.lock").write_text(json.dumps({"pid": dead_pid()}))
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a) or answer)

    window = open_window(qtbot, settings, session_dir)
    assert len(asked) == 1
    if answer == QMessageBox.Yes:
        assert np.array_equal(window.model.points, points)
        shown = wait_for(qtbot, window, lambda s: s.spec.hidden == (5,))
        assert np.array_equal(shown.theta, net.theta)
    else:
        assert len(window.model) == window.data_panel.count.value()  # a fresh preset
    window.close()


def test_after_a_crash_the_same_points_are_held_out_for_testing(
    qtbot, settings, session_dir, monkeypatch
):
    # Restored without their split keys, the points were split anew: points
    # the weights were trained on became test points, and the test cost fell.
    first = open_window(qtbot, settings, session_dir)
    first.data_panel.regenerate.click()
    mask = first.model.test_mask(first.canvas.test_ratio)
    points = first.model.points.copy()
    qtbot.waitUntil(lambda: (session_dir / "keys.npy").exists(), timeout=5000)
    keys = first.model.keys.copy()
    qtbot.waitUntil(lambda: np.array_equal(np.load(session_dir / "keys.npy"), keys), timeout=5000)
    # A crash: the lock stays behind, named for a process that is gone.
    first.autosaver.closed = True
    (session_dir / "running.lock").write_text(json.dumps({"pid": dead_pid()}))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    second = open_window(qtbot, settings, session_dir)
    np.testing.assert_array_equal(second.model.points, points)
    np.testing.assert_array_equal(second.model.test_mask(second.canvas.test_ratio), mask)
    second.close()


# -- divergence ----------------------------------------------------------------------


def test_divergence_pauses_explains_and_offers_the_fix(qtbot, window, tmp_path):
    diverged = diverge(qtbot, window, tmp_path)
    assert not diverged.training and window.train_button.text() == "Train"
    assert window.banner.isVisible() and "lower the learning rate" in window.banner_text.text()
    assert window.cost_plot._marks  # the plot marks where it happened
    for curve in (window.cost_plot.train_curve, window.cost_plot.test_curve):
        assert curve.yData is None or np.isfinite(curve.yData).all()
    assert np.isfinite(window.canvas.surface.image).all()
    window.export_weights(tmp_path / "after.npz")
    assert np.isfinite(load_weights(tmp_path / "after.npz").theta).all()
    # The inspector's gradients are of the weights gone back to, not those left behind.
    shown = wait_for(qtbot, window, lambda s: s.gradients is not None)
    exact = window.current_gradients()
    assert np.array_equal(shown.theta, window.snapshot.theta)
    for name, value in exact.items():
        np.testing.assert_allclose(shown.gradients[name], value, rtol=1e-9, atol=1e-12)

    qtbot.mouseClick(window.banner_button, Qt.LeftButton)
    # At least halved: the largest listed rate ≤ 5 is 3, on both sides.
    wait_for(qtbot, window, lambda s: s.config.learning_rate == 3.0 and not s.diverged)
    assert not window.banner.isVisible()
    assert window.training_panel.learning_rate_value() == 3.0


# -- bad files through the real menu actions -------------------------------------------


def bad_weights_files(tmp_path):
    good = tmp_path / "good.json"
    save_weights(MLP([2, 3, 1], seed=0), good)
    meta_ok = json.loads(good.read_text())
    files = {}
    files["truncated.npz"] = b"PK\x03\x04" + b"\x00" * 20
    files["not-a-zip.npz"] = b"hello, I am text"
    files["wrong-version.json"] = json.dumps(
        {**meta_ok, "meta": {**meta_ok["meta"], "version": 99}}
    )
    shapes = dict(meta_ok)
    shapes["W2"] = [[0.0, 0.0]]  # layers 3 -> 1 need (1, 3)
    files["shapes.json"] = json.dumps(shapes)
    features = dict(meta_ok, meta={**meta_ok["meta"], "features": ["x1", "x7"]})
    files["features.json"] = json.dumps(features)
    files["empty.json"] = b""
    paths = {}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        paths[name] = path
    paths["vanished.npz"] = tmp_path / "vanished.npz"
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, W1=np.array([object()], dtype=object), allow_pickle=True)
    paths["pickled.npz"] = pickled
    huge = tmp_path / "huge.npz"
    with open(huge, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB without writing them
    paths["huge.npz"] = huge
    return paths


def test_bad_weights_files_give_a_dialog_and_leave_the_network_alone(
    qtbot, window, tmp_path, monkeypatch
):
    before = wait_for(qtbot, window, lambda s: True)
    for name, path in bad_weights_files(tmp_path).items():
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, p=path, **k: (str(p), ""))
        window.import_weights_action.trigger()
        boxes = error_boxes(window)
        assert len(boxes) == 1, name
        assert name in boxes[0].text(), boxes[0].text()
        boxes[0].close()
        QApplication.processEvents()
    qtbot.wait(100)
    assert window.snapshot.generation == before.generation
    assert np.array_equal(window.snapshot.theta, before.theta)


def test_bad_points_files_give_a_dialog_and_leave_the_points_alone(
    qtbot, window, tmp_path, monkeypatch
):
    before = window.model.points.copy()
    cases = {
        "columns.csv": "x1,x2\n1,2\n",
        "text.csv": "x1,x2,label\n1,two,0\n",
        "nan.csv": "x1,x2,label\n1,nan,0\n",
        "inf.csv": "x1,x2,label\n1,inf,0\n",
        "label.csv": "x1,x2,label\n1,2,6\n",  # the window draws labels 0..5
        "empty.csv": "",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, p=path, **k: (str(p), ""))
        window.open_points_action.trigger()
        (box,) = error_boxes(window)
        assert name in box.text()
        box.close()
        QApplication.processEvents()
    assert np.array_equal(window.model.points, before)


def test_exports_are_atomic_and_leave_no_temporary_files(window, tmp_path, monkeypatch):
    target = tmp_path / "weights.npz"
    window.export_weights(target)
    good = target.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", crash)
    monkeypatch.setattr(np.lib.format, "write_array", crash)
    with pytest.raises(OSError):
        window.export_weights(target)
    assert target.read_bytes() == good
    assert (
        sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".") or "tmp" in p.name)
        == []
    )


# -- the worker --------------------------------------------------------------------------


def test_an_exception_in_the_worker_is_shown_and_the_app_stays_usable(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    trainer_class = type(window.worker._trainer)
    original = trainer_class.run
    calls = []

    def explode_once(self, steps):
        if not calls:
            calls.append(steps)
            raise RuntimeError("injected fault")
        return original(self, steps)

    trainer_class.run = explode_once
    try:
        qtbot.mouseClick(window.train_button, Qt.LeftButton)
        failed = wait_for(qtbot, window, lambda s: bool(s.error))
        assert "injected fault" in failed.error
        qtbot.waitUntil(lambda: window.banner.isVisible())
        assert "injected fault" in window.banner_text.text()
        assert window.train_button.text() == "Train"
        qtbot.mouseClick(window.train_button, Qt.LeftButton)
        wait_for(qtbot, window, lambda s: s.training and s.epoch > failed.epoch + 10)
    finally:
        trainer_class.run = original


# -- degenerate data ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "labels"),
    [
        ([[1.0], [1.0]], [0]),  # one point
        ([[1.0, 2.0, -1.0], [1.0, 0.0, 3.0]], [1, 1, 1]),  # one class only
        ([[1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0]], [0, 1, 0, 1]),  # duplicates
        ([[50.0, -80.0, 1.0], [3.0, 2.0, 90.0]], [0, 1, 1]),  # outside the view
    ],
    ids=["one-point", "one-class", "duplicates", "outside-the-view"],
)
def test_degenerate_data_trains_without_trouble(qtbot, window, tmp_path, points, labels):
    window.data_panel.test_ratio.setValue(0)
    path = tmp_path / "odd.csv"
    write_points_csv(path, np.array(points), np.array(labels))
    window.load_points(path)
    if np.abs(points).max() > 6:
        assert "outside the view" in window.statusBar().currentMessage()
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    s = wait_for(qtbot, window, lambda s: s.epoch > 50 and s.n_train == len(labels))
    assert not s.error and np.isfinite(s.evaluation.train_cost)
    assert np.isfinite(s.surface).all()


# -- abuse ---------------------------------------------------------------------------------


def test_a_thousand_random_actions_while_training(qtbot, window, tmp_path):
    rng = np.random.default_rng(2024)
    load_dataset(window, tmp_path, "xor", n=120)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    errors = []
    window.worker.snapshot.connect(lambda s: s.error and errors.append(s.error))

    def at():
        return rng.uniform(-5.5, 5.5, 2)

    panel, training = window.network_panel, window.training_panel
    actions = [
        lambda: qtbot.mouseClick(window.train_button, Qt.LeftButton),
        lambda: qtbot.mouseClick(window.step_button, Qt.LeftButton),
        lambda: qtbot.mouseClick(window.reset_button, Qt.LeftButton),
        lambda: click(window, *at(), Qt.LeftButton),
        lambda: click(window, *at(), Qt.RightButton),
        lambda: click(window, *at(), Qt.LeftButton, Qt.ControlModifier),
        lambda: drag(window, [tuple(at()) for _ in range(3)], Qt.RightButton),
        lambda: window.undo_action.trigger(),
        lambda: window.redo_action.trigger(),
        lambda: panel.add_layer.click(),
        lambda: panel.remove_layer.click(),
        lambda: panel.layer_spins and panel.layer_spins[0].setValue(int(rng.integers(1, 32))),
        lambda: training.learning_rate.setValue(int(rng.integers(0, 13))),
        lambda: training.optimizer.setCurrentIndex(int(rng.integers(0, 3))),
        lambda: training.batch_size.setValue(int(rng.choice([0, 1, 16, 64]))),
        lambda: window.data_panel.test_ratio.setValue(int(rng.integers(0, 60))),
        lambda: window.clear_action.trigger(),
        lambda: window.tool_actions[str(rng.choice(["put", "brush", "erase"]))].trigger(),
    ]
    for i in range(1000):
        actions[int(rng.integers(len(actions)))]()
        QApplication.processEvents()
        if i % 50 == 0:
            qtbot.wait(10)

    # Settle: whatever the last actions were, the worker catches up with the window.
    qtbot.wait(SETTLE_MS)
    expected_hidden = panel.hidden()
    n_train = int((~window.model.test_mask(window.canvas.test_ratio)).sum())
    final = wait_for(
        qtbot,
        window,
        lambda s: (
            s.spec.hidden == expected_hidden
            and s.n_train == n_train
            and s.config.learning_rate == training.learning_rate_value()
        ),
    )
    assert errors == []
    assert np.isfinite(final.theta).all()
    assert window.thread.isRunning()
    assert window.train_button.isEnabled() == (n_train > 0)


SETTLE_MS = 300


def test_a_second_window_leaves_the_first_ones_session_alone(qtbot, settings, session_dir):
    first = open_window(qtbot, settings, session_dir)
    second = open_window(qtbot, settings, session_dir)
    assert second.autosave_label.isVisible() and "Another" in second.autosave_label.toolTip()
    assert not first.autosave_label.isVisible()
    second.close()
    assert (session_dir / "running.lock").exists()  # still the first window's
    first.close()
    assert not (session_dir / "running.lock").exists()


def test_clearing_while_training_disables_train(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    window.clear_action.trigger()
    assert window.train_button.text() == "Train"
    assert not window.train_button.isEnabled()


def test_saved_split_keys_are_used_only_for_as_many_points_as_they_name(tmp_path):
    from backprop_gui.gui.autosave import SessionStore

    store = SessionStore(tmp_path / "session")
    keys = np.array([0.1, 0.7, 0.4])
    store.save_points(np.zeros((2, 3)), np.array([0, 1, 1]), keys)
    np.testing.assert_array_equal(store.load_keys(3), keys)
    assert store.load_keys(4) is None  # the points were saved after the keys
    (tmp_path / "session" / "keys.npy").write_bytes(b"not an array")
    assert store.load_keys(3) is None
