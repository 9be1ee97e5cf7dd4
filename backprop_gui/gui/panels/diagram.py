"""The network as TensorFlow Playground draws it: one column per layer,
inputs on the left, the output on the right, every unit a small live map of
its output over the domain, edges as wide as |W[l]ᵢⱼ| and coloured by sign
(blue positive, orange negative, as the surface) or by the sign of dW.

Everything is painted by one ``paintEvent`` from geometry computed when the
size or the network changes; a frame only replaces the edge pens (grouped in
a few width levels, so a paint makes a handful of ``drawLines`` calls) and
the thumbnails of the units drawn (small cached QImages).

Units are 0-based in the API (``unit_selected(layer, unit)``, layer 0 = the
inputs) and 1-based in what a student reads.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QToolTip, QVBoxLayout, QWidget

from ...core import FEATURE_LABELS, MLP
from ..theme import CLASS_COLORS
from .base import RIGHT, Panel
from .diagram_layout import layout
from .equations import output_symbol
from .heat import fmt, pixels_image, signed_pixels
from .throttle import Throttle

WIDTH_LEVELS = 8  # edge widths are quantised so that pens can be shared
MAX_EDGE_WIDTH = 4.0
UPDATES_PER_SECOND = 10  # while training: the maps and edges can be followed
NEGATIVE, POSITIVE = QColor(CLASS_COLORS[0]), QColor(CLASS_COLORS[1])


class _Canvas(QWidget):
    """The painted part; the diagram owns the state and the geometry."""

    def __init__(self, diagram: NetworkDiagram) -> None:
        super().__init__(diagram)
        self._diagram = diagram
        self.setObjectName("networkDiagramCanvas")
        self.setMouseTracking(True)
        self.setMinimumSize(360, 150)
        self.setToolTip("")

    def paintEvent(self, event) -> None:
        self._diagram._paint(self)

    def resizeEvent(self, event) -> None:
        self._diagram._layout()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:  # the headers' height follows the font
            self._diagram._layout()
            self._diagram._edge_pixmap = None
            self.update()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._diagram._click(event.position())

    def event(self, event) -> bool:
        if event.type() == QEvent.ToolTip:
            text = self._diagram.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


class NetworkDiagram(Panel, QWidget):
    """The network diagram panel; ``show(frame)`` for every frame."""

    area = RIGHT
    dock_title = "Diagram"
    latest_only = True
    dock_group = "inspector"
    stretch = 3

    unit_selected = Signal(int, int)  # (layer, unit), or (−1, −1): back to the output

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkDiagram")
        self.setToolTip(
            "The network: each box is a unit with a map of its output over the plane. "
            "Click a unit to see its map on the canvas; hover a line for its weight."
        )
        self.by_gradient = QCheckBox("Colour edges by dW")
        self.by_gradient.setObjectName("edgeColourByGradient")
        self.by_gradient.setToolTip(
            "Colour and width of each line by the gradient dW[l]ᵢⱼ instead of the weight "
            "W[l]ᵢⱼ: where the blame flows, and where it vanishes."
        )
        self.by_gradient.toggled.connect(self._restyle)
        self.canvas = _Canvas(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.by_gradient)
        bar.addStretch(1)
        # What the maps are when the network is too big for all of them: a
        # row of its own (beside the box it wrapped over six lines at 1280 px).
        self.note = QLabel("", objectName="diagramNote", wordWrap=True)
        self.note.setContentsMargins(4, 0, 4, 0)
        self.note.setToolTip("How the unit maps are computed for this network")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(self.canvas, 1)

        self.frame = None
        self._spec = None
        self.net: MLP | None = None
        self.selected: tuple[int, int] = (-1, -1)
        self.highlighted = -1
        # Geometry, from _layout: per column the units drawn and their rects.
        self.columns: list[list[int]] = []
        self.rects: dict[tuple[int, int], QRectF] = {}  # (layer, unit); unit −1: summary
        self.titles: list[tuple[QRectF, str]] = []
        self.labels: list[tuple[QRectF, str]] = []  # the inputs' names, in label_font
        self.label_font = QFont()
        self.edge_keys = np.zeros((0, 3), np.int64)  # (layer, i, j): W[layer][i, j]
        self.edge_ends = np.zeros((0, 4))  # x0, y0, x1, y1
        self._edge_groups: list[tuple[QPen, list[QLineF]]] = []
        self._edge_key = None  # what the groups were made from
        self._edge_pixmap: QPixmap | None = None  # the groups drawn, transparent elsewhere
        self._smooth = True  # antialiased edges: not while training (see _restyle)
        self._geometry = 0  # bumps with every layout
        self.edge_level: np.ndarray | None = None  # per edge: its width level
        self.edge_positive: np.ndarray | None = None
        self.thumbnails: dict[tuple[int, int], QImage] = {}
        self._maps_seen = None
        self._throttle = Throttle(self, self._take, 1.0 / UPDATES_PER_SECOND)

    # -- data ----------------------------------------------------------------

    def show_frame(self, frame) -> None:
        """Take a Frame: its spec, θ and, when present, gradients, unit maps,
        health; while training at most ``UPDATES_PER_SECOND`` times a second."""
        self._throttle.offer(frame, urgent=frame.spec != self._spec)

    def _take(self, frame) -> None:
        self.frame = frame
        spec = frame.spec
        if spec is None:
            return
        if spec != self._spec:
            self._spec = spec
            self.net = spec.build()
            self._maps_seen = None
            self._layout()
            if self.selected != (-1, -1):  # the unit is gone: back to the output
                self.selected = (-1, -1)
                self.unit_selected.emit(-1, -1)
        if frame.theta.size == self.net.theta.size:
            self.net.theta[:] = frame.theta
        maps = getattr(frame, "unit_maps", None)
        if maps is not None and maps is not self._maps_seen:
            self._maps_seen = maps
            self._thumbnails(maps)
        self._restyle()
        self.canvas.update()

    def set_note(self, text: str) -> None:
        """Say how the maps are made ("" when they are all there, every frame)."""
        if text != self.note.text():
            self.note.setText(text)
            self.note.setVisible(bool(text))

    def weight(self, layer: int, i: int, j: int) -> float:
        return float(self.net.params[f"W{layer}"][i, j])

    def gradient(self, name: str) -> np.ndarray | None:
        grads = getattr(self.frame, "gradients", None)
        return None if grads is None else grads.get(name)

    def layer_health(self, layer: int):
        health = getattr(self.frame, "health", None)
        if health is None or not 1 <= layer <= len(health):
            return None
        return health[layer - 1]

    # -- geometry --------------------------------------------------------------

    def _layout(self) -> None:
        if self.net is None:
            return
        g = layout(self.net, self.canvas.width(), self.canvas.height(), self.canvas.font())
        self.columns, self.rects, self.titles, self.labels = g.columns, g.rects, g.titles, g.labels
        self.label_font, self.small_font = g.label_font, g.small_font
        self.edge_keys, self.edge_ends = g.edge_keys, g.edge_ends
        self._geometry += 1
        self._restyle()

    def node_rects(self) -> dict[tuple[int, int], QRectF]:
        """Every drawn node's rectangle in canvas coordinates; unit −1 is a summary."""
        return dict(self.rects)

    # -- styling per frame -------------------------------------------------------

    def _edge_values(self) -> np.ndarray | None:
        if self.net is None or not len(self.edge_keys):
            return None
        prefix = "dW" if self.by_gradient.isChecked() else "W"
        values = np.empty(len(self.edge_keys))
        for layer in range(1, self.net.L + 1):
            sel = self.edge_keys[:, 0] == layer
            if prefix == "dW":
                matrix = self.gradient(f"dW{layer}")
                if matrix is None:
                    return None
            else:
                matrix = self.net.params[f"W{layer}"]
            values[sel] = matrix[self.edge_keys[sel, 1], self.edge_keys[sel, 2]]
        return values

    def _restyle(self) -> None:
        """Group the edges into pens by sign and quantised |value|. Most frames
        change no edge's level or sign: then the cached drawing of the edges
        is kept (antialiased lines are the dearest part of a paint)."""
        values = self._edge_values()
        signature = None
        if values is not None:
            top = float(np.max(np.abs(values))) if values.size else 0.0
            level = np.zeros(values.size, np.int64)
            if top > 0 and np.isfinite(top):
                level = np.minimum(
                    (np.abs(values) / top * WIDTH_LEVELS).astype(np.int64), WIDTH_LEVELS - 1
                )
            signature = (level.tobytes(), (values > 0).tobytes())
        # Smooth (antialiased) lines cost 15-20 ms a drawing: while training
        # the edges change ten times a second and are drawn plain; a still
        # network gets its smooth drawing.
        self._smooth = not getattr(self.frame, "training", False)
        key = (signature, self._geometry, self._smooth)
        if key == self._edge_key:
            return
        self._edge_key = key
        self._edge_pixmap = None
        self._edge_groups = []
        self.edge_level = self.edge_positive = None
        if values is None:
            if len(self.edge_ends):
                lines = [QLineF(*e) for e in self.edge_ends]
                self._edge_groups = [(QPen(QColor(170, 170, 170, 120), 0.8), lines)]
            self.canvas.update()
            return
        self.edge_level, self.edge_positive = level, values > 0
        for positive, base in ((False, NEGATIVE), (True, POSITIVE)):
            for lv in range(WIDTH_LEVELS):
                sel = np.flatnonzero((level == lv) & ((values > 0) == positive))
                if not sel.size:
                    continue
                colour = QColor(base)
                colour.setAlpha(int(90 + 165 * (lv + 1) / WIDTH_LEVELS))
                width = 0.5 + (MAX_EDGE_WIDTH - 0.5) * (lv + 0.5) / WIDTH_LEVELS
                pen = QPen(colour, width)
                pen.setCapStyle(Qt.FlatCap)
                self._edge_groups.append((pen, [QLineF(*self.edge_ends[k]) for k in sel]))
        self.canvas.update()

    def edge_style(self, layer: int, i: int, j: int) -> tuple[str, float] | None:
        """("positive" | "negative", pen width) of a drawn edge; None when the
        values are not known (no gradients yet while colouring by dW)."""
        if self.edge_level is None:
            return None
        k = int(np.flatnonzero((self.edge_keys == (layer, i, j)).all(1))[0])
        width = 0.5 + (MAX_EDGE_WIDTH - 0.5) * (self.edge_level[k] + 0.5) / WIDTH_LEVELS
        return ("positive" if self.edge_positive[k] else "negative"), width

    def _thumbnails(self, maps) -> None:
        self.thumbnails = {}
        L = self.net.L
        for layer, units in enumerate(self.columns):
            if layer >= len(maps):
                break
            for unit in units:
                grid = np.asarray(maps[layer][unit])[::-1]  # row 0 at the bottom
                if layer == L:  # probabilities: 0.5 is white
                    pixels = signed_pixels(grid - 0.5, 0.5)
                else:
                    # The 95th percentile, not the maximum: a ReLU's far corner
                    # would otherwise wash out the rest of its map.
                    magnitude = np.abs(grid).ravel()
                    k = int(0.95 * (magnitude.size - 1))
                    scale = float(np.partition(magnitude, k)[k]) if magnitude.size else 1.0
                    pixels = signed_pixels(grid, scale if scale > 0 else 1.0)
                self.thumbnails[(layer, unit)] = pixels_image(pixels)

    def highlight_layer(self, layer: int) -> None:
        """Mark one column (the step-through's layer); −1 clears."""
        self.highlighted = layer
        self.canvas.update()

    # -- painting -------------------------------------------------------------

    def _draw_edges(self, canvas: QWidget) -> QPixmap:
        ratio = canvas.devicePixelRatio()
        pixmap = QPixmap(canvas.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.Antialiasing, self._smooth)
        for pen, lines in self._edge_groups:
            p.setPen(pen)
            p.drawLines(lines)
        p.end()
        return pixmap

    def _paint(self, canvas: QWidget) -> None:
        p = QPainter(canvas)
        p.fillRect(canvas.rect(), QColor("white"))
        if self.highlighted >= 0 and self.highlighted < len(self.titles):
            band = QRectF(self.titles[self.highlighted][0])
            band.setHeight(canvas.height())
            p.fillRect(band, QColor(255, 236, 160, 150))
        if (
            self._edge_pixmap is None
            or self._edge_pixmap.size() != canvas.size() * canvas.devicePixelRatio()
        ):
            self._edge_pixmap = self._draw_edges(canvas)
        p.drawPixmap(0, 0, self._edge_pixmap)
        for (layer, unit), rect in self.rects.items():
            if unit < 0:
                p.setPen(QPen(QColor("#888"), 1, Qt.DashLine))
                p.setBrush(QColor("#f2f2f2"))
                p.drawRect(rect)
                p.setFont(self.small_font)
                p.setPen(QColor("#333"))
                p.drawText(
                    rect,
                    Qt.AlignCenter,
                    f"+{self.net.layer_sizes[layer] - len(self.columns[layer])}",
                )
                p.setFont(canvas.font())
                continue
            image = self.thumbnails.get((layer, unit))
            if image is not None:
                p.drawImage(rect, image)
            else:
                p.fillRect(rect, QColor("#eee"))
            chosen = (layer, unit) == self.selected
            p.setPen(QPen(QColor("#111") if chosen else QColor("#777"), 3 if chosen else 1))
            p.setBrush(Qt.NoBrush)
            p.drawRect(rect)
        p.setPen(QColor("#333"))
        p.setFont(self.label_font)
        for rect, text in self.labels:
            p.drawText(rect, Qt.AlignRight | Qt.AlignVCenter, text)
        p.setFont(canvas.font())
        for rect, text in self.titles:
            p.drawText(rect, Qt.AlignCenter, text)
        p.end()

    # -- interaction ------------------------------------------------------------

    def node_at(self, pos: QPointF) -> tuple[int, int] | None:
        for key, rect in self.rects.items():
            if rect.contains(pos):
                return key
        return None

    def edge_at(self, pos: QPointF, tolerance: float = 3.0) -> tuple[int, int, int] | None:
        """(layer, i, j) of the edge nearest ``pos`` within ``tolerance`` pixels."""
        if not len(self.edge_ends):
            return None
        a, b = self.edge_ends[:, :2], self.edge_ends[:, 2:]
        d = b - a
        q = np.array([pos.x(), pos.y()])
        t = np.clip(((q - a) * d).sum(1) / np.maximum((d * d).sum(1), 1e-12), 0.0, 1.0)
        dist = np.hypot(*(a + t[:, None] * d - q).T)
        k = int(np.argmin(dist))
        return tuple(int(v) for v in self.edge_keys[k]) if dist[k] <= tolerance else None

    def tooltip_at(self, pos: QPointF) -> str:
        node = self.node_at(pos)
        if node is not None:
            return self.node_tooltip(*node)
        edge = self.edge_at(pos)
        return "" if edge is None else self.edge_tooltip(*edge)

    def edge_tooltip(self, layer: int, i: int, j: int) -> str:
        dW = self.gradient(f"dW{layer}")
        grad = "not known yet" if dW is None else fmt(dW[i, j])
        src = self._unit_name(layer - 1, j)
        return (
            f"W[{layer}] row {i + 1}, column {j + 1}: from {src} to unit {i + 1} of layer {layer}\n"
            f"W[{layer}]ᵢⱼ = {fmt(self.weight(layer, i, j))}    dW[{layer}]ᵢⱼ = {grad}"
        )

    def _unit_name(self, layer: int, unit: int) -> str:
        if layer == 0:
            names = self.net.features or tuple(f"x{k + 1}" for k in range(self.net.layer_sizes[0]))
            return f"input {FEATURE_LABELS.get(names[unit], names[unit])}"
        return f"unit {unit + 1} of layer {layer}"

    def node_tooltip(self, layer: int, unit: int) -> str:
        n = self.net.layer_sizes[layer]
        if unit < 0:
            shown = len(self.columns[layer])
            return (
                f"Layer {layer}: {n - shown} more units not drawn (units {shown + 1}..{n}); "
                "their lines are left out too."
            )
        if layer == 0:
            return f"{self._unit_name(0, unit)}: the feature's value over the plane"
        L = self.net.L
        g = f"{output_symbol(n)} (output)" if layer == L else self.net.activation_names[layer - 1]
        lines = [f"Layer {layer}, unit {unit + 1} of {n} ({g})"]
        b = float(self.net.params[f"b{layer}"][unit, 0])
        db = self.gradient(f"db{layer}")
        grad = "not known yet" if db is None else fmt(db[unit, 0])
        lines.append(f"b[{layer}] = {fmt(b)}    db[{layer}] = {grad}")
        health = self.layer_health(layer)
        if health is not None:
            lines.append(
                f"layer {layer}: {100 * health.saturated:.0f} % saturated, "
                f"{100 * health.dead:.0f} % dead"
            )
        lines.append("Click to show this unit's map on the canvas")
        return "\n".join(lines)

    def _click(self, pos: QPointF) -> None:
        node = self.node_at(pos)
        if node is None or node[1] < 0:
            return
        self.selected = (-1, -1) if node == self.selected else node
        self.canvas.update()
        self.unit_selected.emit(*self.selected)
