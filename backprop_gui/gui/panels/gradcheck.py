"""Gradient check in the window: backprop against central differences of J
at the current weights and data, per layer, green under 1e-7.

For each layer the relative error ‖numeric − analytic‖ / (‖numeric‖ +
‖analytic‖) of the dW[l] slice, the db[l] slice and both together, with
``core.numeric_gradient`` on networks of up to ``FULL_CHECK`` parameters.
Bigger networks are checked on a random sample of each slice's entries (the
same central difference per entry), which the table says.

Two numerical estimates are made and each layer keeps the one closer to
backprop: the central difference at ε = 1e-6 (the command line's), and its
Richardson extrapolation from ε = 1e-4 and 5e-5, (4·D(ε/2) − D(ε))/3, exact
to O(ε⁴). The first fails on a trained network: a confident point's loss
log(1 + e^z) − y·z loses ~1e-15 to cancellation, which over 2ε = 2e-6 is an
error of 1e-9 in gradients that are themselves ~1e-7 (relative error ~1e-6
with backprop right). The second fails where a ReLU kink lies within ±1e-4
of a point. A wrong backward (e.g. g′ off by a factor) is far from both.
The check runs in a Python thread on the network it is given; the result
comes back to the GUI thread by a queued signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import MLP, TOLERANCE, numeric_gradient
from ...core.gradcheck import relative_error
from .base import RIGHT, Panel

FULL_CHECK = 3000  # parameters up to which every one is checked
SAMPLE = 200  # entries per slice checked beyond that
EPS = 1e-6  # as core.numeric_gradient
WIDE_EPS = 1e-4  # for the Richardson estimate, with WIDE_EPS / 2
GOOD, BAD = QColor("#C8F0C8"), QColor("#F8C8C0")


@dataclass(frozen=True)
class LayerError:
    layer: int
    dW: float  # relative error of the dW[l] slice
    db: float
    both: float  # of dW[l] and db[l] together
    sampled: bool = False

    @property
    def passed(self) -> bool:
        return self.both <= TOLERANCE


def numeric_estimates(
    net: MLP, X: np.ndarray, Y: np.ndarray, l1: float, l2: float, index: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(central difference at EPS, Richardson from WIDE_EPS), laid out like θ;
    at the ``index`` entries only (NaN elsewhere) when given."""

    def central(eps: float) -> np.ndarray:
        return numeric_gradient(net, X, Y, l1, l2, eps, index)

    wide, half = central(WIDE_EPS), central(WIDE_EPS / 2)
    return central(EPS), (4.0 * half - wide) / 3.0


def layer_errors(
    net: MLP, X: np.ndarray, Y: np.ndarray, l1: float = 0.0, l2: float = 0.0, seed: int = 0
) -> list[LayerError]:
    """Backprop against finite differences, per layer l = 1..L, at ``net``'s θ
    on X (n_x, m) and Y (labels (m,) or targets): the closer of the two
    estimates (see the module's text). ``net`` is used as given."""
    analytic = np.empty_like(net.theta)
    net.backward(net.forward(X), Y, l1, l2, out=analytic)
    positions = net.gradient_views(np.arange(net.theta.size))
    sampled = net.theta.size > FULL_CHECK
    index = None
    if sampled:
        rng = np.random.default_rng(seed)
        index = np.sort(
            np.concatenate(
                [
                    rng.choice(p.ravel(), min(SAMPLE, p.size), replace=False)
                    for p in positions.values()
                ]
            )
        )
    estimates = numeric_estimates(net, X, Y, l1, l2, index)
    results = []
    for l in range(1, net.L + 1):
        parts = []
        for name in (f"dW{l}", f"db{l}"):
            where = positions[name].ravel()
            parts.append(where[np.isfinite(estimates[0][where])])
        both = np.concatenate(parts)
        # The estimate closer to backprop over the whole layer, for all three columns.
        numeric = min(estimates, key=lambda n: relative_error(n[both], analytic[both]))
        results.append(
            LayerError(
                layer=l,
                dW=relative_error(numeric[parts[0]], analytic[parts[0]]),
                db=relative_error(numeric[parts[1]], analytic[parts[1]]),
                both=relative_error(numeric[both], analytic[both]),
                sampled=sampled,
            )
        )
    return results


IDLE_TEXT = (
    "Check gradients compares backprop's dW[l] and db[l] with central differences of J, "
    f"layer by layer; each row turns green when they agree to {TOLERANCE:g}.".replace("e-0", "e-")
)


class GradcheckButton(Panel, QWidget):
    """The button (``gradcheckButton``) and a table of relative errors per layer.

    ``provider()`` returns (net, X, Y, l1, l2) to check, or None when there
    is nothing to check; give it a copy of the network, as the check reads it
    from another thread while it runs.
    """

    area = RIGHT
    dock_title = "Gradient check"
    dock_group = "inspector"
    stretch = 3

    finished = Signal(object)  # list[LayerError]
    _done = Signal(object, int)  # from the checking thread: (result or error text, run)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradcheckPanel")
        self.setToolTip("Gradient check: backprop against central differences, per layer")
        self.provider: Callable[[], tuple | None] | None = None
        self.button = QPushButton("Check gradients")
        self.button.setObjectName("gradcheckButton")
        self.button.setToolTip(
            "Compare backprop's dW and db with central differences of J at the current "
            "weights on the current training points. Green: relative error under 1e-7."
        )
        self.button.clicked.connect(self.run)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("gradcheckTable")
        self.table.setToolTip("Relative error ‖numeric − backprop‖ / (‖numeric‖ + ‖backprop‖)")
        self.table.setHorizontalHeaderLabels(["layer", "dW[l]", "db[l]", "both"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        # Before any check, the status says what the button does and what the
        # table will hold: an empty table alone is a dead end.
        self.status = QLabel(IDLE_TEXT)
        self.status.setObjectName("gradcheckStatus")
        self.status.setToolTip("The outcome of the last gradient check")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.button)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.results: list[LayerError] | None = None
        self._run = 0
        self._refocus = False  # the button had the focus when the check began
        self._done.connect(self._show)

    @property
    def running(self) -> bool:
        return not self.button.isEnabled()

    def run(self) -> None:
        args = self.provider() if self.provider is not None else None
        if args is None:
            self.status.setText("Nothing to check: draw some training points first.")
            self.table.setRowCount(0)  # an earlier result is of other points
            self.results = None
            return
        self.check(*args)

    def check(
        self, net: MLP, X: np.ndarray, Y: np.ndarray, l1: float = 0.0, l2: float = 0.0
    ) -> None:
        """Start checking ``net`` (used as given) in a thread."""
        self._run += 1
        run = self._run
        # A focused button passes its focus on as it is disabled, and the
        # dock's scroll area scrolls to where it went: it is kept for after.
        self._refocus = self.button.hasFocus()
        self.button.clearFocus()
        self.button.setEnabled(False)
        self.status.setText("Checking…")

        def work() -> None:
            try:
                result: object = layer_errors(net, X, Y, l1, l2)
            except Exception as error:  # shown to the user, not raised in a thread
                result = f"The check failed: {error}"
            self._done.emit(result, run)

        threading.Thread(target=work, name="gradcheck", daemon=True).start()

    def _show(self, result: object, run: int) -> None:
        if run != self._run:
            return
        self.button.setEnabled(True)
        if self._refocus and QApplication.focusWidget() is None:  # not if it went elsewhere
            self.button.setFocus()
        if isinstance(result, str):
            self.status.setText(result)
            return
        self.results = result
        self.table.setRowCount(len(result))
        for row, r in enumerate(result):
            cells = [str(r.layer), f"{r.dW:.1e}", f"{r.db:.1e}", f"{r.both:.1e}"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    value = (r.dW, r.db, r.both)[col - 1]
                    item.setBackground(GOOD if value <= TOLERANCE else BAD)
                self.table.setItem(row, col, item)
        bad = [r.layer for r in result if not r.passed]
        sample = " (a sample of each layer's entries)" if result and result[0].sampled else ""
        if bad:
            self.status.setText(
                f"Backprop disagrees with the numerical gradient in layer(s) "
                f"{', '.join(map(str, bad))}{sample}."
            )
        else:
            self.status.setText(f"Backprop agrees with central differences to 1e-7{sample}.")
        self.finished.emit(result)
