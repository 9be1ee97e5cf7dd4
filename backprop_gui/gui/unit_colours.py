"""A unit's map as the canvas shows it: values scaled into [0, 1] for a
colour table suited to the unit's range.

- the output (σ): the probability itself, on the surface's own table; a
  softmax unit: the probability of its class, white to that class's tint;
- tanh (−1..1) and sigmoid (0..1): their whole range on the diverging table
  (white at 0 for tanh, at 0.5 for sigmoid), so maps compare across frames;
- ReLU (0..∞): white at 0 to blue at the map's 99th percentile;
- anything else that can go either way (inputs, leaky ReLU, …): diverging,
  white at 0, scaled by the 99th percentile of |A|.
Percentiles rather than maxima: one far corner must not wash out the rest.
"""

from __future__ import annotations

import numpy as np

from .theme import CLASS_NAMES, class_tint_lut, surface_lut


def _percentile_scale(values: np.ndarray) -> float:
    magnitude = np.abs(values[np.isfinite(values)])
    scale = float(np.percentile(magnitude, 99)) if magnitude.size else 1.0
    return scale if scale > 0 else 1.0


def unit_colours(
    values: np.ndarray, kind: str, discrete: bool = False, unit: int = 0, n_classes: int = 2
) -> tuple[np.ndarray, np.ndarray, str]:
    """(image in [0, 1] (R, R) float32, (256, 3) colour table, legend text)
    for a unit's map ``values`` (R, R). ``kind``: "output", an activation's
    name, or "input"; an output ``unit`` of a softmax over ``n_classes``."""
    values = np.asarray(values, dtype=np.float32)
    if kind == "output" and n_classes > 2:  # P(this unit's class): no 0.5 to pivot on
        name = CLASS_NAMES[unit % len(CLASS_NAMES)]
        return values, class_tint_lut(unit), f"P({name} class) from 0 (white) to 1 ({name})"
    if kind == "output":
        return values, surface_lut(discrete), "P(blue class): orange 0, white 0.5, blue 1"
    if kind == "tanh":
        return (values + 1) / 2, surface_lut(), "A from −1 (orange) through 0 (white) to 1 (blue)"
    if kind == "sigmoid":
        return values, surface_lut(), "A from 0 (orange) through 0.5 (white) to 1 (blue)"
    scale = _percentile_scale(values)
    if kind == "relu":
        # The blue half of the diverging table: white at 0.
        table = surface_lut(size=512)[256:]
        return values / scale, table, f"A from 0 (white) to {scale:.3g} (blue)"
    return (
        (values / scale + 1) / 2,
        surface_lut(),
        f"A from −{scale:.3g} (orange) through 0 (white) to {scale:.3g} (blue)",
    )
