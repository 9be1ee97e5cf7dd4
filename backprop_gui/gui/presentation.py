"""Presentation mode: the window for a projector at the back of a lecture hall.

Full screen, the application font scaled, the canvas's points, boundary and
the cost curves drawn larger and thicker, and the left dock column widened to
its panels' larger controls (the square canvas gives way; on a 1280×720
projector the data panel was cut off at its right). The docks lose their
title bars, the read-outs get the height their larger numbers need, and the
cost plot at least its smallest (no scroll bar). Leaving puts back exactly
what was there: the font, every pen and size, the title bars, the column's
width, the read-outs' height and both minimums, the window's state and
geometry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QScrollArea, QToolBar, QWidget

from .docks import LAYOUT_VERSION

if TYPE_CHECKING:
    from .main_window import MainWindow

FONT_SCALE = 1.5  # the application font
# Axis titles (x₁, cost J, epoch) grow less: at 1280×720 the cost plot's bottom
# title at 1.5× took the 3 px the diagram needed.
TITLE_SCALE = 1.25
LINE_SCALE = 2.0  # the boundary, the cost curves, the points' outlines
POINT_SCALE = 1.6  # the points
MAX_LEFT_SHARE = 0.4  # of the screen's width, at most, for the left column in the mode
UNTITLED = "presentationTitleBar"  # the empty title bar of a docked dock in the mode
SETTLE_MS = 500  # after leaving, how long the layout from before the mode is the one kept
SIZE_TRIES = 8  # turns of the event loop to size the docks back (_restore_heights)


class Presentation(QObject):
    """Turns presentation mode on and off for ``window``; ``on`` says which."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.on = False
        self._saved: dict = {}
        self._watched: set[QDockWidget] = set()  # docks whose floating _retitle follows
        # True in the mode and for a moment after it, while the window from
        # before the mode (``_saved``) is the one kept: see ``layout_before``.
        self._keeping = False
        # One timer, restarted on each leave and stopped on each entry: an
        # earlier leave's must not end a later one's moment of settling.
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._forget_layout)

    def _pens(self) -> list[tuple[object, object]]:
        """(item, pen) for every line the mode thickens."""
        w = self.window
        items = [w.canvas.boundary]
        plot = getattr(w, "cost_plot", None)
        for name in ("train_curve", "test_curve"):
            if plot is not None and hasattr(plot, name):
                items.append(getattr(plot, name))
        return [(item, pg.mkPen(item.opts["pen"])) for item in items]

    def _axes(self) -> list[pg.AxisItem]:
        """Every plot axis in the window: the canvas's, the cost plot's, the
        health panel's. Their tick labels have a font of their own, which the
        application's larger font does not reach."""
        axes = []
        for view in self.window.findChildren(pg.GraphicsView):
            axes += [item for item in view.scene().items() if isinstance(item, pg.AxisItem)]
        return axes

    def _left_docks(self) -> list[QDockWidget]:
        w = self.window
        return [
            d
            for d in w.docks.values()
            if w.dockWidgetArea(d) == Qt.LeftDockWidgetArea and not d.isFloating()
        ]

    def _in_front(self, dock: QDockWidget) -> bool:
        """Docked and on screen: of a tab group, the dock in front (Qt keeps
        the others "visible", moved outside the window, with stale sizes)."""
        return (
            dock.isVisible()
            and not dock.isFloating()
            and self.window.rect().intersects(dock.geometry())
        )

    def _shown_left_dock(self) -> QDockWidget | None:
        """The left column's dock on screen."""
        return next((d for d in self._left_docks() if self._in_front(d)), None)

    def _fit_left_column(self) -> None:
        """Widen the left column to its widest panel at the larger font."""
        docks, shown = self._left_docks(), self._shown_left_dock()
        if not self.on or shown is None:
            return
        widths = [0]
        for dock in docks:
            if not dock.toggleViewAction().isChecked():
                continue  # closed by the user: it takes no room
            scroll = dock.widget()
            panel = scroll.widget() if isinstance(scroll, QScrollArea) else scroll
            if panel is None:
                continue
            bar = scroll.verticalScrollBar().sizeHint().width() if scroll is not panel else 0
            widths.append(panel.sizeHint().width() + bar)
        # Of the screen: the window may not have reached full screen yet.
        screen = self.window.screen()
        full = screen.geometry().width() if screen is not None else self.window.width()
        width = min(max(widths), int(full * MAX_LEFT_SHARE))
        if width > shown.width():
            self.window.resizeDocks([shown], [width], Qt.Horizontal)

    @staticmethod
    def _set_title_font(axis: pg.AxisItem, font: QFont) -> None:
        axis.label.setFont(font)
        axis.showLabel(axis.label.isVisible())  # makes room for it, as pyqtgraph does

    def refit(self) -> None:
        """After Reset layout in the mode, the docks as the mode lays them out
        (the default layout's left column was too narrow for the larger font)."""
        if self.on:
            for dock in self.window.docks.values():
                self._retitle(dock)
            self._fit_left_column()

    def _scale_panels(self, scale: float) -> None:
        """The panels whose text sizes are their own (``set_scale``), at ``scale``."""
        for panel in self.window.panels:
            if hasattr(panel, "set_scale"):
                panel.set_scale(scale)

    def _retitle(self, dock: QDockWidget) -> None:
        """In the mode a docked dock has an empty title bar, and a floating
        one its own (without it, it could be neither moved nor closed), also
        when it floats or docks in the mode; out of it, every dock its own."""
        bar = dock.titleBarWidget()
        if self.on and not dock.isFloating():
            if bar is None:
                dock.setTitleBarWidget(QWidget(dock, objectName=UNTITLED))
        elif bar is not None and bar.objectName() == UNTITLED:
            dock.setTitleBarWidget(None)
            bar.deleteLater()

    @property
    def layout_before(self) -> QByteArray | None:
        """In the mode and for a moment after it, the docks' layout from
        before the mode, which the settings keep (``docks.save_layout``): the
        next start, or the one after a crash, opens the normal window. After
        leaving, the sizes take a few turns to settle."""
        return self._saved["layout"] if self._keeping else None

    @property
    def geometry_before(self) -> QByteArray | None:
        """Likewise the window's geometry (``settings.save_settings``): not
        a full-screen one without the mode."""
        return self._saved["geometry"] if self._keeping else None

    def _forget_layout(self) -> None:
        if not self.on:
            self._keeping = False

    def _held(self) -> list[tuple[QWidget, QScrollArea]]:
        """(panel, its scroll area) for the panels the mode shows without a
        scroll bar: the read-outs whole (their numbers are what the back of
        the hall reads), the cost plot at least at its smallest."""
        w, held = self.window, []
        for panel in (w.metrics_panel, w.cost_panel):
            dock = w.dock(panel)
            scroll = dock.widget() if dock is not None else None
            if isinstance(scroll, QScrollArea) and scroll.widget() is panel:
                held.append((panel, scroll))
        return held

    def _hold_heights(self) -> None:
        """In the mode, the read-outs' scroll area is never lower than its
        panel at the larger font (as ``docks`` holds it at the normal one),
        and the cost plot's never lower than its panel's minimum (at 1280×720
        it scrolled by 3 px, with a scroll bar): then a walk of the
        step-through, Reset layout or a dock shown later shares out the
        column's height around them."""
        if not self.on:
            return
        for panel, scroll in self._held():
            hint = (
                panel.sizeHint() if panel is self.window.metrics_panel else panel.minimumSizeHint()
            )
            scroll.setMinimumHeight(hint.height() + 2 * scroll.frameWidth())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A held panel's layout changed (the font reached it over a few turns
        # of the event loop, or a number widened): hold its height again.
        if event.type() == QEvent.LayoutRequest:
            QTimer.singleShot(0, self.window, self._hold_heights)
        return False

    def _docked(self) -> list[QDockWidget]:
        """The docks on screen in the window's columns."""
        return [d for d in self.window.docks.values() if self._in_front(d)]

    def _restore_heights(
        self, heights: list[tuple[QDockWidget, int]], tries: int = SIZE_TRIES
    ) -> None:
        """After the mode, resize the ``heights``' docks back to theirs,
        measuring again at the next turns of the event loop: the normal font
        reaches the panels over a few turns, and the docks move only part of
        the way each time (QMainWindow.resizeDocks shares the change). The
        whole column at once: with the read-outs alone, the height the cost
        plot was held at in the mode went to it, and the diagram scrolled."""
        if self.on:
            return
        shown = self._docked()
        heights = [(dock, height) for dock, height in heights if dock in shown]
        # Of each column, all but its tallest dock, which takes what is left:
        # resizing every dock of a column made Qt share the column out in
        # proportions that never reached the heights asked for.
        tallest: dict[object, tuple[QDockWidget, int]] = {}
        for dock, height in heights:
            area = self.window.dockWidgetArea(dock)
            if area not in tallest or height > tallest[area][1]:
                tallest[area] = (dock, height)
        resize = [(d, h) for d, h in heights if (d, h) not in tallest.values()]
        if any(dock.height() != height for dock, height in resize):
            self.window.resizeDocks([d for d, _ in resize], [h for _, h in resize], Qt.Vertical)
            if tries > 1:
                QTimer.singleShot(0, self.window, lambda: self._restore_heights(heights, tries - 1))

    def _tools(self) -> QToolBar:
        return self.window.findChild(QToolBar, "toolsBar")

    def set(self, on: bool) -> None:
        if on == self.on:
            return
        w = self.window
        app = QApplication.instance()
        canvas = w.canvas
        layers = [*canvas.train_items, *canvas.test_items]
        if on:
            # Back in the mode before the window settled from it (F11 twice
            # quickly): the normal window's state, geometry and dock sizes are
            # those kept from before; now they may still be the mode's, and
            # each quick on and off shrank the diagram further.
            self._settle.stop()
            kept = ("state", "layout", "geometry", "left", "left_width", "heights")
            if self._keeping:
                window = {k: self._saved[k] for k in kept}
            else:
                left = self._shown_left_dock()
                window = {
                    "state": w.windowState(),
                    "layout": w.saveState(LAYOUT_VERSION),
                    "geometry": w.saveGeometry(),
                    "left": left,
                    "left_width": (left or w).width(),
                    "heights": [(dock, dock.height()) for dock in self._docked()],
                }
            self._saved = {
                **window,
                "font": app.font(),
                "pens": self._pens(),
                "symbols": [(layer, layer.size, layer.pen.widthF()) for layer in layers],
                "minimums": [(scroll, scroll.minimumHeight()) for _, scroll in self._held()],
                "tools": self._tools().toolButtonStyle(),
                "axes": [
                    (axis, axis.style.get("tickFont"), axis.textWidth, axis.textHeight)
                    for axis in self._axes()
                ],
                # Axis titles (x₁, cost J, epoch): text items of their own too.
                "titles": [(axis, axis.label.font()) for axis in self._axes()],
            }
            # Tools as icons (their tooltips name them): with their names at
            # the larger font the class colours went behind the "»" at 1280 px.
            self._tools().setToolButtonStyle(Qt.ToolButtonIconOnly)
            font = app.font()
            font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
            app.setFont(font)
            self._scale_panels(FONT_SCALE)
            for axis, tick_font, _, _ in self._saved["axes"]:
                larger = QFont(tick_font or self._saved["font"])
                larger.setPointSizeF(larger.pointSizeF() * FONT_SCALE)
                axis.setStyle(tickFont=larger)
            for axis, title_font in self._saved["titles"]:
                larger = QFont(title_font)
                larger.setPointSizeF(title_font.pointSizeF() * TITLE_SCALE)
                self._set_title_font(axis, larger)
            for item, pen in self._saved["pens"]:
                thick = pg.mkPen(pen)
                thick.setWidthF(max(pen.widthF(), 1.0) * LINE_SCALE)
                item.setPen(thick)
            for layer, size, width in self._saved["symbols"]:
                layer.set_symbol(size * POINT_SCALE, width * LINE_SCALE)
            self.on = self._keeping = True
            # The docks without their title bars: at 1280×720 the four titles
            # of the right column took the room the read-outs, the cost plot
            # and the diagram needed at the larger font (the tabs still name
            # the docks of a group; leaving the mode brings the bars back).
            for dock in w.docks.values():
                if dock not in self._watched:
                    self._watched.add(dock)
                    dock.topLevelChanged.connect(
                        lambda _, d=dock: QTimer.singleShot(0, d, lambda: self._retitle(d))
                    )
                self._retitle(dock)
            w.showFullScreen()
            # Once the larger font has reached the panels' layouts and the
            # window is full screen.
            QTimer.singleShot(0, w, self._fit_left_column)
            # The numbers are what the back of the hall reads: whole.
            for panel, _ in self._held():
                panel.installEventFilter(self)
            QTimer.singleShot(0, w, self._hold_heights)
        else:
            saved = self._saved
            app.setFont(saved["font"])
            self._tools().setToolButtonStyle(saved["tools"])
            self._scale_panels(1.0)
            for axis, tick_font, width, height in saved["axes"]:
                axis.setStyle(tickFont=tick_font)
                # pyqtgraph only ever widens an axis's room for its labels:
                # give back the room it had, or the plots stay narrower. (Its
                # private API: should it change, the axes just stay wider.)
                axis.textWidth, axis.textHeight = width, height
                vertical = axis.orientation in ("left", "right")
                getattr(axis, "_updateWidth" if vertical else "_updateHeight", lambda: None)()
            for axis, title_font in saved["titles"]:
                self._set_title_font(axis, title_font)
            for item, pen in saved["pens"]:
                item.setPen(pen)
            for layer, size, width in saved["symbols"]:
                layer.set_symbol(size, width)
            self.on = False
            for dock in w.docks.values():
                self._retitle(dock)
            # The minimums first: held at the larger font, they made a
            # normal window come back taller than it was.
            for scroll, minimum in saved["minimums"]:
                scroll.widget().removeEventFilter(self)
                scroll.setMinimumHeight(minimum)
            w.setWindowState(saved["state"])
            if not saved["state"]:
                w.showNormal()
                w.restoreGeometry(saved["geometry"])
            left = saved["left"]
            if left is not None and left in self._left_docks():
                w.resizeDocks([left], [saved["left_width"]], Qt.Horizontal)
            self._settle.start()
            self._restore_heights(saved["heights"])
        action = getattr(w, "presentation_action", None)
        if action is not None and action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
