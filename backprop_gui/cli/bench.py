"""``backprop-gui bench``: the benchmarks left the installed package; this
command only says where they are now."""

from __future__ import annotations

import argparse
import sys

from .base import EXIT_USAGE, PROG, Command

MOVED = (
    f"{PROG} bench: the benchmarks moved out of the package: from a clone of the "
    "repository, run `python -m benchmarks --help` (see the README's Performance section)"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """None: whatever follows ``bench`` (the old options too) gets the same one line."""


def run(args: argparse.Namespace) -> int:
    print(MOVED, file=sys.stderr)
    return EXIT_USAGE


COMMAND = Command(
    "bench",
    "moved: run `python -m benchmarks` from a clone of the repository",
    "The benchmarks moved to benchmarks/ at the root of the repository.",
    "",
    add_arguments,
    run,
    any_arguments=True,
)
