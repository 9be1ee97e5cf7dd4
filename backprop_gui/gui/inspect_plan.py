"""What the inspector asks the engine for with each frame, and how often.

The window says what its visible panels need (``Engine.inspect``'s keys:
gradients, health, unit_maps, unit_map, example); the worker asks for it
with the frames. Each inspection costs time in the trainer, between training
steps, so while training a costly one is asked for every ``period`` frames
only, by an estimate of its floating-point work against ``FRAME_BUDGET``;
frames in between carry the last result (the panels do not flicker). Paused,
every frame gets everything fresh. Qt-free: the worker and the window both
read these plans, so the diagram can say what it shows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

# Floating-point operations one frame's inspections may cost while training:
# about a millisecond, so that at 30 frames a second they take a few per
# cent of the trainer's time.
FRAME_BUDGET = 4e6
MAX_PERIOD = 120  # frames; about 4 s at 30 frames a second
# While training the diagram and the health panel draw at most 10 and 5 times
# a second (panels.throttle): the engine need not compute for every frame.
LIVE_PERIOD = 3
MAP_RESOLUTIONS = (32, 24, 16)  # the diagram's thumbnails, finest first
MAP_UNITS = 9  # units per layer sent for thumbnails: the diagram draws 8 and a summary
# Asked for only while paused, and never carried over to a later frame: the
# optimizer's state (θ-sized arrays) is needed, exactly at the frame's θ, only
# to walk a step, which pauses first.
PAUSED_ONLY = frozenset({"optimizer"})


def weight_count(layer_sizes: Sequence[int]) -> int:
    """Σ n_l·n_(l−1): the multiplications of one example's forward pass."""
    return sum(a * b for a, b in itertools.pairwise(layer_sizes))


def period_for(flops: float) -> int:
    """Frames between two computations of something costing ``flops``."""
    return int(min(MAX_PERIOD, max(1, math.ceil(flops / FRAME_BUDGET))))


@dataclass(frozen=True)
class MapPlan:
    """How the diagram's unit maps are made for a network."""

    resolution: int  # R: each map is R×R
    period: int  # while training, every this many frames
    note: str  # what the diagram says about it ("" for the full plan)


def map_plan(layer_sizes: Sequence[int]) -> MapPlan:
    """The finest resolution whose maps fit the budget, else the coarsest,
    computed less often; and what to tell the student."""
    work = 2 * weight_count(layer_sizes)  # a forward pass: a multiply and an add
    for resolution in MAP_RESOLUTIONS:
        if resolution * resolution * work <= FRAME_BUDGET:
            break
    period = period_for(resolution * resolution * work)
    if resolution == MAP_RESOLUTIONS[0] and period == 1:
        return MapPlan(resolution, 1, "")
    often = "every frame" if period == 1 else f"every {period} frames while training"
    return MapPlan(
        resolution,
        period,
        f"A big network: unit maps at {resolution}×{resolution}, {often}.",
    )


def gradient_period(layer_sizes: Sequence[int], m: int) -> int:
    """Frames between gradient and health passes over m training points
    (forward and backward: about 6 operations per weight and point)."""
    return period_for(6.0 * max(m, 1) * weight_count(layer_sizes))


class InspectSchedule:
    """The worker's side: what to ask ``frame(inspect=...)`` for, and the
    last results, for the frames that skip a costly inspection."""

    def __init__(self) -> None:
        self.wishes: dict = {}
        self._frames = 0
        self._last: dict[str, tuple[object, object]] = {}  # key: (wish, result)

    def set(self, wishes: dict) -> None:
        """What the window wants from now on ({} for nothing)."""
        self.wishes = dict(wishes)
        self._last = {k: v for k, v in self._last.items() if k in self.wishes}

    def forget(self) -> None:
        """A new network or new weights: no last result is theirs."""
        self._last = {}

    def request(self, training: bool, layer_sizes: Sequence[int], m: int) -> dict | None:
        """The inspections due with the next frame, or None."""
        self._frames += 1
        gradients = max(LIVE_PERIOD, gradient_period(layer_sizes, m))
        periods = {
            "gradients": gradients,
            "health": gradients,
            "unit_maps": max(LIVE_PERIOD, map_plan(layer_sizes).period),
        }
        due = {}
        for key, wish in self.wishes.items():
            if key in PAUSED_ONLY and training:
                continue
            fresh = key not in self._last or self._last[key][0] != wish
            if not training or fresh or self._frames % periods.get(key, 1) == 0:
                due[key] = wish
        return due or None

    def fill(self, made) -> dict:
        """The frame's inspector fields: fresh ones remembered, missing ones
        from the last result for the same wish."""
        fields = {}
        for key, wish in self.wishes.items():
            value = getattr(made, key, None)
            if key in PAUSED_ONLY:
                continue  # belongs to this frame's θ alone
            if value is not None:
                self._last[key] = (wish, value)
            elif key in self._last and self._last[key][0] == wish:
                fields[key] = self._last[key][1]
        return fields
