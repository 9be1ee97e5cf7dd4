"""Step through one training step, stage by stage, with its numbers.

Forward layer by layer (Z[1], A[1], …, Z[L], A[L], J), backward layer by
layer (dZ[L], dW[L], db[L], dZ[L−1], …, db[1]), then the update
θ := θ − α·dθ (or momentum's or Adam's, with a copy of the trainer's
running state). The numbers come from a copy of the network: ``MLP.forward``
for Z and A, ``MLP.backward`` for dW and db (exactly what training uses, with
the L1/L2 term), and dZ[l] written out as in the seeds (without the 1/m that
``backward`` folds into it). Leaving applies exactly that step: ``left``
carries θ after it, for the window to post to the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core import MLP
from .base import RIGHT, Panel
from .equations import (
    ADAM_CONSTANTS,
    ASSIGN,
    MOMENTUM_CONSTANTS,
    UPDATES,
    cost_formula,
    hat,
    output_symbol,
    penalty_formula,
)
from .heat import MatrixView, fmt

POINTS_SHOWN = 8  # columns (points) of Z, A and dZ shown in the bar
STAGE_BOX = 64  # pixels: the largest side of a stage's value drawn as a heatmap
# The update stage's rule, by optimizer (core.optimizers, in its notation;
# the live equations spell Adam's moments out).
UPDATE_RULES = {
    "sgd": UPDATES["sgd"],
    "momentum": f"momentum: v{ASSIGN}β·v − α·dθ, θ{ASSIGN}θ + v ({MOMENTUM_CONSTANTS})",
    "adam": f"Adam: θ{ASSIGN}θ − α·{hat('m')} / (√{hat('v')} + ε) ({ADAM_CONSTANTS})",
}
# Beside the button while no walk is on: the bar is then one row high.
IDLE_TEXT = "<span style='color:#555'>one step, stage by stage (F10)</span>"


@dataclass(frozen=True)
class Stage:
    kind: str  # "Z", "A", "J", "dZ", "dW", "db" or "update"
    layer: int  # l; L for J, 0 for the update

    @property
    def title(self) -> str:
        if self.kind == "J":
            return "J"
        if self.kind == "update":
            return "update θ"
        return f"{self.kind}[{self.layer}]"


def stages(L: int) -> tuple[Stage, ...]:
    """The stages of one step of a network with L layers of parameters."""
    forward = [Stage(kind, l) for l in range(1, L + 1) for kind in ("Z", "A")]
    backward = [Stage(kind, l) for l in range(L, 0, -1) for kind in ("dZ", "dW", "db")]
    return (*forward, Stage("J", L), *backward, Stage("update", 0))


@dataclass
class StepNumbers:
    """Every value of one step, from a copy of the network. Lists are indexed
    by layer: Z[l], A[l], dZ[l] are (n_l, m) (A[0] = X); dW[l], db[l] the gradients."""

    Z: list
    A: list
    dZ: list
    dW: list
    db: list
    J: float
    theta_before: np.ndarray
    theta_after: np.ndarray
    learning_rate: float
    optimizer: str = "sgd"  # the update's rule (core.optimizers)
    l1: float = 0.0  # the penalty J includes
    l2: float = 0.0

    def value(self, stage: Stage):
        if stage.kind == "J":
            return self.J
        if stage.kind == "update":
            return self.theta_after - self.theta_before
        return getattr(self, stage.kind)[stage.layer]


def step_numbers(
    net: MLP,
    X: np.ndarray,
    Y: np.ndarray,
    learning_rate: float,
    l1: float = 0.0,
    l2: float = 0.0,
    update: Callable[[np.ndarray, np.ndarray], None] | None = None,
    optimizer: str = "sgd",
) -> StepNumbers:
    """One step on a copy of ``net`` (which is not changed). ``update(theta,
    grad)`` replaces plain gradient descent: the trainer's ``optimizer`` (its
    name), with a copy of its running state."""
    twin = net.copy()
    twin.activations = net.activations  # a patched activation stays patched
    cache = twin.forward(X)
    Yt = twin.targets(Y)
    Z = [None] + [z.copy() for z in cache.Z[1:]]
    A = [a.copy() for a in cache.A]
    J = twin.cost(X, Y, l1, l2)
    dZ: list = [None] * (twin.L + 1)
    dZ[twin.L] = A[twin.L] - Yt
    for l in range(twin.L, 1, -1):
        g = twin.activations[l - 2]
        dZ[l - 1] = (twin.params[f"W{l}"].T @ dZ[l]) * g.derivative(Z[l - 1].copy())
    flat = np.empty_like(twin.theta)
    grads = twin.backward(twin.forward(X), Y, l1, l2, out=flat)
    dW = [None] + [grads[f"dW{l}"].copy() for l in range(1, twin.L + 1)]
    db = [None] + [grads[f"db{l}"].copy() for l in range(1, twin.L + 1)]
    before = twin.theta.copy()
    if update is None:
        twin.theta -= learning_rate * flat
    else:
        update(twin.theta, flat)
    after = twin.theta.copy()
    return StepNumbers(Z, A, dZ, dW, db, J, before, after, learning_rate, optimizer, l1, l2)


def describe(stage: Stage, numbers: StepNumbers, activation_names: tuple[str, ...]) -> str:
    """The stage's equation in the seeds' notation, with its shape and numbers."""
    l, L = stage.layer, len(numbers.Z) - 1

    def s(name: str, layer) -> str:
        return f"{name}<sup>[{layer}]</sup>"

    value = numbers.value(stage)
    shape = "" if stage.kind in ("J", "update") else f" &nbsp;({value.shape[0]}×{value.shape[1]})"
    if stage.kind == "Z":
        text = f"{s('Z', l)} = {s('W', l)}·{s('A', l - 1)} + {s('b', l)}"
    elif stage.kind == "A":
        g = output_symbol(numbers.Z[L].shape[0]) if l == L else activation_names[l - 1]
        text = f"{s('A', l)} = {g}({s('Z', l)})" + (" = Ŷ" if l == L else "")
    elif stage.kind == "J":
        cost = cost_formula(numbers.Z[L].shape[0]) + penalty_formula(numbers.l1, numbers.l2)
        return f"{cost} = <b>{fmt(value)}</b>"
    elif stage.kind == "dZ" and l == L:
        text = f"{s('dZ', L)} = {s('A', L)} − Y"
    elif stage.kind == "dZ":
        g = activation_names[l - 1]
        text = f"{s('dZ', l)} = {s('W', l + 1)}ᵀ·{s('dZ', l + 1)} ∗ {g}′({s('Z', l)})"
    elif stage.kind == "dW":
        text = f"{s('dW', l)} = (1/m)·{s('dZ', l)}·{s('A', l - 1)}ᵀ"
    elif stage.kind == "db":
        text = f"{s('db', l)} = (1/m)·Σ {s('dZ', l)}"
    else:
        norm = float(np.linalg.norm(value))
        return (
            f"{UPDATE_RULES.get(numbers.optimizer, UPDATE_RULES['sgd'])} &nbsp; with the walk's "
            f"α = {fmt(numbers.learning_rate)}: ‖Δθ‖ = <b>{fmt(norm)}</b>. Esc applies it."
        )
    # The norm and the RMS (the norm over √(entries)), which the live
    # equations give for dZ: the two read as one quantity measured twice.
    norm = float(np.linalg.norm(value))
    rms = norm / np.sqrt(value.size)
    return f"{text}{shape} &nbsp; ‖·‖ = <b>{fmt(norm)}</b>, rms = {fmt(rms)}"


class StepThrough(Panel, QWidget):
    """A bar: the start button (``stepThrough``), ←, → and Leave, the stage's
    equation and its value as a matrix. While walking, → and ← move and Esc
    leaves (shortcuts of the window it sits in)."""

    area = RIGHT
    dock_title = "Step through"

    left = Signal(object)  # θ after exactly the step, a new float64 array
    stage_changed = Signal(object)  # the Stage shown

    def __init__(self, diagram=None, equations=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepThroughBar")
        self.setToolTip("Step through one training step: → next stage, ← back, Esc leave")
        self.diagram, self.equations = diagram, equations
        self.provider: Callable[[], tuple] | None = None  # () -> begin's arguments
        self.numbers: StepNumbers | None = None
        self._grown = 0  # px a walk added to a floating dock
        self.stages: tuple[Stage, ...] = ()
        self.index = -1
        self._activations: tuple[str, ...] = ()
        self.start_button = QPushButton("Step through")
        self.start_button.setObjectName("stepThrough")
        self.start_button.setToolTip(
            "Walk one training step stage by stage: forward, cost, backward, update. "
            "→ and ← move, Esc leaves and applies the step."
        )
        self.start_button.clicked.connect(self._start_from_provider)
        self.back_button = self._button("←", "stepBack", "Previous stage (←)", self.back)
        self.next_button = self._button("→", "stepForward", "Next stage (→)", self.forward)
        self.leave_button = self._button(
            "Leave", "stepLeave", "Leave the walk and apply this step (Esc)", self.leave
        )
        self.label = QLabel("")
        self.label.setObjectName("stepStage")
        self.label.setToolTip("The current stage's equation, its shape and its norm")
        self.label.setTextFormat(Qt.RichText)
        self.label.setWordWrap(True)  # a narrow column wraps the equation, never cuts it
        # Room for a wrapped equation: the dock grows to it as a walk begins.
        self.label.setMinimumHeight(2 * self.label.fontMetrics().lineSpacing() + 4)
        self.idle_hint = QLabel(IDLE_TEXT, objectName="stepIdleHint")
        self.idle_hint.setToolTip(self.start_button.toolTip())
        # It gives way (cut at the right) rather than scroll the bar sideways
        # in a narrow column or at presentation mode's larger font.
        self.idle_hint.setMinimumWidth(0)
        self.idle_hint.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.matrix = MatrixView("value", box=STAGE_BOX)
        self.matrix.setObjectName("stepValue")
        self.matrix.setToolTip("The stage's value: hover a cell for its number")
        # The buttons on one line, the stage's equation and value under them.
        column = QVBoxLayout(self)
        column.setContentsMargins(2, 2, 2, 2)
        column.setSpacing(2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.idle_hint, 1)  # the row's spare width, while idle
        for w in (self.back_button, self.next_button, self.leave_button):
            buttons.addWidget(w)
        buttons.addStretch(0)  # the spare width, while walking (the hint is hidden)
        row = QHBoxLayout()
        row.addWidget(self.label, 1)
        row.addWidget(self.matrix)
        column.addLayout(buttons)
        column.addLayout(row)
        # Spare height goes below: the buttons stay put under the mouse as
        # the stage's text and value change height.
        column.addStretch(1)
        self._shortcuts = []
        for key, slot in (
            (Qt.Key_Right, self.forward),
            (Qt.Key_Left, self.back),
            (Qt.Key_Escape, self.leave),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.WindowShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)
        self._set_active(False)

    def sizeHint(self) -> QSize:
        # Idle, one row: the button and what it does; at 1280×720 the
        # column's height goes to the cost plot and the diagram. Walking, as
        # tall as the buttons and a stage (two lines of its equation, or its
        # value at STAGE_BOX pixels): a word-wrapped label would ask for the
        # height of its text at some narrow width.
        hint, layout = super().sizeHint(), self.layout()
        margins = layout.contentsMargins()
        height = self.start_button.sizeHint().height()
        if self.active:
            height += layout.spacing() + max(self.label.minimumHeight(), STAGE_BOX + 2)
        return QSize(hint.width(), height + margins.top() + margins.bottom())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:  # presentation mode: taller rows
            QTimer.singleShot(0, self, self._fit_dock)

    def _fit_dock(self) -> None:
        """Grow the dock this bar sits in to a walk's height, or give the
        height back after it (the docks beside it take it)."""
        dock = self.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        window = dock.parentWidget() if dock is not None else None
        if not isinstance(window, QMainWindow):
            return
        scroll = dock.widget()  # the scroll area the bar is in
        wanted, now = self.sizeHint().height(), scroll.height()
        # Its minimum is the bar's height: a stage's while walking, so the docks
        # beside it give way; one row after, so it gives the height back.
        # (Setting it makes the scroll area that tall at once: ``now`` first.)
        scroll.setMinimumHeight(wanted)
        if dock.isFloating():  # a window of its own: it grows and shrinks itself
            # As tall as the stage needs while walking, and after it back by
            # what the walk added (the user may have made it taller).
            if self.active:
                grow = max(0, wanted - now)
                self._grown, height = self._grown + grow, dock.height() + grow
            else:
                height, self._grown = dock.height() - self._grown, 0
            if height != dock.height():
                # Once its layout has the new minimum, which a resize cannot pass.
                QTimer.singleShot(0, dock, lambda: dock.resize(dock.width(), height))
            return
        # Tabbed with others, it keeps the height a walk gave it: the other
        # tabs of the group had it before and may need it.
        if wanted > now or (wanted < now and not window.tabifiedDockWidgets(dock)):
            window.resizeDocks([dock], [dock.height() + wanted - now], Qt.Vertical)

    def _button(self, text: str, name: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    @property
    def active(self) -> bool:
        return self.numbers is not None

    @property
    def stage(self) -> Stage | None:
        return self.stages[self.index] if self.active else None

    def _set_active(self, on: bool) -> None:
        self.start_button.setEnabled(not on)
        for w in (self.back_button, self.next_button, self.leave_button):
            w.setVisible(on)
        self.idle_hint.setVisible(not on)
        self.label.setVisible(on)
        self.matrix.setVisible(False)
        for shortcut in self._shortcuts:
            shortcut.setEnabled(on)
        self.updateGeometry()
        QTimer.singleShot(0, self, self._fit_dock)

    def _start_from_provider(self) -> None:
        if self.provider is not None:
            args = self.provider()
            if args is not None:
                self.begin(*args)

    def begin(
        self,
        net: MLP,
        X: np.ndarray,
        Y: np.ndarray,
        learning_rate: float,
        l1: float = 0.0,
        l2: float = 0.0,
        update=None,
        optimizer: str = "sgd",
    ) -> None:
        """Start walking the step of ``net`` (unchanged) on X (n_x, m), Y;
        ``update`` and ``optimizer`` as for ``step_numbers``."""
        self.numbers = step_numbers(net, X, Y, learning_rate, l1, l2, update, optimizer)
        self.stages = stages(net.L)
        self._activations = net.activation_names
        self._set_active(True)
        self.go(0)
        self.setFocus()

    def go(self, index: int) -> None:
        if not self.active:
            return
        self.index = max(0, min(len(self.stages) - 1, index))
        stage = self.stage
        text = describe(stage, self.numbers, self._activations)
        value = self.numbers.value(stage)
        if stage.kind in ("J", "update"):
            self.matrix.setVisible(False)
        else:
            if stage.kind in ("Z", "A", "dZ") and value.shape[1] > POINTS_SHOWN:
                # One column per point: the first few are readable, 200 are a smear.
                text += f" &nbsp; (points 1–{POINTS_SHOWN} of {value.shape[1]} shown)"
                value = value[:, :POINTS_SHOWN]
            self.matrix.name = stage.title
            self.matrix.set_matrix(value)
            self.matrix.setVisible(True)
        self.label.setText(f"{self.index + 1}/{len(self.stages)} &nbsp; {text}")
        self.back_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.stages) - 1)
        layer = -1 if stage.kind == "update" else stage.layer
        if self.diagram is not None:
            self.diagram.highlight_layer(layer)
        if self.equations is not None:
            self.equations.highlight(stage)
        self.stage_changed.emit(stage)

    def forward(self) -> None:
        self.go(self.index + 1)

    def back(self) -> None:
        self.go(self.index - 1)

    def leave(self) -> np.ndarray | None:
        """Stop walking; returns (and emits) θ after exactly this step."""
        if not self.active:
            return None
        theta = self.numbers.theta_after.copy()
        self.cancel()
        self.left.emit(theta)
        return theta

    def cancel(self) -> None:
        """Stop walking without emitting θ (``leave`` emits it; the inspector
        ends a walk this way when other weights replaced the walk's)."""
        self.numbers, self.stages, self.index = None, (), -1
        self._set_active(False)
        if self.diagram is not None:
            self.diagram.highlight_layer(-1)
        if self.equations is not None:
            self.equations.highlight(None)

    def keyPressEvent(self, event) -> None:
        keys = {Qt.Key_Right: self.forward, Qt.Key_Left: self.back, Qt.Key_Escape: self.leave}
        if self.active and event.key() in keys:
            keys[event.key()]()
        else:
            super().keyPressEvent(event)
