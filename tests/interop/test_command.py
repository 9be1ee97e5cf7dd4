"""`backprop-gui export --weights FILE --out FILE`, called as the CLI will
call it: run(args) with the parsed options."""

import argparse
import sys

import numpy as np
import pytest

from backprop_gui.core import MLP, load_weights, save_weights
from backprop_gui.interop import command

from .examples import NETWORKS, labels, probabilities, random_points


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="backprop-gui export")
    command.add_arguments(parser)
    args = parser.parse_args(list(argv))
    args.prog = parser.prog  # as the CLI's subparsers set it
    return args


@pytest.fixture
def weights(tmp_path):
    net = NETWORKS["every feature, relu then leaky_relu, three classes"]()
    save_weights(net, tmp_path / "net.json")
    return tmp_path / "net.json"


def assert_refused(capsys, status: int, *words: str) -> None:
    """Exit status 2, one line on stderr naming the problem, nothing on stdout."""
    out, err = capsys.readouterr()
    assert status == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("backprop-gui export: error: ")
    for word in words:
        assert word in err


def test_onnx_export_runs_in_onnxruntime_and_equals_predict(weights, tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    status = command.run(parse("--weights", str(weights), "--out", str(tmp_path / "net.onnx")))
    assert status == 0
    network = "x1, x2, x1^2, x2^2, x1*x2, sin(x1), sin(x2) → 6 relu → 5 leaky_relu → 3 softmax"
    assert capsys.readouterr().out == f"wrote {tmp_path / 'net.onnx'}: {network}\n"
    session = ort.InferenceSession(str(tmp_path / "net.onnx"), providers=["CPUExecutionProvider"])
    points = random_points(400, seed=31)
    p, label = session.run(None, {"x": points.T.copy()})
    net = load_weights(weights)
    np.testing.assert_allclose(p, probabilities(net, points), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(label, labels(net, points))


@pytest.mark.parametrize("suffix", [".py", ".npz", ".json"])
def test_the_other_formats(weights, tmp_path, suffix, capsys):
    out = tmp_path / f"copy{suffix}"
    assert command.run(parse("--weights", str(weights), "--out", str(out))) == 0
    assert capsys.readouterr().out.startswith(f"wrote {out}: ")
    if suffix == ".py":
        assert "Z1 = W1 @ A0 + b1" in out.read_text()
    else:
        np.testing.assert_array_equal(load_weights(out).theta, load_weights(weights).theta)


@pytest.mark.parametrize(
    ("out", "words"),
    [
        ("net.txt", ["--out must end in .npz, .json, .onnx, .py", "net.txt"]),
        ("missing/net.onnx", ["does not exist", "missing"]),
        ("a_directory.py", ["is a directory"]),
    ],
)
def test_a_bad_out_is_refused_before_anything_is_read(tmp_path, capsys, out, words):
    (tmp_path / "a_directory.py").mkdir()
    status = command.run(parse("--weights", "never-read.npz", "--out", str(tmp_path / out)))
    assert_refused(capsys, status, *words)


def test_a_bad_weights_file_is_refused_and_nothing_is_written(tmp_path, capsys):
    (tmp_path / "points.json").write_text('{"x1": [1, 2]}')
    for bad, words in [
        ("nope.npz", ["nope.npz", "file not found"]),
        ("points.json", ["points.json"]),
    ]:
        status = command.run(
            parse("--weights", str(tmp_path / bad), "--out", str(tmp_path / "n.py"))
        )
        assert_refused(capsys, status, *words)
    assert not (tmp_path / "n.py").exists()


def test_inputs_without_feature_names_cannot_become_onnx_or_a_script(tmp_path, capsys):
    save_weights(MLP([3, 2, 1], "tanh", seed=0), tmp_path / "unnamed.npz")
    for out in ("n.py", "n.onnx"):
        status = command.run(
            parse("--weights", str(tmp_path / "unnamed.npz"), "--out", str(tmp_path / out))
        )
        assert_refused(capsys, status, "unnamed.npz", "no input feature names")
        assert not (tmp_path / out).exists()


def test_without_onnx_the_message_names_the_extra(weights, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    status = command.run(parse("--weights", str(weights), "--out", str(tmp_path / "n.onnx")))
    assert_refused(capsys, status, 'pip install "backprop-gui[onnx]"')
    assert not (tmp_path / "n.onnx").exists()


def test_both_options_are_required_and_the_help_lists_every_format():
    parser = argparse.ArgumentParser(prog="backprop-gui export")
    command.add_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--weights", "w.npz"])
    for suffix in (".npz", ".json", ".onnx", ".py"):
        assert suffix in command.DESCRIPTION
    assert "export --weights spiral.npz --out spiral.onnx" in command.EPILOG
