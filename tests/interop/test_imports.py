"""Importing the bridges costs NumPy only: onnx, scikit-learn and PyTorch are
imported inside the functions that use them."""

import ast
import subprocess
import sys
from pathlib import Path

import backprop_gui.interop

INTEROP = Path(backprop_gui.interop.__file__).parent
OPTIONAL = ("onnx", "onnxruntime", "sklearn", "scipy", "torch", "PySide6", "pyqtgraph")
STANDARD = set(sys.stdlib_module_names)


def test_importing_the_package_and_the_command_loads_no_optional_library():
    code = (
        "import sys, backprop_gui.interop, backprop_gui.interop.command; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {OPTIONAL!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_module_level_imports_are_the_standard_library_numpy_and_our_own():
    for path in sorted(INTEROP.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in tree.body:  # the top level only: functions import lazily
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in STANDARD or top == "numpy", f"{path.name} imports {name}"
