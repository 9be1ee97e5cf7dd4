"""Where the network diagram draws each unit, title and name: geometry from
the network and the canvas's size and font, computed when either changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from ...core import ACTIVATIONS, FEATURE_LABELS, MLP

MAX_UNITS = 8  # units drawn per column; the rest form one summary node


@dataclass
class Geometry:
    """``columns[l]``: the units of layer l drawn one by one (0 = inputs);
    ``rects[(l, unit)]``: each unit's square, unit −1 the summary "+N";
    ``titles``: (rect, text) of the column heads, in the canvas's font;
    ``labels``: of the input names, in ``label_font``; ``small_font``: the
    summaries'; ``edge_keys`` (E, 3) (layer, i, j) and ``edge_ends`` (E, 4)
    x0, y0, x1, y1 of the edges between drawn units."""

    columns: list[list[int]]
    rects: dict[tuple[int, int], QRectF]
    titles: list[tuple[QRectF, str]]
    labels: list[tuple[QRectF, str]]
    label_font: QFont
    small_font: QFont
    edge_keys: np.ndarray
    edge_ends: np.ndarray


def layout(net: MLP, w: float, h: float, font: QFont) -> Geometry:
    """The diagram of ``net`` on a canvas ``w`` × ``h`` pixels in ``font``."""
    sizes = net.layer_sizes
    fm = QFontMetricsF(font)
    margin, header = 6.0, 2 * fm.height() + 4.0  # two lines: "A[2]", "tanh 8"
    names = net.features or tuple(f"x{k + 1}" for k in range(sizes[0]))
    label_w = max(fm.horizontalAdvance(FEATURE_LABELS.get(n, n)) for n in names) + 6.0
    n_cols = len(sizes)
    left, right = margin + label_w, w - margin
    spacing = (right - left) / n_cols
    avail = h - header - 2 * margin
    # Rows: at most MAX_UNITS units plus a summary, fewer if the height is tiny.
    max_rows = int(max(2, min(MAX_UNITS + 1, avail // 10)))
    columns: list[list[int]] = []
    for n in sizes:
        columns.append(list(range(n if n <= max_rows else max_rows - 1)))
    rows = max(len(c) + (sizes[k] > len(c)) for k, c in enumerate(columns))
    side = max(4.0, min(40.0, 0.5 * spacing, avail / (rows * 1.25)))
    gap = 0.25 * side
    rects: dict[tuple[int, int], QRectF] = {}
    titles: list[tuple[QRectF, str]] = []
    labels: list[tuple[QRectF, str]] = []
    label_font = QFont(font)
    small = QFont(font)  # the summaries' "+N"
    small.setPointSizeF(max(6.0, small.pointSizeF() * 0.8))
    sfm = QFontMetricsF(small)
    for layer, units in enumerate(columns):
        cx = left + spacing * (layer + 0.5)
        n_rows = len(units) + (sizes[layer] > len(units))
        pitch, line = side + gap, fm.height()
        if layer == 0 and n_rows > 1:  # inputs' rows a line apart, else smaller names
            pitch = max(pitch, min(line, (avail - line) / (n_rows - 1)))
            if pitch < line:
                size = label_font.pointSizeF() * pitch / line
                label_font.setPointSizeF(max(1.0, size))
                line = pitch
        top = header + margin + (avail - side - (n_rows - 1) * pitch) / 2
        for row, unit in enumerate(units):
            y = top + row * pitch
            rects[(layer, unit)] = QRectF(cx - side / 2, y, side, side)
            if layer == 0:  # the name centred on its unit
                rect = QRectF(cx - side / 2 - label_w - 2, y + (side - line) / 2, label_w, line)
                labels.append((rect, FEATURE_LABELS.get(names[unit], names[unit])))
        if sizes[layer] > len(units):
            text = f"+{sizes[layer] - len(units)}"
            width = min(0.9 * spacing, max(side, sfm.horizontalAdvance(text) + 4))
            y = top + len(units) * pitch
            rects[(layer, -1)] = QRectF(cx - width / 2, y, width, side)
        name, detail = column_title(net, layer, lambda t: fm.horizontalAdvance(t) <= spacing - 2)
        text = "\n".join(fm.elidedText(t, Qt.ElideRight, spacing - 2) for t in (name, detail))
        titles.append((QRectF(cx - spacing / 2, margin / 2, spacing, header), text))
    keys, ends = [], []
    for layer in range(1, n_cols):
        for i in columns[layer]:
            b = rects[(layer, i)]
            for j in columns[layer - 1]:
                a = rects[(layer - 1, j)]
                keys.append((layer, i, j))
                ends.append((a.right(), a.center().y(), b.left(), b.center().y()))
    edge_keys = np.array(keys, np.int64).reshape(-1, 3)
    edge_ends = np.array(ends, np.float64).reshape(-1, 4)
    return Geometry(columns, rects, titles, labels, label_font, small, edge_keys, edge_ends)


def column_title(
    net: MLP, layer: int, fits: Callable[[str], bool] = lambda text: True
) -> tuple[str, str]:
    """The column's name and, under it, its activation and width; the
    width goes up beside the name when the line under it does not ``fit``,
    and the activation's symbol stands for its name when that does not fit."""
    sizes, L = net.layer_sizes, net.L
    if layer == 0:
        return "X", f"{sizes[0]} inputs" if sizes[0] > 1 else "1 input"
    if layer == L and sizes[-1] == 1:
        return "Ŷ", "σ"
    name, n = ("Ŷ", "softmax") if layer == L else (f"A[{layer}]", net.activation_names[layer - 1])
    detail = f"{n} {sizes[layer]}"
    if fits(detail):
        return name, detail
    # Narrower still: the activation's symbol, as the equations write it (lrelu).
    short = n if fits(n) or layer == L else ACTIVATIONS[n].symbol
    return f"{name} ({sizes[layer]})", short
