"""Presentation mode: the window for a projector at the back of a lecture hall.

Full screen, the application font scaled, the canvas's points, boundary and
the cost curves drawn larger and thicker, and the left dock column widened to
its panels' larger controls (the square canvas gives way; on a 1280×720
projector the data panel was cut off at its right). Leaving puts back exactly
what was there: the font, every pen and size, the column's width, the
window's state and geometry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QScrollArea, QToolBar

if TYPE_CHECKING:
    from .main_window import MainWindow

FONT_SCALE = 1.5  # the application font
LINE_SCALE = 2.0  # the boundary, the cost curves, the points' outlines
POINT_SCALE = 1.6  # the points
MAX_LEFT_SHARE = 0.4  # of the screen's width, at most, for the left column in the mode


class Presentation:
    """Turns presentation mode on and off for ``window``; ``on`` says which."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.on = False
        self._saved: dict = {}

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
                "geometry": w.saveGeometry(),
                "left": self._shown_left_dock(),
                "left_width": (self._shown_left_dock() or w).width(),
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
            w.showFullScreen()
            # Once the larger font has reached the panels' layouts and the
            # window is full screen.
            QTimer.singleShot(0, w, self._fit_left_column)
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
            w.setWindowState(saved["state"])
            if not saved["state"]:
                w.showNormal()
                w.restoreGeometry(saved["geometry"])
            left = saved["left"]
            if left is not None and left in self._left_docks():
                w.resizeDocks([left], [saved["left_width"]], Qt.Horizontal)
        action = getattr(w, "presentation_action", None)
        if action is not None and action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
