"""The window's faults and exits: a killed trainer process, a crash of the
app itself, a lock left by a process whose PID was reused, damaged
autosaved files, a script that fails with the window open."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from backprop_gui.core import MLP, read_points_csv, write_points_csv
from backprop_gui.gui.autosave import SessionStore

from .driving import load_dataset, wait_for
from .test_reliability import dead_pid, open_window

ROOT = Path(__file__).resolve().parents[2]
QT_NOISE = "This plugin does not support propagateSizeHints()"


def frames_of(window) -> list:
    """Every frame the worker sends from now on (appending is thread-safe)."""
    frames = []
    window.worker.snapshot.connect(frames.append)
    return frames


def run_script(body: str, *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """``body`` run by a new interpreter, offscreen, importing this checkout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(body), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=env,
    )


# -- 10: a killed trainer process ---------------------------------------------------


def test_a_killed_trainer_process_is_restarted_with_the_weights_last_shown(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    frames = frames_of(window)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    wait_for(qtbot, window, lambda s: s.training and s.epoch > 30)
    pid = window.trainer_pid
    os.kill(pid, signal.SIGKILL)

    qtbot.waitUntil(lambda: any("restarted" in f.message for f in frames), timeout=10_000)
    at = next(i for i, f in enumerate(frames) if "restarted" in f.message)
    before, restarted = frames[at - 1], frames[at]  # the last frame shown, and the next
    assert before.training and before.epoch > 30
    assert restarted.message == (
        f"The trainer process stopped; restarted it with the weights of epoch {before.epoch:,}."
    )
    assert np.array_equal(restarted.theta, before.theta)
    assert (restarted.epoch, restarted.steps) == (before.epoch, before.steps)
    assert restarted.generation == before.generation  # the same training, its plot kept
    assert window.trainer_pid not in (None, pid)

    later = wait_for(qtbot, window, lambda s: s.training and s.epoch > restarted.epoch + 30)
    assert not later.error and not window.banner.isVisible()
    assert window.train_button.text() == "Pause"
    assert all(f.epoch >= before.epoch for f in frames[at:])


def test_train_restarts_a_trainer_process_killed_while_paused(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.training_panel.optimizer.setCurrentText("adam")
    window.training_panel.seed.setValue(77)
    wait_for(qtbot, window, lambda s: s.spec.seed == 77)  # the new seed's network first
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    wait_for(qtbot, window, lambda s: s.training and s.epoch > 30)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    paused = wait_for(qtbot, window, lambda s: not s.training and s.request == window.last_request)
    pid = window.trainer_pid
    os.kill(pid, signal.SIGKILL)
    qtbot.wait(300)
    assert window.snapshot is paused and not window.banner.isVisible()  # nothing to show yet

    frames = frames_of(window)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(frames) > 0, timeout=10_000)
    first = frames[0]
    assert "restarted it with the weights of epoch" in first.message
    assert np.array_equal(first.theta, paused.theta) and first.epoch == paused.epoch
    assert first.spec.seed == 77 and first.config.optimizer == "adam"
    wait_for(qtbot, window, lambda s: s.training and s.epoch > paused.epoch + 30)
    assert not window.banner.isVisible()


# -- 11: restores that tell the truth --------------------------------------------------


def test_pausing_saves_the_weights_shown_with_their_epoch(qtbot, window, tmp_path, session_dir):
    load_dataset(window, tmp_path)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    wait_for(qtbot, window, lambda s: s.training and s.epoch > 30)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    paused = wait_for(qtbot, window, lambda s: not s.training and s.request == window.last_request)

    def saved() -> bool:
        weights = SessionStore(session_dir).load_weights()
        return (
            weights is not None
            and np.array_equal(weights.net.theta, paused.theta)
            and (weights.epoch, weights.steps) == (paused.epoch, paused.steps)
        )

    qtbot.waitUntil(saved, timeout=5000)


CRASHING_SCRIPT = """
    import sys, time
    from pathlib import Path
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication
    from backprop_gui.core import make_dataset, write_points_csv

    app = QApplication([])
    from backprop_gui.gui import MainWindow

    folder = Path(sys.argv[1])
    window = MainWindow(QSettings(str(folder / "settings.ini"), QSettings.IniFormat),
                        folder / "session")
    window.show()
    points, labels = make_dataset("circle", 200, noise=0.0, seed=1)
    write_points_csv(folder / "circle.csv", points, labels)
    window.load_points(folder / "circle.csv")
    window.training_panel.seed.setValue(4321)
    window.training_panel.optimizer.setCurrentText("momentum")
    seen = []  # (time, epoch) of each training frame shown
    def on_frame(frame):
        if frame.training:
            seen.append((time.monotonic(), frame.epoch))
        if seen and seen[-1][0] - seen[0][0] > 4.0:
            early = max(e for t, e in seen if t - seen[0][0] <= 1.0)
            print("epoch after 1 s:", early, flush=True)
    window.worker.snapshot.connect(on_frame)
    QTimer.singleShot(200, window.train_button.click)
    app.exec()
    """


def test_after_a_kill_the_restore_has_the_weights_of_the_last_second_and_says_their_epoch(
    qtbot, tmp_path, settings, monkeypatch
):
    # The app is killed after 4 s of training; weights saved every 5 s would
    # be those of its first frame.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(CRASHING_SCRIPT), str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    )
    watchdog = threading.Timer(60, app.kill)  # a hung script fails the test, not the suite
    watchdog.start()
    try:
        line = app.stdout.readline()
    finally:
        watchdog.cancel()
        app.kill()
        app.wait()
    assert line.startswith("epoch after 1 s:"), line
    early = int(line.split(":")[1])
    session_dir = tmp_path / "session"
    saved = SessionStore(session_dir).load_weights()

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    from PySide6.QtCore import QSettings

    window = open_window(
        qtbot, QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat), session_dir
    )
    assert saved.epoch >= early > 0
    assert window.statusBar().currentMessage() == (
        f"Restored 200 points and the weights of epoch {saved.epoch:,}."
    )
    shown = wait_for(qtbot, window, lambda s: np.array_equal(s.theta, saved.net.theta))
    assert shown.epoch == saved.epoch  # counting goes on from there
    # The settings were saved while it ran, not only on a clean exit.
    assert window.training_panel.seed.value() == 4321
    assert window.training_panel.optimizer.currentText() == "momentum"
    window.close()


def test_changed_settings_are_saved_without_closing(qtbot, window, settings):
    window.training_panel.seed.setValue(999)
    window.training_panel.optimizer.setCurrentText("adam")

    def stored() -> dict:
        settings.sync()
        return json.loads(str(settings.value("controls", "{}")))

    qtbot.waitUntil(lambda: stored().get("training", {}).get("seed") == 999, timeout=5000)
    assert stored()["training"]["optimizer"] == "adam"


# -- 12: a lock whose PID now belongs to another process -----------------------------------


def put_autosave(session_dir: Path) -> tuple[np.ndarray, MLP]:
    session_dir.mkdir(parents=True, exist_ok=True)
    points = np.array([[1.0, 2.0, 3.0], [0.0, 0.5, -1.0]])
    write_points_csv(session_dir / "points.csv", points, np.array([0, 1, 1]))
    net = MLP([2, 5, 1], "relu", seed=9, features=("x1", "x2"))
    SessionStore(session_dir).save_weights(net, epoch=1234, steps=5678)
    return points, net


@pytest.mark.parametrize("owner", ["parent", "sleep"])
def test_a_lock_naming_a_live_process_that_is_not_the_app_offers_recovery(
    qtbot, settings, session_dir, monkeypatch, owner
):
    points, _net = put_autosave(session_dir)
    sleeper = subprocess.Popen(["sleep", "60"]) if owner == "sleep" else None
    try:
        pid = sleeper.pid if sleeper else os.getppid()
        (session_dir / "running.lock").write_text(json.dumps({"pid": pid}))
        asked = []
        monkeypatch.setattr(
            QMessageBox, "question", lambda *a, **k: asked.append(a) or QMessageBox.Yes
        )
        window = open_window(qtbot, settings, session_dir)
    finally:
        if sleeper:
            sleeper.kill()
            sleeper.wait()
    assert len(asked) == 1
    assert np.array_equal(window.model.points, points)
    assert window.statusBar().currentMessage() == (
        "Restored 3 points and the weights of epoch 1,234."
    )
    assert not window.autosave_label.isVisible()  # the session is this window's now
    window.clear_action.trigger()
    qtbot.waitUntil(lambda: read_points_csv(session_dir / "points.csv")[1].size == 0)
    window.close()
    assert not (session_dir / "running.lock").exists()


# -- 13: damaged autosaved files ---------------------------------------------------------


def test_damaged_autosaved_points_are_kept_aside_and_the_weights_restored(
    qtbot, settings, session_dir, monkeypatch
):
    _points, net = put_autosave(session_dir)
    damaged = np.random.default_rng(5).bytes(300)
    (session_dir / "points.csv").write_bytes(damaged)
    (session_dir / "running.lock").write_text(json.dumps({"pid": dead_pid()}))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)

    window = open_window(qtbot, settings, session_dir)
    message = window.statusBar().currentMessage()
    assert message.startswith("Restored the weights of epoch 1,234. The autosaved points.csv is")
    assert message.endswith("kept as points.csv.damaged.") and "\n" not in message
    assert (session_dir / "points.csv.damaged").read_bytes() == damaged
    assert len(window.model) == window.data_panel.count.value()  # a preset instead
    shown = wait_for(qtbot, window, lambda s: s.spec.hidden == (5,))
    assert np.array_equal(shown.theta, net.theta) and shown.epoch == 1234
    # The next autosave writes good points and leaves the damaged file alone.
    qtbot.waitUntil(lambda: (session_dir / "points.csv").exists(), timeout=5000)
    assert (session_dir / "points.csv.damaged").read_bytes() == damaged
    window.close()


def test_a_pickled_autosaved_weights_file_is_kept_aside_and_the_points_restored(
    qtbot, settings, session_dir, monkeypatch
):
    points, _net = put_autosave(session_dir)
    # A well-formed meta, then a parameter array that holds a pickled object.
    with np.load(session_dir / "weights.npz") as saved:
        arrays = {name: saved[name] for name in saved.files}
    arrays["W1"] = np.array([object()], dtype=object)
    np.savez(session_dir / "weights.npz", **arrays, allow_pickle=True)
    pickled = (session_dir / "weights.npz").read_bytes()
    (session_dir / "running.lock").write_text(json.dumps({"pid": dead_pid()}))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)

    window = open_window(qtbot, settings, session_dir)
    message = window.statusBar().currentMessage()
    assert message.startswith("Restored 3 points. The autosaved weights.npz is damaged (")
    assert "pickle" in message and message.endswith("kept as weights.npz.damaged.")
    assert (session_dir / "weights.npz.damaged").read_bytes() == pickled
    assert np.array_equal(window.model.points, points)
    window.close()
    assert (session_dir / "weights.npz.damaged").read_bytes() == pickled


# -- 14: a script that fails with the window open -------------------------------------------

FAILING_SCRIPT = """
    import sys, time
    from pathlib import Path
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from backprop_gui.gui import MainWindow

    folder = Path(sys.argv[1])
    window = MainWindow(QSettings(str(folder / "settings.ini"), QSettings.IniFormat),
                        folder / "session")
    window.show()
    window.toggle_training()
    deadline = time.monotonic() + 30
    while not (window.snapshot is not None and window.snapshot.training):
        app.processEvents()
        time.sleep(0.005)
        assert time.monotonic() < deadline, "no training frame"
    if sys.argv[2] == "exit":  # the event loop ends with the window open
        QTimer.singleShot(100, lambda: app.exit(0))
        app.exec()
        print("training thread running:", window.thread.isRunning())
    else:
        raise RuntimeError("the script failed")
    """


@pytest.mark.parametrize("end", ["raise", "exit"])
def test_a_script_that_ends_with_the_window_open_exits_cleanly(tmp_path, end):
    result = run_script(FAILING_SCRIPT, str(tmp_path), end)
    stderr = [line for line in result.stderr.splitlines() if line.strip() != QT_NOISE]
    assert "QThread: Destroyed" not in result.stderr
    assert result.returncode >= 0, result.stderr  # no abort, no core dump
    if end == "raise":
        assert result.returncode == 1
        assert stderr[0] == "Traceback (most recent call last):"
        assert stderr[-1] == "RuntimeError: the script failed"
    else:
        assert result.returncode == 0 and stderr == []
        assert result.stdout == "training thread running: False\n"
