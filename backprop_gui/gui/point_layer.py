"""A scatter layer for many points of one style: one class, train or test.

pyqtgraph's ScatterPlotItem keeps per-point records and rebuilds per-point
style keys in Python on every setData, about 0.1 s per 25,000 points. Every
point of a layer here looks the same, so this item keeps only the x and y
arrays and draws all of them in one drawPixmapFragments call from a single
pre-rendered symbol, as ScatterPlotItem's own fast path does. With a device
cache, repaints of the surface underneath do not redraw the points.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsItem


class PointLayer(pg.GraphicsObject):
    def __init__(self, size: float, pen, brush) -> None:
        super().__init__()
        self.size, self.pen, self.brush = size, pg.mkPen(pen), pg.mkBrush(brush)
        self.x = np.zeros(0)
        self.y = np.zeros(0)
        self._bounds = QRectF()
        self._symbol: QPixmap | None = None
        self._dpr = 0.0
        self._fragments = PrimitiveArray(QPainter.PixmapFragment, 10)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)

    def setData(self, x: np.ndarray, y: np.ndarray) -> None:
        self.prepareGeometryChange()
        self.x = np.asarray(x, np.float64)
        self.y = np.asarray(y, np.float64)
        if self.x.size:
            # The symbols reach a few pixels beyond the points; a margin in data units.
            pad = 0.3
            x0, x1 = float(self.x.min()), float(self.x.max())
            y0, y1 = float(self.y.min()), float(self.y.max())
            self._bounds = QRectF(x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)
        else:
            self._bounds = QRectF()
        self.update()

    def set_symbol(self, size: float, pen_width: float) -> None:
        """Draw each point ``size`` px across with a ``pen_width`` px outline
        (presentation mode draws them larger)."""
        self.size = size
        self.pen.setWidthF(pen_width)
        self._symbol = None  # drawn afresh at the next paint
        self.update()

    def __len__(self) -> int:
        return self.x.size

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def _render_symbol(self, dpr: float) -> QPixmap:
        side = int(np.ceil((self.size + self.pen.widthF() + 2) * dpr))
        pixmap = QPixmap(side, side)
        pixmap.setDevicePixelRatio(1.0)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.scale(dpr, dpr)
        painter.setPen(self.pen)
        painter.setBrush(self.brush)
        centre = side / dpr / 2
        painter.drawEllipse(QPointF(centre, centre), self.size / 2, self.size / 2)
        painter.end()
        return pixmap

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self.x.size:
            return
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        if self._symbol is None or dpr != self._dpr:
            self._symbol, self._dpr = self._render_symbol(dpr), dpr
        pts = fn.transformCoordinates(painter.transform(), np.vstack([self.x, self.y]))
        pts = np.clip(pts, -(2**30), 2**30)  # Qt misbehaves with huge coordinates
        painter.resetTransform()
        side = self._symbol.width()
        self._fragments.resize(self.x.size)
        frags = self._fragments.ndarray()
        frags[:, 0:2] = pts.T
        frags[:, 2:6] = (0, 0, side, side)  # the source rect: the whole symbol
        frags[:, 6:10] = (1 / dpr, 1 / dpr, 0.0, 1.0)
        painter.drawPixmapFragments(*self._fragments.drawargs(), self._symbol)
