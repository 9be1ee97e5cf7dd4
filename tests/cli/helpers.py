"""Running the command line as a user would: ``python -m backprop_gui`` in a
subprocess from the repository root, without installing the package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backprop_gui", *args],
        cwd=REPO,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def last_json(result: subprocess.CompletedProcess[str]) -> dict:
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr
    return json.loads(lines[-1])


def assert_usage_error(result: subprocess.CompletedProcess[str]) -> str:
    """Exit status 2, exactly one line on stderr, no traceback, nothing on stdout."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    assert lines[0].startswith("backprop-gui")
    assert "error:" in lines[0]
    return lines[0]


def points_csv(folder: Path, labelled: bool) -> Path:
    """Five points, as labelled.csv (all labelled 0) or unlabelled.csv."""
    path = folder / ("labelled.csv" if labelled else "unlabelled.csv")
    points = [(-3.0, 2.5), (4.0, 4.0), (0.1, -0.1), (-5.5, -5.25), (2.0, -3.0)]
    header = "x1,x2,label" if labelled else "x1,x2"
    body = [f"{a!r},{b!r}" + (",0" if labelled else "") for a, b in points]
    path.write_text("\n".join([header, *body]) + "\n")
    return path


def parse_predictions(text: str) -> tuple[list[str], list[list[str]]]:
    lines = text.splitlines()
    return lines[0].split(","), [line.split(",") for line in lines[1:]]


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def drain(master: int) -> bytes:
    """What a pseudo-terminal's writer left, read until it goes quiet or closes."""
    import select

    seen = b""
    while select.select([master], [], [], 1.0)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # Linux: EIO once the terminal has no writer
            break
        if not chunk:
            break
        seen += chunk
    return seen
