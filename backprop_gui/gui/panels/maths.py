"""The maths panel: the equations the app is running, for the network the
user chose, in the seeds' notation and with every matrix's shape.

The activation's symbol g is ``Activation.symbol`` from the core's table, so a
new activation needs no change here. The updates are the live equations' own
(``equations.UPDATES``), whose m̂ and v̂ are set in a font that draws the hat.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from ...core import ACTIVATIONS, FEATURE_LABELS
from ...session import NetworkSpec
from .base import Panel
from .equations import UPDATES, grey, penalty_formula


def symbol(activation: str) -> str:
    """How the equations write g: the activation's own symbol, or its name
    (never a KeyError, whatever a settings or weights file names)."""
    known = ACTIVATIONS.get(activation)
    return (known.symbol if known is not None else "") or activation


def equations_html(spec: NetworkSpec, config: dict | None = None) -> str:
    """``config`` has the training panel's optimizer, batch_size, l1 and l2.
    Each hidden layer's g is its own activation's symbol."""
    config = config or {}
    sizes = spec.layer_sizes()
    L = len(sizes) - 1
    gs = [symbol(name) for name in spec.activations]
    inputs = ", ".join(FEATURE_LABELS[f] for f in spec.features)
    K = spec.n_classes
    output = "σ" if K <= 2 else "softmax"
    batch = config.get("batch_size")
    m = (
        f"m = {batch} (the mini-batch size: each step uses one mini-batch)"
        if batch
        else "m = the number of training points (full batch)"
    )
    rows = [f"<b>Forward</b> &nbsp; X = [{inputs}]ᵀ is {sizes[0]}×m", grey(m)]
    for l in range(1, L + 1):
        prev = "X" if l == 1 else f"A<sup>[{l - 1}]</sup>"
        act = f"{gs[l - 1]}(Z<sup>[{l}]</sup>)" if l < L else f"{output}(Z<sup>[{l}]</sup>) = Ŷ"
        rows.append(
            f"Z<sup>[{l}]</sup> = W<sup>[{l}]</sup>·{prev} + b<sup>[{l}]</sup> "
            f"&nbsp;{grey(f'W<sup>[{l}]</sup>: {sizes[l]}×{sizes[l - 1]}')}"
            f"<br>&nbsp;&nbsp;A<sup>[{l}]</sup> = {act}"
        )
    penalty = penalty_formula(config.get("l1") or 0.0, config.get("l2") or 0.0)
    if K <= 2:
        rows.append(grey("Output: one sigmoid unit for two classes, a = P(class 1); Y is 0/1"))
        rows.append(f"J = −(1/m) Σ [y·log a + (1−y)·log(1−a)]{penalty}")
        rows.append(
            grey(
                f"binary cross-entropy, computed from Z<sup>[{L}]</sup> directly, "
                "so log never overflows"
            )
        )
    else:
        rows.append(
            grey(
                f"Output: {K} softmax units for {K} classes, a<sub>k</sub> = P(class k); "
                "Y is one-hot, K×m"
            )
        )
        rows.append(f"J = −(1/m) Σ Σ<sub>k</sub> y<sub>k</sub>·log a<sub>k</sub>{penalty}")
        rows.append(
            grey(
                f"categorical cross-entropy, computed from Z<sup>[{L}]</sup> directly, "
                "so log never overflows"
            )
        )
    rows.append("<b>Backward</b>")
    pair = "σ and binary" if K <= 2 else "softmax and categorical"
    rows.append(
        f"dZ<sup>[{L}]</sup> = A<sup>[{L}]</sup> − Y &nbsp;"
        + grey(
            f"{pair} cross-entropy cancel each other's curvature: ∂J/∂Z = (A − Y)/m, "
            "the same fused gradient for sigmoid and softmax"
        )
    )
    rows.append(
        "dW<sup>[l]</sup> = (1/m)·dZ<sup>[l]</sup>·A<sup>[l−1]</sup>ᵀ &nbsp; "
        "db<sup>[l]</sup> = (1/m)·Σ dZ<sup>[l]</sup>"
    )
    if L > 1 and len(set(gs)) == 1:
        rows.append(
            f"dZ<sup>[l−1]</sup> = W<sup>[l]</sup>ᵀ·dZ<sup>[l]</sup> ∗ {gs[0]}′(Z<sup>[l−1]</sup>)"
        )
    else:  # each layer's own g′
        for l in range(L, 1, -1):
            rows.append(
                f"dZ<sup>[{l - 1}]</sup> = W<sup>[{l}]</sup>ᵀ·dZ<sup>[{l}]</sup> ∗ "
                f"{gs[l - 2]}′(Z<sup>[{l - 1}]</sup>)"
            )
    if config.get("l1") or config.get("l2"):
        term = "λ·sign(W<sup>[l]</sup>)" if config.get("l1") else "λ·W<sup>[l]</sup>"
        rows.append(f"dW<sup>[l]</sup> += {term} &nbsp;{grey('biases unregularised')}")
    rows.append("<b>Update</b> &nbsp;" + grey("for every W<sup>[l]</sup>, b<sup>[l]</sup> as θ"))
    rows.append(UPDATES[config.get("optimizer", "sgd")])
    return "<div style='line-height:140%'>" + "<br>".join(rows) + "</div>"


class MathsPanel(Panel, QGroupBox):
    """The equations for the chosen network, optimizer and penalty. They
    follow the controls at once (``set_choice``), not the frames, which lag
    behind a change."""

    dock_title = "The maths being run"
    stretch = 1
    dock_title = "Equations"
    dock_group = "inspector"

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
