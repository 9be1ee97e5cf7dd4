"""The decision surface as an opaque image under the points.

pyqtgraph's ImageItem hands Qt an Indexed8 (or RGB888) image, which Qt
converts pixel by pixel on every paint; an opaque RGB32 image is a plain
scaled copy. Timed once on the development VM, a 128² surface scaled to
700 px took about 4 ms a paint as Indexed8 and 0.4 ms as RGB32. So this item
colours the surface itself, through a 256-entry table; for K ≥ 3 classes,
through one table of K·256 entries indexed by class·256 + level.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter


def rgb32_table(lut: np.ndarray) -> np.ndarray:
    """(n,) uint32 0xFFRRGGBB words (QImage.Format_RGB32) of a (n, 3) uint8
    table, n = 256·k (k = 1: the two-class table)."""
    rgb = np.asarray(lut, dtype=np.uint32)
    if rgb.ndim != 2 or rgb.shape[1] != 3 or not rgb.shape[0] or rgb.shape[0] % 256:
        raise ValueError(f"expected a (256·k, 3) colour table, got {rgb.shape}")
    return (0xFF000000 | rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2]).astype(np.uint32)


class SurfaceImage(pg.GraphicsObject):
    """Probabilities p (h, w) in [0, 1], row-major with row 0 at the bottom
    of ``rect`` (data coordinates), coloured by a (256, 3) table in equal bins.
    A NaN shows as p = 0.5.

    With ``classes`` (h, w) uint8 (K ≥ 3), p is the winning class's
    probability in [1/K, 1] and the table is (K·256, 3): class c's levels
    from c·256, p = 1/K at the first, p = 1 at the last."""

    def __init__(self, rect: QRectF, lut: np.ndarray) -> None:
        super().__init__()
        self._rect = QRectF(rect)
        self._table = rgb32_table(lut)
        self.image: np.ndarray | None = None  # the last surface given, as given
        self.classes: np.ndarray | None = None  # its winning classes, or None
        self._pixels = np.zeros((0, 0), np.uint32)
        self._qimage = QImage()

    def set_image(
        self, surface: np.ndarray, classes: np.ndarray | None = None, lut: np.ndarray | None = None
    ) -> None:
        """Show ``surface`` (float, (h, w)) and, for K ≥ 3 classes, its
        winning ``classes`` (uint8, (h, w)); kept by reference, so pass copies
        that nobody writes to (snapshots are read-only). ``lut``: a new colour
        table for it, if any (a unit's map)."""
        if surface.ndim != 2:
            raise ValueError(f"expected a (h, w) surface, got shape {surface.shape}")
        if classes is not None and classes.shape != surface.shape:
            raise ValueError(f"classes {classes.shape} do not match the surface {surface.shape}")
        if lut is not None:
            self._table = rgb32_table(lut)
        self.image = surface
        self.classes = classes
        self._recolor()

    def set_lut(self, lut: np.ndarray, recolor: bool = True) -> None:
        """A new table; ``recolor=False`` when the next ``set_image`` repaints
        (a K-class table does not fit a two-class image, or the reverse)."""
        self._table = rgb32_table(lut)
        if recolor:
            self._recolor()

    def pixels(self) -> np.ndarray:
        """(h, w) uint32 0xFFRRGGBB of what is painted, row 0 at the bottom."""
        return self._pixels

    def _recolor(self) -> None:
        if self.image is None:
            return
        if (self.classes is not None) != (self._table.size > 256):
            return  # a table for the other kind of image: the next set_image paints
        if self.classes is not None:
            self._pixels = self._class_pixels()
        else:
            # C order whatever the input's: the QImage reads the rows as they lie.
            scaled = np.multiply(self.image, 256.0, dtype=np.float32, order="C")
            np.clip(scaled, 0.0, 255.0, out=scaled)
            if np.isnan(scaled.sum()):  # rare: checked by one sum, mended by a pass
                np.nan_to_num(scaled, copy=False, nan=128.0)
            self._pixels = self._table[scaled.astype(np.uint8)]  # the QImage shares it
        h, w = self._pixels.shape
        self._qimage = QImage(self._pixels, w, h, 4 * w, QImage.Format_RGB32)
        self.update()

    def _class_pixels(self) -> np.ndarray:
        """Pixels of a K-class surface: level (p − 1/K)/(1 − 1/K)·256 of the
        winning class's 256 entries."""
        k = self._table.size // 256
        low = 1.0 / k
        level = np.subtract(self.image, low, dtype=np.float32, order="C")
        level *= 256.0 / (1.0 - low)
        np.clip(level, 0.0, 255.0, out=level)
        if np.isnan(level.sum()):
            np.nan_to_num(level, copy=False, nan=0.0)
        classes = np.minimum(self.classes, k - 1).astype(np.intp)
        return self._table[classes * 256 + level.astype(np.intp)]

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, painter: QPainter, *args) -> None:
        if not self._qimage.isNull():
            # Row 0 at the rect's top in item coordinates, which the y-up view
            # shows at the bottom: the same orientation as the data.
            painter.drawImage(self._rect, self._qimage)
