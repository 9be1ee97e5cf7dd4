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

import shiboken6
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .docks import view_actions
from .theme import CLASS_COLORS, CLASS_NAMES, class_icon, tool_icon

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
    - "class": a checkable class of the picker (``arg`` is the label), its
      colour as the icon;
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


def _class(k: int) -> Row:
    """Key k chooses class k − 1 (its label, as files, the help and the canvas
    count classes) for left clicks, strokes and the brush."""
    name = f"Class {k - 1}, {CLASS_NAMES[k - 1]}"
    return Row(f"class_action{k}", f"&{k}: {name}", (str(k),), f"{name} (key {k})",
               "canvas.set_class", kind="class", arg=k - 1, checked=k == 1)  # fmt: skip


CLASS_ROWS: tuple[Row, ...] = tuple(_class(k) for k in range(1, len(CLASS_COLORS) + 1))
# Listed after the table's help rows (which keep the list they always had).
CLASS_HELP = (("1 … 6", "Choose the class a left click adds (1: class 0, orange)"),)

ACTIONS: tuple[Row, ...] = (
    # Space belongs to a focused button, checkbox or text field; elsewhere,
    # drop-down lists too (``panels.base.ChoiceBox``), keyPressEvent (which
    # sees keys nobody used) trains. The menu still shows "Space".
    Row("train_action", "&Train / pause", ("Space",), "Start or pause training (Space)",
        "toggle_training", "Train / pause", widget_shortcut=True),
    Row("step_action", "&Step", ("S",),
        "Train one step (one update on one mini-batch), then pause (S)",
        "step", "Step: one update (one mini-batch)"),
    Row("step_epoch_action", "Step one &epoch", ("Shift+S",),
        "Train one epoch, then pause (Shift+S)", "step_epoch", "Step one epoch"),
    Row("slower_action", "S&lower", ("[",), "Train more slowly ([)", "commands.slower",
        "Slower / faster training"),
    Row("faster_action", "&Faster", ("]",), "Train faster (])", "commands.faster",
        "Slower / faster training"),
    Row("step_through_action", "Step t&hrough one step", ("F10",),
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
    _mouse("Left click / drag", "Add the chosen class (class 0, orange, until 2–6 pick another)"),
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
        "Save the trained weights: .npz, .json, an ONNX model or a .py script", "documents.ask",
        "Export / import weights", arg="export_weights"),
    Row("import_weights_action", "&Import weights…", ("Ctrl+I",),
        "Load weights to continue training or just see their surface", "documents.ask",
        "Export / import weights", arg="import_weights"),
    Row("export_image_action", "Export i&mage…", ("Ctrl+Shift+E",),
        "Save an image of the canvas (PNG, JPEG or BMP)", "documents.ask",
        "Export an image of the canvas", arg="export_image"),
    Row("open_session_action", "Open session…", ("Ctrl+Shift+O",),
        "Open a saved session: points, split, network, settings, weights and curve",
        "documents.ask", "Open / save a session (.bpsession)", arg="open_session"),
    Row("save_session_action", "Save session…", ("Ctrl+Shift+S",),
        "Save everything in one .bpsession file, to hand out or come back to",
        "documents.ask", "Open / save a session (.bpsession)", arg="save_session"),
    Row("presentation_action", "&Presentation mode", ("F11",),
        "Full screen, larger fonts, thicker lines and points for a projector (F11, Esc leaves)",
        "set_presentation", "Presentation mode (Esc leaves)", kind="checkable"),
    Row("reset_layout_action", "Reset la&yout", (),
        "Put every panel back where it started, shown", "reset_layout"),
    Row("shortcuts_action", "&Keyboard shortcuts", (QKeySequence.HelpContents,),
        "List every shortcut", "show_shortcuts", "This list"),
    Row("quit_action", "&Quit", (QKeySequence.Quit,), "Quit backprop-gui", "close", "Quit"),
    Row("about_action", "&About backprop-gui", (), "", "show_about"),
    *CLASS_ROWS,
)  # fmt: skip

TOOLS = "tools"  # in a menu or the toolbar: every tool action, in table order
CLASSES = "classes"  # in a menu: the class picker's actions
DOCKS = "docks"  # in a menu: every dock's show/hide action (docks.view_actions)
MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    ("&File", ("open_session_action", "save_session_action", None, "open_points_action",
               "save_points_action", None, "export_weights_action", "import_weights_action",
               "export_image_action", None, "quit_action")),
    ("&Edit", ("undo_action", "redo_action", None, TOOLS, None, CLASSES, None, "clear_action")),
    ("&Training", ("train_action", "step_action", "step_epoch_action", "step_through_action",
                   None, "slower_action", "faster_action", None, "reset_action",
                   "new_seed_action")),
    ("&View", ("discretize_action", "show_test_action", "log_action", None,
               "presentation_action", None, DOCKS, None, "reset_layout_action")),
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
    if row.kind == "class":
        action.setIcon(class_icon(row.arg))
        action.setObjectName(f"classAction{row.arg + 1}")
    if row.icon:
        icon = row.icon
        action.setIcon(
            style.standardIcon(getattr(QStyle, icon)) if icon.startswith("SP_") else tool_icon(icon)
        )
    if row.keys:
        action.setShortcuts([QKeySequence(key) for key in row.keys])
    if row.kind == "class":
        action.setToolTip(row.tip)
    elif row.kind == "tool":
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
            action.setCheckable(row.kind in ("tool", "class"))
            action.triggered.connect(lambda _=False, s=slot, a=row.arg: s(a))
        else:
            action.triggered.connect(slot)
    action.setChecked(row.checked)
    if row.name:  # "reset_layout_action" -> "resetLayoutAction", for scripts and tests
        head, *rest = row.name.split("_")
        action.setObjectName(head + "".join(word.title() for word in rest))
    window.addAction(action)
    return action


def build_actions(window: MainWindow) -> None:
    """Make every action on ``window``: ``window.<name>`` for each named row,
    ``window.tool_actions[tool]`` for the tools; then the menus and the toolbar."""
    window.tool_actions = {}
    window.class_actions = []  # label 0, 1, …: the picker's actions
    classes = QActionGroup(window)  # one class at a time
    for row in ACTIONS:
        if row.kind == "mouse":
            continue
        action = _make(window, row)
        if row.kind == "tool":
            window.tool_actions[row.arg] = action
        else:
            setattr(window, row.name, action)
        if row.kind == "class":
            classes.addAction(action)
            window.class_actions.append(action)
    window.canvas.class_changed.connect(lambda label: window.class_actions[label].setChecked(True))

    def tool_changed(tool: str) -> None:
        # A tool chosen on the canvas is the one checked here, and only it.
        for name, action in window.tool_actions.items():
            action.setChecked(name == tool)

    window.canvas.tool_changed.connect(tool_changed)

    def actions(names: tuple[str | None, ...]) -> list[QAction | None]:
        out: list[QAction | None] = []
        for name in names:
            if name == TOOLS:
                out += window.tool_actions.values()
            elif name == CLASSES:
                out += window.class_actions
            elif name == DOCKS:
                out += view_actions(window)
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
        menu = window.menuBar().addMenu(title)
        fill(menu, names)
        # "&View" -> window.view_menu
        setattr(window, title.strip("&").lower() + "_menu", menu)
    toolbar = QToolBar("Tools", objectName="toolsBar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
    fill(toolbar, TOOLBAR)
    # Undo and redo as arrows: their text names the last edit ("Undo Clear
    # points"), and as it changed every tool after it moved. The edit is in
    # the tooltip and the Edit menu.
    stack = window.undo_stack
    arrows = [toolbar.widgetForAction(a) for a in (window.undo_action, window.redo_action)]

    def as_arrows(_: object = None) -> None:
        for button in arrows:
            button.setToolButtonStyle(Qt.ToolButtonIconOnly)

    # After the bar's own (presentation mode sets its style, then puts it back).
    toolbar.toolButtonStyleChanged.connect(as_arrows)
    as_arrows()
    for action, verb, changed, now in (
        (window.undo_action, "undo", stack.undoTextChanged, stack.undoText),
        (window.redo_action, "redo", stack.redoTextChanged, stack.redoText),
    ):
        tip = action.toolTip()

        def name_the_edit(text: str, action=action, verb=verb, tip=tip) -> None:
            if shiboken6.isValid(action):  # the stack outlives it as the window closes
                action.setToolTip(f"{tip}\nNext: {verb} “{text}”" if text else tip)

        changed.connect(name_the_edit)
        name_the_edit(now())
    window.addToolBar(toolbar)
    picker = QToolBar("Class", objectName="classPicker")
    picker.setMovable(False)
    picker.setToolButtonStyle(Qt.ToolButtonIconOnly)
    picker.setToolTip("The class a left click adds (keys 1–6)")
    for action in window.class_actions:
        picker.addAction(action)
    window.addToolBar(picker)


def show_shortcuts(parent: QWidget) -> QDialog:
    """The help list in a window-modal box that does not block the caller, no
    bigger than the screen: in two columns where they fit side by side, and
    scrolling when even that is too tall (at 1280×720 in presentation mode one
    column was 1,146 px tall)."""
    rows = [
        f"<tr><td><b>{key}</b></td><td>&nbsp;&nbsp;{text}</td></tr>"
        for key, text in SHORTCUTS + CLASS_HELP
    ]
    box = QDialog(parent, windowTitle="Keyboard shortcuts", objectName="shortcutsBox")
    box.setAttribute(Qt.WA_DeleteOnClose)
    room = box.screen().availableGeometry()
    room = QSize(room.width() * 9 // 10, room.height() * 9 // 10)
    half = (len(rows) + 1) // 2
    tables = [QLabel(f"<table>{''.join(part)}</table>") for part in (rows[:half], rows[half:])]
    if sum(t.sizeHint().width() for t in tables) + 80 > room.width():  # one column, then
        tables = [QLabel(f"<table>{''.join(rows)}</table>")]
    inner = QWidget()
    columns = QHBoxLayout(inner)
    for table in tables:
        table.setTextFormat(Qt.RichText)
        columns.addWidget(table, 1, Qt.AlignTop)
    scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.NoFrame)
    scroll.setWidget(inner)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    buttons = QDialogButtonBox(QDialogButtonBox.Ok)
    buttons.accepted.connect(box.accept)
    layout = QVBoxLayout(box)
    layout.addWidget(scroll)
    layout.addWidget(buttons)
    bar = scroll.verticalScrollBar().sizeHint().width()
    wanted = inner.sizeHint() + QSize(40 + bar, buttons.sizeHint().height() + 40)
    box.resize(wanted.boundedTo(room))
    box.open()
    return box


def show_about(parent: QWidget) -> None:
    from .. import __version__

    QMessageBox.about(
        parent,
        "About backprop-gui",
        f"<b>backprop-gui {__version__}</b><p>Draw two to six classes, choose a network, and "
        "watch backpropagation learn them. The engine is plain NumPy and follows the "
        "equations shown in the window.</p>",
    )
