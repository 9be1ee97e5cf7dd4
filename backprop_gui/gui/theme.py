"""Colours and drawn icons. The class hues are Okabe–Ito's (orange, blue,
bluish green, vermillion, reddish purple, yellow), which stay distinct for the
common forms of colour blindness; two classes keep orange and blue."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QGraphicsItem

CLASS_COLORS = ("#E69F00", "#0072B2", "#009E73", "#D55E00", "#CC79A7", "#F0E442")
CLASS_NAMES = ("orange", "blue", "green", "vermillion", "purple", "yellow")  # as the colours read
# Darker twins for text and outlines on white, where the light hues (orange,
# yellow) are hard to read.
CLASS_TEXT_COLORS = ("#B87F00", "#0072B2", "#007A59", "#D55E00", "#B3558C", "#9A8F00")
TINT = 0.62  # how far the surface goes from white towards a class's hue
TRAIN_PEN, TEST_PEN = "#0072B2", "#D55E00"


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def surface_lut(discrete: bool = False, size: int = 256) -> np.ndarray:
    """(size, 3) uint8 diverging map: light orange at p = 0, near-white at
    0.5, light blue at p = 1; or two flat colours when ``discrete``."""
    white = np.array([248.0, 248.0, 248.0])
    # Tints, not full hues, so the saturated points stay readable on top.
    low = white + TINT * (_rgb(CLASS_COLORS[0]) - white)
    high = white + TINT * (_rgb(CLASS_COLORS[1]) - white)
    p = (np.arange(size) + 0.5) / size
    if discrete:
        lut = np.where((p < 0.5)[:, None], low, high)
    else:
        t = np.abs(p - 0.5)[:, None] * 2.0
        lut = np.where((p < 0.5)[:, None], white + t * (low - white), white + t * (high - white))
    return np.round(lut).astype(np.uint8)


def class_tint_lut(k: int, size: int = 256) -> np.ndarray:
    """(size, 3) uint8 from near-white (0) to the tint of class label ``k`` (1):
    that class's levels of ``class_surface_lut``."""
    k %= len(CLASS_COLORS)
    return class_surface_lut(k + 1, size=size)[k * size :]


def class_surface_lut(n_classes: int, discrete: bool = False, size: int = 256) -> np.ndarray:
    """(n_classes·size, 3) uint8: ``size`` levels per class, for the winning
    class's probability p in [1/K, 1] mapped linearly onto the levels. Level
    0 (p = 1/K: no preference) is the near-white of the two-class map, the
    top level (p = 1) the class's tint; ``discrete``: the tint throughout."""
    white = np.array([248.0, 248.0, 248.0])
    t = (np.arange(size) + 0.5)[:, None] / size
    if discrete:
        t = np.ones_like(t)
    tables = [white + t * TINT * (_rgb(color) - white) for color in CLASS_COLORS[:n_classes]]
    return np.round(np.concatenate(tables)).astype(np.uint8)


def class_icon(label: int) -> QIcon:
    """A swatch of class ``label``'s colour, for the class picker."""

    def swatch(p: QPainter) -> None:
        p.setPen(QPen(QColor("#333"), 3))
        p.setBrush(QColor(CLASS_COLORS[label]))
        p.drawEllipse(QPointF(32, 32), 24, 24)

    return _canvas_icon(swatch)


def cache_axes(item: pg.PlotItem) -> None:
    """Let the view draw the axes (ticks, labels, grid lines) from a pixmap
    while they stay the same. Each repaint of the plot under them would
    otherwise replay them: on the canvas twice a frame while training, about
    0.3 ms each; on the cost plot, with its grid, about 0.6 ms each."""
    for name in ("left", "bottom", "right", "top"):
        item.getAxis(name).setCacheMode(QGraphicsItem.DeviceCoordinateCache)


def _canvas_icon(draw) -> QIcon:
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    draw(painter)
    painter.end()
    return QIcon(pixmap)


def tool_icon(name: str) -> QIcon:
    """Simple drawn icons, so the app ships no image files for its tools."""
    orange, blue, dark = QColor(CLASS_COLORS[0]), QColor(CLASS_COLORS[1]), QColor("#333")

    def put(p: QPainter) -> None:
        p.setPen(QPen(Qt.white, 3))
        p.setBrush(orange)
        p.drawEllipse(QPointF(24, 38), 13, 13)
        p.setBrush(blue)
        p.drawEllipse(QPointF(42, 24), 13, 13)

    def brush(p: QPainter) -> None:
        p.setPen(QPen(dark, 3, Qt.DashLine))
        p.setBrush(Qt.NoBrush)
        p.drawEllipse(QPointF(32, 32), 26, 26)
        p.setPen(Qt.NoPen)
        p.setBrush(orange)
        for x, y in ((22, 24), (38, 20), (30, 36), (44, 38), (20, 42), (34, 48)):
            p.drawEllipse(QPointF(x, y), 5, 5)

    def erase(p: QPainter) -> None:
        p.translate(32, 32)
        p.rotate(-40)
        p.setPen(QPen(dark, 3))
        p.setBrush(QColor("#F4A6B8"))
        p.drawRoundedRect(QRectF(-22, -12, 30, 24), 4, 4)
        p.setBrush(QColor("#EEE"))
        p.drawRoundedRect(QRectF(8, -12, 16, 24), 4, 4)

    def clear(p: QPainter) -> None:
        p.setPen(QPen(dark, 4))
        p.setBrush(QColor("#DDD"))
        p.drawPolygon(
            QPolygonF([QPointF(18, 20), QPointF(46, 20), QPointF(42, 56), QPointF(22, 56)])
        )
        p.drawLine(12, 14, 52, 14)
        p.drawLine(27, 8, 37, 8)
        p.setBrush(QBrush(Qt.NoBrush))

    def inspect(p: QPainter) -> None:
        p.setPen(QPen(Qt.white, 2))
        p.setBrush(blue)
        p.drawEllipse(QPointF(26, 26), 9, 9)
        p.setPen(QPen(dark, 4))
        p.setBrush(Qt.NoBrush)
        p.drawEllipse(QPointF(26, 26), 16, 16)
        p.drawLine(38, 38, 56, 56)

    icons = {"put": put, "brush": brush, "erase": erase, "clear": clear, "inspect": inspect}
    return _canvas_icon(icons[name])
