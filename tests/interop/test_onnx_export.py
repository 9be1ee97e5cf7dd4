"""The ONNX export: a self-contained model that any ONNX runtime runs on raw
points and that gives the app's probabilities and labels."""

import math
import sys

import numpy as np
import pytest

from backprop_gui.core import ACTIVATIONS, MLP
from backprop_gui.core.features import FEATURES
from backprop_gui.interop import MissingExtraError, save_onnx, to_onnx
from backprop_gui.interop.onnx_export import ACTIVATION_OPS, FEATURE_NODES

from .examples import NETWORKS, labels, probabilities, random_points

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def run_model(model: bytes, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(probabilities (m, K), labels (m,)) of the model for points (2, m)."""
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    probabilities, label = session.run(["probabilities", "label"], {"x": points.T.copy()})
    return probabilities, label


@pytest.mark.parametrize("name", NETWORKS)
def test_onnxruntime_gives_our_probabilities_and_labels(name):
    net = NETWORKS[name]()
    points = random_points(1000, seed=11)
    p, label = run_model(to_onnx(net), points)
    assert p.dtype == np.float64 and p.shape == (1000, net.n_classes)
    np.testing.assert_allclose(p, probabilities(net, points), rtol=0, atol=1e-9)
    assert label.dtype == np.int64 and label.shape == (1000,)
    np.testing.assert_array_equal(label, labels(net, points))


def test_the_model_is_checked_and_declares_raw_points_in_probabilities_and_labels_out():
    model = onnx.load_from_string(to_onnx(NETWORKS["products and sines, sigmoid, three classes"]()))
    onnx.checker.check_model(model, full_check=True)

    def shape(value):
        dims = value.type.tensor_type.shape.dim
        return [d.dim_param or d.dim_value for d in dims], value.type.tensor_type.elem_type

    (x,) = model.graph.input
    assert x.name == "x" and shape(x) == (["N", 2], onnx.TensorProto.DOUBLE)
    out = {value.name: shape(value) for value in model.graph.output}
    assert out == {
        "probabilities": (["N", 3], onnx.TensorProto.DOUBLE),
        "label": (["N"], onnx.TensorProto.INT64),
    }
    props = {p.key: p.value for p in model.metadata_props}
    assert props["features"] == "x1*x2,sin(x1),sin(x2)"
    assert props["layer_sizes"] == "3,6,6,3" and props["output"] == "softmax"


def test_parameters_are_stored_as_in_the_app_and_named_as_in_the_equations():
    net = NETWORKS["deep tanh"]()
    model = onnx.load_from_string(to_onnx(net))
    stored = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    for l in range(1, net.L + 1):
        assert stored[f"W{l}"].dtype == np.float64
        np.testing.assert_array_equal(stored[f"W{l}"], net.params[f"W{l}"])
        np.testing.assert_array_equal(stored[f"b{l}"], net.params[f"b{l}"][:, 0])
    outputs = {o for node in model.graph.node for o in node.output}
    assert {"A0", "Z1", "A1", "Z4"} <= outputs


def test_one_sigmoid_unit_gives_the_two_columns_p0_p1_by_hand():
    # Z = x1, so P(class 1) = σ(x1): 1/2 at 0 and 3/4 at ln 3.
    net = MLP([2, 1], [])
    net.params["W1"][:] = [[1.0, 0.0]]
    points = np.array([[0.0, math.log(3.0), -math.log(3.0)], [5.0, -5.0, 0.0]])
    p, label = run_model(to_onnx(net), points)
    np.testing.assert_allclose(p, [[0.5, 0.5], [0.25, 0.75], [0.75, 0.25]], rtol=0, atol=1e-15)
    # p0 is computed as 1 − p1, exactly as `predict` writes it.
    np.testing.assert_array_equal(p[:, 0], 1.0 - p[:, 1])
    # On the tie the first class wins, as in `predict`'s argmax.
    np.testing.assert_array_equal(label, [0, 1, 0])


def test_leaky_relu_uses_the_float64_slope():
    # ONNX's LeakyRelu takes alpha as a float32 (0.009999999776…). Here a
    # leaky unit at −5000 feeds an output that σ sits at 0, where a slope
    # off by 2.2e−10 moves p1 by 3e−8.
    net = MLP([2, 1, 1], "leaky_relu")
    net.params["W1"][:] = [[1000.0, 0.0]]
    net.params["W2"][:] = [[0.1]]
    net.params["b2"][:] = [[5.0]]
    points = np.array([[-5.0, -2.0, 3.0], [0.0, 0.0, 0.0]])
    p, _ = run_model(to_onnx(net), points)
    np.testing.assert_allclose(p, probabilities(net, points), rtol=0, atol=1e-12)


def test_every_feature_and_activation_of_the_app_has_a_translation():
    assert set(FEATURE_NODES) == set(FEATURES)
    assert set(ACTIVATION_OPS) | {"leaky_relu"} == set(ACTIVATIONS)


def test_save_onnx_writes_the_model(tmp_path):
    net = NETWORKS["tanh, two classes"]()
    save_onnx(net, tmp_path / "net.onnx")
    assert (tmp_path / "net.onnx").read_bytes() == to_onnx(net)


def test_networks_that_cannot_be_exported_are_refused_with_the_reason():
    unnamed = MLP([3, 2, 1], "tanh", seed=0)  # three inputs, no feature names
    with pytest.raises(ValueError, match="no input feature names"):
        to_onnx(unnamed)
    broken = MLP([2, 2, 1], "tanh", seed=0)
    broken.params["W2"][0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        to_onnx(broken)


def test_without_onnx_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # "import onnx" now fails
    with pytest.raises(MissingExtraError, match=r'pip install "backprop-gui\[onnx\]"'):
        to_onnx(NETWORKS["tanh, two classes"]())
