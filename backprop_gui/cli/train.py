"""``backprop-gui train``: train a network headless and report cost and accuracy."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core import (
    ACTIVATIONS,
    DATASETS,
    DEFAULT_FEATURES,
    FEATURES,
    MLP,
    OPTIMIZERS,
    DivergenceError,
    TrainConfig,
    Trainer,
    make_dataset,
    read_points_csv,
    save_weights,
)
from ..core.weightsfile import SUFFIXES as WEIGHT_SUFFIXES
from ..session import LIMITS, split_keys, test_mask
from . import train_report
from .base import EXIT_FAILED, EXIT_OK, PROG, Command, UsageError, check
from .files import guarded
from .inputs import features_of
from .options import (
    check_output_path,
    finite,
    integer,
    parse_activations,
    parse_features,
    parse_layers,
    real,
)
from .progress import Progress

# About this many evaluations over a run, plus one at the end: evaluating
# every epoch would cost as much as training a small network.
EVALUATIONS_PER_RUN = 100

DESCRIPTION = f"""\
Train a multilayer perceptron with backpropagation, headless, and report the
cost and accuracy on the training and test points.

The input is either a generated dataset (--dataset) or a CSV file of points
(--data) with the header x1,x2,label; labels are class indices 0, 1, 2, ...
Coordinates should lie in the app's domain [-6, 6]. The number of classes is
the largest label + 1 (at least 2): two classes use one sigmoid output unit,
K > 2 classes use K softmax units (at most {LIMITS.classes} classes).

A fraction --test-ratio of the points is held out as a test set, by the same
rule as the app's window: every point gets a random key (from --seed), and
the round(ratio x points) smallest keys are the test points. A step is one
parameter update (one mini-batch); an epoch is one pass over the training
points, so with full-batch training a step is an epoch.

Numbers, in options and files, are ASCII decimals (-1.5, 2e-3); infinity
and NaN are refused everywhere. Points whose input features overflow (x1^2
of x1 = 1e200) are bad input, and so is an --l1 or --l2 whose penalty
overflows for the initial weights: exit status 2.

If training diverges (a parameter or the cost becomes infinite or NaN), it
stops, the last finite weights are kept and still written to --out, and the
exit status is 1. Bad arguments or files: exit status 2, nothing written."""

EPILOG = f"""\
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
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
        type=integer(1, LIMITS.generated_points),
        metavar="N",
        help=f"number of generated points, 1..{LIMITS.generated_points} "
        "(default: 200; --dataset only)",
    )
    data.add_argument(
        "--noise",
        type=real,
        metavar="X",
        help="noise of the generated points, 0 (clean) .. 1 (classes overlap) "
        "(default: 0.1; --dataset only)",
    )
    data.add_argument(
        "--test-ratio",
        type=real,
        default=0.2,
        metavar="R",
        help="fraction of the points held out for testing, in [0, 1) (default: %(default)s)",
    )

    net = parser.add_argument_group("network")
    net.add_argument(
        "--layers",
        default="8,8",
        metavar="SIZES",
        help=f"hidden layer sizes, comma-separated, each 1..{LIMITS.hidden_width}, at most "
        f'{LIMITS.hidden_layers} layers; "" for no hidden layer (default: %(default)s)',
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
        type=real,
        default=0.03,
        metavar="ALPHA",
        help="learning rate, > 0 (default: %(default)s)",
    )
    training.add_argument(
        "--batch-size",
        type=integer(1, LIMITS.batch_size),
        metavar="N",
        help=f"examples per step, 1..{LIMITS.batch_size} (default: all training points, "
        "full batch)",
    )
    for name in ("l1", "l2"):
        training.add_argument(
            f"--{name}",
            type=real,
            default=0.0,
            metavar="LAMBDA",
            help=f"{name.upper()} penalty on the weights, >= 0 (default: %(default)s)",
        )
    training.add_argument(
        "--epochs",
        type=integer(1, LIMITS.epochs),
        default=500,
        metavar="N",
        help=f"passes over the training points, 1..{LIMITS.epochs} (default: %(default)s)",
    )
    training.add_argument(
        "--seed",
        type=integer(0),
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
class Plan:
    """Everything ``train`` needs, validated before any work is done."""

    hidden: tuple[int, ...]
    activations: tuple[str, ...]
    features: tuple[str, ...]
    config: TrainConfig
    out: Path | None


def plan(args: argparse.Namespace) -> Plan:
    if args.dataset is not None:
        args.points = 200 if args.points is None else args.points
        args.noise = 0.1 if args.noise is None else args.noise
        check(finite(args.noise) and 0.0 <= args.noise <= 1.0, "--noise must be in [0, 1]")
    else:
        # Silently ignoring them would suggest they changed the file's points.
        check(args.points is None, "--points only applies to --dataset, not to --data")
        check(args.noise is None, "--noise only applies to --dataset, not to --data")
    check(
        finite(args.test_ratio) and 0.0 <= args.test_ratio < 1.0,
        "--test-ratio must be in [0, 1)",
    )
    hidden = parse_layers(args.layers)
    activations = parse_activations(args.activation, len(hidden))
    features = parse_features(args.features)
    check(finite(args.lr) and args.lr > 0, "--lr must be > 0 and finite")
    check(finite(args.l1) and args.l1 >= 0, "--l1 must be >= 0 and finite")
    check(finite(args.l2) and args.l2 >= 0, "--l2 must be >= 0 and finite")
    out = None if args.out is None else check_output_path(args.out, "--out", WEIGHT_SUFFIXES)
    config = TrainConfig(
        learning_rate=args.lr,
        optimizer=args.optimizer,
        batch_size=args.batch_size,
        l1=args.l1,
        l2=args.l2,
        seed=args.seed,
        record_every=max(1, args.epochs // EVALUATIONS_PER_RUN),
        # Every step's cost, from the step's own forward pass: how a cost that
        # explodes with finite weights is caught (core._watch). Not each
        # step's accuracy, which nothing here reads.
        record_steps=True,
        step_accuracy=False,
    )
    return Plan(hidden, activations, features, config, out)


def load_points(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray, str]:
    """(points (2, m), labels (m,), a description of where they came from)."""
    if args.dataset is not None:
        points, labels = make_dataset(args.dataset, args.points, args.noise, seed=args.seed)
        return points, labels, f"dataset {args.dataset}"
    points, labels = guarded(read_points_csv, args.data, n_classes=LIMITS.classes)
    check(labels is not None and labels.size > 0, f"{args.data}: no labelled points")
    return points, labels, args.data


def split(
    columns: np.ndarray, labels: np.ndarray, test_ratio: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The training columns of ``columns`` (points (2, m) or their features
    (n_x, m)), their labels, the test columns and their labels, by the
    session's rule (the window's): keys from ``seed``, smallest are test."""
    test = test_mask(split_keys(labels.size, seed), test_ratio)
    return columns[:, ~test], labels[~test], columns[:, test], labels[test]


def check_start(trainer: Trainer, net: MLP, config: TrainConfig, source: str) -> None:
    """Refuse, as bad input, a run whose very first cost is not finite: an
    overflowing penalty is a bad option, anything else bad points."""
    try:
        trainer.evaluate()
    except DivergenceError:
        for option, l1, l2 in (("--l2", 0.0, config.l2), ("--l1", config.l1, 0.0)):
            if not finite(net.regularization(l1, l2)):
                value = config.l2 if option == "--l2" else config.l1
                raise UsageError(
                    f"{option} {value:g} is too large: the penalty overflows "
                    "for the initial weights"
                ) from None
        raise UsageError(
            f"{source}: the cost of the initial network is not finite on these points; "
            "the coordinates are too large"
        ) from None


def train_epochs(trainer: Trainer, epochs: int, progress: Progress) -> str | None:
    """Train for ``epochs``; None, or why training diverged (the message to
    report). After a divergence of either kind (a non-finite parameter or cost,
    or a cost that exploded with finite weights) the trainer holds the best
    parameters seen: the lowest cost whose predictions were finite. Every way a
    run can count as diverged is decided here."""
    try:
        for _ in range(epochs):
            trainer.run_epochs(1)
            progress.update(trainer)
    except DivergenceError as exc:
        trainer.restore_best()
        return str(exc)
    finally:
        progress.close()
    return None


def run(args: argparse.Namespace) -> int:
    the_plan = plan(args)
    points, labels, source = load_points(args)
    # The features of every point, checked in the file's order (so that
    # "point N" is the file's N-th point), then split into the two shares.
    features = features_of(points, the_plan.features, source)
    n_classes = max(2, int(labels.max()) + 1)
    X, train_labels, X_test, test_labels = split(features, labels, args.test_ratio, args.seed)
    check(
        train_labels.size > 0,
        f"no training points left after holding out --test-ratio {args.test_ratio:g} "
        f"of {labels.size}",
    )
    n_out = 1 if n_classes == 2 else n_classes
    sizes = [len(the_plan.features), *the_plan.hidden, n_out]
    net = MLP(sizes, the_plan.activations, seed=args.seed, features=the_plan.features)
    trainer = Trainer(net, X, train_labels, the_plan.config, X_test, test_labels)

    start = time.perf_counter()
    # Overflow on the way to divergence is detected and reported by the
    # trainer; NumPy's warnings about it would only clutter the output.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        check_start(trainer, net, the_plan.config, source)
        message = train_epochs(trainer, args.epochs, Progress(args.epochs))
        seconds = time.perf_counter() - start
        final = train_report.final_evaluation(trainer)
    if the_plan.out is not None:
        guarded(save_weights, net, the_plan.out, what=f"cannot write --out {str(the_plan.out)!r}: ")

    config = the_plan.config
    result = {
        "epochs": trainer.epoch,
        "steps": trainer.step_count,
        **train_report.evaluation_fields(final),
        "diverged": message is not None,
        "message": message,
        "seconds": round(seconds, 4),
        "layer_sizes": list(net.layer_sizes),
        "activation": list(net.activation_names),
        "features": list(the_plan.features),
        "optimizer": config.optimizer,
        "learning_rate": config.learning_rate,
        "batch_size": config.batch_size,
        "l1": config.l1,
        "l2": config.l2,
        "seed": args.seed,
        "source": source,
        "n_classes": n_classes,
        "n_train": int(train_labels.size),
        "n_test": int(test_labels.size),
        "out": None if the_plan.out is None else str(the_plan.out),
    }
    if message is not None:
        print(f"{PROG} train: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, allow_nan=False))
    else:
        print(train_report.summary(result, args.epochs))
    return EXIT_FAILED if message is not None else EXIT_OK


COMMAND = Command(
    "train",
    "train a network headless and report cost and accuracy",
    DESCRIPTION,
    EPILOG,
    add_arguments,
    run,
)
