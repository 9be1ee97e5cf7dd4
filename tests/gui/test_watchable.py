"""Issue #13 §1-§4 in the real window: a speed you choose, Step and Shift+Step,
stop conditions, a cost curve that tells the truth, a new problem a new run."""

import time

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from backprop_gui.gui import MainWindow

from .driving import click, load_dataset, wait_for


def press_train(qtbot, window):
    qtbot.mouseClick(window.train_button, Qt.LeftButton)


def check(qtbot, box):
    # Click the box itself: a wide checkbox ignores clicks past its label.
    qtbot.mouseClick(box, Qt.LeftButton, pos=QPoint(8, box.height() // 2))


def test_the_speed_control_lists_the_speeds_and_is_remembered(qtbot, settings, session_dir):
    window = MainWindow(settings, session_dir)
    qtbot.addWidget(window)
    speeds = [window.speed_control.itemText(i) for i in range(window.speed_control.count())]
    assert speeds == [
        "1 epoch/s", "3 epochs/s", "10 epochs/s", "30 epochs/s", "100 epochs/s",
        "1000 epochs/s", "max",
    ]  # fmt: skip
    assert window.speed_control.currentText() == "30 epochs/s"  # watchable by default
    assert "epochs per second" in window.speed_control.toolTip()
    window.slower_action.trigger()
    assert window.speed_control.currentText() == "10 epochs/s"
    window.cost_panel.log_epochs.setChecked(True)
    window.close()
    again = MainWindow(settings, session_dir)
    qtbot.addWidget(again)
    assert again.speed_control.currentText() == "10 epochs/s"
    assert again.cost_panel.log_epochs.isChecked() and again.cost_plot.log_x
    again.faster_action.trigger()
    assert again.speed_control.currentText() == "30 epochs/s"
    again.close()


def test_at_10_epochs_per_second_the_epoch_readout_moves_about_10_per_second(
    qtbot, window, tmp_path
):
    # The one stated rate (10 ± 3 epochs/s), measured loosely, the only
    # wall-clock assertion of the suite: over ≥ 3 s of the epoch read-out, with
    # bounds (5-15) wide enough for a loaded 2-core machine.
    load_dataset(window, tmp_path)
    window.speed_control.setCurrentText("10 epochs/s")
    press_train(qtbot, window)
    label = window.metric_labels["epoch"]
    qtbot.waitUntil(lambda: int(label.text().replace(",", "")) >= 2, timeout=5000)
    start, first = time.monotonic(), int(label.text().replace(",", ""))
    qtbot.wait(3500)
    rate = (int(label.text().replace(",", "")) - first) / (time.monotonic() - start)
    assert 5 <= rate <= 15


def test_at_a_slow_speed_every_step_is_a_frame(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.training_panel.batch_size.setValue(40)  # 4 steps per epoch
    window.speed_control.setCurrentText("3 epochs/s")  # 12 steps per second
    wait_for(qtbot, window, lambda s: s.config.batch_size == 40)
    frames = []
    window.worker.snapshot.connect(lambda f: frames.append(f) if f.training else None)
    press_train(qtbot, window)
    qtbot.waitUntil(lambda: len({f.steps for f in frames}) >= 6, timeout=10_000)
    press_train(qtbot, window)
    steps = sorted({f.steps for f in frames})
    assert np.all(np.diff(steps) == 1)  # one frame per step, none skipped
    # Each of those frames carried its step's cost, and a fresh evaluation.
    assert all(f.step_costs is None or len(f.step_costs) == 1 for f in frames[1:])
    assert len({f.evaluation.step for f in frames}) == len(steps)


def test_changing_the_speed_applies_mid_training(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.speed_control.setCurrentText("1 epoch/s")
    press_train(qtbot, window)
    slow = wait_for(qtbot, window, lambda s: s.training and s.epoch >= 1)
    window.speed_control.setCurrentText("max")
    wait_for(qtbot, window, lambda s: s.epoch > slow.epoch + 200)


def test_step_is_one_update_and_shift_step_one_epoch(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.training_panel.batch_size.setValue(32)  # 160 training points: 5 steps an epoch
    start = wait_for(qtbot, window, lambda s: s.config.batch_size == 32)
    qtbot.mouseClick(window.step_button, Qt.LeftButton)
    one = wait_for(qtbot, window, lambda s: s.steps == start.steps + 1)
    assert one.epoch == start.epoch and not window.is_training
    QTest.keyClick(window, Qt.Key_S, Qt.ShiftModifier)
    epoch = wait_for(qtbot, window, lambda s: s.epoch == start.epoch + 1)
    assert epoch.steps == start.steps + 5  # the rest of the epoch, then it pauses
    qtbot.mouseClick(window.step_button, Qt.LeftButton, Qt.ShiftModifier)
    wait_for(qtbot, window, lambda s: s.epoch == start.epoch + 2 and s.steps == start.steps + 10)
    QTest.keyClick(window, Qt.Key_S)
    wait_for(qtbot, window, lambda s: s.steps == start.steps + 11)
    assert "one step" in window.step_button.toolTip()
    assert "one epoch" in window.step_epoch_button.toolTip()


def test_training_stops_at_the_epoch_count_and_train_continues(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    stop = window.training_panel.stop_when
    stop.epochs_value.setValue(120)
    check(qtbot, stop.epochs)
    assert stop.epochs.objectName() == "stopEpochs"
    press_train(qtbot, window)
    stopped = wait_for(qtbot, window, lambda s: not s.training and s.epoch > 0)
    assert stopped.epoch == 120
    qtbot.waitUntil(lambda: window.train_button.text() == "Train")
    assert window.statusBar().currentMessage() == "Stopped: 120 epochs reached."
    press_train(qtbot, window)  # continues from there: the condition is behind it
    wait_for(qtbot, window, lambda s: s.training and s.epoch > 220)


def test_training_stops_when_the_train_accuracy_reaches_the_value(qtbot, window, tmp_path):
    load_dataset(window, tmp_path, "circle")
    stop = window.training_panel.stop_when
    assert stop.accuracy_value.value() == 100.0
    stop.accuracy_value.setValue(90.0)
    check(qtbot, stop.accuracy)
    window.training_panel.set_learning_rate(1.0)
    press_train(qtbot, window)
    stopped = wait_for(qtbot, window, lambda s: not s.training and s.epoch > 0, 30_000)
    assert stopped.evaluation.train_accuracy >= 0.9
    assert window.statusBar().currentMessage() == "Stopped: train accuracy reached 90 %."
    assert window.train_button.text() == "Train"
    # Met already: it does not stop again at once. (It would stop again, as it
    # should, if the accuracy fell below 90 % and came back: at α = 1 it can
    # swing so, and on a busy machine it did within 50 epochs. A small α keeps it.)
    window.training_panel.set_learning_rate(0.01)
    press_train(qtbot, window)
    wait_for(qtbot, window, lambda s: s.training and s.epoch > stopped.epoch + 50, 30_000)


def test_the_cost_plot_draws_every_step_and_both_axes_go_log(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.speed_control.setCurrentText("30 epochs/s")
    press_train(qtbot, window)
    shown = wait_for(qtbot, window, lambda s: s.steps >= 20)
    plot = window.cost_plot
    qtbot.waitUntil(lambda: plot.step_curve.xData is not None and len(plot.step_curve.xData) >= 20)
    press_train(qtbot, window)
    x, _ = plot.steps
    assert np.array_equal(x[:20], np.arange(20))  # full batch: step k+1 at epoch k
    assert shown.step_costs is not None
    log_epochs = window.findChild(type(window.log_check), "logEpochs")
    check(qtbot, log_epochs)
    assert plot.log_x and plot.getPlotItem().getAxis("bottom").logMode
    check(qtbot, window.log_check)
    assert plot.getPlotItem().ctrl.logYCheck.isChecked()


def test_the_y_range_holds_the_current_cost(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.training_panel.set_learning_rate(10.0)  # a cost that rises above its start
    wait_for(qtbot, window, lambda s: s.config.learning_rate == 10)
    press_train(qtbot, window)
    wait_for(qtbot, window, lambda s: s.epoch > 50 or s.diverged)
    press_train(qtbot, window)
    last = wait_for(qtbot, window, lambda s: not s.training and s.request == window.last_request)
    plot = window.cost_plot
    qtbot.waitUntil(lambda: plot.getPlotItem().getViewBox().viewRange()[1][1] > 0)
    low, high = plot.getPlotItem().getViewBox().viewRange()[1]
    assert low <= last.evaluation.train_cost <= high


def test_a_divergence_is_drawn_as_it_happened_and_restore_works(qtbot, window, tmp_path):
    # Spiral, tanh, α = 10: the cost explodes with finite weights (#15 item 7).
    # (The default 2-8-8-1 at α = 10 only wobbles; four layers of 8 with
    # momentum on batches of 10 explode within a few epochs.)
    load_dataset(window, tmp_path, "spiral")
    window.network_panel.activation.setCurrentText("tanh")
    window.network_panel.set_hidden((8, 8, 8, 8))
    window.network_panel.changed.emit()
    window.training_panel.optimizer.setCurrentText("momentum")
    window.training_panel.batch_size.setValue(10)
    window.training_panel.set_learning_rate(10.0)
    wait_for(
        qtbot,
        window,
        lambda s: s.config.learning_rate == 10 and s.spec.hidden == (8, 8, 8, 8),
    )
    press_train(qtbot, window)
    diverged = wait_for(qtbot, window, lambda s: s.diverged, 30_000)
    assert window.banner.isVisible() and window.banner_button.isVisible()
    # The status bar's sentence is short; the banner has the whole story.
    status = window.statusBar().currentMessage()
    assert status.startswith("Diverged") and len(status) < 70
    assert "diverged at step" in window.banner_text.text()
    # ...where the status bar says it is.
    assert "above the canvas" in status
    banner_bottom = window.banner.mapTo(window, window.banner.rect().bottomLeft()).y()
    assert banner_bottom <= window.canvas.mapTo(window, window.canvas.rect().topLeft()).y()
    plot = window.cost_plot
    qtbot.waitUntil(lambda: len(plot._marks) == 1)
    _, costs = plot.steps
    assert np.nanmax(costs) > plot.ceiling()  # the rise is there, clipped
    assert len(plot.clip_marker.data) > 0 and plot.clip_label.isVisible()
    qtbot.mouseClick(window.banner_button, Qt.LeftButton)
    assert window.training_panel.learning_rate_value() <= 5
    restored = wait_for(qtbot, window, lambda s: not s.diverged and s.config.learning_rate <= 5)
    assert restored.evaluation.train_cost <= 1.0
    assert not window.banner.isVisible()
    assert diverged.generation == restored.generation


def test_another_preset_starts_a_new_run(qtbot, window, tmp_path):
    load_dataset(window, tmp_path, "spiral")
    initial = wait_for(qtbot, window, lambda s: s.steps == 0 and s.n_train > 0).theta.copy()
    press_train(qtbot, window)
    before = wait_for(qtbot, window, lambda s: s.epoch > 100)
    # Every frame, as the window gets it: a poll of the window's latest frame
    # can come after a few more at full speed.
    seen = []
    window.worker.snapshot.connect(seen.append)
    window.data_panel.preset.setCurrentText("moons")
    window.data_panel.preset.activated.emit(window.data_panel.preset.currentIndex())
    fresh = wait_for(qtbot, window, lambda s: s.generation > before.generation)
    first = next(s for s in seen if s.generation == fresh.generation)
    assert (first.epoch, first.steps) == (0, 0)  # a new run...
    # ...and trains on.
    wait_for(qtbot, window, lambda s: s.generation == fresh.generation and s.epoch > 0)
    window.data_panel.regenerate.click()
    again = wait_for(qtbot, window, lambda s: s.generation > fresh.generation)
    press_train(qtbot, window)
    wait_for(qtbot, window, lambda s: not s.training and s.request == window.last_request)
    first = next(s for s in seen if s.generation == again.generation)
    assert first.steps == 0 and np.array_equal(first.theta, initial)  # the seed's weights
    run = [s for s in seen if s.generation == again.generation]
    assert len(window.cost_plot.series) <= len({s.evaluation.step for s in run if s.evaluation})


def test_drawing_points_while_training_continues_the_run_with_a_marker(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.data_panel.test_ratio.setValue(0)
    press_train(qtbot, window)
    before = wait_for(qtbot, window, lambda s: s.epoch > 20 and s.n_train == 200)
    click(window, 5.0, 5.0, Qt.RightButton)
    after = wait_for(qtbot, window, lambda s: s.n_train == 201 and s.epoch > before.epoch + 5)
    assert after.generation == before.generation
    qtbot.waitUntil(lambda: len(window.cost_plot.data_marker.data) == 1)


def test_undoing_a_preset_change_is_a_new_run_too(qtbot, window, tmp_path):
    load_dataset(window, tmp_path, "xor")
    press_train(qtbot, window)
    before = wait_for(qtbot, window, lambda s: s.epoch > 100)
    window.undo_stack.undo()  # the points before the file: a new problem again
    undone = wait_for(qtbot, window, lambda s: s.generation > before.generation)
    assert undone.epoch < 50


def test_points_changed_while_paused_are_plotted_at_the_same_step(qtbot, window, tmp_path):
    # Today's bug: after the points changed the read-out said 3.81 and the
    # plot kept its old last point (a point per step only) and its y range.
    load_dataset(window, tmp_path)
    window.data_panel.test_ratio.setValue(0)
    press_train(qtbot, window)
    wait_for(qtbot, window, lambda s: s.epoch > 300)
    press_train(qtbot, window)
    paused = wait_for(qtbot, window, lambda s: not s.training and s.request == window.last_request)
    for x in (-4.5, -4.0, -3.5, 4.5, 4.0):  # class-1 points deep in class 0's ring
        click(window, x, 0.0, Qt.RightButton)
    after = wait_for(qtbot, window, lambda s: s.n_train == paused.n_train + 5)
    assert after.steps == paused.steps
    plot = window.cost_plot
    qtbot.waitUntil(lambda: plot.series.y(0)[-1] == after.evaluation.train_cost)
    low, high = plot.getPlotItem().getViewBox().viewRange()[1]
    assert low <= after.evaluation.train_cost <= high


def test_a_paced_run_stops_at_the_epoch_count_too(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.speed_control.setCurrentText("100 epochs/s")
    stop = window.training_panel.stop_when
    stop.epochs_value.setValue(40)
    check(qtbot, stop.epochs)
    press_train(qtbot, window)
    stopped = wait_for(qtbot, window, lambda s: not s.training and s.epoch > 0)
    assert stopped.epoch == 40
    qtbot.wait(200)
    assert window.snapshot.epoch == 40 and window.train_button.text() == "Train"


def test_at_max_the_trainer_runs_on_while_a_frame_is_drawn_and_never_when_watched(
    qtbot, window, tmp_path
):
    load_dataset(window, tmp_path)
    trainer = window.worker._trainer
    asked = []  # then_run of every frame request, read in the worker thread
    frame = trainer.frame

    def spy(*args, then_run=0, **kwargs):
        asked.append(then_run)
        return frame(*args, then_run=then_run, **kwargs)

    trainer.frame = spy
    press_train(qtbot, window)  # at max (the fixture's speed)
    qtbot.waitUntil(lambda: sum(n > 0 for n in asked) >= 5, timeout=20_000)
    before = wait_for(qtbot, window, lambda s: s.training).steps
    wait_for(qtbot, window, lambda s: s.steps > before + 1000)  # and the steps are counted
    window.speed_control.setCurrentText("10 epochs/s")  # watched: each frame shows all
    start = wait_for(qtbot, window, lambda s: s.training and s.epoch > 0)
    asked.clear()
    wait_for(qtbot, window, lambda s: s.epoch >= start.epoch + 3)
    # The epochs can come from the request in flight when the speed changed
    # (on a busy machine it failed once with none asked since): wait for two.
    qtbot.waitUntil(lambda: len(asked) >= 2, timeout=10_000)
    # That one request may still have been asked at max; none after it.
    assert not any(asked[1:])
