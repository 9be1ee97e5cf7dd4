"""Import boundaries: the core is NumPy only; the session layer imports no Qt."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import backprop_gui.core
import backprop_gui.session

CORE = Path(backprop_gui.core.__file__).parent
SESSION = Path(backprop_gui.session.__file__).parent
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


@pytest.mark.parametrize("package", [CORE, SESSION], ids=["core", "session"])
def test_no_core_or_session_module_imports_a_gui_toolkit(package):
    files = sorted(package.rglob("*.py"))
    assert files, f"{package.name} has no modules"
    offenders = {
        str(path.relative_to(package)): name
        for path in files
        for name in imported_modules(path)
        if name.startswith(GUI_MODULES)
    }
    assert offenders == {}


@pytest.mark.parametrize("module", ["backprop_gui.core", "backprop_gui.session"])
def test_importing_the_core_or_the_session_loads_no_gui_toolkit(module):
    code = f"import sys, {module}; print([m for m in sys.modules if m.startswith({GUI_MODULES!r})])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
