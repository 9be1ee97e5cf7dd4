"""The canvas: draw points over the decision surface.

Mouse (any tool): left adds the chosen class (``set_class``, keys 1–6; label
0 unless chosen otherwise), right (or Shift+left) adds class 1 (label 1),
Ctrl+click erases the nearest point. Dragging paints a stroke: with the put
tool a trail of single points, with the brush a spray of points within the
brush radius, with the eraser it removes every point the brush touches. One
stroke is one undo step.

Plot items are created once and updated in place; the surface arrives as a
row-major float32 image of probabilities, coloured with fixed levels 0..1
(for K ≥ 3 classes: the winning class and its probability).
"""

from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import QGraphicsEllipseItem, QWidget

from ..core import DOMAIN
from ..session import LIMITS
from .point_layer import PointLayer
from .points import AddPoints, PointSet, RemovePoints
from .surface_image import SurfaceImage
from .theme import CLASS_COLORS, cache_axes, class_surface_lut, surface_lut

TOOLS = ("put", "brush", "erase", "inspect")
PICK_PIXELS = 8  # the inspect tool picks the nearest point within this many pixels
PUT_SPACING = 0.25  # data units between points of a put-tool stroke
ERASE_REACH = 1.0  # a click erases the nearest point at most this far away


class PaintViewBox(pg.ViewBox):
    """A fixed view whose clicks and drags go to the canvas, not to pan/zoom."""

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(False, False)
        self.canvas: Canvas | None = None

    def mouseClickEvent(self, ev) -> None:
        if self.canvas is None:
            return
        ev.accept()
        pos = self.mapSceneToView(ev.scenePos())
        self.canvas.click(pos.x(), pos.y(), ev.button(), ev.modifiers())

    def mouseDragEvent(self, ev, axis=None) -> None:
        if self.canvas is None:
            return
        ev.accept()
        pos = self.mapSceneToView(ev.scenePos())
        if ev.isStart():
            # A drag is recognised a few pixels after the press; paint from the press.
            down = self.mapSceneToView(ev.buttonDownScenePos())
            self.canvas.begin_stroke(down.x(), down.y(), ev.button(), ev.modifiers())
            self.canvas.continue_stroke(down.x(), down.y())
        self.canvas.continue_stroke(pos.x(), pos.y())
        if ev.isFinish():
            self.canvas.end_stroke()

    def wheelEvent(self, ev, axis=None) -> None:
        ev.ignore()  # the domain is fixed: no zoom


class Canvas(pg.PlotWidget):
    """The drawing surface; edits go through ``undo_stack`` into ``model``."""

    tool_changed = Signal(str)
    class_changed = Signal(int)  # the label a left click adds
    point_picked = Signal(int)  # the inspect tool clicked this point (its index)
    full = Signal(str)  # points not added: why

    def __init__(self, model: PointSet, undo_stack: QUndoStack, parent=None) -> None:
        self._view = PaintViewBox()
        super().__init__(parent, viewBox=self._view, background="w")
        self.setObjectName("canvas")
        self.model, self.undo_stack = model, undo_stack
        self._view.canvas = self
        self.tool = "put"
        self.current_class = 0  # the label a left click, a stroke or the brush adds
        self.discrete = False
        self._lut_key: tuple[int, bool] = (2, False)  # (classes, discrete) of the table
        self.brush_radius = 0.6
        self.brush_density = 4
        self.test_ratio = 0.2
        self.show_test = True
        self._rng = np.random.default_rng()
        self._strokes = itertools.count(1)
        self._stroke: dict | None = None

        item = self.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setAspectLocked(True)
        low, high = DOMAIN
        item.setRange(xRange=DOMAIN, yRange=DOMAIN, padding=0)
        item.disableAutoRange()
        item.showGrid(x=False, y=False)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setTextPen("#444")
        item.setLabel("bottom", "x₁")
        item.setLabel("left", "x₂")
        cache_axes(item)

        self.surface = SurfaceImage(QRectF(low, low, high - low, high - low), surface_lut())
        self.surface.set_image(np.full((2, 2), 0.5, np.float32))
        self.surface.setZValue(-10)
        self.addItem(self.surface)

        self.boundary = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen("#222", width=2))
        self.addItem(self.boundary)

        # One layer per class and role: all the points of a class in one item.
        self.train_items, self.test_items = [], []
        for color in CLASS_COLORS:
            # Yellow needs a dark rim to show on the pale surface.
            rim = pg.mkPen("#6b6200", width=1.2) if color == "#F0E442" else pg.mkPen("w", width=1.2)
            filled = PointLayer(9, rim, pg.mkBrush(color))
            hollow = PointLayer(9, pg.mkPen(color, width=2.2), pg.mkBrush(255, 255, 255, 200))
            self.train_items.append(filled)
            self.test_items.append(hollow)
            self.addItem(filled)
            self.addItem(hollow)

        self.hint = pg.TextItem(
            html=(
                "<div style='text-align:center; color:#333; font-size:12pt'>"
                "<b>Draw your data</b><br>Left-click: orange class 0<br>"
                "Right-click or Shift+click: blue class 1<br>Keys 1–6: more classes"
                "<br>Drag to paint a stroke"
                "<br>or pick a preset on the left</div>"
            ),
            anchor=(0.5, 0.5),
            fill=pg.mkBrush(255, 255, 255, 245),
            border=pg.mkPen("#999"),
        )
        self.hint.setPos(0, 0)
        # Above the boundary: after Clear points the network's boundary stays
        # (it is still the network's), and it ran through the hint's text.
        self.hint.setZValue(30)
        self.addItem(self.hint)

        # Says which unit's map is shown instead of the output, when one is.
        self.map_caption = pg.TextItem(
            color="#222",
            anchor=(0, 0),
            fill=pg.mkBrush(255, 255, 255, 225),
            border=pg.mkPen("#999"),
        )
        self.map_caption.setPos(DOMAIN[0], DOMAIN[1])
        self.map_caption.setZValue(20)
        self.map_caption.setVisible(False)
        self.addItem(self.map_caption)
        self.discrete = False
        self.shown_map: np.ndarray | None = None  # a unit's values, while one is shown

        self.cursor = QGraphicsEllipseItem()
        self.cursor.setPen(pg.mkPen(QColor(40, 40, 40, 180), width=1, style=Qt.DashLine))
        self.cursor.setVisible(False)
        self.addItem(self.cursor)
        self.scene().sigMouseMoved.connect(self._track_cursor)

        model.changed.connect(self.refresh_points)
        self.refresh_points()
        self.setMinimumSize(360, 360)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # Aspect lock keeps the domain whole; the view grows along the longer side.
        if self.getPlotItem() is not None:  # resized once before PlotWidget is built
            self.getPlotItem().setRange(xRange=DOMAIN, yRange=DOMAIN, padding=0)

    # -- display -----------------------------------------------------------------

    def refresh_points(self) -> None:
        m = self.model
        test = m.test_mask(self.test_ratio)
        for label in range(len(CLASS_COLORS)):
            mine = m.labels == label
            train, tested = mine & ~test, mine & test
            self.train_items[label].setData(x=m.points[0, train], y=m.points[1, train])
            self.test_items[label].setData(x=m.points[0, tested], y=m.points[1, tested])
            self.test_items[label].setVisible(self.show_test)
        self.hint.setVisible(len(m) == 0)

    def show_surface(
        self,
        surface: np.ndarray,
        boundary: np.ndarray,
        classes: np.ndarray | None = None,
        n_classes: int | None = None,
    ) -> None:
        """``surface`` (R, R): P(class 1); or, for ``n_classes`` K ≥ 3, the
        winning probability in [1/K, 1] with the winning ``classes`` (R, R)
        uint8 (K defaults to the highest class shown + 1, at least 3)."""
        if classes is not None and classes.size:
            k = n_classes if n_classes else max(3, int(classes.max()) + 1)
            self._set_lut(k, self.discrete)
            self.surface.set_image(surface, classes)
        else:
            self._set_lut(2, self.discrete)
            self.surface.set_image(surface)
        self.show_boundary(boundary)

    def show_boundary(self, boundary: np.ndarray) -> None:
        """The boundary's segments (2k, 2), drawn over whatever is shown."""
        if boundary.size:
            self.boundary.setData(x=boundary[:, 0], y=boundary[:, 1])
        else:
            self.boundary.setData(x=np.zeros(0), y=np.zeros(0))

    def set_classes_shown(self, n_classes: int) -> None:
        """How many classes the surface's table has (the network's outputs)."""
        self._set_lut(max(2, n_classes), self.discrete)

    def set_discrete(self, discrete: bool) -> None:
        self.discrete = discrete
        if self.shown_map is None:  # a unit's map keeps its own colours
            self._set_lut(self._lut_key[0], discrete, force=True)

    def _set_lut(self, n_classes: int, discrete: bool, force: bool = False) -> None:
        if not force and self._lut_key == (n_classes, discrete):
            return
        self._lut_key = (n_classes, discrete)
        lut = surface_lut(discrete) if n_classes <= 2 else class_surface_lut(n_classes, discrete)
        # Recolour only for the same kind of image: a new kind comes next.
        self.surface.set_lut(lut, recolor=force)

    def set_class(self, label: int) -> None:
        """Choose the label a left click, a stroke or the brush adds (0..5)."""
        if not 0 <= label < len(CLASS_COLORS):
            raise ValueError(f"class labels run from 0 to {len(CLASS_COLORS) - 1}")
        self.current_class = int(label)
        self.class_changed.emit(self.current_class)

    def show_map(
        self, values: np.ndarray, image: np.ndarray, lut: np.ndarray, caption: str
    ) -> None:
        """Show a unit's map ``values`` (R, R), coloured as ``image`` in [0, 1]
        through ``lut``, instead of the output, with ``caption`` on top."""
        self.shown_map = values
        self._lut_key = (0, self.discrete)  # the output's table must come back after
        self.surface.set_image(image, lut=lut)
        if caption != getattr(self, "_caption", None):
            self._caption = caption
            self.map_caption.setHtml(f"<div style='font-size:10pt'>{caption}</div>")
        # The top left corner of the domain, whatever the view's size.
        self.map_caption.setPos(DOMAIN[0], DOMAIN[1])
        self.map_caption.setVisible(True)

    def show_output(self) -> None:
        """Back from a unit's map to the output's surface colours (the next
        ``show_surface`` sets the output's table and repaints)."""
        if self.shown_map is not None:
            self.shown_map = None
            self.map_caption.setVisible(False)

    def set_test_ratio(self, ratio: float) -> None:
        self.test_ratio = ratio
        self.refresh_points()

    def set_show_test(self, show: bool) -> None:
        self.show_test = show
        self.refresh_points()

    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}")
        self.tool = tool
        self.cursor.setVisible(False)
        self.tool_changed.emit(tool)

    def data_to_widget(self, x: float, y: float):
        """Widget (viewport) coordinates of a data point, for tests and scripts."""
        scene = self._view.mapViewToScene(QPointF(x, y))
        return self.mapFromScene(scene)

    def _track_cursor(self, scene_pos) -> None:
        if self.tool in ("put", "inspect"):
            self.cursor.setVisible(False)
            return
        pos = self._view.mapSceneToView(scene_pos)
        r = self.brush_radius
        self.cursor.setRect(QRectF(pos.x() - r, pos.y() - r, 2 * r, 2 * r))
        self.cursor.setVisible(self._inside(pos.x(), pos.y()))

    # -- gestures ----------------------------------------------------------------

    @staticmethod
    def _inside(x: float, y: float) -> bool:
        low, high = DOMAIN
        return low <= x <= high and low <= y <= high

    def _label_for(self, button, modifiers) -> int | None:
        if button == Qt.RightButton:
            return 1
        if button == Qt.LeftButton:
            return 1 if modifiers & Qt.ShiftModifier else self.current_class
        return None

    def _erasing(self, modifiers) -> bool:
        return self.tool == "erase" or bool(modifiers & Qt.ControlModifier)

    def click(self, x: float, y: float, button, modifiers) -> None:
        if not self._inside(x, y):
            return
        if self.tool == "inspect":
            reach = PICK_PIXELS * max(self._view.viewPixelSize())
            index = self.model.nearest(x, y, reach)
            if index is not None:
                self.point_picked.emit(int(index))
            return
        if self._erasing(modifiers):
            index = self.model.nearest(x, y, max(ERASE_REACH, self.brush_radius))
            if index is not None:
                self.undo_stack.push(RemovePoints(self.model, [index]))
            return
        label = self._label_for(button, modifiers)
        if label is None:
            return
        points = self._spray(x, y) if self.tool == "brush" else np.array([[x], [y]])
        self._add(points, label)

    def begin_stroke(self, x: float, y: float, button, modifiers) -> None:
        if self.tool == "inspect":  # the inspect tool only looks
            self._stroke = None
            return
        self._stroke = {
            "id": next(self._strokes),
            "erase": self._erasing(modifiers),
            "label": self._label_for(button, modifiers),
            "last": None,
        }

    def continue_stroke(self, x: float, y: float) -> None:
        stroke = self._stroke
        if stroke is None:
            return
        if not self._inside(x, y):
            stroke["last"] = None  # re-entering elsewhere must not paint across
            return
        # pyqtgraph drops mouse moves above 100 Hz, so fill the path between
        # events: fast strokes leave no gaps.
        if stroke["erase"]:
            centres, stroke["last"] = _along(stroke["last"], (x, y), self.brush_radius / 2)
            hits = [self.model.within(cx, cy, self.brush_radius) for cx, cy in centres.T]
            hit = np.unique(np.concatenate(hits)) if hits else np.zeros(0, np.int64)
            if hit.size:
                self.undo_stack.push(RemovePoints(self.model, hit, stroke["id"]))
            return
        if stroke["label"] is None:
            return
        if self.tool == "brush":
            centres, stroke["last"] = _along(stroke["last"], (x, y), self.brush_radius / 2)
            points = np.hstack([self._spray(cx, cy) for cx, cy in centres.T] or [np.zeros((2, 0))])
        else:
            points, stroke["last"] = _along(stroke["last"], (x, y), PUT_SPACING)
        self._add(points, stroke["label"], stroke["id"])

    def _add(self, points: np.ndarray, label: int, stroke: int | None = None) -> None:
        """Add ``points`` (2, n) of class ``label``, as many as the window holds
        (``LIMITS.window_points``: what a session can save); say so when full."""
        room = LIMITS.window_points - len(self.model)
        if points.shape[1] > room:
            points = points[:, : max(room, 0)]
            self.full.emit(f"The window holds at most {LIMITS.window_points:,} points.")
        if points.size:
            labels = [label] * points.shape[1]
            self.undo_stack.push(AddPoints(self.model, points, labels, stroke))

    def end_stroke(self) -> None:
        self._stroke = None

    def _spray(self, x: float, y: float) -> np.ndarray:
        """``brush_density`` points uniform in the brush disk, inside the domain."""
        n = int(self.brush_density)
        radius = self.brush_radius * np.sqrt(self._rng.random(n))
        angle = self._rng.uniform(0, 2 * np.pi, n)
        points = np.vstack([x + radius * np.cos(angle), y + radius * np.sin(angle)])
        low, high = DOMAIN
        keep = ((points >= low) & (points <= high)).all(axis=0)
        return points[:, keep]


def _along(start, end, gap: float) -> tuple[np.ndarray, tuple[float, float]]:
    """Points every ``gap`` from ``start`` (excluded) towards ``end``, as
    (2, k), and where the next segment should start. With no start yet the
    end itself is the first point."""
    if start is None:
        return np.array([[end[0]], [end[1]]]), end
    dx, dy = end[0] - start[0], end[1] - start[1]
    distance = float(np.hypot(dx, dy))
    k = int(distance // gap)
    if k == 0:
        return np.zeros((2, 0)), start
    t = gap * np.arange(1, k + 1) / distance
    points = np.vstack([start[0] + t * dx, start[1] + t * dy])
    return points, (float(points[0, -1]), float(points[1, -1]))


class SquareFrame(QWidget):
    """Keeps its one child square and centred, so the equal-aspect canvas
    uses all the space it is given."""

    def __init__(self, child: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.child = child
        child.setParent(self)
        self.setMinimumSize(child.minimumSize())

    def resizeEvent(self, event) -> None:
        side = min(self.width(), self.height())
        self.child.setGeometry((self.width() - side) // 2, (self.height() - side) // 2, side, side)
