"""One example's pass, in the seeds' notation, with its numbers.

Forward: x = A[0], Z[1], A[1], …, Ŷ = A[L] against y, and the example's loss.
Backward: dZ[L] = Ŷ − y, dZ[l−1] = W[l]ᵀ·dZ[l] ∗ g′(Z[l−1]), and the
example's contributions to the step's gradients, (1/m)·dZ[l]·A[l−1]ᵀ and
(1/m)·dZ[l]: the m training points' contributions add up to dW[l], db[l].

The view takes an ``ExamplePassView`` or core.inspect's ``ExamplePass``
(its ``forward``/``backward`` dicts are read by name, see ``as_view``).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...core import ACTIVATIONS, FEATURE_LABELS
from .base import RIGHT, Panel, larger_font
from .equations import loss_formula, output_symbol
from .heat import MatrixView, fmt

SHOWN = 8  # entries of a vector printed before "… (+n)"


@dataclass(frozen=True)
class ExamplePassView:
    """One example through the network. Lists are indexed by layer 0..L:
    Z[l], A[l], dZ[l] are (n_l,) or (n_l, 1) (Z[0], dZ[0] unused, A[0] = x);
    dW[l] (n_l, n_{l−1}) and db[l] (n_l,) or (n_l, 1) are the example's
    contributions to the gradient over m examples: (1/m)·dZ[l]·A[l−1]ᵀ and
    (1/m)·dZ[l]. ``y`` is the class label or the target column."""

    x: np.ndarray
    y: object
    Z: list
    A: list
    dZ: list
    dW: list
    db: list
    loss: float
    m: int = 1


def as_view(example) -> ExamplePassView:
    """An ExamplePassView of core.inspect's ``ExamplePass`` (forward and
    backward dicts keyed "Z1", "dW1", …, and ``m``); others pass unchanged."""
    if not hasattr(example, "forward"):
        return example
    fwd, bwd = example.forward, example.backward
    L = sum(1 for name in fwd if name.startswith("Z"))
    layers = range(1, L + 1)
    return ExamplePassView(
        x=fwd["A0"],
        y=example.y,
        Z=[None] + [fwd[f"Z{l}"] for l in layers],
        A=[fwd[f"A{l}"] for l in range(L + 1)],
        dZ=[None] + [bwd[f"dZ{l}"] for l in layers],
        dW=[None] + [bwd[f"dW{l}"] for l in layers],
        db=[None] + [bwd[f"db{l}"] for l in layers],
        loss=float(example.loss),
        m=int(example.m),
    )


def vector(v) -> str:
    v = np.ravel(np.asarray(v, dtype=np.float64))
    text = ", ".join(fmt(a) for a in v[:SHOWN])
    more = f", … (+{v.size - SHOWN})" if v.size > SHOWN else ""
    return f"[{text}{more}]ᵀ" if v.size > 1 else text


def sup(name: str, layer) -> str:
    return f"{name}<sup>[{layer}]</sup>"


PROMPT = "Pick a point with the inspect tool (I) to follow it through the network."


class ExampleView(Panel, QWidget):
    """``set_example(example, activation_names, features, m)`` fills it."""

    area = RIGHT
    dock_title = "One point"
    latest_only = True
    dock_group = "inspector"
    stretch = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exampleView")
        self.setToolTip(
            "One point through the network: the forward pass to its prediction and loss, "
            "then the backward pass and what this point adds to each gradient."
        )
        larger_font(self)  # a point larger: the superscripts must stay readable
        self.title = QLabel(PROMPT)
        self.title.setObjectName("exampleTitle")
        self.title.setWordWrap(True)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.verticalScrollBar().setToolTip("Scroll through the point's passes")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.scroll, 1)
        self.title.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.scroll.hide()  # empty until a point is picked (no scroll bars round nothing)
        self.rows: dict[str, QLabel] = {}
        self.matrices: dict[str, MatrixView] = {}
        self._shape: tuple = ()
        self.example = None
        self._source = None  # the frame's example last shown
        self._shown_at = -math.inf  # when (monotonic seconds)
        self.followed: np.ndarray | None = None  # the point inspected (``follow``)
        self.test_point = False  # and whether it is held out

    def follow(self, point: np.ndarray, test_point: bool) -> None:
        """``point`` (2,) is inspected (``test_point``: it is held out for
        testing); frames still carrying another point's pass are not shown."""
        self.followed = np.array(point, dtype=np.float64)
        if self.test_point != test_point and self._source is not None:
            self._source = None  # the same pass, under its other title
        self.test_point = test_point

    def clear(self) -> None:
        """Back to the prompt: the point inspected is gone."""
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.rows, self.matrices, self._shape = {}, {}, ()
        self.example = self._source = self.followed = None
        self.title.setText(PROMPT)
        self.scroll.hide()

    def show_frame(self, frame) -> None:
        """Show the frame's ``example`` (core.inspect's ExamplePass), when it has
        a new one, with the frame's network's activations and features."""
        example = getattr(frame, "example", None)
        if example is None or example is self._source or frame.spec is None:
            return
        point = np.ravel(getattr(example, "point", []))
        if self.followed is None or not np.array_equal(point, self.followed):
            return  # a frame made before another point was picked, or none
        now = time.monotonic()
        same_point = self._source is not None and np.array_equal(
            getattr(example, "point", None), getattr(self._source, "point", None)
        )
        if getattr(frame, "training", False) and same_point and now - self._shown_at < 0.2:
            return  # numbers that change 30 times a second cannot be read
        self._source, self._shown_at = example, now
        spec = frame.spec
        where = f" at ({fmt(point[0])}, {fmt(point[1])})" if point.size == 2 else ""
        title = f"The point{where}"
        if self.test_point:  # its backward pass is what it would add, were it trained on
            title = (
                f"The test point{where}: held out, not trained on. Its parts of the "
                "gradients are what it would add as one of the training points."
            )
        n_hidden = len(spec.layer_sizes()) - 2
        self.set_example(example, spec.activations[:n_hidden], spec.features, title)

    def _build(self, sizes: tuple[int, ...]) -> None:
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(2, 2, 2, 2)
        grid.setVerticalSpacing(2)
        self.rows, self.matrices = {}, {}
        L = len(sizes) - 1
        keys = ["x"] + [k for l in range(1, L + 1) for k in (f"Z{l}", f"A{l}")] + ["loss"]
        keys += [k for l in range(L, 0, -1) for k in (f"dZ{l}", f"dW{l}", f"db{l}")]
        row = 0
        for key in keys:
            if key in ("x", "dZ" + str(L)):
                head = QLabel("<b>Forward</b>" if key == "x" else "<b>Backward</b>")
                grid.addWidget(head, row, 0, 1, 2)
                row += 1
            label = QLabel()
            label.setObjectName(f"example_{key}")
            label.setTextFormat(Qt.RichText)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextSelectableByMouse)
            grid.addWidget(label, row, 0, 1, 2)
            self.rows[key] = label
            if key.startswith("dW"):
                # Under its line, not beside it: a matrix of numbers beside it
                # squeezed every line of the pass into a narrow column.
                view = MatrixView(f"this point's part of dW[{key[2:]}]", box=72)
                row += 1
                grid.addWidget(view, row, 0, 1, 2, Qt.AlignLeft | Qt.AlignTop)
                self.matrices[key] = view
            row += 1
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(row, 1)
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroll.setWidget(body)

    def set_example(
        self,
        example,
        activation_names: tuple[str, ...] = (),
        features: tuple[str, ...] | None = None,
        title: str = "",
    ) -> None:
        """Show ``example`` (an ExamplePassView or core.inspect's ExamplePass)."""
        example = as_view(example)
        self.example = example
        self.scroll.show()
        m = int(getattr(example, "m", 1))
        sizes = tuple(int(np.size(a)) for a in example.A)
        if sizes != self._shape:
            self._shape = sizes
            self._build(sizes)
        L = len(sizes) - 1
        names = [FEATURE_LABELS.get(f, f) for f in features] if features else []
        x = np.ravel(example.x)
        if names and len(names) == x.size:
            parts = ", ".join(f"{n} = {fmt(v)}" for n, v in zip(names, x, strict=True))
            xtext = f"x = {sup('A', 0)} = [{parts}]ᵀ"
        else:
            xtext = f"x = {sup('A', 0)} = {vector(x)}"
        self.rows["x"].setText(xtext)
        n_out = np.size(example.A[L])  # 1: σ and binary; K: softmax and categorical
        for l in range(1, L + 1):
            self.rows[f"Z{l}"].setText(
                f"{sup('Z', l)} = {sup('W', l)}·{sup('A', l - 1)} + {sup('b', l)} = "
                f"{vector(example.Z[l])}"
            )
            if l < L:
                name = activation_names[l - 1] if len(activation_names) >= l else "g"
                g = ACTIVATIONS[name].symbol if name in ACTIVATIONS else name
                self.rows[f"A{l}"].setText(
                    f"{sup('A', l)} = {g}({sup('Z', l)}) = {vector(example.A[l])}"
                )
            else:
                y = np.ravel(np.asarray(example.y, dtype=np.float64))
                self.rows[f"A{l}"].setText(
                    f"Ŷ = {sup('A', l)} = {output_symbol(n_out)}({sup('Z', l)}) = "
                    f"<b>{vector(example.A[l])}</b>"
                    f" &nbsp; against y = <b>{vector(y)}</b>"
                )
        self.rows["loss"].setText(f"{loss_formula(n_out)} = <b>{fmt(float(example.loss))}</b>")
        over = f"1/{m}" if m > 1 else "1/m, m = 1"
        for l in range(L, 0, -1):
            if l == L:
                dz = f"{sup('dZ', L)} = Ŷ − y = {vector(example.dZ[L])}"
            else:
                name = activation_names[l - 1] if len(activation_names) >= l else "g"
                g = ACTIVATIONS[name].symbol if name in ACTIVATIONS else name
                dz = (
                    f"{sup('dZ', l)} = {sup('W', l + 1)}ᵀ·{sup('dZ', l + 1)} ∗ {g}′({sup('Z', l)})"
                    f" = {vector(example.dZ[l])}"
                )
            self.rows[f"dZ{l}"].setText(dz)
            dW = np.asarray(example.dW[l], dtype=np.float64)
            self.rows[f"dW{l}"].setText(
                f"its part of {sup('dW', l)}: (1/m)·{sup('dZ', l)}·{sup('A', l - 1)}ᵀ "
                f"({over}; {dW.shape[0]}×{dW.shape[1]}), ‖·‖ = {fmt(float(np.linalg.norm(dW)))}"
            )
            self.matrices[f"dW{l}"].set_matrix(dW)
            self.rows[f"db{l}"].setText(
                f"its part of {sup('db', l)}: (1/m)·{sup('dZ', l)} = {vector(example.db[l])}"
            )
        self.title.setText(title or "One point through the network")
