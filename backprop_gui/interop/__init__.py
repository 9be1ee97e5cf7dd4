"""Bridges out: a trained network in the formats students continue in.

    from backprop_gui.interop import export_weights, to_onnx, to_script, to_sklearn

- ``.onnx``: a self-contained ONNX model for any ONNX runtime (``to_onnx``);
- ``.py``: a standalone NumPy script with the weights, which also builds the
  network in PyTorch (``to_script``);
- scikit-learn: an ``MLPClassifier`` with the same ``predict_proba``
  (``to_sklearn``, ``to_sklearn_pipeline``) and back (``from_sklearn``);
- ``.npz`` / ``.json``: the app's own weights files (``core.save_weights``).

Importing this package needs NumPy only: onnx, scikit-learn and PyTorch are
imported by the function that uses them, and a missing one raises
``MissingExtraError`` naming the pip command that installs it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core import MLP, save_weights
from .extras import MissingExtraError
from .inputs import input_features
from .onnx_export import save_onnx, to_onnx
from .script_export import save_script, to_script
from .sklearn_bridge import from_sklearn, points_to_features, to_sklearn, to_sklearn_pipeline


@dataclass(frozen=True)
class ExportFormat:
    """One format a network can be exported to, chosen by the file's suffix."""

    suffix: str  # ".onnx"
    description: str  # one line for help texts and tooltips
    dialog_filter: str  # a Qt file-dialog filter, "ONNX model (*.onnx)"
    reopens: bool  # the app and ``core.load_weights`` read it back
    save: Callable[[MLP, str | os.PathLike[str]], object]  # writes it, atomically


# In the order a file dialog lists them: the app's own formats first.
EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        ".npz",
        "weights as a NumPy archive (reopens in the app)",
        "NumPy weights (*.npz)",
        True,
        save_weights,
    ),
    ExportFormat(
        ".json",
        "weights as JSON text (reopens in the app)",
        "JSON weights (*.json)",
        True,
        save_weights,
    ),
    ExportFormat(
        ".onnx",
        'ONNX model for any ONNX runtime (needs pip install "backprop-gui[onnx]")',
        "ONNX model (*.onnx)",
        False,
        save_onnx,
    ),
    ExportFormat(
        ".py",
        "standalone Python script: NumPy forward pass, predictions CSV, to_torch()",
        "Python script (*.py)",
        False,
        save_script,
    ),
)
EXPORT_SUFFIXES: tuple[str, ...] = tuple(f.suffix for f in EXPORT_FORMATS)


def export_format(path: str | os.PathLike[str]) -> ExportFormat:
    """The format ``path`` names by its suffix (any case), else ValueError."""
    suffix = Path(os.fspath(path)).suffix.lower()
    for candidate in EXPORT_FORMATS:
        if candidate.suffix == suffix:
            return candidate
    raise ValueError(
        f"an export file name must end in {', '.join(EXPORT_SUFFIXES)}; got {os.fspath(path)!r}"
    )


def export_weights(net: MLP, path: str | os.PathLike[str]) -> ExportFormat:
    """Write ``net`` to ``path`` in the format its suffix names, atomically,
    and return that format. Raises ValueError for an unknown suffix or a
    network that cannot be exported (NaN parameters; for .onnx and .py, inputs
    without feature names), MissingExtraError when .onnx lacks ``onnx``, and
    OSError when the file cannot be written."""
    chosen = export_format(path)
    chosen.save(net, path)
    return chosen


def dialog_filters() -> str:
    """Every export format as one Qt file-dialog filter string, ";;"-separated."""
    return ";;".join(f.dialog_filter for f in EXPORT_FORMATS)


__all__ = [
    "EXPORT_FORMATS",
    "EXPORT_SUFFIXES",
    "ExportFormat",
    "MissingExtraError",
    "dialog_filters",
    "export_format",
    "export_weights",
    "from_sklearn",
    "input_features",
    "points_to_features",
    "save_onnx",
    "save_script",
    "to_onnx",
    "to_script",
    "to_sklearn",
    "to_sklearn_pipeline",
]
