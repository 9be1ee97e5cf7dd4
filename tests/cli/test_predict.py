"""``backprop-gui predict``, end to end."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from .helpers import (
    assert_usage_error,
    last_json,
    names_in,
    parse_predictions,
    points_csv,
    run_cli,
)


def test_predict_npz_and_json_agree_exactly(trained: dict, tmp_path: Path) -> None:
    data = points_csv(tmp_path, labelled=False)
    outputs = {}
    for kind in ("npz", "json"):
        result = run_cli("predict", "--weights", str(trained[kind]), "--data", str(data))
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        outputs[kind] = result.stdout
    # Both formats store float64 exactly: byte-identical predictions.
    assert outputs["npz"] == outputs["json"]

    header, rows = parse_predictions(outputs["npz"])
    assert header == ["x1", "x2", "p0", "p1", "label"]
    assert len(rows) == 5
    for row in rows:
        p0, p1 = float(row[2]), float(row[3])
        assert 0.0 <= p0 <= 1.0 and 0.0 <= p1 <= 1.0
        assert p0 + p1 == pytest.approx(1.0)
        assert int(row[4]) == (1 if p1 > p0 else 0)
    # The points are echoed exactly; xor labels the quadrants.
    assert rows[0][:2] == ["-3.0", "2.5"] and rows[0][4] == "1"
    assert rows[1][:2] == ["4.0", "4.0"] and rows[1][4] == "0"
    assert rows[3][:2] == ["-5.5", "-5.25"] and rows[3][4] == "0"
    assert rows[4][4] == "1"


def test_predict_out_file_matches_stdout_and_accepts_labels(trained: dict, tmp_path: Path) -> None:
    labelled = points_csv(tmp_path, labelled=True)
    unlabelled = points_csv(tmp_path, labelled=False)
    out = tmp_path / "predictions.csv"
    result = run_cli(
        "predict", "--weights", str(trained["npz"]), "--data", str(labelled), "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    stdout = run_cli("predict", "--weights", str(trained["npz"]), "--data", str(unlabelled))
    assert out.read_text() == stdout.stdout
    # The atomic write leaves no temporary file behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "labelled.csv",
        "predictions.csv",
        "unlabelled.csv",
    ]


def test_predict_uses_the_networks_input_features(tmp_path: Path) -> None:
    weights = tmp_path / "circle.json"
    trained = run_cli(
        "train", "--dataset", "circle", "--layers", "", "--features", "x1^2,x2^2",
        "--optimizer", "adam", "--lr", "0.1", "--epochs", "300", "--json", "--out", str(weights),
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    assert last_json(trained)["train_accuracy"] >= 0.9
    data = tmp_path / "ring.csv"
    data.write_text("x1,x2\n0.0,0.5\n4.5,0.0\n0.0,-4.5\n")
    result = run_cli("predict", "--weights", str(weights), "--data", str(data))
    assert result.returncode == 0, result.stderr
    _, rows = parse_predictions(result.stdout)
    assert [row[-1] for row in rows] == ["0", "1", "1"]


def test_out_in_missing_directory_is_rejected(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "weights.npz"
    assert_usage_error(run_cli("train", "--dataset", "xor", "--out", str(out)))
    assert list(tmp_path.iterdir()) == []
    data = points_csv(tmp_path, labelled=False)
    assert_usage_error(
        run_cli("predict", "--weights", "w.npz", "--data", str(data), "--out", str(out))
    )


def test_bad_csv_for_predict(trained: dict, tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("x1,x2\n1.0,two\n")
    out = tmp_path / "p.csv"
    args = ["predict", "--weights", str(trained["npz"]), "--data", str(data), "--out", str(out)]
    line = assert_usage_error(run_cli(*args))
    assert "bad.csv" in line
    assert not out.exists()


def test_a_labelled_file_is_checked_as_train_checks_it(trained: dict, tmp_path: Path) -> None:
    # As --help says: its labels are not used, but they are the labels train reads.
    from backprop_gui.cli.predict import DESCRIPTION

    assert "checked as train checks it, labels 0..9" in " ".join(DESCRIPTION.split())
    data = tmp_path / "twelve.csv"
    data.write_text("x1,x2,label\n1.0,2.0,9\n1.0,2.0,12\n")
    args = ["predict", "--weights", str(trained["npz"]), "--data", str(data)]
    line = assert_usage_error(run_cli(*args))
    assert "twelve.csv" in line and "line 3" in line


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("corrupt.npz", b"this is not a zip file"),
        ("corrupt.json", b'{"layer_sizes": [2, 1'),
        ("wrong.json", b'{"hello": "world"}'),
        ("empty.npz", b""),
    ],
)
def test_corrupt_weights(tmp_path: Path, name: str, content: bytes) -> None:
    weights = tmp_path / name
    weights.write_bytes(content)
    data = points_csv(tmp_path, labelled=False)
    out = tmp_path / "p.csv"
    args = ["predict", "--weights", str(weights), "--data", str(data), "--out", str(out)]
    line = assert_usage_error(run_cli(*args))
    assert name in line
    assert not out.exists()


def test_missing_weights_file(tmp_path: Path) -> None:
    data = points_csv(tmp_path, labelled=False)
    line = assert_usage_error(
        run_cli("predict", "--weights", str(tmp_path / "none.npz"), "--data", str(data))
    )
    assert "none.npz" in line


# -- where the output goes ---------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")


@needs_fifo
def test_out_onto_a_fifo_is_refused_and_the_fifo_kept(trained: dict, tmp_path: Path) -> None:
    data = points_csv(tmp_path, labelled=False)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    args = ["predict", "--weights", str(trained["npz"]), "--data", str(data), "--out", str(fifo)]
    line = assert_usage_error(run_cli(*args))
    assert "pipe" in line and "not a regular file" in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert names_in(tmp_path) == ["pipe", "unlabelled.csv"]


def test_out_dash_is_standard_output(trained: dict, tmp_path: Path) -> None:
    data = points_csv(tmp_path, labelled=False)
    args = ["predict", "--weights", str(trained["npz"]), "--data", str(data)]
    dash = run_cli(*args, "--out", "-")
    assert dash.returncode == 0, dash.stderr
    assert dash.stdout == run_cli(*args).stdout
    assert dash.stdout.startswith("x1,x2,p0,p1,label\n")
    assert names_in(tmp_path) == ["unlabelled.csv"]


# -- networks the app refuses, and weights that overflow ----------------------------


def weights_json(path: Path, sizes: list[int], activation: str, value: float) -> Path:
    """A weights file by hand: every weight and bias is ``value``."""
    n_hidden = len(sizes) - 2
    data: dict = {
        "meta": {
            "format": "backprop-gui-weights",
            "version": 1,
            "layer_sizes": sizes,
            "activations": [activation] * n_hidden,
            "output": "sigmoid" if sizes[-1] == 1 else "softmax",
            "features": ["x1", "x2"],
        }
    }
    for l in range(1, len(sizes)):
        data[f"W{l}"] = [[value] * sizes[l - 1] for _ in range(sizes[l])]
        data[f"b{l}"] = [[value] for _ in range(sizes[l])]
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("sizes", "words"),
    [
        ([2, *[1] * 100, 1], ["at most 8 hidden layers", "100"]),
        ([2, 300, 1], ["1..256 units", "300"]),
        ([2, 4, 12], ["at most 10 classes", "12"]),
    ],
    ids=["deep", "wide", "classes"],
)
def test_a_network_beyond_the_limits_is_refused(tmp_path: Path, sizes, words) -> None:
    weights = weights_json(tmp_path / "big.json", sizes, "tanh", 0.1)
    data = points_csv(tmp_path, labelled=False)
    line = assert_usage_error(run_cli("predict", "--weights", str(weights), "--data", str(data)))
    assert "big.json" in line and "too large" in line
    for word in words:
        assert word in line


def test_a_deep_npz_is_refused_before_its_arrays_are_read(tmp_path: Path) -> None:
    from backprop_gui.core import MLP, save_weights

    save_weights(MLP([2, *[1] * 100, 1], "tanh", seed=0), tmp_path / "deep.npz")
    data = points_csv(tmp_path, labelled=False)
    line = assert_usage_error(
        run_cli("predict", "--weights", str(tmp_path / "deep.npz"), "--data", str(data))
    )
    assert "at most 8 hidden layers" in line


def test_weights_whose_predictions_overflow_are_refused_never_nan(tmp_path: Path) -> None:
    # Linear layers of weights ±1e165: the sums reach 1e495, which overflows,
    # and inf - inf gives NaN. (A diverged linear run kept weights like these.)
    import numpy as np

    from backprop_gui.core import MLP, save_weights

    net = MLP([2, 8, 8, 8, 1], "linear", seed=0)
    net.theta[:] = 1e165 * np.sign(np.random.default_rng(1).standard_normal(net.theta.size))
    weights = tmp_path / "huge.json"
    save_weights(net, weights)
    data = points_csv(tmp_path, labelled=False)
    with np.errstate(all="ignore"):
        assert np.isnan(net.predict_proba(np.array([[-3.0], [2.5]]))).all()  # the old output
    out = tmp_path / "p.csv"
    args = ["predict", "--weights", str(weights), "--data", str(data), "--out", str(out)]
    result = run_cli(*args)
    line = assert_usage_error(result)
    assert "huge.json" in line and "not finite" in line
    assert "Warning" not in result.stderr and "nan" not in result.stderr.lower()
    assert not out.exists()


def test_points_whose_features_overflow_are_refused(tmp_path: Path) -> None:
    weights = weights_json(tmp_path / "w.json", [2, 3, 1], "tanh", 0.5)
    meta = json.loads(weights.read_text())
    meta["meta"]["features"] = ["x1^2", "x2"]
    weights.write_text(json.dumps(meta))
    data = tmp_path / "far.csv"
    data.write_text("x1,x2\n1,2\n1e200,1\n")
    line = assert_usage_error(run_cli("predict", "--weights", str(weights), "--data", str(data)))
    assert "far.csv" in line and "x1^2" in line and "point 2" in line
