"""The step-through bar; it lives in ``panels.step_through`` with the other panels."""

from .panels.step_through import (
    POINTS_SHOWN,
    Stage,
    StepNumbers,
    StepThrough,
    describe,
    stages,
    step_numbers,
)

__all__ = [
    "POINTS_SHOWN",
    "Stage",
    "StepNumbers",
    "StepThrough",
    "describe",
    "stages",
    "step_numbers",
]
