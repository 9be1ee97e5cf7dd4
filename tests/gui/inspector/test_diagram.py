"""The network diagram: its numbers are the network's, clicks pick units,
and the layout never overlaps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from backprop_gui.core import MLP, transform
from backprop_gui.gui.panels.diagram import NetworkDiagram
from backprop_gui.gui.panels.diagram_layout import MAX_UNITS
from backprop_gui.session import NetworkSpec

from ..driving import shown
from .reference import InspectFrame, blobs, frame_for, gradients


@pytest.fixture
def diagram(qtbot):
    return shown(qtbot, NetworkDiagram(), 700, 420)


@dataclass
class Case:
    spec: NetworkSpec
    net: MLP
    points: np.ndarray
    labels: np.ndarray
    frame: InspectFrame


def small_frame(hidden=(3,), seed=1) -> Case:
    spec = NetworkSpec(hidden=hidden, seed=seed)
    net = spec.build()
    net.theta[net.n_weights :] = np.linspace(-0.5, 0.5, net.theta.size - net.n_weights)
    points, labels = blobs()
    return Case(spec, net, points, labels, frame_for(spec, net, points, labels))


def segment_distance(q: np.ndarray, ends: np.ndarray) -> np.ndarray:
    a, b = ends[:, :2], ends[:, 2:]
    d = b - a
    t = np.clip(((q - a) * d).sum(1) / (d * d).sum(1), 0.0, 1.0)
    return np.hypot(*(a + t[:, None] * d - q).T)


def midpoint(diagram, layer, i, j) -> QPointF:
    """The point along the edge farthest from every other edge."""
    k = int(np.flatnonzero((diagram.edge_keys == (layer, i, j)).all(1))[0])
    x0, y0, x1, y1 = diagram.edge_ends[k]
    others = np.delete(diagram.edge_ends, k, axis=0)
    best, best_gap = None, -1.0
    for t in np.linspace(0.1, 0.9, 33):
        q = np.array([x0 + t * (x1 - x0), y0 + t * (y1 - y0)])
        gap = segment_distance(q, others).min() if len(others) else np.inf
        if gap > best_gap:
            best, best_gap = q, gap
    assert best_gap > 4, "no point on this edge is clear of the others"
    return QPointF(*best)


def test_every_edge_tooltip_gives_its_weight_and_gradient(diagram):
    c = small_frame()
    diagram.show(c.frame)
    grads = gradients(c.net, transform(c.points), c.labels)
    assert len(diagram.edge_keys) == 2 * 3 + 3 * 1
    for layer, i, j in diagram.edge_keys:
        pos = midpoint(diagram, layer, i, j)
        assert diagram.edge_at(pos) == (layer, i, j)
        text = diagram.tooltip_at(pos)
        w, dw = c.net.params[f"W{layer}"][i, j], grads[f"dW{layer}"][i, j]
        assert f"W[{layer}]ᵢⱼ = {w:.3g}".replace("-", "−") in text
        assert f"dW[{layer}]ᵢⱼ = {dw:.3g}".replace("-", "−") in text


def test_a_real_hover_shows_the_edge_tooltip(diagram, qtbot):
    c = small_frame()
    diagram.show(c.frame)
    pos = midpoint(diagram, 2, 0, 1).toPoint()
    event = QHelpEvent(QEvent.ToolTip, pos, diagram.canvas.mapToGlobal(pos))
    QApplication.sendEvent(diagram.canvas, event)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert QToolTip.text() == diagram.edge_tooltip(2, 0, 1)
    assert f"{c.net.params['W2'][0, 1]:.3g}".replace("-", "−") in QToolTip.text()


def test_node_tooltip_gives_bias_gradient_and_health(diagram):
    c = small_frame()
    diagram.show(c.frame)
    grads = gradients(c.net, transform(c.points), c.labels)
    for layer, unit in [(1, 0), (1, 2), (2, 0)]:
        text = diagram.tooltip_at(diagram.node_rects()[(layer, unit)].center())
        b, db = c.net.params[f"b{layer}"][unit, 0], grads[f"db{layer}"][unit, 0]
        assert f"b[{layer}] = {b:.3g}".replace("-", "−") in text
        assert f"db[{layer}] = {db:.3g}".replace("-", "−") in text
        h = c.frame.health[layer - 1]
        assert f"{100 * h.saturated:.0f} % saturated, {100 * h.dead:.0f} % dead" in text


def test_tooltips_before_gradients_are_known(diagram):
    c = small_frame()
    diagram.show(InspectFrame(spec=c.spec, theta=c.frame.theta))
    text = diagram.tooltip_at(midpoint(diagram, 1, 0, 0))
    assert "dW[1]ᵢⱼ = not known yet" in text


def test_clicking_a_node_selects_it_and_again_returns_to_the_output(diagram, qtbot):
    c = small_frame()
    diagram.show(c.frame)
    rects = diagram.node_rects()
    received = []
    diagram.unit_selected.connect(lambda layer, unit: received.append((layer, unit)))
    for key in [(1, 2), (1, 2), (0, 1), (2, 0)]:
        qtbot.mouseClick(diagram.canvas, Qt.LeftButton, pos=rects[key].center().toPoint())
    assert received == [(1, 2), (-1, -1), (0, 1), (2, 0)]
    assert diagram.selected == (2, 0)
    qtbot.mouseClick(diagram.canvas, Qt.LeftButton, pos=QPoint(2, diagram.canvas.height() - 2))
    assert received[-1] == (2, 0)  # a click on nothing changes nothing


def test_edges_follow_the_sign_and_size_of_W_or_of_dW(diagram):
    c = small_frame()
    diagram.show(c.frame)
    W1 = c.net.params["W1"]
    biggest = np.unravel_index(np.argmax(np.abs(W1)), W1.shape)
    smallest = np.unravel_index(np.argmin(np.abs(W1)), W1.shape)
    for i in range(3):
        for j in range(2):
            sign, _ = diagram.edge_style(1, i, j)
            assert sign == ("positive" if W1[i, j] > 0 else "negative")
    assert diagram.edge_style(1, *biggest)[1] > diagram.edge_style(1, *smallest)[1]
    diagram.by_gradient.setChecked(True)
    dW2 = c.frame.gradients["dW2"]
    for j in range(3):
        assert diagram.edge_style(2, 0, j)[0] == ("positive" if dW2[0, j] > 0 else "negative")


def test_unit_thumbnails_are_the_units_maps(diagram):
    c = small_frame()
    diagram.show(c.frame)
    x1 = diagram.thumbnails[(0, 0)]  # x1 grows to the right: orange, then blue
    left, right = x1.pixelColor(0, 5), x1.pixelColor(31, 5)
    assert left.red() > left.blue() and right.blue() > right.red()
    x2 = diagram.thumbnails[(0, 1)]  # row 0 of the map is the bottom of the image
    top, bottom = x2.pixelColor(5, 0), x2.pixelColor(5, 31)
    assert top.blue() > top.red() and bottom.red() > bottom.blue()


@pytest.mark.parametrize("size", [(360, 240), (500, 300), (1000, 700)])
@pytest.mark.parametrize("width", [1, 2, 3, 7, 8, 9, 10, 64, 255, 256])
def test_nodes_never_overlap(qtbot, size, width):
    diagram = NetworkDiagram()
    qtbot.addWidget(diagram)
    diagram.resize(*size)
    diagram.show()
    for hidden in [(width,), (width, 8), (width,) * 8, (1, width, 3)]:
        spec = NetworkSpec(hidden=hidden, features=("x1", "x2", "x1^2", "sin(x2)"))
        diagram.show(frame_for(spec, spec.build(), *blobs(8)))
        rects = list(diagram.node_rects().items())
        canvas = diagram.canvas.rect()
        for k, (key, rect) in enumerate(rects):
            assert rect.width() >= 4 and rect.height() >= 4, key
            assert canvas.contains(rect.toAlignedRect()), (key, rect, canvas)
            for other, rect2 in rects[k + 1 :]:
                assert not rect.intersects(rect2), (hidden, key, other)
        for layer, n in enumerate(spec.layer_sizes()):
            drawn = [u for (l, u) in diagram.node_rects() if l == layer]
            # A ninth unit takes the summary's place; more than nine are summed up.
            summed = n > MAX_UNITS + 1
            assert len([u for u in drawn if u >= 0]) == (MAX_UNITS if summed else n)
            assert (-1 in drawn) == summed
        label_rects = [r for r, _ in diagram.labels]
        for r in label_rects:
            assert not any(r.intersects(n) for n in diagram.node_rects().values())


def test_summary_node_tells_how_many_units_are_not_drawn(diagram):
    spec = NetworkSpec(hidden=(256, 8))
    diagram.show(frame_for(spec, spec.build(), *blobs(8)))
    text = diagram.tooltip_at(diagram.node_rects()[(1, -1)].center())
    assert f"{256 - MAX_UNITS} more units" in text


def test_highlight_layer_marks_one_column(diagram):
    c = small_frame()
    diagram.show(c.frame)
    diagram.highlight_layer(1)
    image = diagram.canvas.grab().toImage()
    band = diagram.titles[1][0]
    colour = image.pixelColor(int(band.left()) + 2, diagram.canvas.height() - 3)
    assert colour != image.pixelColor(
        int(diagram.titles[0][0].left()) + 2, diagram.canvas.height() - 3
    )
    diagram.highlight_layer(-1)
    image = diagram.canvas.grab().toImage()
    assert image.pixelColor(int(band.left()) + 2, diagram.canvas.height() - 3).name() == "#ffffff"


def test_a_new_network_drops_the_picked_unit(diagram, qtbot):
    c = small_frame()
    diagram.show(c.frame)
    qtbot.mouseClick(
        diagram.canvas, Qt.LeftButton, pos=diagram.node_rects()[(1, 1)].center().toPoint()
    )
    received = []
    diagram.unit_selected.connect(lambda layer, unit: received.append((layer, unit)))
    diagram.show(c.frame)  # the same network: the pick stays
    assert received == [] and diagram.selected == (1, 1)
    other = small_frame(hidden=(5, 2))
    diagram.show(other.frame)
    assert received == [(-1, -1)] and diagram.selected == (-1, -1)


def test_a_larger_font_makes_room_for_the_column_headers(diagram, qtbot):
    # Presentation mode's font reached the diagram without a resize: the
    # headers ("A[1]" over "tanh 8") kept the old font's height and were cut.
    diagram.show(small_frame().frame)
    qtbot.waitUntil(lambda: bool(diagram.titles))
    before = diagram.titles[0][0].height()
    font = diagram.canvas.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    diagram.canvas.setFont(font)  # its size stays: no resize lays it out again
    needed = 2 * QFontMetricsF(diagram.canvas.font()).height()
    qtbot.waitUntil(lambda: diagram.titles[0][0].height() >= needed, timeout=3000)
    assert diagram.titles[0][0].height() > before


SEVEN = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


@pytest.mark.parametrize(
    "features, scale",
    [(SEVEN[:2], 1.6), (SEVEN[:4], 1.6), (SEVEN[:4], 2.0), (SEVEN, 1.6), (SEVEN, 2.0)],
)
def test_in_a_short_diagram_with_a_large_font_the_input_names_stay_apart(qtbot, features, scale):
    # Presentation mode at 1280×720: units of a few pixels, names a line tall.
    # The inputs' names overlapped each other and were clipped; with many
    # inputs they went over the column titles and off the canvas.
    diagram = shown(qtbot, NetworkDiagram(), 400, 150)
    font = diagram.canvas.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    diagram.canvas.setFont(font)
    spec = NetworkSpec(hidden=(8, 8), features=features)
    diagram.show(frame_for(spec, spec.build(), *blobs(8)))
    labels = [rect for rect, _ in diagram.labels]
    assert len(labels) == len(features)
    # Each name is drawn in a font that fits its rect: a line where there is
    # room, smaller where rows are closer than a line.
    text_height = QFontMetricsF(diagram.label_font).height()
    title_bottom = diagram.titles[0][0].bottom()
    for k, rect in enumerate(labels):
        assert text_height <= rect.height() + 0.5
        assert diagram.canvas.rect().contains(rect.toAlignedRect()), rect
        assert rect.top() >= title_bottom - 0.5  # not over "X / 7 inputs"
        centre = diagram.node_rects()[(0, k)].center().y()
        assert rect.center().y() == pytest.approx(centre)
        # Rows a name's height apart may touch, never overlap.
        assert all(rect.intersected(other).height() < 0.01 for other in labels[k + 1 :])
    if len(features) == 2:  # room enough: the names at the canvas's own size
        assert labels[0].height() >= QFontMetricsF(diagram.canvas.font()).height()


def test_an_output_node_names_its_activation(diagram):
    c = small_frame()
    diagram.show(c.frame)
    L = c.net.L
    assert "(σ (output))" in diagram.tooltip_at(diagram.node_rects()[(L, 0)].center())
    spec = NetworkSpec(hidden=(3,), n_classes=3, seed=1)
    net = spec.build()
    points, _ = blobs(30)
    diagram.show(frame_for(spec, net, points, np.arange(30) % 3))
    assert "(softmax (output))" in diagram.tooltip_at(diagram.node_rects()[(L, 1)].center())


def test_column_heads_are_whole_in_a_narrow_diagram(qtbot):
    # Six columns in a 380-pixel dock read "softma…": the width goes up
    # beside the name, and the activation fits the line under it.
    diagram = shown(qtbot, NetworkDiagram(), 380, 300)
    spec = NetworkSpec(hidden=(8,) * 4, activation="leaky_relu", n_classes=3, seed=1)
    points, _ = blobs(30)
    diagram.show(frame_for(spec, spec.build(), points, np.arange(30) % 3))
    heads = [text for _, text in diagram.titles]
    assert heads[0] == "X\n2 inputs" and heads[-1] == "Ŷ (3)\nsoftmax"
    assert heads[1:-1] == [f"A[{l}] (8)\nlrelu" for l in range(1, 5)]  # as equations write it
    fm = QFontMetricsF(diagram.canvas.font())
    for rect, text in diagram.titles:
        assert "…" not in text
        assert all(fm.horizontalAdvance(line) <= rect.width() for line in text.split("\n"))
    # With room, each head keeps its two usual lines.
    diagram.resize(1400, 400)
    qtbot.waitUntil(lambda: diagram.titles[-1][1] == "Ŷ\nsoftmax 3")
    assert diagram.titles[1][1] == "A[1]\nleaky_relu 8"
