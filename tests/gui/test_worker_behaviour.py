"""The training worker as the user meets it: divergence you can recover
from, honest numbers, and big data that never freezes the window."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from backprop_gui.core import make_dataset, write_points_csv

from .driving import click, diverge, load_dataset, wait_for


def test_after_divergence_a_smaller_rate_trains_again(qtbot, window, tmp_path):
    diverged = diverge(qtbot, window, tmp_path)
    # Whatever step caught it, the network is back on finite, usable weights.
    assert np.isfinite(diverged.theta).all() and np.abs(diverged.theta).max() < 1e6
    window.training_panel.set_learning_rate(1e-4)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    later = wait_for(qtbot, window, lambda s: s.training and s.epoch > diverged.epoch + 50)
    assert np.isfinite(later.evaluation.train_cost) and not later.diverged


def test_restore_lowers_the_rate_and_both_sides_agree(qtbot, window, tmp_path):
    diverge(qtbot, window, tmp_path)
    qtbot.mouseClick(window.banner_button, Qt.LeftButton)
    restored = wait_for(qtbot, window, lambda s: s.config.learning_rate == 3.0 and not s.diverged)
    assert window.training_panel.learning_rate_value() == 3.0
    assert not window.banner.isVisible()
    assert np.isfinite(restored.theta).all()


def test_a_dismissed_banner_stays_dismissed(qtbot, window, tmp_path):
    diverge(qtbot, window, tmp_path)
    qtbot.waitUntil(window.banner.isVisible)
    qtbot.mouseClick(window.banner_close, Qt.LeftButton)
    click(window, 1.0, 1.0)  # an unrelated edit
    qtbot.wait(300)
    assert not window.banner.isVisible()


def test_speed_is_never_negative_after_a_reset_mid_training(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    wait_for(qtbot, window, lambda s: s.epoch > 500)
    speeds = []
    window.worker.snapshot.connect(lambda s: speeds.append(s.steps_per_second))
    qtbot.mouseClick(window.reset_button, Qt.LeftButton)
    qtbot.wait(1500)
    assert speeds and min(speeds) >= 0


def test_a_failing_frame_is_reported_not_spun_on(qtbot, window, tmp_path, monkeypatch):
    load_dataset(window, tmp_path)
    engine = type(window.worker._trainer)  # in this process or the trainer process
    calls = []

    def broken(self, *args, **kwargs):
        calls.append(1)
        raise RuntimeError("frame fault")

    monkeypatch.setattr(engine, "frame", broken)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    qtbot.waitUntil(
        lambda: window.banner.isVisible() and "frame fault" in window.banner_text.text()
    )
    qtbot.waitUntil(lambda: window.train_button.text() == "Train")
    qtbot.wait(300)
    assert len(calls) < 50  # it backed off instead of retrying in a tight loop
    monkeypatch.undo()
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    wait_for(qtbot, window, lambda s: s.training and not s.error)


def test_big_data_keeps_the_window_alive_and_closes_promptly(qtbot, window, tmp_path):
    points, labels = make_dataset("spiral", 100_000, noise=0.3, seed=0)
    write_points_csv(tmp_path / "big.csv", points, labels)
    window.load_points(tmp_path / "big.csv")
    window.network_panel.set_hidden((256,) * 8)
    window.network_panel.changed.emit()
    wait_for(qtbot, window, lambda s: s.spec.hidden == (256,) * 8 and s.n_train > 70_000, 30_000)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    first = wait_for(qtbot, window, lambda s: s.training and s.steps >= 1, 60_000)
    # The event loop keeps turning: a click is handled while it trains.
    click(window, 0.0, 5.5, Qt.RightButton)
    assert window.model.labels[-1] == 1
    second = wait_for(qtbot, window, lambda s: s.steps > first.steps, 60_000)
    assert not np.array_equal(second.theta, first.theta)
    window.close()
    assert not window.thread.isRunning()


def test_a_network_slower_to_draw_than_a_frame_still_trains_between_frames(qtbot, window, tmp_path):
    # 8 × 256: one 128² surface takes far longer than a frame (1/34 s) to make,
    # while a step on 160 points takes a few milliseconds.
    load_dataset(window, tmp_path)
    window.network_panel.set_hidden((256,) * 8)
    window.network_panel.changed.emit()
    wait_for(qtbot, window, lambda s: s.spec.hidden == (256,) * 8, 30_000)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    surfaces, steps = [], []

    def new_surfaces(count):
        def enough(snap) -> bool:
            if snap.training and all(snap.surface is not seen for seen in surfaces):
                surfaces.append(snap.surface)
                steps.append(snap.steps)
            return len(surfaces) >= count

        return enough

    # The chunk size doubles from one step while the worker learns the speed.
    wait_for(qtbot, window, new_surfaces(12), 60_000)
    # Then it trains between surfaces for about as long as a frame takes: many
    # steps per new surface, not one. (10-12 here when idle, 9 on a loaded CI
    # machine, 1 before; the bound leaves room for slower machines.)
    assert (steps[11] - steps[8]) / 3 >= 4
