"""Import boundaries: the core is NumPy only."""

import ast
import subprocess
import sys
from pathlib import Path

import backprop_gui.core

CORE = Path(backprop_gui.core.__file__).parent
GUI_MODULES = ("PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "pyqtgraph", "backprop_gui.gui")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 1:
            names.add("backprop_gui." + (node.module or ""))  # reaches above core/
    return names


def test_no_core_module_imports_a_gui_toolkit():
    files = sorted(CORE.rglob("*.py"))
    assert files, "the core package has no modules"
    offenders = {
        str(path.relative_to(CORE)): name
        for path in files
        for name in imported_modules(path)
        if name.startswith(GUI_MODULES)
    }
    assert offenders == {}


def test_importing_the_core_loads_no_gui_toolkit():
    code = (
        "import sys, backprop_gui.core; "
        f"print([m for m in sys.modules if m.startswith({GUI_MODULES!r})])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
