"""The equations the app is running, for the network the user chose,
in the seeds' notation and with every matrix's shape."""

from __future__ import annotations

from ..core import FEATURE_LABELS
from .worker import NetworkSpec

G = {"tanh": "tanh", "sigmoid": "σ", "relu": "relu", "leaky_relu": "lrelu", "linear": "id"}


def equations_html(spec: NetworkSpec) -> str:
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
    rows.append(
        "J = −(1/m) Σ [y·log a + (1−y)·log(1−a)] "
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
    rows.append(
        "W<sup>[l]</sup> := W<sup>[l]</sup> − α·dW<sup>[l]</sup> &nbsp; "
        "b<sup>[l]</sup> := b<sup>[l]</sup> − α·db<sup>[l]</sup>"
    )
    return "<div style='line-height:140%'>" + "<br>".join(rows) + "</div>"
