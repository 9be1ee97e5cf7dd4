"""``backprop-gui gradcheck``: backward against numeric gradients."""

from __future__ import annotations

import argparse

from ..core import ACTIVATIONS, TOLERANCE, gradient_check_suite
from ..session import LIMITS
from .base import EXIT_FAILED, EXIT_OK, PROG, Command
from .options import check_activations, integer, parse_layers, parse_names

DESCRIPTION = f"""\
Check backpropagation: compare the analytic gradient of the cost (backward)
with central differences of the cost, for every chosen activation with both
output kinds (one sigmoid unit, and a 3-class softmax), on small random
networks and data in float64.

    relative error = |numeric - analytic| / (|numeric| + |analytic|)

Prints one row per network and, as the last line, the worst relative error.
Exit status 0 when every error is <= {TOLERANCE:g}, 1 otherwise."""

EPILOG = f"""\
examples:
  {PROG} gradcheck
  {PROG} gradcheck --layers 3 --activation relu,leaky_relu
  {PROG} gradcheck --layers "" """


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--layers",
        default="5,4",
        metavar="SIZES",
        help=f"hidden layer sizes of the checked networks, comma-separated, each "
        f"1..{LIMITS.hidden_width}, at most {LIMITS.hidden_layers}; "
        '"" for none (default: %(default)s)',
    )
    parser.add_argument(
        "--activation",
        metavar="NAMES",
        help=f"activations to check, comma-separated, from: {', '.join(ACTIVATIONS)} "
        "(default: all)",
    )
    parser.add_argument(
        "--seed",
        type=integer(0),
        default=0,
        metavar="N",
        help="seed of the random networks and data, >= 0 (default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    hidden = parse_layers(args.layers)
    names = None
    if args.activation is not None:
        names = parse_names(args.activation, "--activation")
        check_activations(names)
        names = list(dict.fromkeys(names))
    if not hidden and names is None:
        # Without a hidden layer the activation plays no part: check it once.
        names = [next(iter(ACTIVATIONS))]
    results = gradient_check_suite(hidden=hidden, activations=names, seed=args.seed)

    rows = [("activation", "output", "layer sizes", "relative error", "result")]
    for r in results:
        rows.append(
            (
                # "tanh,tanh" → "tanh": the suite uses one activation per network.
                ",".join(dict.fromkeys(r.activation.split(","))) or "-",
                r.output,
                ",".join(map(str, r.layer_sizes)),
                f"{r.relative_error:.3e}",
                "ok" if r.passed else "FAIL",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    worst = max(r.relative_error for r in results)
    print(f"worst relative error: {worst:.1e}")
    return EXIT_OK if worst <= TOLERANCE else EXIT_FAILED


COMMAND = Command(
    "gradcheck",
    "check backpropagation against numeric gradients",
    DESCRIPTION,
    EPILOG,
    add_arguments,
    run,
)
