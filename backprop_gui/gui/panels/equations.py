"""The seeds' equations with this step's numbers: one row per equation and
layer, each with its shapes, W[l] and dW[l] as small matrices (numbers up to
4×4, colour beyond), their norms, b[l] and db[l].

Rows are made when the network changes and updated in place per frame (a
label's text is set only when it changes). ``highlight(stage)`` marks the
row of a step-through stage.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...core import ACTIVATIONS, FEATURE_LABELS, MLP, OPTIMIZERS
from ...session import EVALUATION_SAMPLE
from .base import RIGHT, Panel, larger_font
from .heat import MatrixView, fmt

HIGHLIGHT = QColor("#FFF0B3")  # the step-through's current row
CAPTION = QColor("#555555")
# Numbers that change 30 times a second cannot be read; updating the rich
# text that often costs a repaint of the whole panel per frame.
MIN_INTERVAL = 0.2  # seconds between two updates of the numbers
SHARE = 10  # ...and at least 10 times as long as an update takes


def sup(name: str, layer) -> str:
    return f"{name}<sup>[{layer}]</sup>"


def grey(text: str) -> str:
    return f"<span style='color:#666'>{text}</span>"


def vector_text(v: np.ndarray, limit: int = 4) -> str:
    """A column as [a, b, c]ᵀ, or its first entries and how many more."""
    v = np.ravel(v)
    shown = ", ".join(fmt(x) for x in v[:limit])
    more = f", … (+{v.size - limit})" if v.size > limit else ""
    return f"[{shown}{more}]ᵀ"


# Qt drops a combining circumflex in DejaVu Sans (the usual default on
# Linux), so the hatted letters are set in a serif that draws it, as maths is.
HAT_FONTS = "'DejaVu Serif', 'Times New Roman', 'Cambria Math', 'Nimbus Roman', serif"


def hat(letter: str) -> str:
    """``letter`` with a circumflex over it (m̂, v̂), as rich text."""
    return f'<span style="font-family: {HAT_FONTS}">{letter}\u0302</span>'


ASSIGN = "&nbsp;:=&nbsp;"  # never wrapped away from its sides


def output_symbol(n_out: int) -> str:
    """g of the output layer: σ for one unit (two classes), softmax for K units."""
    return "σ" if n_out == 1 else "softmax"


def cost_formula(n_out: int) -> str:
    """J without the penalty: binary cross-entropy for one σ unit, categorical
    cross-entropy (Y one-hot, K×m) for softmax."""
    if n_out == 1:
        return "J = −(1/m)·Σ [y·log ŷ + (1−y)·log(1−ŷ)]"
    return "J = −(1/m)·Σ Σ<sub>k</sub> y<sub>k</sub>·log ŷ<sub>k</sub>"


def loss_formula(n_out: int) -> str:
    """One example's loss, the term J averages: binary or categorical cross-entropy."""
    if n_out == 1:
        return "loss = −[y·log ŷ + (1−y)·log(1−ŷ)]"
    return "loss = −Σ<sub>k</sub> y<sub>k</sub>·log ŷ<sub>k</sub>"


def penalty_formula(l1: float, l2: float) -> str:
    """The L1 and L2 terms J includes, with their λ ("" for none)."""
    text = f" + {l1:g}·Σ|W|" if l1 else ""
    return text + (f" + ({l2:g}/2)·Σ‖W‖²" if l2 else "")


def constant(value: float) -> str:
    """An optimizer's constant as a student reads it: 0.9, 0.999, 10⁻⁸."""
    exponent = round(math.log10(value))
    if value < 1e-3 and value == 10.0**exponent:
        return "10" + str(exponent).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{value:g}"


# Each optimizer's rule in core.optimizers' notation, with its constants
# read from there (the step-through shows the same rule).
_momentum, _adam = OPTIMIZERS["momentum"], OPTIMIZERS["adam"]
MOMENTUM_CONSTANTS = f"β = {constant(_momentum.beta)}"
ADAM_CONSTANTS = (
    f"β₁ = {constant(_adam.beta1)}, β₂ = {constant(_adam.beta2)}, ε = {constant(_adam.eps)}"
)
UPDATES = {
    "sgd": f"θ{ASSIGN}θ − α·dθ",
    "momentum": f"v{ASSIGN}β·v − α·dθ &nbsp;{grey(MOMENTUM_CONSTANTS)}<br>θ{ASSIGN}θ + v",
    "adam": (
        f"m{ASSIGN}β₁·m + (1−β₁)·dθ; &nbsp; v{ASSIGN}β₂·v + (1−β₂)·dθ²<br>"
        f"{hat('m')} = m/(1−β₁ᵗ), &nbsp; {hat('v')} = v/(1−β₂ᵗ)<br>"
        f"θ{ASSIGN}θ − α·{hat('m')}/(√{hat('v')} + ε)<br>{grey(ADAM_CONSTANTS)}"
    ),
}


class _Row(QFrame):
    """One equation: a rich-text label and optional matrices beside it."""

    def __init__(self, key: str, tooltip: str, matrices: tuple[MatrixView, ...] = ()) -> None:
        super().__init__()
        self.setObjectName("eqRow")
        self.key = key
        self.setProperty("current", False)
        self.setToolTip(tooltip)
        self.label = QLabel()
        self.label.setObjectName(f"eq_{key}")
        self.label.setTextFormat(Qt.RichText)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.label.setWordWrap(True)  # a narrow dock wraps, never cuts
        self.matrices = matrices
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(self.label, 1, Qt.AlignTop)
        for m in matrices:
            # Each matrix with its name under it, so a student knows which is which.
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(m, 0, Qt.AlignHCenter)
            caption = QLabel(m.name)
            palette = caption.palette()
            palette.setColor(QPalette.WindowText, CAPTION)
            caption.setPalette(palette)
            cell.addWidget(caption, 0, Qt.AlignHCenter)
            cell.addStretch(1)
            row.addLayout(cell)

    def set_text(self, html: str) -> None:
        if html != self.label.text():
            self.label.setText(html)

    def set_current(self, on: bool) -> None:
        # A filled palette colour, not a style sheet: a style sheet on the panel
        # would make every label in it paint through the slower style-sheet style.
        if self.property("current") != on:
            self.setProperty("current", on)
            self.setAutoFillBackground(on)
            palette = QPalette()  # inherited from the panel when not current
            if on:
                palette.setColor(QPalette.Window, HIGHLIGHT)
            self.setPalette(palette)


class LiveEquations(Panel, QWidget):
    """The maths panel: ``show(frame)`` per frame, ``highlight(stage)``."""

    area = RIGHT
    dock_title = "Equations, live"
    latest_only = True
    dock_group = "inspector"
    stretch = 3

    def __init__(self, parent: QWidget | None = None, min_interval: float = MIN_INTERVAL) -> None:
        super().__init__(parent)
        self.setObjectName("liveEquations")
        self.min_interval = min_interval
        self._spacing = min_interval  # grows with the time an update takes
        self._shown_at = -math.inf  # monotonic time of the last update
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(lambda: self._update(self.frame))
        self.setToolTip(
            "The equations the app runs, with this step's numbers: hover a matrix cell "
            "for its value."
        )
        larger_font(self)  # a point larger: the superscripts must stay readable
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.verticalScrollBar().setToolTip("Scroll through the equations")
        # With mini-batches: which m the numbers below are over.
        self.batch_note = QLabel(objectName="equationsBatchNote", wordWrap=True)
        self.batch_note.setStyleSheet("color: #555; padding: 2px;")
        self.batch_note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.batch_note)
        layout.addWidget(self.scroll)
        self.rows: dict[str, _Row] = {}
        self.current: str | None = None
        self._spec = None
        self.net: MLP | None = None
        self.frame = None

    # -- building, once per network -------------------------------------------

    def _build(self, spec) -> None:
        self.net = spec.build()
        self.rows = {}
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(2, 2, 2, 2)
        column.setSpacing(1)

        def add(key: str, tip: str, *matrices: MatrixView) -> None:
            self.rows[key] = _Row(key, tip, matrices)
            column.addWidget(self.rows[key])

        def heading(text: str) -> None:
            label = QLabel(f"<b>{text}</b>")
            column.addWidget(label)

        L = self.net.L
        heading("Forward")
        for l in range(1, L + 1):
            add(
                f"forward{l}",
                f"Layer {l}: pre-activation Z[{l}] and activation A[{l}]",
                MatrixView(f"W[{l}]"),
                MatrixView(f"b[{l}]"),
            )
        add("cost", "The cost J: mean cross-entropy over the m training points")
        heading("Backward")
        add(f"dZ{L}", f"The output error dZ[{L}]: prediction minus target")
        for l in range(L, 0, -1):
            add(
                f"backward{l}",
                f"Gradients of layer {l}: how J changes with W[{l}] and b[{l}]",
                MatrixView(f"dW[{l}]"),
                MatrixView(f"db[{l}]"),
            )
            if l > 1:
                add(f"dZ{l - 1}", f"The error passed back to layer {l - 1}")
        heading("Update")
        add("update", "How the optimizer changes θ (every W[l] and b[l]) from dθ")
        column.addStretch(1)
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroll.setWidget(body)
        if self.current is not None and self.current in self.rows:
            self.rows[self.current].set_current(True)

    # -- per frame ---------------------------------------------------------------

    def show_frame(self, frame) -> None:
        """Take a Frame (spec, θ, n_train, evaluation, config and, when present,
        gradients and health)."""
        self.frame = frame
        # Paused, a frame is news (a step, an edit): only the usual interval.
        spacing = self._spacing if getattr(frame, "training", False) else self.min_interval
        wait = self._shown_at + spacing - time.monotonic()
        new_network = frame.spec is not None and frame.spec != self._spec
        if wait > 0 and not new_network:
            # Too soon: the latest frame is shown when the interval is over.
            if not self._pending.isActive():
                self._pending.start(max(1, int(1000 * wait)))
            return
        self._pending.stop()
        self._update(frame)

    def _update(self, frame) -> None:
        start = time.monotonic()
        try:
            self._fill(frame)
        finally:
            self._shown_at = time.monotonic()
            # A big network's matrices take long to fill (90 ms for 8 × 256):
            # then update less often, so that this panel takes at most about a
            # tenth of the GUI thread, which the training worker needs too.
            self._spacing = max(self.min_interval, SHARE * (self._shown_at - start))

    def _fill(self, frame) -> None:
        if frame is None or frame.spec is None:
            return
        if frame.spec != self._spec:
            self._spec = frame.spec
            self._build(frame.spec)
        net = self.net
        if frame.theta.size == net.theta.size:
            net.theta[:] = frame.theta
        grads = getattr(frame, "gradients", None)
        health = getattr(frame, "health", None)
        sizes, L = net.layer_sizes, net.L
        m = str(frame.n_train) if frame.n_train else "m"
        batch = frame.config.batch_size if frame.config is not None else None
        mini = bool(batch) and bool(frame.n_train) and batch < frame.n_train
        self.batch_note.setVisible(mini)
        if mini:
            self.batch_note.setText(
                f"m = {m}, every training point: the full gradients. Each training step "
                f"takes a mini-batch of {batch}, whose gradients estimate these."
            )
        names = net.features or ()
        for l in range(1, L + 1):
            W, b = net.params[f"W{l}"], net.params[f"b{l}"]
            prev = sup("A", l - 1)
            if l == L:
                g = output_symbol(sizes[L])
            else:
                g = ACTIVATIONS[net.activation_names[l - 1]].symbol
            first = ""
            if l == 1 and names:
                inputs = ", ".join(FEATURE_LABELS.get(n, n) for n in names)
                first = " &nbsp;" + grey(f"A<sup>[0]</sup> = X = [{inputs}]ᵀ")
            row = self.rows[f"forward{l}"]
            row.set_text(
                f"{sup('Z', l)} = {sup('W', l)}·{prev} + {sup('b', l)} &nbsp;"
                f"{grey(f'({sizes[l]}×{sizes[l - 1]})·({sizes[l - 1]}×{m}) + ({sizes[l]}×1)')}"
                f"{first}<br>{sup('A', l)} = {g}({sup('Z', l)})"
                + (" = Ŷ" if l == L else "")
                + f"<br>‖{sup('W', l)}‖ = {fmt(float(np.linalg.norm(W)))}"
                f" &nbsp; {sup('b', l)} = {vector_text(b)}"
            )
            row.matrices[0].set_matrix(W)
            row.matrices[1].set_matrix(b)
        cost = cost_formula(sizes[L])
        if frame.config is not None:
            cost += penalty_formula(frame.config.l1, frame.config.l2)
        if frame.evaluation is not None:
            value = f"<b>{fmt(frame.evaluation.train_cost)}</b>"
            if frame.estimated:  # as the read-outs: J of a fixed sample, not of all m
                value = f"≈ {value} " + grey(
                    f"(on {EVALUATION_SAMPLE:,} of the {frame.n_train:,} points)"
                )
            else:
                value = f"= {value}"
            cost += " " + value
        self.rows["cost"].set_text(cost)
        rms = "" if health is None else f" &nbsp; rms = {fmt(health[L - 1].dZ_rms)}"
        self.rows[f"dZ{L}"].set_text(
            f"{sup('dZ', L)} = {sup('A', L)} − Y &nbsp;{grey(f'({sizes[L]}×{m})')}{rms}"
        )
        for l in range(L, 0, -1):
            row = self.rows[f"backward{l}"]
            text = (
                f"{sup('dW', l)} = (1/m)·{sup('dZ', l)}·{sup('A', l - 1)}ᵀ &nbsp;"
                f"{grey(f'({sizes[l]}×{m})·({m}×{sizes[l - 1]})')}<br>"
                f"{sup('db', l)} = (1/m)·Σ {sup('dZ', l)} &nbsp;{grey(f'({sizes[l]}×1)')}"
            )
            if grads is not None:
                dW, db = grads[f"dW{l}"], grads[f"db{l}"]
                text += (
                    f"<br>‖{sup('dW', l)}‖ = {fmt(float(np.linalg.norm(dW)))}"
                    f" &nbsp; {sup('db', l)} = {vector_text(db)}"
                )
                row.matrices[0].set_matrix(dW)
                row.matrices[1].set_matrix(db)
            row.set_text(text)
            if l > 1:
                g = ACTIVATIONS[net.activation_names[l - 2]].symbol
                rms = "" if health is None else f" &nbsp; rms = {fmt(health[l - 2].dZ_rms)}"
                self.rows[f"dZ{l - 1}"].set_text(
                    f"{sup('dZ', l - 1)} = {sup('W', l)}ᵀ·{sup('dZ', l)} ∗ {g}′({sup('Z', l - 1)})"
                    f" &nbsp;{grey(f'({sizes[l - 1]}×{sizes[l]})·({sizes[l]}×{m})')}{rms}"
                )
        optimizer = frame.config.optimizer if frame.config is not None else "sgd"
        alpha = f" &nbsp; α = {fmt(frame.config.learning_rate)}" if frame.config else ""
        self.rows["update"].set_text(UPDATES.get(optimizer, UPDATES["sgd"]) + alpha)

    # -- step-through -------------------------------------------------------------

    def row_for(self, stage) -> str | None:
        """The row key of a step-through stage (duck-typed: kind, layer)."""
        if stage is None or self.net is None:
            return None
        kind, l = stage.kind, stage.layer
        if kind in ("Z", "A"):
            return f"forward{l}"
        if kind == "J":
            return "cost"
        if kind == "dZ":
            return f"dZ{l}"
        if kind in ("dW", "db"):
            return f"backward{l}"
        return "update"

    def highlight(self, stage) -> None:
        """Mark the row of ``stage`` (None clears) and scroll to it."""
        key = self.row_for(stage)
        if self.current in self.rows:
            self.rows[self.current].set_current(False)
        self.current = key
        if key in self.rows:
            self.rows[key].set_current(True)
            self.scroll.ensureWidgetVisible(self.rows[key])
            # Down to the row, never sideways: a row wider than the panel was
            # scrolled to its right end, cutting off "Z[l] =" and the rest.
            self.scroll.horizontalScrollBar().setValue(0)
