"""A trained network as a self-contained ONNX model, for any ONNX runtime.

The model takes the raw coordinates and computes everything else itself::

    x              (N, 2) float64      the points, one per row: x1, x2
    A0             (N, n_x)            the input features, e.g. x1, x2, x1², sin x1
    Z[l] = A[l−1]·W[l]ᵀ + b[l]         one Gemm per layer (transB = 1), so W[l] is
    A[l] = g[l](Z[l])                  stored as in the app: (n_l, n_{l−1})
    probabilities  (N, K) float64      [p0, p1] for one sigmoid unit, softmax for K ≥ 2 units
    label          (N,) int64          the most probable class (the first on a tie)

Rows are points here, as in every ONNX runtime, where the app's equations use
columns: each Gemm is the transpose of Z[l] = W[l]·A[l−1] + b[l]. Probabilities
and labels are those ``backprop-gui predict`` writes. Initializers are named
W1, b1, … and the intermediate tensors Z1, A1, …, as in the equations, so a
viewer such as Netron shows the network as the window does.

Needs the optional ``onnx`` package (``pip install "backprop-gui[onnx]"``),
imported when a model is built.
"""

from __future__ import annotations

import os

import numpy as np

from .. import __version__
from ..core import MLP, atomic_write
from ..core.activations import LEAKY_SLOPE
from .extras import require
from .inputs import describe, input_features

# Opset 17 and IR version 8 (ONNX 1.12, 2022): every op used here is stable
# since, and runtimes several years old still load the model.
OPSET = 17
IR_VERSION = 8

# How each input feature is computed from the columns x1, x2 (N, 1): the op,
# its inputs and the tensor's name (names stay plain identifiers for tools).
FEATURE_NODES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "x1": ("Identity", ("x1",), "x1"),
    "x2": ("Identity", ("x2",), "x2"),
    "x1^2": ("Mul", ("x1", "x1"), "x1_squared"),
    "x2^2": ("Mul", ("x2", "x2"), "x2_squared"),
    "x1*x2": ("Mul", ("x1", "x2"), "x1_times_x2"),
    "sin(x1)": ("Sin", ("x1",), "sin_x1"),
    "sin(x2)": ("Sin", ("x2",), "sin_x2"),
}
# Each hidden activation as one ONNX op. leaky_relu is not the LeakyRelu op:
# its alpha is a float32 attribute, 0.009999999776…, which moves the outputs
# by ~1e-9; max(Z, 0.01·Z) with a float64 0.01 is exactly what the app computes.
ACTIVATION_OPS = {"tanh": "Tanh", "sigmoid": "Sigmoid", "relu": "Relu", "linear": "Identity"}


def to_onnx(net: MLP) -> bytes:
    """The ONNX model of ``net`` as bytes (see the module docstring for its
    inputs and outputs), checked with ``onnx.checker``.

    Raises ValueError for a network with NaN or infinite parameters or
    without input feature names, and MissingExtraError without ``onnx``.
    """
    onnx = require("onnx", "exporting to ONNX")
    helper, TensorProto = onnx.helper, onnx.TensorProto
    features = input_features(net)
    if not np.isfinite(net.theta).all():
        raise ValueError("the network has NaN or infinite parameters, which cannot be exported")

    initializers = [_constant("split_sizes", np.array([1, 1], dtype=np.int64))]
    nodes = [helper.make_node("Split", ["x", "split_sizes"], ["x1", "x2"], axis=1)]
    columns = []
    for name in features:
        op, inputs, output = FEATURE_NODES[name]
        if op != "Identity":
            nodes.append(helper.make_node(op, list(inputs), [output], name=name))
        columns.append(output)
    nodes.append(helper.make_node("Concat", columns, ["A0"], axis=1))

    L = net.L
    for l in range(1, L + 1):
        W = np.array(net.params[f"W{l}"], dtype=np.float64)
        b = np.array(net.params[f"b{l}"][:, 0], dtype=np.float64)
        initializers += [_constant(f"W{l}", W), _constant(f"b{l}", b)]
        nodes.append(helper.make_node("Gemm", [f"A{l - 1}", f"W{l}", f"b{l}"], [f"Z{l}"], transB=1))
        if l < L:
            nodes += _activation_nodes(net.activation_names[l - 1], l, helper, initializers)
    nodes += _output_nodes(net, helper, initializers)
    nodes.append(helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0))

    K = net.n_classes
    graph = helper.make_graph(
        nodes,
        "backprop_gui_mlp",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["N", 2])],
        [
            helper.make_tensor_value_info("probabilities", TensorProto.DOUBLE, ["N", K]),
            helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
        ],
        initializers,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="backprop-gui",
        producer_version=__version__,
        doc_string=describe(net),
    )
    model.ir_version = IR_VERSION
    helper.set_model_props(
        model,
        {
            "layer_sizes": ",".join(map(str, net.layer_sizes)),
            "activations": ",".join(net.activation_names),
            "output": net.output_kind.name,
            "features": ",".join(features),
        },
    )
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def _activation_nodes(name: str, l: int, helper, initializers: list) -> list:
    """The nodes of A[l] = g(Z[l]) for the hidden activation ``name``."""
    Z, A = f"Z{l}", f"A{l}"
    if name != "leaky_relu":
        return [helper.make_node(ACTIVATION_OPS[name], [Z], [A])]
    if not any(tensor.name == "leaky_slope" for tensor in initializers):
        initializers.append(_constant("leaky_slope", np.array(LEAKY_SLOPE)))
    return [
        helper.make_node("Mul", [Z, "leaky_slope"], [f"{Z}_scaled"]),
        helper.make_node("Max", [Z, f"{Z}_scaled"], [A]),
    ]


def _output_nodes(net: MLP, helper, initializers: list) -> list:
    """A[L] as the (N, K) probabilities: [1 − σ(Z), σ(Z)] for one sigmoid
    unit (the columns ``predict`` writes), else the softmax over each row."""
    ZL = f"Z{net.L}"
    if net.output_kind.name == "softmax":
        return [helper.make_node("Softmax", [ZL], ["probabilities"], axis=1)]
    initializers.append(_constant("one", np.array(1.0)))
    return [
        helper.make_node("Sigmoid", [ZL], ["p1"]),
        helper.make_node("Sub", ["one", "p1"], ["p0"]),
        helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
    ]


def _constant(name: str, value: np.ndarray):
    """An initializer holding ``value`` with its dtype (float64 stays float64)."""
    from onnx import numpy_helper

    return numpy_helper.from_array(value, name)


def save_onnx(net: MLP, path: str | os.PathLike[str]) -> None:
    """Write ``to_onnx(net)`` to ``path`` atomically (any suffix; .onnx is usual)."""
    data = to_onnx(net)
    with atomic_write(path, "wb") as stream:
        stream.write(data)
