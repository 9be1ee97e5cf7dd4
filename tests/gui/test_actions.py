"""Actions come from one table: shortcuts, tooltips, menus and the help list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QToolBar

from backprop_gui.gui.actions import ACTIONS, MENUS, SHORTCUTS, key_text

from .driving import load_dataset

# The help list as it was written by hand before the table: it must not change
# (only grow, when a shortcut is added), but for issue #13's Step (one step, S),
# Step one epoch (Shift+S) and the speed; the inspector added F10 and I.
HAND_WRITTEN = (
    ("Space", "Train / pause"),
    ("S", "Step: one update (one mini-batch)"),
    ("Shift+S", "Step one epoch"),
    ("[ / ]", "Slower / faster training"),
    ("F10", "Step through one training step (→ ← Esc)"),
    ("R", "Reset the weights (same seed)"),
    ("N", "New random seed"),
    ("P / B / E", "Put, brush and erase tools"),
    ("I", "Inspect a point: its forward and backward pass"),
    ("Left click / drag", "Add the chosen class (class 0, orange, until 2–6 pick another)"),
    ("Right or Shift+left", "Add class 1 (blue)"),
    ("Ctrl+click", "Erase the nearest point"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo an edit or a whole stroke"),
    ("Ctrl+Delete", "Clear all points"),
    ("G", "Regenerate the preset"),
    ("D", "Discretize the surface"),
    ("T", "Show test data"),
    ("L", "Log scale for the cost"),
    ("Ctrl+O / Ctrl+S", "Open / save points (CSV)"),
    ("Ctrl+E / Ctrl+I", "Export / import weights"),
    ("Ctrl+Shift+E", "Export an image of the canvas"),
    # Added with the docks and sessions (issue #13).
    ("Ctrl+Shift+O / Ctrl+Shift+S", "Open / save a session (.bpsession)"),
    ("F11", "Presentation mode (Esc leaves)"),
    ("F1", "This list"),
    ("Ctrl+Q", "Quit"),
)


def test_the_help_list_is_made_from_the_table():
    assert SHORTCUTS == HAND_WRITTEN


def action_of(window, row) -> QAction:
    return window.tool_actions[row.arg] if row.kind == "tool" else getattr(window, row.name)


def test_every_row_becomes_an_action_with_its_shortcuts_and_tip(window):
    for row in ACTIONS:
        if row.kind == "mouse":
            continue
        action = action_of(window, row)
        assert isinstance(action, QAction) and action in window.actions()
        # Standard keys are the platform's (offscreen has no Quit key, as Windows).
        expected = [QKeySequence(key) for key in row.keys]
        assert action.shortcuts() == expected, row
        if row.tip:
            assert row.tip in action.toolTip()


def test_the_help_keys_are_the_actions_keys():
    for row in ACTIONS:
        if row.kind != "mouse" and row.help:
            listed = next(keys for keys, text in SHORTCUTS if text == row.help)
            assert key_text(row.keys[0]) in listed.split(" / "), row


def test_the_menus_hold_the_tables_actions(window):
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == [title for title, _ in MENUS]
    file_menu = window.menuBar().actions()[0].menu()
    assert window.export_weights_action in file_menu.actions()
    edit_menu = window.menuBar().actions()[1].menu()
    assert all(tool in edit_menu.actions() for tool in window.tool_actions.values())


def test_file_actions_open_their_dialog(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from backprop_gui.core import read_points_csv

    target = tmp_path / "saved"  # no suffix: the dialog adds .csv
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.save_points_action.trigger()
    _, labels = read_points_csv(tmp_path / "saved.csv")
    assert labels.size == len(window.model)
    assert window.settings.value("last_dir") == str(tmp_path)


def test_an_image_named_without_a_suffix_takes_the_chosen_types(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "canvas"  # JPEG image chosen in the dialog, no suffix typed
    chosen = "JPEG image (*.jpg *.jpeg)"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), chosen))
    window.export_image_action.trigger()
    assert (tmp_path / "canvas.jpg").read_bytes()[:3] == b"\xff\xd8\xff"


def test_the_toolbar_stays_put_as_edits_and_training_change_its_labels(qtbot, window, tmp_path):
    # Undo's text named the last edit, and Train turned into Pause: every
    # tool after them moved as their widths changed.
    toolbar = window.findChild(QToolBar, "toolsBar")
    undo = toolbar.widgetForAction(window.undo_action)
    assert undo.toolButtonStyle() == Qt.ToolButtonIconOnly
    places = [toolbar.widgetForAction(a).pos() for a in toolbar.actions() if not a.isSeparator()]
    load_dataset(window, tmp_path, "circle", n=60)
    window.clear_action.trigger()
    QApplication.processEvents()
    assert "Next: undo “Clear points”" in window.undo_action.toolTip()
    assert window.undo_action.toolTip().startswith("Undo the last edit")
    now = [toolbar.widgetForAction(a).pos() for a in toolbar.actions() if not a.isSeparator()]
    assert now == places
    window.undo_action.trigger()
    assert "Next: redo “Clear points”" in window.redo_action.toolTip()
    button = window.train_button
    width = button.width()
    bar = window.commands
    bar.set_training(True)
    QApplication.processEvents()
    assert button.text() == "Pause" and button.width() == width
    bar.set_training(False)


def test_no_two_entries_of_a_menu_share_an_alt_key(window):
    # Alt+V, L chose "Log cost axis" and never "Reset layout".
    import re

    for menu_action in window.menuBar().actions():
        keys = []
        for action in menu_action.menu().actions():
            found = re.search(r"&([^&])", action.text())
            if found:
                keys.append((found.group(1).lower(), action.text()))
        letters = [letter for letter, _ in keys]
        assert len(set(letters)) == len(letters), (menu_action.text(), keys)
