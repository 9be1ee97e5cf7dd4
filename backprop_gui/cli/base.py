"""What every command shares and that costs nothing to import: the exit
statuses, the one-line usage error, the ``Command`` record and the parser
whose errors are one line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

PROG = "backprop-gui"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A bad argument or a bad input file: one line on stderr, exit status 2."""


@dataclass(frozen=True)
class Command:
    """One subcommand: ``add_arguments(parser)`` then ``run(args) -> exit status``.

    With ``any_arguments`` the command gets no --help of its own and whatever
    follows its name is accepted, unparsed (in ``args.extra``)."""

    name: str
    summary: str
    description: str
    epilog: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    any_arguments: bool = False


def one_line(message: object) -> str:
    """The message with every run of whitespace (newlines too) as one space."""
    return " ".join(str(message).split())


def check(condition: bool, message: str) -> None:
    """Raise UsageError(message) unless ``condition``."""
    if not condition:
        raise UsageError(message)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, without the usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {one_line(message)}\n")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the hand-laid-out descriptions and example epilogs as written."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)
        # argparse under-measures the indented subcommand names, which would
        # push the help of "gradcheck" onto its own line.
        self._action_max_length = 16
