"""The maths panel: the equations the app is running, for the network the
user chose, in the seeds' notation and with every matrix's shape.

The activation's symbol g is ``Activation.symbol`` from the core's table, so a
new activation needs no change here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from ...core import ACTIVATIONS, FEATURE_LABELS
from ...session import NetworkSpec
from .base import Panel

UPDATES = {
    "sgd": "θ := θ − α·dθ &nbsp; for every W<sup>[l]</sup>, b<sup>[l]</sup>",
    "momentum": "v := 0.9·v − α·dθ; &nbsp; θ := θ + v",
    "adam": "m := β₁m + (1−β₁)dθ; &nbsp; v := β₂v + (1−β₂)dθ²; &nbsp; θ := θ − α·m̂/(√v̂ + ε)",
}


def symbol(activation: str) -> str:
    """How the equations write g: the activation's own symbol, or its name
    (never a KeyError, whatever a settings or weights file names)."""
    known = ACTIVATIONS.get(activation)
    return (known.symbol if known is not None else "") or activation


def equations_html(spec: NetworkSpec, config: dict | None = None) -> str:
    """``config`` has the training panel's optimizer, l1 and l2."""
    config = config or {}
    sizes = spec.layer_sizes()
    L = len(sizes) - 1
    g = symbol(spec.activation)
    inputs = ", ".join(FEATURE_LABELS[f] for f in spec.features)
    rows = [f"<b>Forward</b> &nbsp; X = [{inputs}]ᵀ is {sizes[0]}×m"]
    for l in range(1, L + 1):
        prev = "X" if l == 1 else f"A<sup>[{l - 1}]</sup>"
        act = f"{g}(Z<sup>[{l}]</sup>)" if l < L else f"σ(Z<sup>[{l}]</sup>) = Ŷ"
        rows.append(
            f"Z<sup>[{l}]</sup> = W<sup>[{l}]</sup>·{prev} + b<sup>[{l}]</sup> "
            f"&nbsp;<span style='color:#777'>W<sup>[{l}]</sup>: {sizes[l]}×{sizes[l - 1]}</span>"
            f"<br>&nbsp;&nbsp;A<sup>[{l}]</sup> = {act}"
        )
    penalty = ""
    if config.get("l1"):
        penalty = f" + {config['l1']:g}·Σ|W|"
    elif config.get("l2"):
        penalty = f" + ({config['l2']:g}/2)·Σ‖W‖²"
    rows.append(
        f"J = −(1/m) Σ [y·log a + (1−y)·log(1−a)]{penalty} "
        "&nbsp;<span style='color:#777'>from Z, stably</span>"
    )
    rows.append("<b>Backward</b>")
    rows.append(f"dZ<sup>[{L}]</sup> = A<sup>[{L}]</sup> − Y")
    rows.append(
        "dW<sup>[l]</sup> = (1/m)·dZ<sup>[l]</sup>·A<sup>[l−1]</sup>ᵀ &nbsp; "
        "db<sup>[l]</sup> = (1/m)·Σ dZ<sup>[l]</sup>"
    )
    if L > 1:
        rows.append(
            f"dZ<sup>[l−1]</sup> = W<sup>[l]</sup>ᵀ·dZ<sup>[l]</sup> ∗ {g}′(Z<sup>[l−1]</sup>)"
        )
    if config.get("l1") or config.get("l2"):
        term = "λ·sign(W<sup>[l]</sup>)" if config.get("l1") else "λ·W<sup>[l]</sup>"
        rows.append(
            f"dW<sup>[l]</sup> += {term} &nbsp;<span style='color:#777'>biases unregularised</span>"
        )
    rows.append("<b>Update</b> &nbsp;" + UPDATES[config.get("optimizer", "sgd")])
    return "<div style='line-height:140%'>" + "<br>".join(rows) + "</div>"


class MathsPanel(Panel, QGroupBox):
    """The equations for the chosen network, optimizer and penalty. They
    follow the controls at once (``set_choice``), not the frames, which lag
    behind a change."""

    stretch = 1
    dock_title = "Equations"
    dock_group = "numbers"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("The maths being run", parent)
        layout = QVBoxLayout(self)
        self.label = QLabel(objectName="equations", wordWrap=True)
        self.label.setTextFormat(Qt.RichText)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.label.setToolTip(
            "Forward and backward propagation, exactly as the engine computes them"
        )
        layout.addWidget(self.label)

    def set_choice(self, spec: NetworkSpec, config: dict) -> None:
        """Show the equations for ``spec`` and the training panel's ``config``."""
        self.label.setText(equations_html(spec, config))
