"""The command line, end to end: each test runs ``python -m backprop_gui`` in a
subprocess from the repository root, without installing the package."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

JSON_KEYS = {
    "epochs",
    "steps",
    "train_cost",
    "test_cost",
    "train_accuracy",
    "test_accuracy",
    "diverged",
    "seconds",
    "layer_sizes",
    "activation",
    "optimizer",
    "learning_rate",
    "out",
}


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "backprop_gui", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def last_json(result: subprocess.CompletedProcess[str]) -> dict:
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr
    return json.loads(lines[-1])


def assert_usage_error(result: subprocess.CompletedProcess[str]) -> str:
    """Exit status 2, exactly one line on stderr, no traceback, nothing on stdout."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    assert lines[0].startswith("backprop-gui")
    assert "error:" in lines[0]
    return lines[0]


XOR_ADAM = ["--dataset", "xor", "--layers", "8,8", "--optimizer", "adam", "--lr", "0.03"]
XOR_ADAM += ["--epochs", "400", "--seed", "0"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One xor network saved as .npz and as .json (the same seed gives the
    same weights), plus the JSON results of both runs."""
    folder = tmp_path_factory.mktemp("trained")
    npz, jsn = folder / "w.npz", folder / "w.json"
    runs = {}
    for path in (npz, jsn):
        result = run_cli("train", *XOR_ADAM, "--json", "--out", str(path))
        assert result.returncode == 0, result.stderr
        runs[path.suffix] = (result, last_json(result))
    return {"folder": folder, "npz": npz, "json": jsn, "runs": runs}


# -- train ---------------------------------------------------------------------


def test_train_xor_reaches_high_accuracy_and_json_contract(trained: dict) -> None:
    result, data = trained["runs"][".npz"]
    # Not a terminal: no progress line, nothing at all on stderr.
    assert result.stderr == ""
    assert data.keys() >= JSON_KEYS
    assert data["train_accuracy"] >= 0.95
    assert data["test_accuracy"] is not None and 0.0 <= data["test_accuracy"] <= 1.0
    assert math.isfinite(data["train_cost"]) and math.isfinite(data["test_cost"])
    assert data["diverged"] is False
    assert data["epochs"] == 400 and data["steps"] == 400  # full batch: a step is an epoch
    assert data["layer_sizes"] == [2, 8, 8, 1]
    assert data["activation"] == ["tanh", "tanh"]
    assert data["optimizer"] == "adam"
    assert data["learning_rate"] == 0.03
    assert data["seconds"] >= 0
    assert data["out"] == str(trained["npz"])
    assert trained["npz"].is_file()


def test_same_seed_gives_same_result(trained: dict) -> None:
    first, second = trained["runs"][".npz"][1], trained["runs"][".json"][1]
    for key in ("train_cost", "test_cost", "train_accuracy", "test_accuracy", "steps"):
        assert first[key] == second[key]


def test_train_without_test_set_reports_null_not_nan(tmp_path: Path) -> None:
    result = run_cli(
        "train", "--dataset", "circle", "--epochs", "20", "--test-ratio", "0", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert "NaN" not in result.stdout
    data = last_json(result)
    assert data["test_cost"] is None and data["test_accuracy"] is None
    assert data["train_cost"] is not None
    assert data["out"] is None


def test_train_human_summary_and_minibatches(tmp_path: Path) -> None:
    out = tmp_path / "w.json"
    result = run_cli(
        "train",
        "--dataset",
        "moons",
        "--points",
        "100",
        "--noise",
        "0",
        "--layers",
        "",
        "--features",
        "x1,x2,x1*x2",
        "--batch-size",
        "16",
        "--optimizer",
        "momentum",
        "--l2",
        "0.001",
        "--epochs",
        "3",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "epochs: 3 of 3 (15 steps)" in text  # 80 training points / 16 = 5 steps per epoch
    assert "train: cost" in text and "test:  cost" in text
    assert f"weights written to {out}" in text
    assert out.is_file()


def test_train_from_csv_with_three_classes_uses_softmax(tmp_path: Path) -> None:
    data = tmp_path / "three.csv"
    rows = ["x1,x2,label"]
    for i in range(30):
        rows.append(f"{-4 + 0.1 * i},{1 + 0.05 * i},0")
        rows.append(f"{4 - 0.1 * i},{1 + 0.05 * i},1")
        rows.append(f"{0.1 * i - 1.5},{-4 + 0.05 * i},2")
    data.write_text("\n".join(rows) + "\n")
    out = tmp_path / "three.npz"
    result = run_cli(
        "train", "--data", str(data), "--layers", "6", "--optimizer", "adam", "--epochs",
        "200", "--json", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    info = last_json(result)
    assert info["layer_sizes"] == [2, 6, 3]
    assert info["n_classes"] == 3
    assert info["train_accuracy"] >= 0.9

    predicted = run_cli("predict", "--weights", str(out), "--data", str(data))
    assert predicted.returncode == 0, predicted.stderr
    lines = predicted.stdout.splitlines()
    assert lines[0] == "x1,x2,p0,p1,p2,label"
    assert len(lines) == 91


# -- predict -------------------------------------------------------------------


def _points_csv(folder: Path, labelled: bool) -> Path:
    path = folder / ("labelled.csv" if labelled else "unlabelled.csv")
    points = [(-3.0, 2.5), (4.0, 4.0), (0.1, -0.1), (-5.5, -5.25), (2.0, -3.0)]
    header = "x1,x2,label" if labelled else "x1,x2"
    body = [f"{a!r},{b!r}" + (",0" if labelled else "") for a, b in points]
    path.write_text("\n".join([header, *body]) + "\n")
    return path


def _parse_predictions(text: str) -> tuple[list[str], list[list[str]]]:
    lines = text.splitlines()
    return lines[0].split(","), [line.split(",") for line in lines[1:]]


def test_predict_npz_and_json_agree_exactly(trained: dict, tmp_path: Path) -> None:
    data = _points_csv(tmp_path, labelled=False)
    outputs = {}
    for kind in ("npz", "json"):
        result = run_cli("predict", "--weights", str(trained[kind]), "--data", str(data))
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        outputs[kind] = result.stdout
    # Both formats store float64 exactly: byte-identical predictions.
    assert outputs["npz"] == outputs["json"]

    header, rows = _parse_predictions(outputs["npz"])
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
    labelled = _points_csv(tmp_path, labelled=True)
    unlabelled = _points_csv(tmp_path, labelled=False)
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
    _, rows = _parse_predictions(result.stdout)
    assert [row[-1] for row in rows] == ["0", "1", "1"]


# -- gradcheck -----------------------------------------------------------------


def test_gradcheck_passes_with_table_and_worst_error_last() -> None:
    result = run_cli("gradcheck")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    match = re.fullmatch(r"worst relative error: (\d\.\de[-+]\d+)", lines[-1])
    assert match, lines[-1]
    assert float(match.group(1)) <= 1e-7
    rows = [line for line in lines if line.endswith((" ok", " FAIL"))]
    # Every activation (five today) with a sigmoid and a softmax output.
    assert len(rows) >= 10 and len(rows) % 2 == 0
    assert all(row.endswith(" ok") for row in rows)
    assert "relative error" in lines[0]


def test_gradcheck_options() -> None:
    result = run_cli("gradcheck", "--layers", "3", "--activation", "relu,sigmoid")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.endswith(" ok")]
    assert len(rows) == 4
    assert all(" 2,3,1 " in row or " 2,3,3 " in row for row in rows)
    assert result.stdout.splitlines()[-1].startswith("worst relative error: ")


# -- divergence ----------------------------------------------------------------


def test_divergence_is_reported_and_weights_still_written(tmp_path: Path) -> None:
    # Linear hidden layers cannot saturate: with this learning rate the
    # weights grow geometrically and overflow within a few epochs.
    out = tmp_path / "diverged.npz"
    result = run_cli(
        "train", "--dataset", "xor", "--layers", "8,8,8", "--activation", "linear",
        "--lr", "10", "--epochs", "200", "--json", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    data = last_json(result)
    assert data["diverged"] is True
    assert "diverged" in data["message"] or "non-finite" in data["message"]
    assert data["epochs"] < 200
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout
    assert out.is_file()
    # The kept weights are finite, so they still predict.
    points = _points_csv(tmp_path, labelled=False)
    predicted = run_cli("predict", "--weights", str(out), "--data", str(points))
    assert predicted.returncode == 0, predicted.stderr


def test_no_divergence_reports_false(tmp_path: Path) -> None:
    result = run_cli("train", "--dataset", "gaussian", "--epochs", "10", "--json")
    assert result.returncode == 0
    assert last_json(result)["diverged"] is False


# -- errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["train", "--dataset", "xor", "--lr", "0"],
        ["train", "--dataset", "xor", "--lr", "-1"],
        ["train", "--dataset", "xor", "--lr", "nan"],
        ["train", "--dataset", "xor", "--lr", "fast"],
        ["train", "--dataset", "banana"],
        ["train"],
        ["train", "--dataset", "xor", "--data", "points.csv"],
        ["train", "--dataset", "xor", "--layers", "8,0"],
        ["train", "--dataset", "xor", "--layers", "300"],
        ["train", "--dataset", "xor", "--layers", "1,1,1,1,1,1,1,1,1"],
        ["train", "--dataset", "xor", "--layers", "8,x"],
        ["train", "--dataset", "xor", "--activation", "swish"],
        ["train", "--dataset", "xor", "--layers", "4,4", "--activation", "tanh,relu,relu"],
        ["train", "--dataset", "xor", "--features", "x1,x3"],
        ["train", "--dataset", "xor", "--optimizer", "rmsprop"],
        ["train", "--dataset", "xor", "--noise", "2"],
        ["train", "--dataset", "xor", "--points", "0"],
        ["train", "--dataset", "xor", "--test-ratio", "1"],
        ["train", "--dataset", "xor", "--epochs", "0"],
        ["train", "--dataset", "xor", "--batch-size", "0"],
        ["train", "--dataset", "xor", "--l2", "-0.1"],
        ["train", "--dataset", "xor", "--bogus"],
        ["frobnicate"],
        ["gradcheck", "--activation", "swish"],
        ["gradcheck", "--layers", "a"],
        ["predict", "--data", "x.csv"],
    ],
)
def test_bad_arguments_exit_2_with_one_line(args: list[str]) -> None:
    assert_usage_error(run_cli(*args))


def test_bad_lr_message() -> None:
    line = assert_usage_error(run_cli("train", "--dataset", "xor", "--lr", "0"))
    assert line == "backprop-gui train: error: --lr must be > 0"


def test_out_with_unknown_suffix_is_rejected_before_training(tmp_path: Path) -> None:
    out = tmp_path / "weights.txt"
    line = assert_usage_error(run_cli("train", "--dataset", "xor", "--out", str(out)))
    assert "--out" in line
    assert list(tmp_path.iterdir()) == []


def test_out_in_missing_directory_is_rejected(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "weights.npz"
    assert_usage_error(run_cli("train", "--dataset", "xor", "--out", str(out)))
    assert list(tmp_path.iterdir()) == []
    data = _points_csv(tmp_path, labelled=False)
    assert_usage_error(
        run_cli("predict", "--weights", "w.npz", "--data", str(data), "--out", str(out))
    )


def test_missing_data_file(tmp_path: Path) -> None:
    out = tmp_path / "w.npz"
    missing = tmp_path / "nowhere.csv"
    line = assert_usage_error(run_cli("train", "--data", str(missing), "--out", str(out)))
    assert "nowhere.csv" in line
    assert not out.exists()


@pytest.mark.parametrize(
    "content",
    [
        "a,b,c\n1,2,0\n",  # wrong header
        "x1,x2,label\n1.0,oops,0\n",  # not a number
        "x1,x2,label\n1.0,2.0\n",  # missing column
        "x1,x2\n1.0,2.0\n",  # no labels, but training needs them
        "",  # empty file
    ],
)
def test_bad_csv_for_training(tmp_path: Path, content: str) -> None:
    data = tmp_path / "bad.csv"
    data.write_text(content)
    out = tmp_path / "w.npz"
    line = assert_usage_error(run_cli("train", "--data", str(data), "--out", str(out)))
    assert "bad.csv" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_bad_csv_for_predict(trained: dict, tmp_path: Path) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("x1,x2\n1.0,two\n")
    out = tmp_path / "p.csv"
    args = ["predict", "--weights", str(trained["npz"]), "--data", str(data), "--out", str(out)]
    line = assert_usage_error(run_cli(*args))
    assert "bad.csv" in line
    assert not out.exists()


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
    data = _points_csv(tmp_path, labelled=False)
    out = tmp_path / "p.csv"
    args = ["predict", "--weights", str(weights), "--data", str(data), "--out", str(out)]
    line = assert_usage_error(run_cli(*args))
    assert name in line
    assert not out.exists()


def test_missing_weights_file(tmp_path: Path) -> None:
    data = _points_csv(tmp_path, labelled=False)
    line = assert_usage_error(
        run_cli("predict", "--weights", str(tmp_path / "none.npz"), "--data", str(data))
    )
    assert "none.npz" in line


# -- help and version ----------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ([], ["train", "predict", "gradcheck", "--version", "exit status", "examples"]),
        (
            ["train"],
            [
                "--dataset", "--data", "--points", "--noise", "--layers", "--activation",
                "--features", "--optimizer", "--lr", "--batch-size", "--l1", "--l2",
                "--epochs", "--test-ratio", "--seed", "--out", "--json", "xor", "spiral",
                "default: 500", "default: 0.03", "examples",
            ],
        ),
        (["predict"], ["--weights", "--data", "--out", "p0", "examples"]),
        (["gradcheck"], ["--layers", "--activation", "default: 5,4", "1e-07", "examples"]),
    ],
)  # fmt: skip
def test_help(command: list[str], expected: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())  # help wraps lines where it likes
    for item in expected:
        assert item in text, item


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"backprop-gui \d+\.\d+\.\d+\S*", result.stdout.strip())


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_progress_line_only_on_a_terminal() -> None:
    import select

    master, slave = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "backprop_gui", "train", "--dataset", "xor", "--epochs", "50"],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
        )
        os.close(slave)
        stdout, _ = process.communicate(timeout=120)
        seen = b""
        while select.select([master], [], [], 1.0)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # Linux: EIO once the terminal has no writer
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert process.returncode == 0
    assert b"epoch " in seen and b"/50" in seen and b"\r" in seen
    # The summary on stdout is unaffected by the progress line.
    assert "epoch" not in stdout.splitlines()[0]
    assert "epochs: 50 of 50" in stdout


def test_the_gui_without_a_display_says_so_in_one_line():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-m", "backprop_gui"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no display" in result.stderr
