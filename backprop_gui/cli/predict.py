"""``backprop-gui predict``: classify points with a saved network."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from ..core import DEFAULT_FEATURES, MLP, load_weights, read_points_csv
from ..session import LIMITS
from .base import EXIT_OK, PROG, Command, UsageError, check
from .files import guarded, write_text
from .inputs import features_of
from .options import check_output_path

_LIMITS = (
    f"{LIMITS.hidden_layers} hidden layers of at most {LIMITS.hidden_width} units, "
    f"{LIMITS.classes} classes"
)
DESCRIPTION = f"""\
Classify points with a saved network (from `train --out` or the app).

The input CSV has the header x1,x2 or x1,x2,label. A labelled file (one the
app saved, say) is checked as train checks it, labels 0..{LIMITS.classes - 1}, but its
labels are not used. The network's own input features (stored in the
weights file) are computed from x1, x2. The output CSV has the header

    x1,x2,p0,p1,...,p{{K-1}},label

with the probability of each of the K classes and the predicted label (the
most probable class). Floats are written exactly (shortest repr that reads
back to the same float64).

The app's limits apply ({_LIMITS}):
a network beyond them is refused, and so is a weights file whose
predictions on the given points are not finite numbers (weights so large
that the sums overflow): no NaN is ever printed. --out never replaces
anything but a regular file; --out - is standard output. Bad arguments or
files: exit status 2, nothing written."""

EPILOG = f"""\
examples:
  {PROG} train --dataset xor --out xor.npz
  {PROG} predict --weights xor.npz --data points.csv
  {PROG} predict --weights xor.json --data points.csv --out predictions.csv"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
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
        help="write the predictions to this file, atomically; - for standard output "
        "(default: standard output)",
    )


def input_features(net: MLP, weights: str) -> tuple[str, ...]:
    if net.features is not None:
        return net.features
    check(
        net.layer_sizes[0] == len(DEFAULT_FEATURES),
        f"{weights}: the network has {net.layer_sizes[0]} inputs but no input feature "
        "names, so its inputs cannot be computed from x1, x2",
    )
    return DEFAULT_FEATURES


def probabilities(net: MLP, X: np.ndarray, weights: str, data: str) -> np.ndarray:
    """(K, m) class probabilities for inputs X (n_x, m); UsageError when any
    is not finite (weights so large that a sum overflows), never a warning."""
    with np.errstate(all="ignore"):
        P = net.class_probabilities(X)
    if not np.isfinite(P).all():
        largest = float(np.abs(net.theta).max(initial=0.0))
        raise UsageError(
            f"{weights}: the network's predictions on {data} are not finite numbers "
            f"(its largest weight is {largest:.3g}; a sum overflows): these weights "
            "cannot classify these points"
        )
    return P


def predictions_csv(points: np.ndarray, P: np.ndarray) -> str:
    """The CSV text x1,x2,p0..p{K-1},label for points (2, m) and P (K, m)."""
    labels = P.argmax(axis=0)
    header = ["x1", "x2", *(f"p{k}" for k in range(P.shape[0])), "label"]
    lines = [",".join(header)]
    # repr of a Python float is the shortest text that reads back exactly.
    for i in range(points.shape[1]):
        row = [repr(float(points[0, i])), repr(float(points[1, i]))]
        row += [repr(float(p)) for p in P[:, i]]
        row.append(str(int(labels[i])))
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    out = None if args.out is None else check_output_path(args.out, "--out")
    net = guarded(load_weights, args.weights, check_sizes=LIMITS.check_network)
    features = input_features(net, args.weights)
    # Labels in the input are not used, but a labelled file is checked as
    # train checks it: one file format, one set of rules.
    points, _ = guarded(read_points_csv, args.data, n_classes=LIMITS.classes, allow_unlabelled=True)
    X = features_of(points, features, args.data)
    text = predictions_csv(points, probabilities(net, X, args.weights, args.data))
    if out is None:
        sys.stdout.write(text)
    else:
        guarded(write_text, out, text, what=f"cannot write --out {str(out)!r}: ")
    return EXIT_OK


COMMAND = Command(
    "predict",
    "classify points from a CSV file with saved weights",
    DESCRIPTION,
    EPILOG,
    add_arguments,
    run,
)
