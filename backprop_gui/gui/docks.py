"""The window's layout: the canvas in the centre, every panel in a dock.

Each panel of ``panels.PANELS`` declares where it goes (``Panel.area``,
``dock_title``, ``dock_group``); a panel registered later gets its dock from
that declaration alone. Docks can be moved, stacked as tabs, hidden and
restored; View lists them all, with "Reset layout". The arrangement is kept
with ``QMainWindow.saveState`` under a version number, so a layout saved by an
older arrangement of panels is dropped rather than half-applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDockWidget,
    QFrame,
    QGroupBox,
    QMainWindow,
    QMenu,
    QScrollArea,
    QTabBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .canvas import SquareFrame
from .panels.base import BOTTOM, LEFT, RIGHT, STRIP, TOOLBAR, Panel, dock_name, dock_title

if TYPE_CHECKING:
    from .main_window import MainWindow

# Bump when the default arrangement changes: older saved layouts are dropped.
LAYOUT_VERSION = 3
MIN_DOCK_WIDTHS = {LEFT: 260, RIGHT: 380}
AREAS = {
    LEFT: Qt.LeftDockWidgetArea,
    RIGHT: Qt.RightDockWidgetArea,
    BOTTOM: Qt.BottomDockWidgetArea,
}


def scrolling(panel: QWidget, title: str) -> QScrollArea:
    """``panel`` in a frameless scroll area: a dock smaller than its controls
    scrolls to them instead of cutting them off."""
    scroll = QScrollArea()
    scroll.setObjectName("scroll_" + (panel.objectName() or type(panel).__name__))
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.NoFrame)
    for bar in (scroll.horizontalScrollBar(), scroll.verticalScrollBar()):
        bar.setToolTip(f"Scroll to the rest of “{title}”")
    return scroll


def build_layout(window: MainWindow) -> None:
    """Give every panel of ``window.panels`` its place; sets ``window.docks``
    (objectName → QDockWidget, in PANELS order) and ``window.command_toolbar``."""
    window.setDockNestingEnabled(True)
    window.setDockOptions(
        QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks | QMainWindow.AllowNestedDocks
    )

    centre = QWidget(objectName="centre")
    column = QVBoxLayout(centre)
    column.setContentsMargins(4, 4, 4, 4)
    window.command_toolbar = QToolBar("Training commands", objectName="commandToolBar")
    window.command_toolbar.setMovable(False)
    window.docks = {}
    first_of_group: dict[tuple[str, str], QDockWidget] = {}
    for panel in window.panels:
        area = getattr(panel, "area", RIGHT)
        if area == TOOLBAR:
            window.command_toolbar.addWidget(panel)
            continue
        if area == STRIP:
            column.addWidget(panel)
            continue
        if area not in AREAS:
            area = RIGHT
        title = dock_title(panel)
        if isinstance(panel, QGroupBox):
            panel.setTitle("")  # the dock's title says it
            panel.setFlat(True)
        dock = QDockWidget(title, window, objectName=dock_name(panel))
        dock.setWidget(scrolling(panel, title))
        dock.setFeatures(
            QDockWidget.DockWidgetMovable
            | QDockWidget.DockWidgetClosable
            | QDockWidget.DockWidgetFloatable
        )
        for button, tip in (
            ("qt_dockwidget_floatbutton", f"Float “{title}” in a window of its own"),
            ("qt_dockwidget_closebutton", f"Hide “{title}” (View › {title} shows it again)"),
        ):
            child = dock.findChild(QAbstractButton, button)
            if child is not None:
                child.setToolTip(tip)
        window.docks[dock.objectName()] = dock
        if isinstance(panel, Panel):
            # Emitted as the dock is shown or hidden and as its tab is chosen.
            dock.visibilityChanged.connect(panel.set_on_screen)
        group = getattr(panel, "dock_group", "")
        leader = first_of_group.get((area, group)) if group else None
        if leader is not None:
            window.tabifyDockWidget(leader, dock)
            # The group shares its column's height by its largest stretch.
            leader.setProperty("stretch", max(int(leader.property("stretch") or 0), panel.stretch))
        else:
            window.addDockWidget(AREAS[area], dock)
            if group:
                first_of_group[(area, group)] = dock
        # The canvas gives way first: a dock column narrower than this clips
        # its read-outs and tables (it still scrolls vertically).
        dock.setMinimumWidth(MIN_DOCK_WIDTHS.get(area, 0))
        stretch = getattr(panel, "stretch", 0)
        if leader is None:
            dock.setProperty("stretch", stretch)
        if not stretch and area != LEFT:
            # A read-out without spare height to share is never squeezed
            # below its own (scrolling a table of four numbers helps nobody).
            dock.widget().setMinimumHeight(min(panel.sizeHint().height(), 160))
    for leader in first_of_group.values():
        leader.raise_()  # the group's first tab in front
    window.dock_leaders = list(first_of_group.values())
    for bar in window.findChildren(QTabBar):
        style_tab_bar(bar)
    column.addWidget(SquareFrame(window.canvas), 1)
    window.setCentralWidget(centre)
    window.addToolBarBreak()
    window.addToolBar(window.command_toolbar)
    _share_heights(window)
    window.resize(fitting_size(window))
    window.default_layout = window.saveState(LAYOUT_VERSION)
    window.installEventFilter(_TabBarUpkeep(window))
    _RevealFocused(window)


def fitting_size(window: MainWindow, wanted: tuple[int, int] = (1440, 860)) -> QSize:
    """The default size, within the screen's available area (a 1280×720
    projector gets a window that fits it)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(*wanted)
    free = screen.availableGeometry()
    return QSize(min(wanted[0], free.width()), min(wanted[1], free.height()))


def _share_heights(window: MainWindow) -> None:
    """Docks of one column share its height by their panels' ``stretch``."""
    for area in AREAS.values():
        # One dock per place: each untabbed dock, and each tab group's first.
        leaders = getattr(window, "dock_leaders", [])
        docks = [
            d
            for d in window.docks.values()
            if window.dockWidgetArea(d) == area
            and (not window.tabifiedDockWidgets(d) or d in leaders)
        ]
        if len(docks) > 1:
            weights = [100 + 200 * int(d.property("stretch") or 0) for d in docks]
            window.resizeDocks(docks, weights, Qt.Vertical)
    widths = {Qt.LeftDockWidgetArea: 320, Qt.RightDockWidgetArea: 420}
    for area, width in widths.items():
        docks = [d for d in window.docks.values() if window.dockWidgetArea(d) == area]
        if docks:
            window.resizeDocks(docks[:1], [width], Qt.Horizontal)


def view_actions(window: MainWindow) -> list[QAction]:
    """Each dock's action for the View menu, titled and ticked as the dock's
    own ``toggleViewAction``: a hidden dock is shown in front of the tabs it
    shares a place with (the student asked to see it), one behind another
    tab comes to the front (Qt's action hid it), one in front is hidden."""
    actions = []
    for dock in window.docks.values():
        own = dock.toggleViewAction()
        action = QAction(own.text(), window, checkable=True, checked=own.isChecked())
        action.setObjectName("view_" + dock.objectName())
        # Guarded: at exit the docks may hide after the window's actions are gone.
        own.toggled.connect(lambda on, a=action: shiboken6.isValid(a) and a.setChecked(on))
        dock.windowTitleChanged.connect(lambda t, a=action: shiboken6.isValid(a) and a.setText(t))
        action.triggered.connect(lambda _on, d=dock, a=action: _view_chosen(window, d, a))
        actions.append(action)
    return actions


def popup_menu(window: MainWindow) -> QMenu:
    """A right-click on a dock's title or a toolbar: the View menu's dock
    entries (``view_actions``, not Qt's own), and the toolbars'."""
    menu = QMenu(window)
    menu.addActions(
        [a for a in window.findChildren(QAction) if a.objectName().startswith("view_dock")]
    )
    menu.addSeparator()
    menu.addActions([bar.toggleViewAction() for bar in window.findChildren(QToolBar)])
    return menu


def _view_chosen(window: MainWindow, dock: QDockWidget, action: QAction) -> None:
    behind = bool(window.tabifiedDockWidgets(dock)) and dock.visibleRegion().isEmpty()
    if dock.isHidden() or behind:
        dock.show()
        dock.raise_()
    else:
        dock.hide()
    action.setChecked(not dock.isHidden())


def reset_layout(window: MainWindow) -> None:
    """Every dock back where it started, shown."""
    window.restoreState(window.default_layout, LAYOUT_VERSION)
    for dock in window.docks.values():
        if dock.isFloating():
            dock.setFloating(False)
    _share_heights(window)
    QTimer.singleShot(0, window, lambda: hide_stale_tab_bars(window))
    presentation = getattr(window, "presentation", None)
    if presentation is not None:  # in the mode: its wider left column and no title bars
        QTimer.singleShot(0, window, presentation.refit)


def style_tab_bar(bar: QTabBar) -> None:
    """Whole tab titles, with scroll arrows (that say what they do) when they
    do not all fit."""
    bar.setElideMode(Qt.ElideNone)
    bar.setUsesScrollButtons(True)
    for button in bar.findChildren(QAbstractButton):
        side = "left" if "Left" in button.objectName() else "right"
        button.setToolTip(f"Show the tabs further {side}")


def hide_stale_tab_bars(window: QMainWindow) -> list[QTabBar]:
    """Hide the tab bars Qt left behind; returns them.

    Qt (seen with 6.11) makes a second tab bar for a tab group as it grows while the
    window is built, and new ones for every group in ``restoreState``; it
    hides none of the old ones. They stay where they were, under the docks
    and the canvas, and show through beside them (a sliver of a tab beside
    the canvas; after Reset layout, a whole bar of a group that no longer
    exists). Clicks on them do nothing.

    A bar is live when its docks are one tab group as the window has them
    now (``tabifiedDockWidgets``), and it is the newest such bar of that
    group: Qt made the live one after the left-over one, and keeps it on top.
    """
    docks = {shiboken6.getCppPointer(d)[0]: d for d in window.findChildren(QDockWidget)}

    def group(dock: QDockWidget) -> frozenset[QDockWidget]:
        return frozenset([dock, *window.tabifiedDockWidgets(dock)])

    bars = [b for b in window.findChildren(QTabBar) if b.parent() is window and not b.isHidden()]
    newest: dict[frozenset, QTabBar] = {}
    stale = []
    # In stacking order, bottom first (the order of the window's children,
    # which raise_ changes): the live bar of a group is above those left behind.
    for bar in bars:
        tabs = [docks.get(bar.tabData(i)) for i in range(bar.count())]
        groups = {group(d) for d in tabs if d is not None}
        if len(groups) != 1 or None in tabs:
            stale.append(bar)  # its docks are no longer one group
            continue
        key = groups.pop()
        if key in newest:
            stale.append(newest[key])
        newest[key] = bar
    for bar in stale:
        bar.hide()
    return stale


class _TabBarUpkeep(QObject):
    """Hides the left-over tab bars once the window is shown and laid out, and
    styles each tab bar Qt adds later (docks tabbed together, restoreState)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Show:
            QTimer.singleShot(0, watched, lambda: hide_stale_tab_bars(watched))
        elif kind == QEvent.ChildPolished and isinstance(event.child(), QTabBar):
            style_tab_bar(event.child())  # made whole by now, not yet shown
        return False


class _RevealFocused(QObject):
    """Keys never change controls nobody can see. The keyboard focus going
    into a dock behind another tab (Tab from the dock in front) brings that
    dock to the front. A dock going out of sight (another tab chosen, or
    closed) hands the focus to the canvas: ↑ went on changing its hidden
    field, and the focus coming back from a menu raised it over the tab
    chosen. Nor does the focus a window gets back when it is activated raise
    anything: the tab in front stays in front."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        QApplication.instance().focusChanged.connect(self._focus_changed)
        for dock in getattr(window, "docks", {}).values():
            dock.visibilityChanged.connect(lambda seen, d=dock: seen or self._out_of_sight(d))

    def _out_of_sight(self, dock: QDockWidget) -> None:
        focused, window = QApplication.focusWidget(), self._window
        if focused is None or not dock.isAncestorOf(focused) or not window.isVisible():
            return
        if not window.isMinimized() and dock.visibleRegion().isEmpty():
            window.canvas.setFocus(Qt.OtherFocusReason)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if old is None:  # the window activated: focus comes back, nobody moved it
            return
        widget = new
        while widget is not None and not isinstance(widget, QDockWidget):
            widget = widget.parentWidget()
        if widget is None or widget.window() is not self._window or widget.isFloating():
            return
        if self._window.tabifiedDockWidgets(widget) and widget.visibleRegion().isEmpty():
            widget.raise_()


def save_layout(window: MainWindow) -> QByteArray:
    """The layout to keep: in presentation mode and just after it, the one
    from before it (the docks take the normal font back over a few turns of
    the event loop, and closing the window in the mode saves straight after
    leaving)."""
    before = getattr(getattr(window, "presentation", None), "layout_before", None)
    return before if before is not None else window.saveState(LAYOUT_VERSION)


def restore_layout(window: MainWindow, state: object) -> bool:
    """Apply a saved layout; False (the default kept) if it is from another
    version or damaged."""
    if not isinstance(state, (QByteArray, bytes)):
        return False
    return bool(window.restoreState(QByteArray(state), LAYOUT_VERSION))
