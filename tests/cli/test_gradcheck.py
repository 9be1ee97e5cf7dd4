"""``backprop-gui gradcheck``, end to end."""

from __future__ import annotations

import re

from .helpers import run_cli


def test_gradcheck_passes_with_table_and_worst_error_last() -> None:
    result = run_cli("gradcheck")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    match = re.fullmatch(r"worst relative error: (\d\.\de[-+]\d+)", lines[-1])
    assert match, lines[-1]
    assert float(match.group(1)) <= 1e-7
    rows = [line for line in lines if line.endswith((" ok", " FAIL"))]
    # Every activation (five today) with a sigmoid and a softmax output.
    assert len(rows) >= 10 and len(rows) % 2 == 0
    assert all(row.endswith(" ok") for row in rows)
    assert "relative error" in lines[0]


def test_gradcheck_options() -> None:
    result = run_cli("gradcheck", "--layers", "3", "--activation", "relu,sigmoid")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.endswith(" ok")]
    assert len(rows) == 4
    assert all(" 2,3,1 " in row or " 2,3,3 " in row for row in rows)
    assert result.stdout.splitlines()[-1].startswith("worst relative error: ")
