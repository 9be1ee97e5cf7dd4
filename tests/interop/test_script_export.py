"""The .py export: a standalone, readable NumPy file that predicts exactly
what `backprop-gui predict` does, and builds the network in PyTorch."""

import ast
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop_gui.cli.predict import predictions_csv
from backprop_gui.core import (
    ACTIVATIONS,
    FEATURES,
    MLP,
    save_weights,
    transform,
    write_points_csv,
)
from backprop_gui.interop import save_script, to_script
from backprop_gui.interop.script_export import FEATURE_EXPRESSIONS, TORCH_ACTIVATIONS

from .examples import NETWORKS, probabilities, random_points

REPO = Path(__file__).resolve().parents[2]


def run_python(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def predict_with_the_cli(net: MLP, data: Path) -> str:
    save_weights(net, data.with_name("weights.npz"))
    result = run_python(
        "-m", "backprop_gui", "predict", "--weights", "weights.npz", "--data", data.name,
        cwd=data.parent,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def load_script(path: Path):
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", NETWORKS)
def test_the_script_prints_what_predict_prints_byte_for_byte(name, tmp_path):
    net = NETWORKS[name]()
    points = random_points(300, seed=3)
    write_points_csv(tmp_path / "points.csv", points, None)
    save_script(net, tmp_path / "net.py")
    # Run from elsewhere, without backprop_gui importable: it stands alone.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, str(tmp_path / "net.py"), str(tmp_path / "points.csv")],
        cwd=elsewhere,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    P = net.class_probabilities(transform(points, net.features))
    assert result.stdout == predictions_csv(points, P)


def test_it_reads_the_points_files_predict_reads(tmp_path):
    # End to end against the command itself.
    # Labels, a UTF-8 BOM, CRLF line ends, blank lines and spaces around values.
    net = NETWORKS["products and sines, sigmoid, three classes"]()
    text = "\ufeffx1, x2 ,label\r\n\r\n-1.5, 2.25,0\r\n3,-0.125 ,2\r\n  \r\n0.1,0.2,1\r\n"
    (tmp_path / "points.csv").write_bytes(text.encode("utf-8"))
    save_script(net, tmp_path / "net.py")
    result = run_python("net.py", "points.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == predict_with_the_cli(net, tmp_path / "points.csv")
    assert result.stdout.splitlines()[0] == "x1,x2,p0,p1,p2,label"


@pytest.mark.parametrize(
    "text",
    ["", "a,b\n1,2\n", "x1,x2\n1,2,3\n", "x1,x2\n1,oops\n", "x1,x2\nnan,1\n"],
    ids=["empty", "bad header", "extra value", "not a number", "nan"],
)
def test_a_bad_points_file_is_one_line_on_stderr_and_status_2(text, tmp_path):
    (tmp_path / "points.csv").write_text(text)
    save_script(NETWORKS["tanh, two classes"](), tmp_path / "net.py")
    result = run_python("net.py", "points.csv", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert "points.csv" in result.stderr and "Traceback" not in result.stderr


def test_the_weights_are_literal_lists_that_read_back_exactly():
    net = NETWORKS["every feature, relu then leaky_relu, three classes"]()
    tree = ast.parse(to_script(net))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name[0] in "Wb" and name[1:].isdigit():
                call = node.value
                while not (isinstance(call, ast.Call) and ast.unparse(call.func) == "np.array"):
                    call = call.func.value  # b1 = np.array([...]).reshape(-1, 1)
                found[name] = np.array(ast.literal_eval(call.args[0]), dtype=np.float64)
    assert set(found) == set(net.params)
    for name, value in found.items():
        np.testing.assert_array_equal(value.reshape(net.params[name].shape), net.params[name])
    # Only the standard library and NumPy at the top: no pickle, nothing decoded.
    imports = {
        alias.name
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imports == {"sys", "numpy"}


def test_the_forward_pass_reads_as_the_equations():
    source = to_script(NETWORKS["every feature, relu then leaky_relu, three classes"]())
    for line in [
        "x1, x2 = points",
        "return np.vstack([x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(x1), np.sin(x2)])",
        "Z1 = W1 @ A0 + b1",
        "A1 = relu(Z1)",
        "Z2 = W2 @ A1 + b2",
        "A2 = leaky_relu(Z2)",
        "Z3 = W3 @ A2 + b3",
        "A3 = softmax(Z3)",
        "return A3",
    ]:
        assert f"    {line}\n" in source, line
    linear = to_script(NETWORKS["linear hidden layer"]())
    assert "    A1 = Z1\n" in linear and "    A2 = sigmoid(Z2)\n" in linear


def test_imported_it_predicts_for_points_as_rows(tmp_path):
    net = NETWORKS["squares and sigmoid then linear, five classes"]()
    save_script(net, tmp_path / "five.py")
    module = load_script(tmp_path / "five.py")
    points = random_points(50, seed=4)
    np.testing.assert_array_equal(module.predict_proba(points.T), probabilities(net, points))
    np.testing.assert_array_equal(module.predict(points.T), probabilities(net, points).argmax(1))


def test_every_feature_and_activation_of_the_app_has_a_translation():
    assert set(FEATURE_EXPRESSIONS) == set(FEATURES)
    assert set(TORCH_ACTIVATIONS) == set(ACTIVATIONS)


def test_networks_that_cannot_be_exported_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="no input feature names"):
        to_script(MLP([3, 2, 1], "tanh", seed=0))
    broken = MLP([2, 2, 1], "tanh", seed=0)
    broken.params["b1"][1, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        to_script(broken)


@pytest.mark.parametrize("name", NETWORKS)
def test_to_torch_builds_the_same_network(name, tmp_path):
    torch = pytest.importorskip("torch")
    net = NETWORKS[name]()
    save_script(net, tmp_path / "net.py")
    model = load_script(tmp_path / "net.py").to_torch()
    points = random_points(500, seed=5)
    x = torch.from_numpy(points.T.copy())
    with torch.no_grad():
        A = model(x).numpy()
        Z = model[:-1](x).numpy()  # without the output activation: the logits
    expected = probabilities(net, points)
    if net.output_kind.name == "sigmoid":
        expected = expected[:, 1:]  # one unit: P(class 1)
    assert A.dtype == np.float64
    np.testing.assert_allclose(A, expected, rtol=0, atol=1e-9)
    logits = net.forward(transform(points, net.features)).Z[net.L].T
    np.testing.assert_allclose(Z, logits, rtol=1e-9, atol=1e-9)


def test_to_torch_without_pytorch_says_how_to_install_it(tmp_path, monkeypatch):
    save_script(NETWORKS["tanh, two classes"](), tmp_path / "net.py")
    module = load_script(tmp_path / "net.py")
    monkeypatch.setitem(sys.modules, "torch", None)  # "import torch" now fails
    with pytest.raises(ImportError, match="pip install torch"):
        module.to_torch()
