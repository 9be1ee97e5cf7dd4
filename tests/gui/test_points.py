"""The train/test split: one rule (session.test_mask) for the window, its
canvas and the command line."""

from __future__ import annotations

import numpy as np

from backprop_gui.core import make_dataset, train_test_split
from backprop_gui.gui.points import PointSet
from backprop_gui.session import specs

from .driving import wait_for


def test_the_200_point_preset_at_20_percent_holds_out_exactly_40(qtbot, window):
    window.data_panel.count.setValue(200)
    window.data_panel.test_ratio.setValue(20)
    for _ in range(5):  # fresh random keys each time; the old rule gave 36, 44, ...
        window.data_panel.regenerate.click()
        assert len(window.model) == 200
        assert int(window.model.test_mask(0.2).sum()) == 40
        assert sum(len(item) for item in window.canvas.test_items) == 40  # drawn hollow
        assert "(40 test)" in window.data_panel.counts.text()
    wait_for(qtbot, window, lambda s: s.n_train == 160)


def test_the_window_and_the_command_line_hold_out_the_same_count():
    points, labels = make_dataset("moons", 200, 0.1, seed=4)
    _, _, _, cli_test_labels = train_test_split(points, labels, 0.2, seed=0)
    model = PointSet()
    model.replace(points, labels, model.new_keys(labels.size))
    assert int(model.test_mask(0.2).sum()) == cli_test_labels.size == 40


def test_the_mask_follows_every_edit():
    model = PointSet()
    model.replace(np.zeros((2, 10)), np.zeros(10), np.linspace(0.05, 0.95, 10))
    first = model.test_mask(0.3)
    assert first.tolist() == [True] * 3 + [False] * 7
    first[:] = False  # the caller's copy: the cached mask is untouched
    assert model.test_mask(0.3).sum() == 3
    model.take(np.array([0]))  # the smallest key leaves: the next one joins the test set
    assert model.test_mask(0.3).tolist() == specs.test_mask(model.keys, 0.3).tolist()
    assert model.test_mask(0.3).tolist() == [True] * 3 + [False] * 6
    model.append(np.zeros((2, 1)), np.zeros(1), np.array([0.0]))  # a new smallest key
    assert model.test_mask(0.3).tolist() == [True] * 2 + [False] * 7 + [True]


def choose_preset(window, name: str) -> None:
    """Pick ``name`` in the Preset box as a user does (it generates at once)."""
    combo = window.data_panel.preset
    combo.setCurrentText(name)
    combo.activated.emit(combo.currentIndex())


def test_undoing_a_preset_shows_the_recipe_of_the_points_it_brings_back(window):
    data = window.data_panel
    data.class_count.setValue(3)  # spiral arms: a request of its own
    choose_preset(window, "spiral")
    data.count.setValue(150)
    data.noise.setValue(5)
    data.regenerate.click()
    spiral = window.model.points.copy()
    assert window.model.n_classes() == 3
    choose_preset(window, "moons")
    assert window.model.n_classes() == 2
    window.undo_stack.undo()
    np.testing.assert_array_equal(window.model.points, spiral)
    # The controls say what made these points, and Regenerate makes more of them.
    assert data.recipe() == {"preset": "spiral", "classes": 3, "count": 150, "noise": 5}
    assert data.class_count.isVisibleTo(data)
    window.undo_stack.redo()
    assert data.recipe()["preset"] == "moons" and not data.class_count.isVisibleTo(data)
    window.undo_stack.undo()
    data.regenerate.click()
    assert window.model.n_classes() == 3 and len(window.model) == 150
    assert not np.array_equal(window.model.points, spiral)  # new random points
    # Undo does not touch the other controls.
    assert data.test_ratio.value() == 20 and data.show_test.isChecked()


def test_the_class_count_survives_undoing_and_redoing_a_preset_without_one(window):
    data = window.data_panel
    data.class_count.setValue(4)
    choose_preset(window, "spiral")
    choose_preset(window, "moons")  # two classes, whatever the box says
    window.undo_stack.undo()
    window.undo_stack.redo()
    assert data.recipe()["preset"] == "moons" and data.class_count.value() == 4
    choose_preset(window, "spiral")
    assert window.model.n_classes() == 4


def test_undoing_a_preset_after_clear_or_a_file_leaves_the_controls(window, tmp_path):
    # No preset made the points it brings back: the controls stay as they are.
    from .driving import load_dataset

    data = window.data_panel
    choose_preset(window, "xor")
    window.clear_points()
    choose_preset(window, "moons")
    window.undo_stack.undo()  # back to no points
    assert len(window.model) == 0 and data.recipe()["preset"] == "moons"
    window.undo_stack.undo()  # back to xor's points, and its name
    assert data.recipe()["preset"] == "xor"
    load_dataset(window, tmp_path, "circle")
    choose_preset(window, "gaussian")
    window.undo_stack.undo()
    assert data.recipe()["preset"] == "gaussian" and len(window.model) == 200
