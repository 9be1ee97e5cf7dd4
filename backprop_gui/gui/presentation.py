"""Presentation mode: the window for a projector at the back of a lecture hall.

Full screen, the application font scaled, the canvas's points, boundary and
the cost curves drawn larger and thicker, and the left dock column widened to
its panels' larger controls (the square canvas gives way; on a 1280×720
projector the data panel was cut off at its right). The docks lose their
title bars, and the read-outs get the height their larger numbers need.
Leaving puts back exactly what was there: the font, every pen and size, the
title bars, the column's width and the read-outs' height, the window's state
and geometry.
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
LINE_SCALE = 2.0  # the boundary, the cost curves, the points' outlines
POINT_SCALE = 1.6  # the points
MAX_LEFT_SHARE = 0.4  # of the screen's width, at most, for the left column in the mode
UNTITLED = "presentationTitleBar"  # the empty title bar of a docked dock in the mode
SETTLE_MS = 500  # after leaving, how long the layout from before the mode is the one kept
SIZE_TRIES = 8  # turns of the event loop to size the read-outs back (_restore_read_outs)


class Presentation(QObject):
    """Turns presentation mode on and off for ``window``; ``on`` says which."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.on = False
        self._saved: dict = {}
        self._watched: set[QDockWidget] = set()  # docks whose floating _retitle follows
        # In the mode and for a moment after it: the docks' layout and the
        # window's geometry from before the mode, which the settings keep
        # (docks.save_layout, settings.save_settings): the next start, or the
        # one after a crash, opens the normal window, not a full-screen one
        # without the mode. After leaving, the sizes take a few turns to settle.
        self.layout_before: QByteArray | None = None
        self.geometry_before: QByteArray | None = None

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

    def _shown_left_dock(self) -> QDockWidget | None:
        """The left column's dock on screen (a tab behind it keeps a stale width)."""
        return next((d for d in self._left_docks() if d.isVisible()), None)

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

    def _forget_layout(self) -> None:
        if not self.on:
            self.layout_before = self.geometry_before = None

    def _read_outs(self) -> QDockWidget | None:
        """The read-outs' dock, if it is in a column of the window."""
        w = self.window
        dock = w.dock(w.metrics_panel)
        return dock if dock is not None and not dock.isFloating() else None

    def _hold_read_outs(self) -> None:
        """In the mode, the read-outs' scroll area is never lower than its
        panel at the larger font (as ``docks`` holds it at the normal one):
        then a walk of the step-through, Reset layout or a dock shown later
        shares out the column's height around whole numbers."""
        scroll = self.window.dock(self.window.metrics_panel).widget()
        if self.on and isinstance(scroll, QScrollArea) and scroll.widget() is not None:
            frame = 2 * scroll.frameWidth()
            scroll.setMinimumHeight(scroll.widget().sizeHint().height() + frame)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The read-outs' layout changed (the font reached it over a few turns
        # of the event loop, or a number widened): hold their height again.
        if event.type() == QEvent.LayoutRequest:
            QTimer.singleShot(0, self.window, self._hold_read_outs)
        return False

    def _restore_read_outs(self, dock: QDockWidget, height: int, tries: int = SIZE_TRIES) -> None:
        """After the mode, resize the read-outs' ``dock`` back to ``height``,
        measuring again at the next turns of the event loop: the normal font
        reaches the labels over a few turns, and the dock moves only part of
        the way each time (QMainWindow.resizeDocks shares the change)."""
        if self.on or dock is not self._read_outs() or not dock.isVisible():
            return
        if dock.height() != height:
            self.window.resizeDocks([dock], [height], Qt.Vertical)
            if tries > 1:
                QTimer.singleShot(
                    0, self.window, lambda: self._restore_read_outs(dock, height, tries - 1)
                )

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
            self._saved = {
                "font": app.font(),
                "pens": self._pens(),
                "symbols": [(layer, layer.size, layer.pen.widthF()) for layer in layers],
                "state": w.windowState(),
                "layout": w.saveState(LAYOUT_VERSION),
                "geometry": w.saveGeometry(),
                "left": self._shown_left_dock(),
                "left_width": (self._shown_left_dock() or w).width(),
                "read_outs": self._read_outs(),
                "read_outs_height": (self._read_outs() or w).height(),
                "read_outs_minimum": w.dock(w.metrics_panel).widget().minimumHeight(),
                "tools": self._tools().toolButtonStyle(),
                "axes": [
                    (axis, axis.style.get("tickFont"), axis.textWidth, axis.textHeight)
                    for axis in self._axes()
                ],
            }
            # Tools as icons (their tooltips name them): with their names at
            # the larger font the class colours went behind the "»" at 1280 px.
            self._tools().setToolButtonStyle(Qt.ToolButtonIconOnly)
            font = app.font()
            font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
            app.setFont(font)
            w.metrics_panel.set_scale(FONT_SCALE)
            for axis, tick_font, _, _ in self._saved["axes"]:
                larger = QFont(tick_font or self._saved["font"])
                larger.setPointSizeF(larger.pointSizeF() * FONT_SCALE)
                axis.setStyle(tickFont=larger)
            for item, pen in self._saved["pens"]:
                thick = pg.mkPen(pen)
                thick.setWidthF(max(pen.widthF(), 1.0) * LINE_SCALE)
                item.setPen(thick)
            for layer, size, width in self._saved["symbols"]:
                layer.set_symbol(size * POINT_SCALE, width * LINE_SCALE)
            self.on = True
            self.layout_before = self._saved["layout"]
            self.geometry_before = self._saved["geometry"]
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
            w.metrics_panel.installEventFilter(self)
            QTimer.singleShot(0, w, self._hold_read_outs)
        else:
            saved = self._saved
            app.setFont(saved["font"])
            self._tools().setToolButtonStyle(saved["tools"])
            w.metrics_panel.set_scale(1.0)
            for axis, tick_font, width, height in saved["axes"]:
                axis.setStyle(tickFont=tick_font)
                # pyqtgraph only ever widens an axis's room for its labels:
                # give back the room it had, or the plots stay narrower. (Its
                # private API: should it change, the axes just stay wider.)
                axis.textWidth, axis.textHeight = width, height
                vertical = axis.orientation in ("left", "right")
                getattr(axis, "_updateWidth" if vertical else "_updateHeight", lambda: None)()
            for item, pen in saved["pens"]:
                item.setPen(pen)
            for layer, size, width in saved["symbols"]:
                layer.set_symbol(size, width)
            self.on = False
            for dock in w.docks.values():
                self._retitle(dock)
            w.setWindowState(saved["state"])
            if not saved["state"]:
                w.showNormal()
                w.restoreGeometry(saved["geometry"])
            left = saved["left"]
            if left is not None and left in self._left_docks():
                w.resizeDocks([left], [saved["left_width"]], Qt.Horizontal)
            QTimer.singleShot(SETTLE_MS, self, self._forget_layout)
            w.metrics_panel.removeEventFilter(self)
            w.dock(w.metrics_panel).widget().setMinimumHeight(saved["read_outs_minimum"])
            if saved["read_outs"] is not None:
                self._restore_read_outs(saved["read_outs"], saved["read_outs_height"])
        action = getattr(w, "presentation_action", None)
        if action is not None and action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
