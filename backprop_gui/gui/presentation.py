"""Presentation mode: the window for a projector at the back of a lecture hall.

Full screen, the application font scaled, the canvas's points, boundary and
the cost curves drawn larger and thicker. Leaving puts back exactly what was
there: the font, every pen and size, the window's state and geometry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from .main_window import MainWindow

FONT_SCALE = 1.5  # the application font
LINE_SCALE = 2.0  # the boundary, the cost curves, the points' outlines
POINT_SCALE = 1.6  # the points


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
            }
            font = app.font()
            font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
            app.setFont(font)
            w.metrics_panel.set_scale(FONT_SCALE)
            for item, pen in self._saved["pens"]:
                thick = pg.mkPen(pen)
                thick.setWidthF(max(pen.widthF(), 1.0) * LINE_SCALE)
                item.setPen(thick)
            for layer, size, width in self._saved["symbols"]:
                layer.set_symbol(size * POINT_SCALE, width * LINE_SCALE)
            self.on = True
            w.showFullScreen()
        else:
            saved = self._saved
            app.setFont(saved["font"])
            w.metrics_panel.set_scale(1.0)
            for item, pen in saved["pens"]:
                item.setPen(pen)
            for layer, size, width in saved["symbols"]:
                layer.set_symbol(size, width)
            self.on = False
            w.setWindowState(saved["state"])
            if not saved["state"]:
                w.showNormal()
                w.restoreGeometry(saved["geometry"])
        action = getattr(w, "presentation_action", None)
        if action is not None and action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)
