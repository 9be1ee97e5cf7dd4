"""Command line: ``backprop-gui`` opens the GUI; subcommands work headless.

    backprop-gui                      open the desktop app
    backprop-gui train ...            train a network on a dataset or a CSV file
    backprop-gui predict ...          classify points with saved weights
    backprop-gui gradcheck ...        check backward against numeric gradients
    backprop-gui bench ...            measure the engine and the app, side by side

Every subcommand is one ``Command`` in ``COMMANDS``: a function that adds its
options to a parser and a function that runs it. Errors in the arguments or
in a file end with exit status 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, TextIO, TypeVar

import numpy as np

from . import __version__
from .core import (
    ACTIVATIONS,
    DATASETS,
    DEFAULT_FEATURES,
    FEATURES,
    MLP,
    OPTIMIZERS,
    TOLERANCE,
    DivergenceError,
    Evaluation,
    TrainConfig,
    Trainer,
    gradient_check_suite,
    make_dataset,
    train_test_split,
    transform,
)
from .core.atomic import atomic_write
from .core.errors import BadFileError
from .core.features import check_feature_names
from .core.pointsfile import read_points_csv
from .core.weightsfile import SUFFIXES as WEIGHT_SUFFIXES
from .core.weightsfile import load_weights, save_weights

T = TypeVar("T")

PROG = "backprop-gui"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

MAX_HIDDEN_LAYERS = 8
MAX_HIDDEN_WIDTH = 256
MAX_POINTS = 100_000
MAX_CLASSES = 10
# About this many evaluations over a run, plus one at the end: evaluating
# every epoch would cost as much as training a small network.
EVALUATIONS_PER_RUN = 100
# Redraw the terminal progress line at most this often (seconds).
PROGRESS_INTERVAL = 0.1


class UsageError(Exception):
    """A bad argument or a bad input file: one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, without the usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_one_line(message)}\n")


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keep the hand-laid-out descriptions and example epilogs as written."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30)
        # argparse under-measures the indented subcommand names, which would
        # push the help of "gradcheck" onto its own line.
        self._action_max_length = 16


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


@dataclass(frozen=True)
class Command:
    """One subcommand: ``add_arguments(parser)`` then ``run(args) -> exit status``."""

    name: str
    summary: str
    description: str
    epilog: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# -- train -------------------------------------------------------------------

TRAIN_DESCRIPTION = f"""\
Train a multilayer perceptron with backpropagation, headless, and report the
cost and accuracy on the training and test points.

The input is either a generated dataset (--dataset) or a CSV file of points
(--data) with the header x1,x2,label; labels are class indices 0, 1, 2, ...
Coordinates should lie in the app's domain [-6, 6]. The number of classes is
the largest label + 1 (at least 2): two classes use one sigmoid output unit,
K > 2 classes use K softmax units (at most {MAX_CLASSES} classes).

A fraction --test-ratio of the points is held out as a test set (chosen with
--seed). A step is one parameter update (one mini-batch); an epoch is one pass
over the training points, so with full-batch training a step is an epoch.

If training diverges (a parameter or the cost becomes infinite or NaN), it
stops, the last finite weights are kept and still written to --out, and the
exit status is 1. Bad arguments or files: exit status 2, nothing written."""

TRAIN_EPILOG = f"""\
examples:
  {PROG} train --dataset xor
  {PROG} train --dataset spiral --points 400 --noise 0 --layers 16,16,16 \\
      --activation relu --optimizer adam --lr 0.01 --epochs 2000 --out spiral.npz
  {PROG} train --dataset circle --layers "" --features x1^2,x2^2 --json
  {PROG} train --data points.csv --layers 8 --batch-size 16 --l2 0.001 --out w.json

output:
  A summary on stdout (epochs, steps, cost and accuracy, seconds, where the
  weights went). With --json, stdout is instead one JSON object on one line
  with the keys epochs, steps, train_cost, test_cost, train_accuracy,
  test_accuracy, diverged, message, seconds, layer_sizes, activation,
  features, optimizer, learning_rate, batch_size, l1, l2, seed, n_classes,
  n_train, n_test, out; values that do not exist (no test set) are null.
  On a terminal a progress line is shown on stderr while training."""


def _add_train_arguments(parser: argparse.ArgumentParser) -> None:
    data = parser.add_argument_group("input (exactly one of --dataset and --data)")
    source = data.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--dataset",
        choices=list(DATASETS),
        metavar="NAME",
        help=f"generate a dataset: {', '.join(DATASETS)}",
    )
    source.add_argument(
        "--data",
        metavar="FILE.csv",
        help="read labelled points from a CSV file with the header x1,x2,label",
    )
    data.add_argument(
        "--points",
        type=int,
        metavar="N",
        help=f"number of generated points, 1..{MAX_POINTS} (default: 200; --dataset only)",
    )
    data.add_argument(
        "--noise",
        type=float,
        metavar="X",
        help="noise of the generated points, 0 (clean) .. 1 (classes overlap) "
        "(default: 0.1; --dataset only)",
    )
    data.add_argument(
        "--test-ratio",
        type=float,
        default=0.2,
        metavar="R",
        help="fraction of the points held out for testing, in [0, 1) (default: %(default)s)",
    )

    net = parser.add_argument_group("network")
    net.add_argument(
        "--layers",
        default="8,8",
        metavar="SIZES",
        help=f"hidden layer sizes, comma-separated, each 1..{MAX_HIDDEN_WIDTH}, at most "
        f'{MAX_HIDDEN_LAYERS} layers; "" for no hidden layer (default: %(default)s)',
    )
    net.add_argument(
        "--activation",
        default="tanh",
        metavar="NAMES",
        help="hidden-layer activation: one name for every layer or one per layer, "
        f"comma-separated; {', '.join(ACTIVATIONS)} (default: %(default)s)",
    )
    net.add_argument(
        "--features",
        default=",".join(DEFAULT_FEATURES),
        metavar="NAMES",
        help=f"input features, comma-separated, from: {', '.join(FEATURES)} (default: %(default)s)",
    )

    training = parser.add_argument_group("training")
    training.add_argument(
        "--optimizer",
        default="sgd",
        choices=list(OPTIMIZERS),
        help=f"update rule: {', '.join(OPTIMIZERS)} (default: %(default)s)",
    )
    training.add_argument(
        "--lr",
        type=float,
        default=0.03,
        metavar="ALPHA",
        help="learning rate, > 0 (default: %(default)s)",
    )
    training.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help="examples per step, >= 1 (default: all training points, full batch)",
    )
    training.add_argument(
        "--l1",
        type=float,
        default=0.0,
        metavar="LAMBDA",
        help="L1 penalty on the weights, >= 0 (default: %(default)s)",
    )
    training.add_argument(
        "--l2",
        type=float,
        default=0.0,
        metavar="LAMBDA",
        help="L2 penalty on the weights, >= 0 (default: %(default)s)",
    )
    training.add_argument(
        "--epochs",
        type=int,
        default=500,
        metavar="N",
        help="passes over the training points, >= 1 (default: %(default)s)",
    )
    training.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of the data, the test split, the initial weights and the mini-batch "
        "order, >= 0 (default: %(default)s)",
    )

    output = parser.add_argument_group("output")
    output.add_argument(
        "--out",
        metavar="FILE",
        help="write the trained weights to FILE.npz (NumPy) or FILE.json (default: not written)",
    )
    output.add_argument(
        "--json",
        action="store_true",
        help="print the result as one JSON object on stdout instead of the summary",
    )


@dataclass(frozen=True)
class _TrainPlan:
    """Everything ``train`` needs, validated before any work is done."""

    hidden: tuple[int, ...]
    activations: tuple[str, ...]
    features: tuple[str, ...]
    config: TrainConfig
    out: Path | None


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise UsageError(message)


def _io(function: Callable[..., T], *args: object, what: str = "", **kwargs: object) -> T:
    """Call a file reader or writer; its BadFileError, ValueError or OSError
    becomes a UsageError (one line, exit status 2)."""
    try:
        return function(*args, **kwargs)
    except (BadFileError, ValueError, OSError) as exc:
        detail = str(exc)
        if isinstance(exc, OSError) and exc.strerror:
            # "[Errno 13] Permission denied: 'x'" → "Permission denied" (+ the
            # file name when ``what`` does not already give it).
            name = f": {exc.filename!r}" if exc.filename and not what else ""
            detail = exc.strerror + name
        raise UsageError(what + detail) from None


def _write_text(path: Path, text: str) -> None:
    # newline="\n": the same bytes on every platform, like the points files.
    with atomic_write(path, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)


def _finite(value: float) -> bool:
    return math.isfinite(value)


def _parse_names(text: str, option: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(","))
    _check(all(names), f"{option}: empty name in {text!r}")
    return names


def parse_layers(text: str) -> tuple[int, ...]:
    """Hidden sizes from text: "8,8" → (8, 8), "" → () (no hidden layer).

    Raises UsageError for anything else or a size out of range."""
    if not text.strip():
        return ()
    sizes = []
    for part in text.split(","):
        try:
            size = int(part.strip())
        except ValueError:
            raise UsageError(
                f'--layers must be comma-separated integers like 8,8 (or ""); got {text!r}'
            ) from None
        _check(
            1 <= size <= MAX_HIDDEN_WIDTH,
            f"--layers: every hidden layer needs 1..{MAX_HIDDEN_WIDTH} units; got {size}",
        )
        sizes.append(size)
    _check(
        len(sizes) <= MAX_HIDDEN_LAYERS,
        f"--layers: at most {MAX_HIDDEN_LAYERS} hidden layers; got {len(sizes)}",
    )
    return tuple(sizes)


def _parse_activations(text: str, n_hidden: int) -> tuple[str, ...]:
    names = _parse_names(text, "--activation")
    for name in names:
        _check(
            name in ACTIVATIONS,
            f"--activation: unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}",
        )
    if len(names) == 1:
        return names * n_hidden
    _check(
        len(names) == n_hidden,
        f"--activation: {len(names)} names given for {n_hidden} hidden layers "
        "(give one name, or one per hidden layer)",
    )
    return names


def _parse_features(text: str) -> tuple[str, ...]:
    try:
        return check_feature_names(_parse_names(text, "--features"))
    except ValueError as exc:
        raise UsageError(f"--features: {exc}") from None


def _check_output_path(path: str, option: str, suffixes: Sequence[str] | None = None) -> Path:
    """Reject an output path before any work: wrong suffix, missing or
    unwritable directory, or a directory in place of the file."""
    out = Path(path)
    if suffixes is not None:
        _check(
            out.suffix.lower() in suffixes,
            f"{option} must end in {' or '.join(suffixes)}; got {path!r}",
        )
    _check(not out.is_dir(), f"{option}: {path!r} is a directory")
    parent = out.parent if str(out.parent) else Path(".")
    _check(parent.is_dir(), f"{option}: directory {str(parent)!r} does not exist")
    _check(os.access(parent, os.W_OK), f"{option}: directory {str(parent)!r} is not writable")
    return out


def _plan_train(args: argparse.Namespace) -> _TrainPlan:
    if args.dataset is not None:
        args.points = 200 if args.points is None else args.points
        args.noise = 0.1 if args.noise is None else args.noise
        _check(1 <= args.points <= MAX_POINTS, f"--points must be in 1..{MAX_POINTS}")
        _check(_finite(args.noise) and 0.0 <= args.noise <= 1.0, "--noise must be in [0, 1]")
    else:
        # Silently ignoring them would suggest they changed the file's points.
        _check(args.points is None, "--points only applies to --dataset, not to --data")
        _check(args.noise is None, "--noise only applies to --dataset, not to --data")
    _check(
        _finite(args.test_ratio) and 0.0 <= args.test_ratio < 1.0,
        "--test-ratio must be in [0, 1)",
    )
    hidden = parse_layers(args.layers)
    activations = _parse_activations(args.activation, len(hidden))
    features = _parse_features(args.features)
    _check(_finite(args.lr) and args.lr > 0, "--lr must be > 0")
    _check(args.batch_size is None or args.batch_size >= 1, "--batch-size must be >= 1")
    _check(_finite(args.l1) and args.l1 >= 0, "--l1 must be >= 0")
    _check(_finite(args.l2) and args.l2 >= 0, "--l2 must be >= 0")
    _check(args.epochs >= 1, "--epochs must be >= 1")
    _check(args.seed >= 0, "--seed must be >= 0")
    out = None if args.out is None else _check_output_path(args.out, "--out", WEIGHT_SUFFIXES)
    config = TrainConfig(
        learning_rate=args.lr,
        optimizer=args.optimizer,
        batch_size=args.batch_size,
        l1=args.l1,
        l2=args.l2,
        seed=args.seed,
        record_every=max(1, args.epochs // EVALUATIONS_PER_RUN),
    )
    return _TrainPlan(hidden, activations, features, config, out)


def _load_training_points(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, str]:
    """(points (2, m), labels (m,), a description of where they came from)."""
    if args.dataset is not None:
        points, labels = make_dataset(args.dataset, args.points, args.noise, seed=args.seed)
        return points, labels, f"dataset {args.dataset}"
    points, labels = _io(read_points_csv, args.data, n_classes=MAX_CLASSES)
    _check(labels is not None and labels.size > 0, f"{args.data}: no labelled points")
    return points, labels, args.data


class _Progress:
    """A live "epoch i/N  cost  accuracy" line on stderr, redrawn at most every
    PROGRESS_INTERVAL seconds, and only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.total = total
        self._next = 0.0
        self._width = 0

    def update(self, trainer: Trainer) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + PROGRESS_INTERVAL
        line = f"epoch {trainer.epoch}/{self.total}"
        last = trainer.history.last
        if last is not None:
            line += f"  train cost {last.train_cost:.4f}  accuracy {last.train_accuracy:.1%}"
        self._draw(line)

    def _draw(self, line: str) -> None:
        # Pad with spaces instead of an ANSI erase, which not every terminal knows.
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        if self.enabled and self._width:
            self._draw("")
            self.stream.write("\r")
            self.stream.flush()


def _json_number(value: float) -> float | None:
    """JSON has no NaN: a value that does not exist is null."""
    return value if math.isfinite(value) else None


def _run_train(args: argparse.Namespace) -> int:
    plan = _plan_train(args)
    points, labels, source = _load_training_points(args)
    n_classes = max(2, int(labels.max()) + 1)
    train_points, train_labels, test_points, test_labels = train_test_split(
        points, labels, args.test_ratio, seed=args.seed
    )
    _check(
        train_labels.size > 0,
        f"no training points left after holding out --test-ratio {args.test_ratio:g} "
        f"of {labels.size}",
    )
    n_out = 1 if n_classes == 2 else n_classes
    sizes = [len(plan.features), *plan.hidden, n_out]
    net = MLP(sizes, plan.activations, seed=args.seed, features=plan.features)
    X = transform(train_points, plan.features)
    X_test = transform(test_points, plan.features)
    trainer = Trainer(net, X, train_labels, plan.config, X_test, test_labels)

    progress = _Progress(args.epochs)
    diverged, message = False, None
    start = time.perf_counter()
    # Overflow on the way to divergence is detected and reported by the
    # trainer; NumPy's warnings about it would only clutter the output.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        try:
            for _ in range(args.epochs):
                trainer.run_epochs(1)
                progress.update(trainer)
        except DivergenceError as exc:
            diverged, message = True, str(exc)
        finally:
            progress.close()
        seconds = time.perf_counter() - start
        final = _final_evaluation(trainer)
    if plan.out is not None:
        _io(save_weights, net, plan.out, what=f"cannot write --out {str(plan.out)!r}: ")

    result = {
        "epochs": trainer.epoch,
        "steps": trainer.step_count,
        "train_cost": None if final is None else _json_number(final.train_cost),
        "test_cost": None if final is None else _json_number(final.test_cost),
        "train_accuracy": None if final is None else _json_number(final.train_accuracy),
        "test_accuracy": None if final is None else _json_number(final.test_accuracy),
        "diverged": diverged,
        "message": message,
        "seconds": round(seconds, 4),
        "layer_sizes": list(net.layer_sizes),
        "activation": list(net.activation_names),
        "features": list(plan.features),
        "optimizer": plan.config.optimizer,
        "learning_rate": plan.config.learning_rate,
        "batch_size": plan.config.batch_size,
        "l1": plan.config.l1,
        "l2": plan.config.l2,
        "seed": args.seed,
        "source": source,
        "n_classes": n_classes,
        "n_train": int(train_labels.size),
        "n_test": int(test_labels.size),
        "out": None if plan.out is None else str(plan.out),
    }
    if diverged:
        print(f"{PROG} train: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, allow_nan=False))
    else:
        print(_train_summary(result, args.epochs))
    return EXIT_FAILED if diverged else EXIT_OK


def _final_evaluation(trainer: Trainer) -> Evaluation | None:
    """The evaluation of the final parameters (reusing the last record when it
    is current); None when even the kept parameters give a non-finite cost."""
    last = trainer.history.last
    if last is not None and last.step == trainer.step_count:
        return last
    try:
        return trainer.evaluate()
    except DivergenceError:
        return None


def _train_summary(result: dict, planned_epochs: int) -> str:
    def cost(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.4f}"

    def accuracy(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1%}"

    acts = ",".join(dict.fromkeys(result["activation"])) or "no hidden layer"
    lines = [
        f"network {result['layer_sizes']} ({acts}), features {','.join(result['features'])}, "
        f"{result['optimizer']} lr {result['learning_rate']:g}",
        f"data: {result['source']}, {result['n_classes']} classes, "
        f"{result['n_train']} train / {result['n_test']} test points",
        f"epochs: {result['epochs']} of {planned_epochs} ({result['steps']} steps) "
        f"in {result['seconds']:.2f} s" + ("  -- DIVERGED" if result["diverged"] else ""),
        f"train: cost {cost(result['train_cost'])}  accuracy {accuracy(result['train_accuracy'])}",
    ]
    if result["n_test"]:
        lines.append(
            f"test:  cost {cost(result['test_cost'])}  accuracy {accuracy(result['test_accuracy'])}"
        )
    else:
        lines.append("test:  no test points")
    if result["out"] is not None:
        lines.append(f"weights written to {result['out']}")
    else:
        lines.append("weights not written (no --out)")
    return "\n".join(lines)


# -- predict -----------------------------------------------------------------

PREDICT_DESCRIPTION = """\
Classify points with a saved network (from `train --out` or the app).

The input CSV has the header x1,x2 or x1,x2,label (labels are read but not
used). The network's own input features (stored in the weights file) are
computed from x1, x2. The output CSV has the header

    x1,x2,p0,p1,...,p{K-1},label

with the probability of each of the K classes and the predicted label (the
most probable class). Floats are written exactly (shortest repr that reads
back to the same float64). Bad arguments or files: exit status 2, nothing
written."""

PREDICT_EPILOG = f"""\
examples:
  {PROG} train --dataset xor --out xor.npz
  {PROG} predict --weights xor.npz --data points.csv
  {PROG} predict --weights xor.json --data points.csv --out predictions.csv"""


def _add_predict_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--weights",
        required=True,
        metavar="FILE",
        help="saved network, .npz or .json (required)",
    )
    parser.add_argument(
        "--data",
        required=True,
        metavar="FILE.csv",
        help="points to classify; header x1,x2 or x1,x2,label (required)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE.csv",
        help="write the predictions to this file, atomically (default: stdout)",
    )


def _input_features(net: MLP, weights: str) -> tuple[str, ...]:
    if net.features is not None:
        return net.features
    _check(
        net.layer_sizes[0] == len(DEFAULT_FEATURES),
        f"{weights}: the network has {net.layer_sizes[0]} inputs but no input feature "
        "names, so its inputs cannot be computed from x1, x2",
    )
    return DEFAULT_FEATURES


def predictions_csv(net: MLP, points: np.ndarray, features: Sequence[str]) -> str:
    """The CSV text x1,x2,p0..p{K-1},label for points (2, m)."""
    X = transform(points, features)
    probabilities = net.class_probabilities(X)
    labels = probabilities.argmax(axis=0)
    header = ["x1", "x2", *(f"p{k}" for k in range(probabilities.shape[0])), "label"]
    lines = [",".join(header)]
    # repr of a Python float is the shortest text that reads back exactly.
    for i in range(points.shape[1]):
        row = [repr(float(points[0, i])), repr(float(points[1, i]))]
        row += [repr(float(p)) for p in probabilities[:, i]]
        row.append(str(int(labels[i])))
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def _run_predict(args: argparse.Namespace) -> int:
    out = None if args.out is None else _check_output_path(args.out, "--out")
    net = _io(load_weights, args.weights)
    features = _input_features(net, args.weights)
    # Labels in the input are not used, so accept any class count there.
    points, _ = _io(read_points_csv, args.data, n_classes=MAX_CLASSES, allow_unlabelled=True)
    text = predictions_csv(net, points, features)
    if out is None:
        sys.stdout.write(text)
    else:
        _io(_write_text, out, text, what=f"cannot write --out {str(out)!r}: ")
    return EXIT_OK


# -- gradcheck ---------------------------------------------------------------

GRADCHECK_DESCRIPTION = f"""\
Check backpropagation: compare the analytic gradient of the cost (backward)
with central differences of the cost, for every chosen activation with both
output kinds (one sigmoid unit, and a 3-class softmax), on small random
networks and data in float64.

    relative error = |numeric - analytic| / (|numeric| + |analytic|)

Prints one row per network and, as the last line, the worst relative error.
Exit status 0 when every error is <= {TOLERANCE:g}, 1 otherwise."""

GRADCHECK_EPILOG = f"""\
examples:
  {PROG} gradcheck
  {PROG} gradcheck --layers 3 --activation relu,leaky_relu
  {PROG} gradcheck --layers "" """


def _add_gradcheck_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--layers",
        default="5,4",
        metavar="SIZES",
        help=f"hidden layer sizes of the checked networks, comma-separated, each "
        f'1..{MAX_HIDDEN_WIDTH}, at most {MAX_HIDDEN_LAYERS}; "" for none (default: %(default)s)',
    )
    parser.add_argument(
        "--activation",
        metavar="NAMES",
        help=f"activations to check, comma-separated, from: {', '.join(ACTIVATIONS)} "
        "(default: all)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of the random networks and data, >= 0 (default: %(default)s)",
    )


def _run_gradcheck(args: argparse.Namespace) -> int:
    hidden = parse_layers(args.layers)
    names = None
    if args.activation is not None:
        names = _parse_names(args.activation, "--activation")
        for name in names:
            _check(
                name in ACTIVATIONS,
                f"--activation: unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}",
            )
        names = list(dict.fromkeys(names))
    _check(args.seed >= 0, "--seed must be >= 0")
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


# -- bench -------------------------------------------------------------------

BENCH_DESCRIPTION = """\
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
  against the same training headless (alternating rounds), new surfaces
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

The full run takes about 8.5 minutes; --quick about a minute. The exit
status is 0 even when a target is missed: misses are marked FAIL in the table
and "pass": false in the JSON."""

BENCH_EPILOG = f"""\
examples:
  {PROG} bench                       the full run, as a table
  {PROG} bench --quick               under a minute
  {PROG} bench --quick --json        one JSON object on the last line of stdout
  {PROG} bench --no-app --peers none the engine alone, no optional peers

output:
  The table goes to stdout, progress to stderr. With --json, stdout is one
  JSON object on one line with the keys schema, mode, options, training,
  peer_notes, surface, app, machine, seconds and targets (each target:
  key, description, target, value, pass, note); values that do not exist
  are null."""


def _add_bench_arguments(parser: argparse.ArgumentParser) -> None:
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


def _run_bench(args: argparse.Namespace) -> int:
    from . import bench

    cases = _parse_names(args.cases, "--cases")
    for key in cases:
        _check(key in ("a", "b", "c"), f"--cases: unknown case {key!r}; choose from a, b, c")
    peers = None
    if args.peers is not None:
        peers = () if args.peers.strip() == "none" else _parse_names(args.peers, "--peers")
        for name in peers:
            _check(
                name in ("torch", "sklearn"),
                f"--peers: unknown peer {name!r}; choose from torch, sklearn (or none)",
            )
    for option, value in (
        ("--rounds", args.rounds),
        ("--app-rounds", args.app_rounds),
    ):
        _check(value is None or value >= 1, f"{option} must be >= 1")
    for option, value in (
        ("--round-seconds", args.round_seconds),
        ("--app-seconds", args.app_seconds),
        ("--headless-seconds", args.headless_seconds),
    ):
        _check(value is None or (_finite(value) and value > 0), f"{option} must be > 0")
    _check(
        args.thread_seconds is None or (_finite(args.thread_seconds) and args.thread_seconds >= 0),
        "--thread-seconds must be >= 0",
    )
    options = bench.Options(
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

    def progress(message: str) -> None:
        print(f"{PROG} bench: {message}", file=sys.stderr, flush=True)

    result = bench.run(options, progress)
    if args.json:
        print(bench.to_json(result))
    else:
        print(bench.format_table(result))
    return EXIT_OK


# -- the parser ----------------------------------------------------------------

# To add a subcommand, add a Command here: its parser, --help and error
# handling come from build_parser and main.
COMMANDS: list[Command] = [
    Command(
        "train",
        "train a network headless and report cost and accuracy",
        TRAIN_DESCRIPTION,
        TRAIN_EPILOG,
        _add_train_arguments,
        _run_train,
    ),
    Command(
        "predict",
        "classify points from a CSV file with saved weights",
        PREDICT_DESCRIPTION,
        PREDICT_EPILOG,
        _add_predict_arguments,
        _run_predict,
    ),
    Command(
        "gradcheck",
        "check backpropagation against numeric gradients",
        GRADCHECK_DESCRIPTION,
        GRADCHECK_EPILOG,
        _add_gradcheck_arguments,
        _run_gradcheck,
    ),
    Command(
        "bench",
        "measure the engine and the live app against peers and targets",
        BENCH_DESCRIPTION,
        BENCH_EPILOG,
        _add_bench_arguments,
        _run_bench,
    ),
]

MAIN_DESCRIPTION = """\
Watch backpropagation learn: draw points of two or more classes, pick a small
neural network, and see the decision boundary, the weights and the gradients
change as it trains.

Without a subcommand the desktop app opens. The subcommands work headless,
on the same NumPy engine. Run `backprop-gui COMMAND --help` for the options
of each.

exit status:
  0  success
  1  the command ran but failed: training diverged, or a gradient check failed
  2  bad arguments or a bad input file (one line on stderr; nothing written)"""

MAIN_EPILOG = f"""\
examples:
  {PROG}                                  open the app
  {PROG} train --dataset xor --json       train headless, print JSON
  {PROG} train --dataset moons --out moons.npz
  {PROG} predict --weights moons.npz --data points.csv --out predictions.csv
  {PROG} gradcheck                        verify the gradients
  {PROG} bench --quick                    measure the speed, in under a minute"""


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per entry of COMMANDS."""
    parser = _Parser(
        prog=PROG,
        description=MAIN_DESCRIPTION,
        epilog=MAIN_EPILOG,
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", parser_class=_Parser
    )
    for command in COMMANDS:
        sub = subparsers.add_parser(
            command.name,
            help=command.summary,
            description=command.description,
            epilog=command.epilog,
            formatter_class=_HelpFormatter,
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run, prog=sub.prog)
    return parser


def _run_gui() -> int:
    try:
        from .gui.app import run
    except ImportError as exc:
        # Only a missing part of our own GUI package means "not built"; any
        # other import problem (e.g. a broken Qt install) shows its real cause.
        gui = f"{__package__}.gui"
        if not (exc.name == gui or (exc.name or "").startswith(gui + ".")):
            raise
        print(
            f"{PROG}: the desktop app is not available in this installation "
            f"({exc.name} is missing); the subcommands still work, see --help",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return run()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        # --help, --version or a usage error (already printed): callers of
        # main() get the status back instead of an exception.
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:
        return _run_gui()
    try:
        return args.run(args)
    except (UsageError, BadFileError) as exc:
        # File errors already name the file; one line, never a traceback.
        print(f"{args.prog}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # Ctrl-C: the atomic writes leave no partial file behind.
        print(f"{args.prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of stdout went away (e.g. `| head`): stop quietly.
        # Point stdout at devnull so the interpreter's final flush is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
