"""Command line: ``backprop-gui`` opens the GUI; subcommands work headless."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("backprop-gui: the desktop app is not built yet.", file=sys.stderr)
    return 2
