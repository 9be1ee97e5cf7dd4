"""Optional libraries, imported only by the function that needs them.

``backprop_gui.interop`` itself imports NumPy and the core only: the app and
the CLI never pay for onnx, scikit-learn or PyTorch, and a missing one is
reported by name, with the command that installs it, when it is first used.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# What pip installs for each optional module, and the command that does it.
INSTALL_HINTS = {
    "onnx": 'pip install "backprop-gui[onnx]"',
    "sklearn": 'pip install "backprop-gui[sklearn]"',
    "torch": "pip install torch",
}


class MissingExtraError(ImportError):
    """An optional library a bridge needs is not installed; ``str()`` is one
    line naming it and the pip command that installs it."""


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` (in a package named in INSTALL_HINTS, e.g.
    "sklearn.neural_network") or raise MissingExtraError, e.g.
    'exporting to ONNX needs the onnx package: pip install "backprop-gui[onnx]"'.
    """
    top = module.partition(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = "scikit-learn" if top == "sklearn" else top
        raise MissingExtraError(
            f"{purpose} needs the {package} package: {INSTALL_HINTS[top]}", name=top
        ) from exc
