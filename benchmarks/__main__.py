"""``python -m benchmarks``: the engine and the live app, measured side by
side against the targets, from a clone of the repository (what
``backprop-gui bench`` ran before the benchmarks left the package).

The table (or with ``--json`` one JSON object) goes to stdout, progress to
stderr. The exit status is 1 when a measured target was missed, 2 for bad
arguments.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence

from .run import Options, exit_status, failed_targets, run, to_json
from .table import format_table
from .tool import EXIT_USAGE, Parser

PROG = "python -m benchmarks"
CASE_KEYS = ("a", "b", "c")
PEER_NAMES = ("torch", "sklearn")

DESCRIPTION = """\
Measure the engine and the live app side by side, in one run, and compare
the numbers with the targets. Every implementation is timed in alternating
rounds (the order rotates each round), and each is summarised by the median
of its rounds. The engine's speed-up over another is the median of the
same-round ratios, so a burst of load on a shared machine hits both alike.

engine training steps/s (full-batch SGD, lr 0.03, tanh hidden layers,
sigmoid output with cross-entropy, float64, the circle preset with 10 % noise):
  (a) 2-8-8-1 on 200 points   (b) 2-32-32-1 on 1,000   (c) 2-64-64-64-1 on 5,000
  against: plain    the seeds' equations as a textbook NumPy loop, written in
                    the benchmark: new arrays every step, np.tanh, and the
                    cost computed every step
           torch    PyTorch on one CPU thread (nn.Sequential, BCEWithLogitsLoss,
                    optim.SGD), float64, when installed
           sklearn  scikit-learn's MLPClassifier (solver sgd, no momentum, no
                    L2, one batch), when installed
  PyTorch and scikit-learn are optional and never dependencies: a missing one
  is skipped with a note. Engine, plain and torch start from the same weights;
  the largest parameter difference after a few steps is shown as a check.

decision surface: ms to evaluate P(class 1) on 100², 200² and 256² grids
  (engine in float64, engine in float32 as the app draws it, textbook loop).

the live app, offscreen (the real main window; needs PySide6 and pyqtgraph),
  with its default network (2-8-8-1 tanh, sgd lr 0.03, full batch) on the
  default circle preset (200 points, 20 % test): training steps/s in the app
  against the same training headless (alternating rounds: no cost recorded,
  every step's cost recorded, and the trainer process's whole work without
  the window: recording and making the frames the app got), new surfaces
  painted per second, event-loop lateness (p50, p99, max) from a precise
  5 ms QTimer probe, with the worst ticks one by one and where the time
  went meanwhile (on Linux: the CPU time a virtual machine's host took, the
  GUI thread's time on a CPU and waiting for one), the growth of the
  resident memory over the run, the CPU taken by a virtual machine's host
  while measured, and the seconds from pressing Train to a train accuracy
  of at least 95 % on the spiral preset
  (a good network for it: x1, x2, sin x1, sin x2 -> 16-16 tanh, Adam 0.03).

targets (ratios, on a 2-core machine):
  engine / plain loop  >= 2.5 on (a) in float64, >= 1.5 on (c)
  engine / PyTorch     >= 6 on (a)
  app / headless       >= 0.6 of the training steps/s, while the surface
                       updates >= 30 times per second
  lateness             p99 <= 20 ms, max <= 50 ms
  memory               grows < 20 MiB over 5 minutes of training (the full
                       run trains 5 minutes in the app; --quick extrapolates
                       from its shorter run and says so)

The table's first line names the machine and what the engine's speed rests
on: OpenBLAS's CPU kernel (small matrix products took up to twice as long
with an older CPU's kernel, which OPENBLAS_CORETYPE can force; the table
says so when it is set) and how the engine computes tanh here (np.tanh
where NumPy runs its AVX-512 tanh, else an exp form).

The full run takes about 8.5 minutes; --quick about a minute.

exit status:
  0  every target measured here was met (one that cannot be measured here,
     such as a missing peer, is "not measured", not a miss)
  1  a target was missed: FAIL in the table, "pass": false in the JSON, and
     one line on stderr naming the missed targets
  2  bad arguments (one line on stderr)"""

EPILOG = f"""\
examples:
  {PROG}                       the full run, as a table
  {PROG} --quick               under a minute
  {PROG} --quick --json        one JSON object on the last line of stdout
  {PROG} --no-app --peers none the engine alone, no optional peers

output:
  The table goes to stdout, progress to stderr. With --json, stdout is one
  JSON object on one line with the keys schema, mode, options, training,
  peer_notes, surface, app, machine, seconds and targets (each target:
  key, description, target, value, pass, note); values that do not exist
  are null."""


def build_parser() -> Parser:
    parser = Parser(PROG, DESCRIPTION, EPILOG)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short rounds and a short app run: the whole bench in well under a minute",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the result as one JSON object on stdout instead of the table",
    )
    parser.add_argument(
        "--peers",
        metavar="NAMES",
        help="optional peers to compare with, comma-separated, from: torch, sklearn; "
        '"none" for none (default: every one installed)',
    )
    parser.add_argument(
        "--no-app",
        dest="app",
        action="store_false",
        help="skip the live-app measurements (no Qt needed)",
    )
    tuning = parser.add_argument_group("run length (defaults: full run / --quick)")
    tuning.add_argument(
        "--cases",
        default="a,b,c",
        metavar="KEYS",
        help="engine networks to time, comma-separated from a, b, c (default: %(default)s)",
    )
    tuning.add_argument("--rounds", type=int, metavar="N", help="engine and surface rounds (9 / 3)")
    tuning.add_argument(
        "--round-seconds",
        type=float,
        metavar="S",
        help="length of one engine round per implementation (0.5 / 0.15)",
    )
    tuning.add_argument("--app-rounds", type=int, metavar="N", help="app rounds (6 / 2)")
    tuning.add_argument(
        "--app-seconds",
        type=float,
        metavar="S",
        help="training seconds per app round (50 / 5); each is followed by a headless round",
    )
    tuning.add_argument(
        "--thread-seconds",
        type=float,
        metavar="S",
        help="training seconds per app round of the alternative design, training in the "
        "worker thread (20 / 5; 0 skips it)",
    )
    tuning.add_argument(
        "--headless-seconds",
        type=float,
        metavar="S",
        help="seconds per headless round in the app section (5 / 1)",
    )
    return parser


def _names(text: str, option: str, known: Sequence[str], parser: Parser) -> tuple[str, ...]:
    """Comma-separated names, each one of ``known``."""
    names = tuple(name.strip() for name in text.split(","))
    for name in names:
        if not name:
            parser.error(f"{option}: empty name in {text!r}")
        if name not in known:
            what = "case" if option == "--cases" else "peer"
            extra = " (or none)" if option == "--peers" else ""
            parser.error(
                f"{option}: unknown {what} {name!r}; choose from {', '.join(known)}{extra}"
            )
    return names


def parse_options(argv: Sequence[str] | None = None) -> tuple[Options, bool]:
    """The run's options and whether to print JSON; exits 2 (one line on
    stderr) for a bad argument and 0 after --help."""
    parser = build_parser()
    args = parser.parse_args(argv)
    cases = _names(args.cases, "--cases", CASE_KEYS, parser)
    peers = None
    if args.peers is not None:
        none = args.peers.strip() == "none"
        peers = () if none else _names(args.peers, "--peers", PEER_NAMES, parser)
    for option, value in (("--rounds", args.rounds), ("--app-rounds", args.app_rounds)):
        if value is not None and value < 1:
            parser.error(f"{option} must be >= 1")
    for option, value in (
        ("--round-seconds", args.round_seconds),
        ("--app-seconds", args.app_seconds),
        ("--headless-seconds", args.headless_seconds),
    ):
        if value is not None and not (math.isfinite(value) and value > 0):
            parser.error(f"{option} must be > 0")
    seconds = args.thread_seconds
    if seconds is not None and not (math.isfinite(seconds) and seconds >= 0):
        parser.error("--thread-seconds must be >= 0")
    options = Options(
        quick=args.quick,
        rounds=args.rounds,
        round_seconds=args.round_seconds,
        app_rounds=args.app_rounds,
        app_seconds=args.app_seconds,
        headless_seconds=args.headless_seconds,
        thread_seconds=args.thread_seconds,
        cases=cases,
        peers=peers,
        app=args.app,
    )
    return options, args.json


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; returns the exit status."""
    try:
        options, as_json = parse_options(argv)
    except SystemExit as exc:  # --help (0) or a bad argument (2), already printed
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE

    def progress(message: str) -> None:
        print(f"benchmarks: {message}", file=sys.stderr, flush=True)

    result = run(options, progress)
    print(to_json(result) if as_json else format_table(result), flush=True)
    missed = failed_targets(result)
    if missed:
        keys = ", ".join(t["key"] for t in missed)
        print(f"benchmarks: {len(missed)} target(s) missed (FAIL): {keys}", file=sys.stderr)
    return exit_status(result)


if __name__ == "__main__":
    raise SystemExit(main())
