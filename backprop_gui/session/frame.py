"""``Frame``: everything one picture of the training shows, named and typed.

The trainer (in its own process or in the worker thread) makes the part of a
frame it knows: the evaluation, θ, the counters, the decision surface and its
boundary (a trainer process sends θ without them, and the worker makes them
from it). The worker adds what the window asked for (its request number, the
generation of the weights, messages) and hands the frame to every panel.
Frames are immutable and their arrays read-only: a panel can keep one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass

import numpy as np

from ..core import Evaluation, TrainConfig
from ..core.inspect import ExamplePass
from .specs import NetworkSpec
from .stepcosts import StepCosts


def _empty() -> np.ndarray:
    return np.zeros(0, np.float32)


@dataclass(frozen=True)
class Frame:
    """One frame of the training, as the window shows it.

    Arrays are private, read-only copies. ``evaluation`` is None before there
    are training points; its ``step`` says which step it belongs to (while
    training, frames in between repeat the last one).
    """

    # -- made by the trainer -------------------------------------------------
    epoch: int = 0
    steps: int = 0
    n_train: int = 0
    evaluation: Evaluation | None = None
    estimated: bool = False  # the evaluation is an estimate on a fixed sample
    # (R, R) float32, row 0 at the bottom: P(class 1) for two classes; for
    # K ≥ 3 the winning class's probability, the class in ``surface_class``.
    surface: np.ndarray = field(default_factory=_empty)
    # (R, R) uint8 winning class for K ≥ 3 classes; empty for two.
    surface_class: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))
    # (2k, 2) float32 segment ends where the top two classes tie (for two
    # classes: the 0.5 isoline of ``surface``).
    boundary: np.ndarray = field(default_factory=_empty)
    theta: np.ndarray = field(default_factory=_empty)  # flat parameters, laid out like MLP.theta
    divergence: str = ""  # the trainer found the cost non-finite: why
    # The costs of the steps done since the previous frame (every step's batch
    # cost before its update), with a min/max envelope when there are many.
    step_costs: StepCosts | None = None
    # -- added by the worker ---------------------------------------------------
    generation: int = 0  # bumps whenever the weights are re-initialised or replaced
    training: bool = False
    steps_per_second: float = 0.0
    spec: NetworkSpec | None = None
    config: TrainConfig | None = None
    message: str = ""
    diverged: bool = False
    error: str = ""
    request: int = 0  # the last training request of the window this frame has seen
    # -- what the inspector asked for (Engine.inspect), None when not asked -------
    gradients: dict | None = None  # {"dW1": (n_1, n_0), "db1": (n_1, 1), …} of J
    health: tuple | None = None  # (core.inspect.LayerHealth, …) for l = 1..L
    unit_maps: tuple | None = None  # (maps[0], …, maps[L]) float32 (n_l, R, R)
    unit_map: np.ndarray | None = None  # one unit's (R, R) float32 map
    example: ExamplePass | None = None  # one point's forward and backward pass
    optimizer: dict | None = None  # the optimizer's state at this θ ({} for SGD)

    def __post_init__(self) -> None:
        for f in fields(self):
            _freeze(getattr(self, f.name))


def _freeze(value: object) -> None:
    """Make every array in value read-only, inside containers and records too."""
    if isinstance(value, np.ndarray):
        if value.flags.writeable:
            value.setflags(write=False)
    elif isinstance(value, dict):
        for item in value.values():
            _freeze(item)
    elif isinstance(value, (tuple, list)):
        for item in value:
            _freeze(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            _freeze(getattr(value, f.name))
