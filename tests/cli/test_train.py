"""``backprop-gui train``, end to end."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from .helpers import assert_usage_error, last_json, points_csv, run_cli

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
    points = points_csv(tmp_path, labelled=False)
    predicted = run_cli("predict", "--weights", str(out), "--data", str(points))
    assert predicted.returncode == 0, predicted.stderr


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_cost_that_explodes_with_finite_weights_is_divergence(tmp_path: Path, optimizer) -> None:
    # tanh keeps the weights finite at α = 1000 while the cost climbs from
    # 0.68 to hundreds (#15 item 7): that is divergence too, and the weights
    # written are those of the lowest cost seen, not the exploded ones.
    out = tmp_path / "exploded.npz"
    result = run_cli(
        "train", "--dataset", "spiral", "--lr", "1000", "--optimizer", optimizer,
        "--epochs", "300", "--json", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    data = last_json(result)
    assert data["diverged"] is True and "exploded" in data["message"]
    assert data["train_cost"] < 1.0  # the best weights' cost, near log 2
    points = points_csv(tmp_path, labelled=False)
    predicted = run_cli("predict", "--weights", str(out), "--data", str(points))
    assert predicted.returncode == 0, predicted.stderr
    assert "nan" not in predicted.stdout.lower() and predicted.stderr == ""


def test_a_diverged_momentum_run_keeps_weights_that_predict(tmp_path: Path) -> None:
    # Linear units with momentum: the last finite weights were ~1e165 and
    # predicted NaN (#15 item 8); the kept ones are the lowest-cost finite ones.
    out = tmp_path / "momentum.npz"
    result = run_cli(
        "train", "--dataset", "xor", "--layers", "8,8", "--activation", "linear",
        "--optimizer", "momentum", "--lr", "10", "--epochs", "500", "--json", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert last_json(result)["diverged"] is True
    points = points_csv(tmp_path, labelled=False)
    predicted = run_cli("predict", "--weights", str(out), "--data", str(points))
    assert predicted.returncode == 0, predicted.stderr
    assert "nan" not in predicted.stdout.lower() and predicted.stderr == ""


def test_no_divergence_reports_false(tmp_path: Path) -> None:
    result = run_cli("train", "--dataset", "gaussian", "--epochs", "10", "--json")
    assert result.returncode == 0
    assert last_json(result)["diverged"] is False


@pytest.mark.parametrize("lr", ["0", "1e400", "nan"])
def test_bad_lr_message(lr: str) -> None:
    # 1e400 (infinity) and nan were told "must be > 0", as if they were not.
    line = assert_usage_error(run_cli("train", "--dataset", "xor", "--lr", lr))
    assert line == "backprop-gui train: error: --lr must be > 0 and finite"


def test_out_with_unknown_suffix_is_rejected_before_training(tmp_path: Path) -> None:
    out = tmp_path / "weights.txt"
    line = assert_usage_error(run_cli("train", "--dataset", "xor", "--out", str(out)))
    assert "--out" in line
    assert list(tmp_path.iterdir()) == []


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


# -- the test split is the window's ------------------------------------------


def test_the_held_out_points_are_those_the_window_holds_out(tmp_path: Path) -> None:
    # 200 points at 20 %: the session's rule (a key per point from the seed,
    # the 40 smallest keys are the test set), so the test cost after a step
    # too small to move any weight is the initial network's cost on them.
    import numpy as np

    from backprop_gui.core import MLP, make_dataset, transform, write_points_csv
    from backprop_gui.session import test_mask

    points, labels = make_dataset("circle", 200, 0.1, seed=3)
    data = tmp_path / "circle.csv"
    write_points_csv(data, points, labels)
    result = run_cli(
        "train", "--data", str(data), "--seed", "5", "--epochs", "1", "--lr", "1e-300", "--json"
    )
    assert result.returncode == 0, result.stderr
    info = last_json(result)
    assert (info["n_train"], info["n_test"]) == (160, 40)

    test = test_mask(np.random.default_rng(5).random(200), 0.2)
    net = MLP([2, 8, 8, 1], "tanh", seed=5, features=("x1", "x2"))
    expected = net.cost(transform(points[:, test]), labels[test][None, :].astype(float))
    assert info["test_cost"] == pytest.approx(expected, rel=1e-12)


# -- bad input, not divergence ---------------------------------------------------


def test_points_whose_features_overflow_are_bad_input_naming_the_file(tmp_path: Path) -> None:
    data = tmp_path / "huge.csv"
    data.write_text("x1,x2,label\n1.0,2.0,0\n1e308,0.5,1\n-1.0,2.0,1\n3.0,3.0,0\n")
    line = assert_usage_error(
        run_cli("train", "--data", str(data), "--features", "x1,x2,x1^2", "--test-ratio", "0")
    )
    assert "huge.csv" in line and "x1^2" in line and "overflow" in line
    assert "learning rate" not in line


@pytest.mark.parametrize("seed", [0, 1])
def test_the_overflowing_point_is_counted_in_the_files_order_whatever_the_split(
    tmp_path: Path, seed: int
) -> None:
    # It was counted within the training or test share, which the seed draws.
    rows = [f"{i / 10},0.5,{i % 2}" for i in range(20)]
    rows[13] = "1e200,0.5,1"
    data = tmp_path / "huge.csv"
    data.write_text("x1,x2,label\n" + "\n".join(rows) + "\n")
    args = ("--features", "x1,x1^2", "--test-ratio", "0.5", "--seed", str(seed))
    line = assert_usage_error(run_cli("train", "--data", str(data), *args))
    assert "overflows to inf for point 14 (1e+200, 0.5)" in line


def test_a_penalty_that_overflows_is_a_bad_option() -> None:
    line = assert_usage_error(run_cli("train", "--dataset", "xor", "--l2", "1e308"))
    assert "--l2" in line and "learning rate" not in line
    line = assert_usage_error(run_cli("train", "--dataset", "xor", "--l1", "1e308", "--l2", "0"))
    assert "--l1" in line


# -- numbers and limits ------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    ["1_000,2,0", "\uff11,2,0", "1,\u0663,1", "1,2,\uff11"],
    ids=["underscore", "fullwidth", "arabic-indic", "label"],
)
def test_a_csv_number_must_be_ascii_decimal(tmp_path: Path, row: str) -> None:
    data = tmp_path / "odd.csv"
    data.write_text(f"x1,x2,label\n1,2,0\n{row}\n3,4,1\n", encoding="utf-8")
    line = assert_usage_error(run_cli("train", "--data", str(data)))
    assert "odd.csv" in line and "line 3" in line and "not a number" in line


def test_epochs_beyond_the_limit_are_refused_at_once() -> None:
    line = assert_usage_error(
        run_cli("train", "--dataset", "xor", "--epochs", "99999999999999999999999", timeout=60)
    )
    assert "--epochs" in line and "10,000,000" in line


def test_training_records_every_steps_cost_to_catch_an_explosion_but_no_accuracy() -> None:
    from backprop_gui.cli import build_parser
    from backprop_gui.cli.train import plan

    args = build_parser().parse_args(["train", "--dataset", "xor", "--epochs", "10"])
    config = plan(args).config
    assert config.record_steps and not config.step_accuracy
