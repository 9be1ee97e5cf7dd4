"""No module of the package, or of the benchmarks, is over 500 lines: one idea
each (issue #11)."""

from pathlib import Path

import pytest

import backprop_gui

PACKAGE = Path(backprop_gui.__file__).parent
BENCHMARKS = PACKAGE.parent / "benchmarks"
MAX_LINES = 500


@pytest.mark.parametrize("folder", [PACKAGE, BENCHMARKS], ids=["backprop_gui", "benchmarks"])
def test_no_module_is_over_500_lines(folder):
    files = sorted(folder.rglob("*.py"))
    assert files
    too_long = {
        path.relative_to(folder).as_posix(): lines
        for path in files
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
