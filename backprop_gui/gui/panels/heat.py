"""Signed values as colour: the theme's orange (negative) through white to
blue (positive), and a small matrix view that prints its numbers when the
matrix is small enough to read and shows colour when it is not."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from ..surface_image import rgb32_table
from ..theme import surface_lut

# Orange at −1, near-white at 0, blue at +1 (index 0..255), as the surface.
SIGNED_TABLE = rgb32_table(surface_lut())
NUMBERS_UP_TO = 4  # rows and columns up to which a matrix shows its numbers


def signed_pixels(values: np.ndarray, scale: float) -> np.ndarray:
    """(h, w) uint32 RGB32 words of values/scale mapped from [−1, 1] to the table."""
    with np.errstate(invalid="ignore", over="ignore"):  # NaN and inf are mended below
        index = np.multiply(values, 127.5 / max(scale, 1e-300), dtype=np.float32)
    index += 128.0
    np.clip(index, 0.0, 255.0, out=index)
    # NaN reads as 0; not np.nan_to_num, whose checks in Python cost 9 times
    # this on a 32² unit map (19 µs, 2 µs), and the diagram colours up to 19
    # of them a frame.
    np.copyto(index, 128.0, where=np.isnan(index))
    return SIGNED_TABLE[index.astype(np.uint8)]


def signed_color(value: float, scale: float) -> QColor:
    word = int(signed_pixels(np.array([[value]]), scale)[0, 0])
    return QColor.fromRgb(word)


def pixels_image(pixels: np.ndarray) -> QImage:
    """A QImage that owns a copy of (h, w) uint32 words (row 0 at the top)."""
    pixels = np.ascontiguousarray(pixels, dtype=np.uint32)
    h, w = pixels.shape
    return QImage(pixels.data, w, h, 4 * w, QImage.Format_RGB32).copy()


def fmt(value: float) -> str:
    """A number as a student reads it: 3 significant digits, a real minus."""
    value = float(value) + 0.0  # −0.0 reads as 0
    text = f"{value:.3g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"
    return text.replace("-", "−")


class MatrixView(QWidget):
    """One matrix (rows × cols): numbers in tinted cells when both are at
    most ``NUMBERS_UP_TO``, else a heatmap scaled into ``box`` pixels.
    Hovering a cell tells its value."""

    def __init__(self, name: str, box: int = 96, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name  # e.g. "W[2]", for tooltips
        self.setObjectName("matrix_" + "".join(c for c in name if c.isalnum()))
        self._box = box
        self.values = np.zeros((0, 0))
        self._image = QImage()
        self._scale = 1.0
        self.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.setMouseTracking(True)
        self.setToolTip(f"{name}: hover a cell for its value")

    def set_matrix(self, values: np.ndarray) -> None:
        values = np.asarray(values, dtype=np.float64)
        old_shape = self.values.shape
        self.values = values
        self._scale = float(np.max(np.abs(values))) if values.size else 1.0
        if not self.shows_numbers():
            self._image = pixels_image(signed_pixels(values, self._scale))
            # Unscaled pixels: a cell of a few pixels stays a sharp square.
            self._image = self._image.scaled(
                round(values.shape[1] * self._cell()[0]), round(values.shape[0] * self._cell()[1])
            )
        if values.shape != old_shape or self.shows_numbers():
            hint = self.sizeHint()
            if hint != self.size():
                self.setFixedSize(hint)
        self.update()

    def shows_numbers(self) -> bool:
        rows, cols = self.values.shape
        return rows <= NUMBERS_UP_TO and cols <= NUMBERS_UP_TO

    def cell_text(self, i: int, j: int) -> str:
        return fmt(self.values[i, j])

    def _cell(self) -> tuple[float, float]:
        rows, cols = self.values.shape
        if not rows or not cols:
            return 0.0, 0.0
        if self.shows_numbers():
            # As wide as the widest number, so "−0.00329" is never cut.
            fm = QFontMetricsF(self._number_font())
            widest = max(
                fm.horizontalAdvance(self.cell_text(i, j)) for i in range(rows) for j in range(cols)
            )
            return max(30.0, widest + 8.0), fm.height() + 4.0
        side = max(1.0, min(self._box / rows, self._box / cols, 12.0))
        return side, side

    def sizeHint(self) -> QSize:
        rows, cols = self.values.shape
        w, h = self._cell()
        return QSize(round(cols * w) + 2, round(rows * h) + 2)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        w, h = self._cell()
        if not w:
            return None
        i, j = int((pos.y() - 1) // h), int((pos.x() - 1) // w)
        rows, cols = self.values.shape
        return (i, j) if 0 <= i < rows and 0 <= j < cols else None

    def mouseMoveEvent(self, event) -> None:
        cell = self.cell_at(event.position().toPoint())
        if cell is not None:
            i, j = cell
            text = f"{self.name} row {i + 1}, column {j + 1} = {fmt(self.values[i, j])}"
            QToolTip.showText(event.globalPosition().toPoint(), text, self)

    def _number_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        return font

    def paintEvent(self, event) -> None:
        rows, cols = self.values.shape
        if not rows or not cols:
            return
        p = QPainter(self)
        w, h = self._cell()
        if self.shows_numbers():
            p.setFont(self._number_font())
            for i in range(rows):
                for j in range(cols):
                    rect = QRectF(1 + j * w, 1 + i * h, w, h)
                    p.fillRect(rect, signed_color(self.values[i, j], self._scale))
                    p.setPen(QColor("#222"))
                    p.drawText(rect, Qt.AlignCenter, self.cell_text(i, j))
        else:
            p.drawImage(QRectF(1, 1, cols * w, rows * h), self._image)
        p.setPen(QPen(QColor("#888"), 1))
        p.setBrush(Qt.NoBrush)
        p.drawRect(QRectF(0.5, 0.5, cols * w + 1, rows * h + 1))
        p.end()
