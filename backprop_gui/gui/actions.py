"""The window's actions, menus and toolbar, from one table.

Each row of ``ACTIONS`` is one action: the window attribute it becomes, its
text, shortcuts, tooltip and what it calls, and its line in Help › Keyboard
shortcuts (consecutive rows with the same line share it: "P / B / E").
``SHORTCUTS``, the help list, is made from the same rows, so a new shortcut
cannot be missing from it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QStyle, QToolBar, QWidget

from .theme import tool_icon

if TYPE_CHECKING:
    from .main_window import MainWindow

Key = str | QKeySequence.StandardKey

# How the help list writes the standard keys (as on Linux and Windows; the
# menus show each platform's own).
STANDARD_KEY_TEXT = {
    QKeySequence.Open: "Ctrl+O",
    QKeySequence.Save: "Ctrl+S",
    QKeySequence.Quit: "Ctrl+Q",
    QKeySequence.Undo: "Ctrl+Z",
    QKeySequence.HelpContents: "F1",
}


@dataclass(frozen=True)
class Row:
    """One action. ``slot`` is a dotted path from the window ("canvas.set_tool"),
    called with ``arg`` when there is one. ``kind``:

    - "action": triggered calls the slot; its tip is the tooltip and status tip;
    - "checkable": toggled calls the slot with the new state;
    - "tool": a checkable drawing tool, its key shown in its tooltip;
    - "undo", "redo": made by the window's undo stack (which keeps their text);
    - "mouse": no action, a mouse gesture listed in the help only.
    """

    name: str | None
    text: str
    keys: tuple[Key, ...]
    tip: str
    slot: str
    help: str = ""
    kind: str = "action"
    arg: object = None
    icon: str = ""  # a theme.tool_icon name, or a QStyle standard pixmap ("SP_...")
    checked: bool = False
    widget_shortcut: bool = False  # the shortcut works only in the widget that has it


def _mouse(gesture: str, help: str) -> Row:
    return Row(None, "", (gesture,), "", "", help, kind="mouse")


def _tool(tool: str, text: str, key: str, tip: str, checked: bool = False) -> Row:
    return Row(
        None,
        text,
        (key,),
        tip,
        "canvas.set_tool",
        "Put, brush and erase tools",
        kind="tool",
        arg=tool,
        icon=tool,
        checked=checked,
    )


ACTIONS: tuple[Row, ...] = (
    # Space belongs to a focused button or checkbox; elsewhere keyPressEvent
    # (which sees keys nobody used) trains. The menu still shows "Space".
    Row("train_action", "&Train / pause", ("Space",), "Start or pause training (Space)",
        "toggle_training", "Train / pause", widget_shortcut=True),
    Row("step_action", "&Step one epoch", ("S",), "Train one epoch, then pause (S)",
        "step", "Step: train one epoch"),
    Row("step_through_action", "Step &through one step", ("F10",),
        "Pause and walk one training step stage by stage (F10; → ← move, Esc applies)",
        "inspector.start_step_through", "Step through one training step (→ ← Esc)"),
    Row("reset_action", "&Reset weights", ("R",), "Re-initialise with the same seed (R)",
        "reset", "Reset the weights (same seed)"),
    Row("new_seed_action", "&New seed", ("N",), "Random seed, new weights (N)",
        "new_seed", "New random seed"),
    _tool("put", "&Put", "P",
          "Put: click to add one point, drag for a trail of points", checked=True),
    _tool("brush", "&Brush", "B", "Brush: spray points within the brush radius"),
    _tool("erase", "&Erase", "E",
          "Erase: click removes the nearest point, drag erases under the brush"),
    Row(None, "&Inspect", ("I",),
        "Inspect: click a point to follow it through the network, forward and backward",
        "canvas.set_tool", "Inspect a point: its forward and backward pass", kind="tool",
        arg="inspect", icon="inspect"),
    _mouse("Left click / drag", "Add class 0 (orange)"),
    _mouse("Right or Shift+left", "Add class 1 (blue)"),
    _mouse("Ctrl+click", "Erase the nearest point"),
    Row("undo_action", "&Undo", (QKeySequence.Undo,),
        "Undo the last edit or whole stroke (Ctrl+Z)", "",
        "Undo / redo an edit or a whole stroke", kind="undo", icon="SP_ArrowBack"),
    Row("redo_action", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo (Ctrl+Shift+Z)", "",
        "Undo / redo an edit or a whole stroke", kind="redo", icon="SP_ArrowForward"),
    Row("clear_action", "&Clear points", ("Ctrl+Delete",), "Remove every point (undoable)",
        "clear_points", "Clear all points", icon="clear"),
    Row("regenerate_action", "Re&generate preset", ("G",), "Generate the preset again",
        "data_panel.regenerate.click", "Regenerate the preset"),
    Row("discretize_action", "&Discretize surface", ("D",),
        "Show only the predicted class, not the probability", "canvas.set_discrete",
        "Discretize the surface", kind="checkable"),
    Row("show_test_action", "Show &test data", ("T",), "Draw held-out test points",
        "data_panel.show_test.setChecked", "Show test data", kind="checkable", checked=True),
    Row("log_action", "&Log cost axis", ("L",), "Logarithmic cost axis",
        "log_check.setChecked", "Log scale for the cost", kind="checkable"),
    Row("open_points_action", "&Open points…", (QKeySequence.Open,),
        "Load points from a CSV file (x1,x2,label)", "documents.ask",
        "Open / save points (CSV)", arg="open_points"),
    Row("save_points_action", "&Save points…", (QKeySequence.Save,),
        "Save the points as CSV (x1,x2,label)", "documents.ask",
        "Open / save points (CSV)", arg="save_points"),
    Row("export_weights_action", "&Export weights…", ("Ctrl+E",),
        "Save the trained weights as .npz or .json", "documents.ask",
        "Export / import weights", arg="export_weights"),
    Row("import_weights_action", "&Import weights…", ("Ctrl+I",),
        "Load weights to continue training or just see their surface", "documents.ask",
        "Export / import weights", arg="import_weights"),
    Row("export_image_action", "Export &image…", ("Ctrl+Shift+E",),
        "Save a PNG of the canvas and its surface", "documents.ask",
        "Export an image of the canvas", arg="export_image"),
    Row("shortcuts_action", "&Keyboard shortcuts", (QKeySequence.HelpContents,),
        "List every shortcut", "show_shortcuts", "This list"),
    Row("quit_action", "&Quit", (QKeySequence.Quit,), "Quit backprop-gui", "close", "Quit"),
    Row("about_action", "&About backprop-gui", (), "", "show_about"),
)  # fmt: skip

TOOLS = "tools"  # in a menu or the toolbar: every tool action, in table order
MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    ("&File", ("open_points_action", "save_points_action", None, "export_weights_action",
               "import_weights_action", "export_image_action", None, "quit_action")),
    ("&Edit", ("undo_action", "redo_action", None, TOOLS, "clear_action")),
    ("&Training", ("train_action", "step_action", "step_through_action", "reset_action",
                   "new_seed_action")),
    ("&View", ("discretize_action", "show_test_action", "log_action")),
    ("&Help", ("shortcuts_action", "about_action")),
)  # fmt: skip
TOOLBAR: tuple[str | None, ...] = (
    TOOLS, "clear_action", None, "undo_action", "redo_action", None, "discretize_action",
)  # fmt: skip


def key_text(key: Key) -> str:
    return key if isinstance(key, str) else STANDARD_KEY_TEXT[key]


def help_rows(rows: tuple[Row, ...] = ACTIONS) -> tuple[tuple[str, str], ...]:
    """(keys, what they do) for the help list: each row with a help line and a
    key, and consecutive rows that share a line joined ("Ctrl+O / Ctrl+S")."""
    listed: list[tuple[list[str], str]] = []
    for row in rows:
        if not row.help or not row.keys:
            continue
        if listed and listed[-1][1] == row.help:
            listed[-1][0].append(key_text(row.keys[0]))
        else:
            listed.append(([key_text(row.keys[0])], row.help))
    return tuple((" / ".join(keys), text) for keys, text in listed)


SHORTCUTS = help_rows()


def _make(window: MainWindow, row: Row) -> QAction:
    style = window.style()
    if row.kind == "undo":
        action = window.undo_stack.createUndoAction(window, row.text)
    elif row.kind == "redo":
        action = window.undo_stack.createRedoAction(window, row.text)
    else:
        action = QAction(row.text, window)
    if row.icon:
        icon = row.icon
        action.setIcon(
            style.standardIcon(getattr(QStyle, icon)) if icon.startswith("SP_") else tool_icon(icon)
        )
    if row.keys:
        action.setShortcuts([QKeySequence(key) for key in row.keys])
    if row.kind == "tool":
        action.setToolTip(f"{row.tip} ({key_text(row.keys[0])})")
    elif row.kind in ("undo", "redo"):
        action.setToolTip(row.tip)
    elif row.tip:
        action.setToolTip(row.tip)
        action.setStatusTip(row.tip)
    if row.widget_shortcut:
        action.setShortcutContext(Qt.WidgetShortcut)
    if row.slot:
        slot: Callable = operator.attrgetter(row.slot)(window)
        if row.kind == "checkable":
            action.setCheckable(True)
            action.toggled.connect(slot)
        elif row.arg is not None:
            action.setCheckable(row.kind == "tool")
            action.triggered.connect(lambda _=False, s=slot, a=row.arg: s(a))
        else:
            action.triggered.connect(slot)
    action.setChecked(row.checked)
    window.addAction(action)
    return action


def build_actions(window: MainWindow) -> None:
    """Make every action on ``window``: ``window.<name>`` for each named row,
    ``window.tool_actions[tool]`` for the tools; then the menus and the toolbar."""
    window.tool_actions = {}
    for row in ACTIONS:
        if row.kind == "mouse":
            continue
        action = _make(window, row)
        if row.kind == "tool":
            window.tool_actions[row.arg] = action
        else:
            setattr(window, row.name, action)

    def actions(names: tuple[str | None, ...]) -> list[QAction | None]:
        out: list[QAction | None] = []
        for name in names:
            if name == TOOLS:
                out += window.tool_actions.values()
            else:
                out.append(None if name is None else getattr(window, name))
        return out

    def fill(target: QWidget, names: tuple[str | None, ...]) -> None:
        for action in actions(names):
            if action is None:
                target.addSeparator()
            else:
                target.addAction(action)

    for title, names in MENUS:
        fill(window.menuBar().addMenu(title), names)
    toolbar = QToolBar("Tools", objectName="toolsBar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
    fill(toolbar, TOOLBAR)
    window.addToolBar(toolbar)


def show_shortcuts(parent: QWidget) -> QMessageBox:
    """The help list in a window-modal box that does not block the caller."""
    rows = "".join(f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in SHORTCUTS)
    box = QMessageBox(
        QMessageBox.Information, "Keyboard shortcuts", f"<table>{rows}</table>", parent=parent
    )
    box.setTextFormat(Qt.RichText)
    box.open()
    return box


def show_about(parent: QWidget) -> None:
    from .. import __version__

    QMessageBox.about(
        parent,
        "About backprop-gui",
        f"<b>backprop-gui {__version__}</b><p>Draw two classes, choose a network, and "
        "watch backpropagation learn them. The engine is plain NumPy and follows the "
        "equations shown in the window.</p>",
    )
