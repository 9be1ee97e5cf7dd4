"""``backprop-gui export``: convert a saved network to another format.

A self-contained subcommand, as the CLI's ``Command`` entries are:
``add_arguments(parser)`` adds its options, ``run(args)`` runs it and returns
the exit status (0 done; 2 a bad option or file, with one line on stderr and
nothing written). SUMMARY, DESCRIPTION and EPILOG are its help texts.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core import MLP, BadFileError, load_weights
from ..session.limits import LIMITS
from . import EXPORT_FORMATS, EXPORT_SUFFIXES, export_format, export_weights
from .extras import MissingExtraError
from .inputs import describe, input_features

PROG = "backprop-gui"
EXIT_OK, EXIT_USAGE = 0, 2
NAME = "export"
SUMMARY = "convert saved weights to ONNX, a standalone Python script, .npz or .json"

_FORMAT_LINES = "\n".join(f"  {f.suffix:<6} {f.description}" for f in EXPORT_FORMATS)
DESCRIPTION = f"""\
Convert a network saved by the app or by `train --out` (.npz or .json) to the
format that the suffix of --out names:

{_FORMAT_LINES}

The ONNX model takes the raw points x (N, 2, float64), computes the input
features itself, and outputs probabilities (N, K) and label (N,), as
`predict` writes them. The .py script needs only NumPy: run on a CSV of
points it prints exactly what `predict` prints, and its to_torch() builds the
same network in PyTorch. Bad arguments or files: exit status 2, nothing
written."""

EPILOG = f"""\
examples:
  {PROG} train --dataset spiral --layers 16,16 --out spiral.npz
  {PROG} export --weights spiral.npz --out spiral.onnx
  {PROG} export --weights spiral.npz --out spiral.py
  python spiral.py points.csv"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``export``: --weights and --out, both required."""
    parser.add_argument(
        "--weights", required=True, metavar="FILE", help="saved network, .npz or .json (required)"
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help=f"file to write, atomically; its suffix chooses the format: "
        f"{', '.join(EXPORT_SUFFIXES)} (required)",
    )


def run(args: argparse.Namespace) -> int:
    """Export ``args.weights`` to ``args.out`` and print "wrote FILE: network".
    Errors: one line "backprop-gui export: error: …" on stderr, exit status 2."""
    prog = getattr(args, "prog", f"{PROG} {NAME}")
    try:
        out = _check_out(args.out)
        net = load_weights(args.weights, check_sizes=LIMITS.check_network)
        if not export_format(out).reopens:
            _check_inputs(net, args.weights)
        export_weights(net, out)
    except (BadFileError, ValueError, MissingExtraError) as exc:
        return _fail(prog, str(exc))
    except OSError as exc:
        return _fail(prog, f"cannot write --out {args.out!r}: {exc.strerror or exc}")
    print(f"wrote {out}: {describe(net)}")
    return EXIT_OK


def _check_out(path: str) -> Path:
    """Reject --out before reading anything: an unknown suffix, a directory,
    or a directory to write in that is missing or read-only."""
    out = Path(path)
    if out.suffix.lower() not in EXPORT_SUFFIXES:
        raise ValueError(f"--out must end in {', '.join(EXPORT_SUFFIXES)}; got {path!r}")
    if out.is_dir():
        raise ValueError(f"--out: {path!r} is a directory")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(f"--out: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"--out: directory {str(parent)!r} is not writable")
    return out


def _check_inputs(net: MLP, weights: str) -> None:
    """ONNX and the script compute the inputs from x1, x2: they need names."""
    try:
        input_features(net)
    except ValueError as exc:
        raise ValueError(f"{weights}: {exc}") from None


def _fail(prog: str, message: str) -> int:
    # One line, like every CLI error: a library's message may have several.
    print(f"{prog}: error: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_USAGE
