"""What ``train`` reports: the result as a JSON-ready dict and as a summary."""

from __future__ import annotations

import math
from typing import Any

from ..core import DivergenceError, Evaluation, Trainer


def final_evaluation(trainer: Trainer) -> Evaluation | None:
    """The evaluation of the final parameters (reusing the last record when it
    is current); None when even the kept parameters give a non-finite cost."""
    last = trainer.history.last
    if last is not None and last.step == trainer.step_count:
        return last
    try:
        return trainer.evaluate()
    except DivergenceError:
        return None


def json_number(value: float) -> float | None:
    """JSON has no NaN: a value that does not exist is null."""
    return value if math.isfinite(value) else None


def evaluation_fields(final: Evaluation | None) -> dict[str, float | None]:
    keys = ("train_cost", "test_cost", "train_accuracy", "test_accuracy")
    return {key: None if final is None else json_number(getattr(final, key)) for key in keys}


def summary(result: dict[str, Any], planned_epochs: int) -> str:
    """The human-readable report, one fact per line."""

    def cost(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.4f}"

    def accuracy(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1%}"

    acts = ",".join(dict.fromkeys(result["activation"])) or "no hidden layer"
    lines = [
        f"network {result['layer_sizes']} ({acts}), features {','.join(result['features'])}, "
        f"{result['optimizer']} lr {result['learning_rate']:g}",
        f"data: {result['source']}, {result['n_classes']} classes, "
        f"{result['n_train']} train / {result['n_test']} test points",
        f"epochs: {result['epochs']} of {planned_epochs} ({result['steps']} steps) "
        f"in {result['seconds']:.2f} s" + ("  -- DIVERGED" if result["diverged"] else ""),
        f"train: cost {cost(result['train_cost'])}  accuracy {accuracy(result['train_accuracy'])}",
    ]
    if result["n_test"]:
        lines.append(
            f"test:  cost {cost(result['test_cost'])}  accuracy {accuracy(result['test_accuracy'])}"
        )
    else:
        lines.append("test:  no test points")
    if result["out"] is not None:
        lines.append(f"weights written to {result['out']}")
    else:
        lines.append("weights not written (no --out)")
    return "\n".join(lines)
