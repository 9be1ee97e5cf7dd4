"""The decision surface as an opaque image under the points.

pyqtgraph's ImageItem hands Qt an Indexed8 (or RGB888) image, which Qt
converts pixel by pixel on every paint; an opaque RGB32 image is a plain
scaled copy. Timed once on the development VM, a 128² surface scaled to
700 px took about 4 ms a paint as Indexed8 and 0.4 ms as RGB32. So this item
colours the surface itself, through a 256-entry table.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter


def rgb32_table(lut: np.ndarray) -> np.ndarray:
    """(256,) uint32 0xFFRRGGBB words (QImage.Format_RGB32) of a (256, 3) uint8 table."""
    rgb = np.asarray(lut, dtype=np.uint32)
    if rgb.shape != (256, 3):
        raise ValueError(f"expected a (256, 3) colour table, got {rgb.shape}")
    return (0xFF000000 | rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2]).astype(np.uint32)


class SurfaceImage(pg.GraphicsObject):
    """Probabilities p (h, w) in [0, 1], row-major with row 0 at the bottom
    of ``rect`` (data coordinates), coloured by a (256, 3) table in equal bins.
    A NaN shows as p = 0.5."""

    def __init__(self, rect: QRectF, lut: np.ndarray) -> None:
        super().__init__()
        self._rect = QRectF(rect)
        self._table = rgb32_table(lut)
        self.image: np.ndarray | None = None  # the last surface given, as given
        self._pixels = np.zeros((0, 0), np.uint32)
        self._qimage = QImage()

    def set_image(self, surface: np.ndarray, lut: np.ndarray | None = None) -> None:
        """Show ``surface`` (float, (h, w)); kept by reference, so pass a copy
        that nobody writes to (snapshots are read-only). ``lut``: a new
        colour table for it, if any."""
        if surface.ndim != 2:
            raise ValueError(f"expected a (h, w) surface, got shape {surface.shape}")
        if lut is not None:
            self._table = rgb32_table(lut)
        self.image = surface
        self._recolor()

    def set_lut(self, lut: np.ndarray) -> None:
        self._table = rgb32_table(lut)
        self._recolor()

    def pixels(self) -> np.ndarray:
        """(h, w) uint32 0xFFRRGGBB of what is painted, row 0 at the bottom."""
        return self._pixels

    def _recolor(self) -> None:
        if self.image is None:
            return
        # C order whatever the input's: the QImage reads the rows as they lie.
        scaled = np.multiply(self.image, 256.0, dtype=np.float32, order="C")
        np.clip(scaled, 0.0, 255.0, out=scaled)
        if np.isnan(scaled.sum()):  # rare: checked by one sum, mended by a pass
            np.nan_to_num(scaled, copy=False, nan=128.0)
        self._pixels = self._table[scaled.astype(np.uint8)]  # the QImage shares it
        h, w = self._pixels.shape
        self._qimage = QImage(self._pixels, w, h, 4 * w, QImage.Format_RGB32)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, painter: QPainter, *args) -> None:
        if not self._qimage.isNull():
            # Row 0 at the rect's top in item coordinates, which the y-up view
            # shows at the bottom: the same orientation as the data.
            painter.drawImage(self._rect, self._qimage)
