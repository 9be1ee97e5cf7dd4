"""Training: it learns, counts steps and epochs precisely, and survives divergence."""

import warnings

import numpy as np
import pytest

from backprop_gui.core import MLP, DivergenceError, TrainConfig, Trainer, make_dataset


@pytest.mark.parametrize(
    ("dataset", "config", "steps"),
    [
        ("xor", TrainConfig(learning_rate=0.03, optimizer="adam", seed=0), 1500),
        ("circle", TrainConfig(learning_rate=0.03, optimizer="adam", seed=0), 1500),
        ("spiral", TrainConfig(learning_rate=0.03, optimizer="adam", seed=0), 3000),
    ],
)
def test_learns_the_classic_datasets_from_fixed_seeds(dataset, config, steps):
    points, labels = make_dataset(dataset, 200, noise=0.0, seed=1)
    trainer = Trainer(MLP([2, 8, 8, 1], "tanh", seed=0), points, labels, config)
    trainer.run(steps)
    assert trainer.history.last.train_accuracy >= 0.97


def test_plain_sgd_learns_circle():
    points, labels = make_dataset("circle", 200, noise=0.0, seed=1)
    trainer = Trainer(MLP([2, 8, 1], "tanh", seed=0), points, labels, TrainConfig(0.1))
    first = trainer.evaluate().train_cost
    trainer.run(2000)
    assert trainer.history.last.train_cost < first / 4
    assert trainer.history.last.train_accuracy >= 0.95


def test_softmax_learns_three_classes():
    rng = np.random.default_rng(0)
    centres = np.array([[-3.0, 0.0, 3.0], [-3.0, 3.0, -3.0]])
    labels = rng.integers(0, 3, 300)
    points = centres[:, labels] + rng.normal(0.0, 0.5, (2, 300))
    trainer = Trainer(MLP([2, 8, 3], seed=0), points, labels, TrainConfig(0.1, "momentum"))
    trainer.run(300)
    assert trainer.history.last.train_accuracy >= 0.98


def test_full_batch_step_is_one_epoch_and_mini_batches_count_precisely():
    points, labels = make_dataset("xor", 100, seed=0)
    full = Trainer(MLP([2, 4, 1], seed=0), points, labels)
    full.run(3)
    assert (full.step_count, full.epoch) == (3, 3)

    mini = Trainer(MLP([2, 4, 1], seed=0), points, labels, TrainConfig(batch_size=30))
    assert mini.steps_per_epoch == 4  # 30 + 30 + 30 + 10
    mini.run(6)
    assert (mini.step_count, mini.epoch) == (6, 1)
    mini.run_epochs(2)
    assert (mini.step_count, mini.epoch) == (12, 3)


def test_one_step_is_exactly_the_seeds_update():
    points, labels = make_dataset("circle", 50, seed=0)
    net = MLP([2, 5, 1], seed=0)
    expected = net.theta - 0.5 * np.concatenate(
        [g.ravel() for g in net.backward(net.forward(points), labels).values()]
    )
    Trainer(net, points, labels, TrainConfig(learning_rate=0.5)).run(1)
    np.testing.assert_allclose(net.theta, expected, rtol=1e-14, atol=1e-16)


def test_history_records_every_n_epochs_with_test_values():
    points, labels = make_dataset("gaussian", 120, seed=0)
    trainer = Trainer(
        MLP([2, 4, 1], seed=0),
        points[:, :100],
        labels[:100],
        TrainConfig(record_every=10),
        points[:, 100:],
        labels[100:],
    )
    trainer.run(50)
    assert len(trainer.history) == 5
    assert trainer.history.column("epoch").tolist() == [10, 20, 30, 40, 50]
    assert np.isfinite(trainer.history.column("test_cost")).all()


def test_test_values_are_nan_without_test_data():
    points, labels = make_dataset("gaussian", 40, seed=0)
    evaluation = Trainer(MLP([2, 4, 1], seed=0), points, labels).evaluate()
    assert np.isnan(evaluation.test_cost) and np.isnan(evaluation.test_accuracy)


def test_learning_rate_and_optimizer_change_without_resetting():
    points, labels = make_dataset("xor", 100, seed=0)
    trainer = Trainer(MLP([2, 6, 1], seed=0), points, labels)
    trainer.run(20)
    theta = trainer.net.theta.copy()
    trainer.configure(learning_rate=0.1, optimizer="adam")
    assert np.array_equal(trainer.net.theta, theta)
    assert trainer.step_count == 20
    trainer.run(5)
    assert trainer.step_count == 25
    assert trainer.config.optimizer == "adam"


def test_set_data_keeps_the_network():
    points, labels = make_dataset("xor", 100, seed=0)
    trainer = Trainer(MLP([2, 6, 1], seed=0), points, labels)
    trainer.run(5)
    theta = trainer.net.theta.copy()
    trainer.set_data(points[:, :10], labels[:10])
    assert trainer.m == 10 and np.array_equal(trainer.net.theta, theta)
    trainer.run(1)


def test_mini_batches_depend_on_the_shuffle_seed():
    points, labels = make_dataset("xor", 100, seed=0)
    runs = []
    for seed in (1, 1, 2):
        trainer = Trainer(
            MLP([2, 6, 1], seed=0), points, labels, TrainConfig(batch_size=10, seed=seed)
        )
        trainer.run(15)
        runs.append(trainer.net.theta.copy())
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_divergence_stops_in_the_step_and_keeps_the_last_finite_parameters():
    points, labels = make_dataset("circle", 100, seed=0)
    net = MLP([2, 8, 8, 1], "linear", seed=0)
    trainer = Trainer(net, points, labels, TrainConfig(learning_rate=50.0, record_every=0))
    snapshots = []
    with pytest.raises(DivergenceError) as caught:
        for _ in range(10_000):
            snapshots.append(net.theta.copy())
            trainer.run(1)
    assert np.isfinite(net.theta).all()
    assert np.array_equal(net.theta, snapshots[-1])
    assert caught.value.step == trainer.step_count + 1
    assert "smaller learning rate" in str(caught.value)


def test_config_is_validated():
    with pytest.raises(ValueError, match="learning_rate"):
        TrainConfig(learning_rate=0.0)
    with pytest.raises(ValueError, match="optimizer"):
        TrainConfig(optimizer="rmsprop")
    with pytest.raises(ValueError, match="batch_size"):
        TrainConfig(batch_size=0)
    with pytest.raises(ValueError, match="l2"):
        TrainConfig(l2=float("nan"))


def test_training_without_examples_is_refused():
    trainer = Trainer(MLP([2, 3, 1]), np.zeros((2, 0)), np.zeros(0, int))
    with pytest.raises(ValueError, match="no training examples"):
        trainer.run(1)


def test_evaluating_overflowing_parameters_reports_divergence_and_warns_of_nothing():
    # NumPy's overflow warnings went to the terminal at every divergence.
    points, labels = make_dataset("circle", 100, seed=0)
    trainer = Trainer(MLP([2, 8, 8, 1], "linear", seed=0), points, labels, TrainConfig())
    trainer.set_data(points[:, :80], labels[:80], points[:, 80:], labels[80:])
    trainer.net.theta[:] = 1e200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError, match="non-finite"):
            trainer.evaluate()
