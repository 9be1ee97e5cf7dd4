"""Command line: ``backprop-gui`` opens the GUI; subcommands work headless.

    backprop-gui                      open the desktop app
    backprop-gui train ...            train a network on a dataset or a CSV file
    backprop-gui predict ...          classify points with saved weights
    backprop-gui gradcheck ...        check backward against numeric gradients
    backprop-gui export ...           convert saved weights to ONNX, a .py script, …

Every subcommand is a module of this package named in ``COMMANDS`` that
defines ``COMMAND``, a ``base.Command``: a function that adds its options to a
parser and a function that runs it. Errors in the arguments or in a file end
with exit status 2 and one line on stderr, never a traceback.

This module imports nothing heavy: ``main`` installs the signal handlers
(``signals``) before NumPy and the commands are imported, so Ctrl-C at any
moment prints "interrupted" and exits with 130.
"""

from __future__ import annotations

import os
import signal
import sys

from . import signals

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (~10 ms)
if TYPE_CHECKING:
    import argparse

    from .base import Command

# The registry: to add a subcommand, add a module that defines COMMAND and
# name it here; its parser, --help and error handling come from build_parser
# and main.
COMMANDS: tuple[str, ...] = ("train", "predict", "gradcheck", "export", "bench")

MAIN_DESCRIPTION = """\
Watch backpropagation learn: draw points of two or more classes, pick a small
neural network, and see the decision boundary, the weights and the gradients
change as it trains.

Without a subcommand the desktop app opens. The subcommands work headless,
on the same NumPy engine. Run `backprop-gui COMMAND --help` for the options
of each.

exit status:
  0    success
  1    the command ran but failed: training diverged, or a gradient check failed
  2    bad arguments or a bad input file (one line on stderr; nothing written)
  130  interrupted (Ctrl-C); 143 terminated (SIGTERM); no partial file is left"""

MAIN_EPILOG = """\
examples:
  backprop-gui                                  open the app
  backprop-gui train --dataset xor --json       train headless, print JSON
  backprop-gui train --dataset moons --out moons.npz
  backprop-gui predict --weights moons.npz --data points.csv --out predictions.csv
  backprop-gui gradcheck                        verify the gradients
  backprop-gui export --weights moons.npz --out moons.onnx"""


def commands() -> list[Command]:
    """The registered commands, in order (importing their modules)."""
    import importlib

    return [importlib.import_module(f"{__name__}.{name}").COMMAND for name in COMMANDS]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per registered command."""
    from .. import __version__
    from .base import PROG, HelpFormatter, Parser

    parser = Parser(
        prog=PROG,
        description=MAIN_DESCRIPTION,
        epilog=MAIN_EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", parser_class=Parser
    )
    for command in commands():
        sub = subparsers.add_parser(
            command.name,
            help=command.summary,
            description=command.description,
            epilog=command.epilog,
            formatter_class=HelpFormatter,
            add_help=not command.any_arguments,
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run, prog=sub.prog, any_arguments=command.any_arguments)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "any_arguments", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    return args


def _run_gui() -> int:
    from .base import EXIT_USAGE

    try:
        from ..gui.app import run
    except ImportError as exc:
        # Only a missing part of our own GUI package means "not built"; any
        # other import problem (e.g. a broken Qt install) shows its real cause.
        gui = f"{__package__.rpartition('.')[0]}.gui"
        if not (exc.name == gui or (exc.name or "").startswith(gui + ".")):
            raise
        print(
            "backprop-gui: the desktop app is not available in this installation "
            f"({exc.name} is missing); the subcommands still work, see --help",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return run()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    # First thing, before the slow imports in _main: see ``signals``.
    previous = signals.install()
    try:
        return _main(argv)
    finally:
        signals.restore(previous)


def _main(argv: list[str] | None) -> int:
    prog = "backprop-gui"
    try:
        from .base import EXIT_FAILED, EXIT_USAGE, UsageError, one_line

        parser = build_parser()
        try:
            args = _parse(parser, argv)
        except SystemExit as exc:
            # --help, --version or a usage error (already printed): callers of
            # main() get the status back instead of an exception.
            return exc.code if isinstance(exc.code, int) else EXIT_USAGE
        if args.command is None:
            signals.restore_defaults()
            return _run_gui()
        prog = args.prog
        _end_if_signalled()
        try:
            return args.run(args)
        except UsageError as exc:
            # Not "needs the onnx package" when Ctrl-C cut its import short.
            _end_if_signalled()
            # File errors already name the file; one line, never a traceback.
            print(f"{prog}: error: {one_line(exc)}", file=sys.stderr)
            return EXIT_USAGE
    except KeyboardInterrupt:
        return _interrupted(prog)
    except signals.Terminated:
        return _terminated(prog)
    except BrokenPipeError:
        # The reader of stdout went away (e.g. `| head`): stop quietly.
        # Point stdout at devnull so the interpreter's final flush is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except Exception:
        # A signal that arrived in C code can come out as another exception
        # (see ``signals.received``): it ended the command all the same.
        if signals.received() == signal.SIGINT:
            return _interrupted(prog)
        if signals.received() is not None:
            return _terminated(prog)
        raise


def _end_if_signalled() -> None:
    """Raise what a signal noted since ``signals.install`` raises, when its
    own exception was lost: raised in an import, it comes out as an
    ImportError (see ``signals.received``), which an import of an optional
    module catches and goes on from, or which a command reports as a
    missing package."""
    received = signals.received()
    if received is not None:
        raise KeyboardInterrupt if received == signal.SIGINT else signals.Terminated


def _interrupted(prog: str) -> int:
    # Ctrl-C: the atomic writes on the way removed their temporary files.
    print(f"{prog}: interrupted", file=sys.stderr)
    return signals.EXIT_INTERRUPTED


def _terminated(prog: str) -> int:
    print(f"{prog}: terminated", file=sys.stderr)
    return signals.EXIT_TERMINATED


__all__ = ["COMMANDS", "build_parser", "commands", "main"]
