"""Sessions in the real window: save one, open it in a fresh window, and see
the same points and split, network, weights, settings and curve; quit and
relaunch, and everything comes back."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from backprop_gui.gui import MainWindow
from backprop_gui.gui.panels import CostPanel
from backprop_gui.session.sessionfile import SessionFileError

from .driving import load_dataset, wait_for
from .test_classes import draw_three_blobs_with_keys


def fresh_window(qtbot, tmp_path, name):
    win = MainWindow(QSettings(str(tmp_path / f"{name}.ini"), QSettings.IniFormat), tmp_path / name)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=5000)
    return win


def train_a_little(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    window.network_panel.set_hidden((5, 3))
    window.network_panel.set_activations(("relu", "tanh"))
    window.training_panel.optimizer.setCurrentText("adam")
    window.training_panel.seed.setValue(4242)
    window.data_panel.test_ratio.setValue(35)
    wait_for(
        qtbot, window, lambda s: s.spec.hidden == (5, 3) and s.spec.seed == 4242, timeout=10_000
    )
    window.step_button.click()
    window.step_button.click()
    window.step_button.click()
    return wait_for(
        qtbot, window, lambda s: s.epoch == 3 and s.request == window.last_request, 10_000
    )


def same_screen(qtbot, a, b) -> None:
    np.testing.assert_array_equal(a.model.points, b.model.points)
    np.testing.assert_array_equal(a.model.labels, b.model.labels)
    np.testing.assert_array_equal(a.model.keys, b.model.keys)
    # The same points are test points (the split keys came along).
    np.testing.assert_array_equal(a.model.test_mask(0.35), b.model.test_mask(0.35))
    assert b.network_panel.hidden() == (5, 3)
    assert b.network_panel.activations() == ("relu", "tanh")
    assert b.training_panel.optimizer.currentText() == "adam"
    assert b.training_panel.seed.value() == 4242
    assert b.data_panel.test_ratio.value() == 35
    shown = a.snapshot
    last = wait_for(
        qtbot,
        b,
        lambda s: s.spec == shown.spec and np.array_equal(s.theta, shown.theta),
        timeout=10_000,
    )
    assert last.epoch == shown.epoch and last.steps == shown.steps
    saved = a.panel(CostPanel).curve()
    assert len(saved) >= 2  # epoch 0 and the steps after it
    qtbot.waitUntil(lambda: len(b.panel(CostPanel).curve()) == len(saved), timeout=5000)
    np.testing.assert_array_equal(b.panel(CostPanel).curve(), saved)


def test_a_saved_session_opens_the_same_in_a_fresh_window(qtbot, window, tmp_path):
    train_a_little(qtbot, window, tmp_path)
    path = tmp_path / "exercise.bpsession"
    window.save_session(path)
    other = fresh_window(qtbot, tmp_path, "student")
    other.open_session(path)
    same_screen(qtbot, window, other)
    # Train goes on from the saved weights and epoch.
    other.step_button.click()
    after = wait_for(qtbot, other, lambda s: s.epoch == 4, timeout=10_000)
    assert not np.array_equal(after.theta, window.snapshot.theta)
    other.close()


def test_everything_comes_back_after_a_normal_quit(qtbot, tmp_path):
    first = fresh_window(qtbot, tmp_path, "run")
    train_a_little(qtbot, first, tmp_path)
    first.close()
    second = fresh_window(qtbot, tmp_path, "run")
    same_screen(qtbot, first, second)
    second.close()


def test_a_three_class_session_keeps_its_weights_in_another_window_and_after_a_quit(
    qtbot, tmp_path
):
    # The weights of three softmax outputs were dropped on saving (the file
    # named a two-class network), and the window opened it stuck.
    first = fresh_window(qtbot, tmp_path, "three")
    draw_three_blobs_with_keys(first)
    wait_for(qtbot, first, lambda s: s.spec.n_classes == 3 and s.n_train == 21)
    first.step_button.click()
    shown = wait_for(
        qtbot, first, lambda s: s.epoch == 1 and s.request == first.last_request, 10_000
    )
    path = tmp_path / "three.bpsession"
    first.save_session(path)
    other = fresh_window(qtbot, tmp_path, "two")
    load_dataset(other, tmp_path)  # two classes before it opens three
    other.open_session(path)

    def same_run(s):
        return s.spec == shown.spec and np.array_equal(s.theta, shown.theta)

    back = wait_for(qtbot, other, same_run, timeout=10_000)
    assert back.spec.n_classes == 3 and (back.epoch, back.steps) == (1, 1)
    other.step_button.click()  # and it trains on
    wait_for(qtbot, other, lambda s: s.epoch == 2 and s.evaluation is not None, 10_000)
    other.close()
    first.close()  # saves the last session
    again = fresh_window(qtbot, tmp_path, "three")
    assert wait_for(qtbot, again, same_run, timeout=10_000).epoch == 1
    again.close()


def test_a_bad_session_file_changes_nothing(qtbot, window, tmp_path):
    load_dataset(window, tmp_path)
    before = window.model.points.copy()
    path = tmp_path / "broken.bpsession"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SessionFileError, match=r"broken\.bpsession: not a backprop-gui session"):
        window.open_session(path)
    np.testing.assert_array_equal(window.model.points, before)


def test_the_file_menu_has_save_and_open_session(window):
    names = [a.objectName() for a in window.file_menu.actions()]
    assert "saveSessionAction" in names and "openSessionAction" in names
    assert window.save_session_action.shortcut().toString() == "Ctrl+Shift+S"
    assert window.open_session_action.shortcut().toString() == "Ctrl+Shift+O"


@pytest.mark.parametrize(
    ("features", "sizes", "activation"),
    [
        (("sin(x1)", "x2^2", "x1"), [3, 4, 1], "relu"),  # inputs not in the controls' order
        (("x2", "x1"), [2, 1], "tanh"),  # no hidden layer: no activation to show
    ],
    ids=["feature-order", "no-hidden-layer"],
)
def test_imported_weights_keep_their_function_and_survive_a_session(
    qtbot, window, tmp_path, features, sizes, activation
):
    # Weights whose inputs were listed in another order than the controls'
    # were paired with the wrong inputs, and sessions and the save at quit
    # dropped them (their network differed from the controls').
    from backprop_gui.core import MLP, save_weights, transform

    if len(sizes) == 2:  # the controls read "mixed" before it comes in
        window.network_panel.set_activations(("relu", "tanh"))
    load_dataset(window, tmp_path)
    made = MLP(sizes, activation, seed=3, features=features)
    save_weights(made, tmp_path / "made.npz")
    window.import_weights(tmp_path / "made.npz")
    shown = wait_for(qtbot, window, lambda s: s.spec.hidden == tuple(sizes[1:-1]))
    assert shown.spec == window.network_spec()
    assert list(shown.spec.features) == [f for f in features_in_controls() if f in features]
    net = shown.spec.build()
    net.theta[:] = shown.theta
    points = np.random.default_rng(0).uniform(-6, 6, (2, 50))
    np.testing.assert_allclose(
        net.predict_proba(transform(points, net.features)),
        made.predict_proba(transform(points, features)),
        rtol=0,
        atol=1e-15,
    )
    path = tmp_path / "imported.bpsession"
    window.save_session(path)
    other = fresh_window(qtbot, tmp_path, "other")
    other.open_session(path)
    back = wait_for(
        qtbot, other, lambda s: s.spec == shown.spec and np.array_equal(s.theta, shown.theta)
    )
    assert back.epoch == 0
    other.close()


def features_in_controls() -> list[str]:
    from backprop_gui.core import FEATURES

    return list(FEATURES)


def test_more_points_than_a_session_holds_are_refused_when_opened(window, tmp_path, monkeypatch):
    # A file the window could not save as a session opened, and at quit the
    # save failed on stderr alone: the next start brought an older session back.
    from dataclasses import replace

    from backprop_gui.gui import documents
    from backprop_gui.session import LIMITS

    monkeypatch.setattr(documents, "LIMITS", replace(LIMITS, window_points=30))
    load_dataset(window, tmp_path, n=30)
    before = window.model.points.copy()
    with pytest.raises(ValueError, match=r"at most 30 points; the file has 31 \(backprop-gui"):
        load_dataset(window, tmp_path, n=31)
    np.testing.assert_array_equal(window.model.points, before)


def test_a_session_that_cannot_be_saved_at_quit_leaves_no_older_one_behind(
    qtbot, tmp_path, monkeypatch
):
    from backprop_gui.gui import recovery

    first = fresh_window(qtbot, tmp_path, "run")
    load_dataset(first, tmp_path, n=20)
    first.close()
    last = tmp_path / "run" / "last.bpsession"
    assert last.is_file()
    second = fresh_window(qtbot, tmp_path, "run")
    load_dataset(second, tmp_path, name="moons", n=40)

    def refuse(window, path):
        raise ValueError("cannot be saved")

    monkeypatch.setattr(recovery.sessions, "save", refuse)
    second.close()
    assert not last.exists()  # the next start takes the autosaved points instead
    monkeypatch.undo()
    third = fresh_window(qtbot, tmp_path, "run")
    qtbot.waitUntil(lambda: len(third.model) == 40, timeout=5000)
    np.testing.assert_array_equal(third.model.points, second.model.points)
    third.close()


def test_open_session_asks_first_when_undo_could_still_bring_edits_back(
    qtbot, window, tmp_path, monkeypatch
):
    # Opening a session clears the undo history: drawn points were lost at once.
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    path = tmp_path / "saved.bpsession"
    window.save_session(path)
    load_dataset(window, tmp_path, "moons", n=30)  # an edit Undo could take back
    asked, offered = [], []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))

    def answer(choice):
        def question(parent, title, text, buttons, default):
            asked.append(text)
            offered.append(buttons & QMessageBox.Open and default == QMessageBox.Cancel)
            return choice

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.Cancel))
    window.open_session_action.trigger()
    assert len(asked) == 1 and "cannot be undone" in asked[0] and all(offered)
    assert len(window.model) == 30 and window.undo_stack.count() == 1  # nothing replaced
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.Open))
    window.open_session_action.trigger()
    assert len(asked) == 2 and window.undo_stack.count() == 0
    assert len(window.model) != 30
    # With nothing to undo, it opens without asking.
    window.open_session_action.trigger()
    assert len(asked) == 2


def test_a_session_with_its_inputs_in_another_order_keeps_its_function(qtbot, window, tmp_path):
    # A session written by another tool may list the features in any order:
    # W[1]'s columns follow them into the controls' order.
    from backprop_gui.core import transform
    from backprop_gui.session import NetworkSpec
    from backprop_gui.session.sessionfile import SessionState, save_session

    spec = NetworkSpec((4,), "tanh", ("sin(x1)", "x2", "x1"), 3)
    net = spec.build()
    points = np.random.default_rng(1).uniform(-5, 5, (2, 30))
    state = SessionState(
        points=points,
        labels=np.arange(30) % 2,
        keys=np.linspace(0, 0.99, 30),
        spec=spec,
        controls={},
        theta=net.theta.copy(),
        curve=np.zeros((0, 3)),
        epoch=7,
        steps=7,
    )
    path = tmp_path / "reordered.bpsession"
    save_session(path, state)
    window.open_session(path)
    shown = wait_for(qtbot, window, lambda s: s.spec.hidden == (4,) and s.epoch == 7)
    assert shown.spec.features == ("x1", "x2", "sin(x1)") == window.network_spec().features
    again = shown.spec.build()
    again.theta[:] = shown.theta
    np.testing.assert_allclose(
        again.predict_proba(transform(points, again.features)),
        net.predict_proba(transform(points, spec.features)),
        rtol=0,
        atol=1e-15,
    )
