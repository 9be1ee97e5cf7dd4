"""The equations the app is running, for the network the user chose,
in the seeds' notation and with every matrix's shape."""

from __future__ import annotations

from ..core import FEATURE_LABELS
from ..session import NetworkSpec

G = {"tanh": "tanh", "sigmoid": "σ", "relu": "relu", "leaky_relu": "lrelu", "linear": "id"}


UPDATES = {
    "sgd": "θ := θ − α·dθ &nbsp; for every W<sup>[l]</sup>, b<sup>[l]</sup>",
    "momentum": "v := 0.9·v − α·dθ; &nbsp; θ := θ + v",
    "adam": "m := β₁m + (1−β₁)dθ; &nbsp; v := β₂v + (1−β₂)dθ²; &nbsp; θ := θ − α·m̂/(√v̂ + ε)",
}


def equations_html(spec: NetworkSpec, config: dict | None = None) -> str:
    """``config`` has the training panel's optimizer, l1 and l2."""
    config = config or {}
    sizes = spec.layer_sizes()
    L = len(sizes) - 1
    g = G[spec.activation]
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
