"""The window's faults and exits: a killed trainer process, a crash of the
app itself, a lock left by a process whose PID was reused, damaged
autosaved files, a script that fails with the window open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt

from .driving import load_dataset, wait_for

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
