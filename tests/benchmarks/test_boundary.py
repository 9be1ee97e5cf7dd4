"""The benchmarks stay outside the installed package: nothing in
backprop_gui/ imports them, and the wheel does not ship them."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import backprop_gui

PACKAGE = Path(backprop_gui.__file__).parent
ROOT = Path(__file__).resolve().parents[2]  # the clone's root
BENCHMARKS = re.compile(r"benchmarks(\.|$)")


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name ``path`` imports (relative imports stay
    inside the package)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def module_names_in_strings(path: Path) -> set[str]:
    """Strings that are a benchmarks module's name, as runpy, importlib or a
    child process would take it (``"benchmarks.peer"``)."""
    return {
        node.value
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"benchmarks(\.\w+)*", node.value)
    }


def test_no_module_of_the_package_imports_the_benchmarks():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            {n for n in imported_modules(path) if BENCHMARKS.match(n)}
            | module_names_in_strings(path)
        )
        for path in files
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_benchmarks_left_the_package():
    assert not (PACKAGE / "bench").exists()
    assert not (PACKAGE / "gui" / "screenshot.py").exists()
    assert (ROOT / "benchmarks" / "__main__.py").is_file()


def test_using_the_package_loads_no_benchmark():
    code = (
        "import sys, backprop_gui, backprop_gui.cli, backprop_gui.gui, backprop_gui.session; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'benchmarks'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == "[]"


def test_the_wheel_finds_the_package_and_not_the_benchmarks():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    setuptools = pytest.importorskip("setuptools")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    find = config["tool"]["setuptools"]["packages"]["find"]
    found = setuptools.find_packages(
        str(ROOT), include=find.get("include", ("*",)), exclude=find.get("exclude", ())
    )
    assert "backprop_gui" in found and "backprop_gui.gui" in found
    assert not [name for name in found if BENCHMARKS.match(name) or name.startswith("tests")]


def private_uses(path: Path) -> list[str]:
    """``x._name`` on anything but the module's own objects (``self``, ``cls``),
    and private names imported from backprop_gui."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
        ):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "backprop_gui"
        ):
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private or any(part.startswith("_") for part in node.module.split(".")):
                found.append(f"{node.lineno}: from {node.module} import {', '.join(private)}")
    return found


def test_the_benchmarks_use_only_the_public_api():
    # The window's private state once leaked into them (window._training,
    # worker._trainer.pid); they now read MainWindow's public properties.
    files = sorted((ROOT / "benchmarks").glob("*.py"))
    assert len(files) > 5
    offenders = {path.name: private_uses(path) for path in files}
    assert {name: uses for name, uses in offenders.items() if uses} == {}
