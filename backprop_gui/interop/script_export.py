"""A trained network as one standalone, readable Python file.

The file holds the weights as literal lists (no pickle, no encoded blobs) and
the forward pass in NumPy, written as the app's equations::

    A0 = features(points)
    Z1 = W1 @ A0 + b1
    A1 = tanh(Z1)
    ...

Run on a CSV file of points it prints exactly what ``backprop-gui predict``
prints, byte for byte: the activations are computed in the same order of
operations as ``core.activations`` (tanh as 2 / (1 + e^(−2z)) − 1, for
instance), so every probability is the same float64. Imported, it offers
``predict_proba(points)`` for points as rows (N, 2), and ``to_torch()``,
which builds the same network as a ``torch.nn.Sequential`` when PyTorch is
installed. The file needs only NumPy (and PyTorch for ``to_torch``).
"""

from __future__ import annotations

import json
import os
import textwrap

import numpy as np

from .. import __version__
from ..core import MLP, atomic_write
from ..core.activations import LEAKY_SLOPE
from .inputs import describe, input_features

# Each input feature as an expression in x1, x2 (rows of points), with
# "{lib}" for the array library: np in the forward pass, torch in to_torch.
FEATURE_EXPRESSIONS = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 * x1",
    "x2^2": "x2 * x2",
    "x1*x2": "x1 * x2",
    "sin(x1)": "{lib}.sin(x1)",
    "sin(x2)": "{lib}.sin(x2)",
}

# The activation functions the file defines, each computed exactly as in
# core.activations / core.outputs (same operations, same order).
ACTIVATION_SOURCES = {
    "tanh": '''def tanh(Z):
    """tanh(z) = 2 / (1 + e^(−2z)) − 1, as backprop-gui computes it, so the
    predictions match the app's bit for bit (np.tanh differs by < 1e-15).
    Clipping −2z at 709 keeps e^(−2z) finite; tanh is −1 long before."""
    return 2.0 / (1.0 + np.exp(np.minimum(-2.0 * Z, 709.0))) - 1.0
''',
    "sigmoid": '''def sigmoid(Z):
    """σ(z) = 1 / (1 + e^−z); for z < −709, e^−z is inf and σ is exactly 0."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-Z))
''',
    "relu": '''def relu(Z):
    """max(0, z)"""
    return np.maximum(Z, 0.0)
''',
    "leaky_relu": f'''def leaky_relu(Z):
    """max(z, {LEAKY_SLOPE!r}·z)"""
    return np.maximum(Z, {LEAKY_SLOPE!r} * Z)
''',
    "softmax": '''def softmax(Z):
    """The softmax of each column; subtracting the column max keeps every
    exponent ≤ 0, so nothing overflows."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
''',
}
TORCH_ACTIVATIONS = {
    "tanh": "nn.Tanh()",
    "sigmoid": "nn.Sigmoid()",
    "relu": "nn.ReLU()",
    "leaky_relu": f"nn.LeakyReLU({LEAKY_SLOPE!r})",
    "linear": "nn.Identity()",
}
LINE_WIDTH = 96

HEADER = '''\
"""A neural network trained in backprop-gui, as a standalone script: NumPy only.

    {description}

The weights are below as plain lists. The forward pass is the app's equations,
with points as columns (x1; x2):

    A0 = features(points)                     (n_x, m), one row per input feature
    Z[l] = W[l] @ A[l−1] + b[l]               (n_l, m)
    A[l] = g[l](Z[l])

Run it on a CSV file of points (header x1,x2 or x1,x2,label): it prints the
same CSV as `backprop-gui predict`, x1,x2,p0,...,label:

    python {name} points.csv > predictions.csv

Or import it: predict_proba(points) takes points as rows (N, 2), like
scikit-learn and ONNX runtimes, and returns the (N, K) class probabilities;
predict(points) the labels; to_torch() builds the same network in PyTorch.

Exported by backprop-gui {version}.
"""

import sys

import numpy as np

LAYER_SIZES = {layer_sizes}
FEATURES = {features}  # the rows of A0
ACTIVATIONS = {activations}  # g[1], ..., g[L−1]
OUTPUT = {output}  # {output_note}

# W[l] is (n_l, n_(l−1)) and b[l] is (n_l, 1), as in the equations.
'''

BODY = '''

def features(points):
    """Points (2, m) as columns (x1; x2) → A0 (n_x, m), one row per feature."""
    x1, x2 = points
    return np.vstack([{numpy_features}])


def forward(A0):
    """A[L] for the inputs A0 (n_x, m): {forward_returns}"""
{forward_lines}


def class_probabilities(points):
    """Points (2, m) as columns → (K, m), the probability of every class."""
    AL = forward(features(np.asarray(points, dtype=np.float64)))
    return {class_probabilities}


def predict_proba(points):
    """Points as rows (N, 2) of x1, x2 → (N, K) class probabilities."""
    return class_probabilities(np.asarray(points, dtype=np.float64).T).T


def predict(points):
    """Points as rows (N, 2) → (N,) labels: the most probable class, the first on a tie."""
    return predict_proba(points).argmax(axis=1)


def to_torch():
    """The same network as a torch.nn.Sequential in float64: points as rows
    (N, 2) in, A[L] out ({torch_output}). model[:-1] gives the logits Z[L],
    for BCEWithLogitsLoss or CrossEntropyLoss if you train it further."""
    try:
        import torch
        from torch import nn
    except ImportError:
        raise ImportError("to_torch() needs PyTorch: pip install torch") from None

    class Features(nn.Module):
        """Points (N, 2) → the input features (N, n_x), as FEATURES says."""

        def forward(self, x):
            x1, x2 = x[:, 0], x[:, 1]
            return torch.stack([{torch_features}], dim=1)

    def linear(W, b):
        layer = nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(b[:, 0]))
        return layer

    return nn.Sequential(
        Features(),
{torch_layers}
    )


def read_points(path):
    """Points (2, m) from a CSV file whose header is x1,x2 or x1,x2,label."""
    with open(path, "rb") as stream:
        text = stream.read().decode("utf-8-sig")
    text = text.replace("\\r\\n", "\\n").replace("\\r", "\\n")
    lines = [(number, line) for number, line in enumerate(text.split("\\n"), 1) if line.strip()]
    if not lines:
        raise ValueError(f"{{path}}: is empty; the first line must be the header x1,x2,label")
    number, header = lines[0]
    names = [name.strip() for name in header.split(",")]
    if names not in (["x1", "x2"], ["x1", "x2", "label"]):
        raise ValueError(f"{{path}}: line {{number}}: the header must be x1,x2,label or x1,x2")
    rows = []
    for number, line in lines[1:]:
        fields = line.split(",")
        if len(fields) != len(names):
            raise ValueError(f"{{path}}: line {{number}}: expected {{len(names)}} values")
        try:
            x1, x2 = float(fields[0]), float(fields[1])
        except ValueError:
            raise ValueError(f"{{path}}: line {{number}}: x1 or x2 is not a number") from None
        if not (np.isfinite(x1) and np.isfinite(x2)):
            raise ValueError(f"{{path}}: line {{number}}: x1 and x2 must be finite")
        rows.append((x1, x2))
    return np.array(rows, dtype=np.float64).reshape(-1, 2).T


def predictions_csv(points):
    """The CSV text x1,x2,p0,...,p(K−1),label for points (2, m), floats
    written with repr (the shortest text that reads back to the same float)."""
    probabilities = class_probabilities(points)
    labels = probabilities.argmax(axis=0)
    header = ["x1", "x2", *(f"p{{k}}" for k in range(probabilities.shape[0])), "label"]
    lines = [",".join(header)]
    for i in range(points.shape[1]):
        row = [repr(float(points[0, i])), repr(float(points[1, i]))]
        row += [repr(float(p)) for p in probabilities[:, i]]
        row.append(str(int(labels[i])))
        lines.append(",".join(row))
    return "\\n".join(lines) + "\\n"


def main(argv):
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        usage = f"usage: python {{sys.argv[0]}} POINTS.csv  (header x1,x2 or x1,x2,label)"
        print(usage, file=sys.stderr)
        return 2
    try:
        points = read_points(argv[0])
    except (OSError, ValueError) as exc:
        print(f"{{sys.argv[0]}}: error: {{exc}}", file=sys.stderr)
        return 2
    sys.stdout.write(predictions_csv(points))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''


def to_script(net: MLP, name: str = "network.py") -> str:
    """The source of a standalone Python file for ``net`` (see the module
    docstring); ``name`` is the file name its usage line shows.

    Raises ValueError for a network with NaN or infinite parameters (no
    Python literal would read back) or without input feature names.
    """
    features = input_features(net)
    if not np.isfinite(net.theta).all():
        raise ValueError("the network has NaN or infinite parameters, which cannot be exported")
    sigmoid_out = net.output_kind.name == "sigmoid"
    parts = [
        HEADER.format(
            description=describe(net),
            name=name,
            version=__version__,
            # JSON for the lists and the name: Python literals in double quotes.
            layer_sizes=json.dumps(list(net.layer_sizes)),
            features=json.dumps(list(features)),
            activations=json.dumps(list(net.activation_names)),
            output=json.dumps(net.output_kind.name),
            output_note="one unit: A[L] = σ(Z[L]) = P(class 1)"
            if sigmoid_out
            else "K units: A[L] = softmax(Z[L]), one row per class",
        )
    ]
    layers = [
        _matrix(f"W{l}", net.params[f"W{l}"]) + _column(f"b{l}", net.params[f"b{l}"])
        for l in range(1, net.L + 1)
    ]
    parts.append("\n".join(layers))
    used = [*(a for a in net.activation_names if a != "linear"), net.output_kind.name]
    for activation in dict.fromkeys(used):
        parts.append("\n\n" + ACTIVATION_SOURCES[activation])
    parts.append(
        BODY.format(
            numpy_features=_features(features, "np"),
            torch_features=_features(features, "torch"),
            forward_returns="(1, m) P(class 1)" if sigmoid_out else "(K, m), softmax",
            forward_lines="\n".join(_forward_lines(net)),
            class_probabilities="np.vstack([1.0 - AL[0], AL[0]])" if sigmoid_out else "AL",
            torch_output="(N, 1) P(class 1)" if sigmoid_out else "(N, K) softmax",
            torch_layers="\n".join(_torch_lines(net)),
        )
    )
    return "".join(parts)


def save_script(net: MLP, path: str | os.PathLike[str]) -> None:
    """Write ``to_script(net)`` to ``path`` atomically, with "\\n" line ends."""
    text = to_script(net, os.path.basename(os.fspath(path)) or "network.py")
    with atomic_write(path, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)


def _features(features: tuple[str, ...], lib: str) -> str:
    return ", ".join(FEATURE_EXPRESSIONS[name].format(lib=lib) for name in features)


def _forward_lines(net: MLP) -> list[str]:
    lines = []
    for l in range(1, net.L + 1):
        lines.append(f"    Z{l} = W{l} @ A{l - 1} + b{l}")
        g = net.activation_names[l - 1] if l < net.L else net.output_kind.name
        lines.append(f"    A{l} = Z{l}" if g == "linear" else f"    A{l} = {g}(Z{l})")
    lines.append(f"    return A{net.L}")
    return lines


def _torch_lines(net: MLP) -> list[str]:
    lines = []
    for l in range(1, net.L + 1):
        lines.append(f"        linear(W{l}, b{l}),")
        if l < net.L:
            lines.append(f"        {TORCH_ACTIVATIONS[net.activation_names[l - 1]]},")
    sigmoid_out = net.output_kind.name == "sigmoid"
    lines.append("        nn.Sigmoid()," if sigmoid_out else "        nn.Softmax(dim=1),")
    return lines


def _numbers(values: np.ndarray) -> str:
    # repr is the shortest text that reads back to the same float64.
    return ", ".join(repr(float(v)) for v in values)


def _wrapped(text: str, indent: str) -> str:
    return "\n".join(
        textwrap.wrap(
            text,
            LINE_WIDTH,
            initial_indent=indent,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


def _matrix(name: str, W: np.ndarray) -> str:
    rows = "\n".join(_wrapped(f"[{_numbers(row)}],", "    ") for row in W)
    return f"{name} = np.array([\n{rows}\n])  # {W.shape}\n"


def _column(name: str, b: np.ndarray) -> str:
    values = _wrapped(_numbers(b[:, 0]), "    ")
    return f"{name} = np.array([\n{values}\n]).reshape(-1, 1)  # {b.shape}\n"
