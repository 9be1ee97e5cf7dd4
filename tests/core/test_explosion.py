"""A cost that explodes with finite weights is divergence too, and the weights
kept after any divergence are those of the lowest cost seen (issue #15 §7, §8).

The rule (``core._watch.Watch``): the cost of the current parameters stays
above lowest + max(10, lowest) for 25 full-batch steps or 3 epochs in a row.
"""

import numpy as np
import pytest

from backprop_gui.core import MLP, DivergenceError, TrainConfig, Trainer, make_dataset


def spiral():
    return make_dataset("spiral", 200, seed=1)


@pytest.mark.parametrize("step_accuracy", [True, False])  # the app's trainer: False
@pytest.mark.parametrize("batch_size", [None, 16])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_the_spiral_at_learning_rate_1000_is_reported_as_diverged(
    optimizer, batch_size, step_accuracy
):
    # tanh keeps every weight finite while the cost goes from 0.68 to hundreds.
    points, labels = spiral()
    net = MLP([2, 8, 8, 1], "tanh", seed=0)
    first = net.cost(points, labels)
    config = TrainConfig(
        1000.0,
        optimizer,
        batch_size,
        seed=0,
        record_steps=True,
        record_every=0,
        step_accuracy=step_accuracy,
    )
    trainer = Trainer(net, points, labels, config)
    with pytest.raises(DivergenceError) as caught:
        trainer.run(3000)
    assert caught.value.reason == "exploded"
    assert caught.value.step == trainer.step_count + 1 < 200
    assert "exploded" in str(caught.value) and "smaller learning rate" in str(caught.value)
    # The network is back at the parameters of the lowest cost seen.
    assert np.array_equal(net.theta, trainer.best_theta)
    assert np.isfinite(net.predict_proba(points)).all()
    assert net.cost(points, labels) <= 1.01 * first


@pytest.mark.parametrize(
    ("dataset", "optimizer", "learning_rate"),
    [
        ("spiral", "sgd", 0.03),
        ("spiral", "sgd", 0.3),
        ("spiral", "sgd", 3.0),
        ("moons", "sgd", 3.0),
        ("circle", "sgd", 3.0),
        ("xor", "momentum", 0.3),
        ("moons", "momentum", 0.03),
        ("circle", "adam", 0.03),
        ("spiral", "adam", 0.3),
    ],
)
def test_normal_training_with_mini_batches_of_16_never_trips_it(dataset, optimizer, learning_rate):
    points, labels = make_dataset(dataset, 200, seed=1)
    config = TrainConfig(learning_rate, optimizer, 16, seed=0, record_steps=True, record_every=0)
    trainer = Trainer(MLP([2, 8, 8, 1], "tanh", seed=0), points, labels, config)
    trainer.run(2000)  # raises if it trips
    assert trainer.steps.cost.max() > 0.0 and trainer.best_theta is not None


def test_a_spike_that_training_recovers_from_is_not_divergence():
    # relu at α = 3, full batch: the cost jumps from 1.04 to 13.9 at the second
    # step, above the limit once, then training fits the circle perfectly.
    points, labels = make_dataset("circle", 200, seed=1)
    config = TrainConfig(3.0, record_steps=True, record_every=0)
    trainer = Trainer(MLP([2, 8, 8, 1], "relu", seed=0), points, labels, config)
    trainer.run(2000)
    assert trainer.steps.cost[1] > trainer.steps.cost[0] + 10
    assert trainer.evaluate().train_accuracy == 1.0


def test_the_best_parameters_are_the_lowest_cost_seen_not_the_last_finite():
    # A linear network at α = 50 grows until its weights overflow; the last
    # finite ones are ~1e150 and useless, the best are those of the lowest cost.
    points, labels = make_dataset("circle", 100, seed=0)
    net = MLP([2, 8, 8, 1], "linear", seed=0)
    config = TrainConfig(learning_rate=50.0, record_every=0, record_steps=True)
    trainer = Trainer(net, points, labels, config)
    with pytest.raises(DivergenceError):
        trainer.run(10_000)
    assert trainer.restore_best()
    lowest = trainer.steps.cost.min()
    assert net.cost(points, labels) <= 1.01 * lowest
    assert trainer.best_cost <= 1.01 * lowest
    assert np.isfinite(net.predict_proba(points)).all()


def test_non_finite_parameters_are_told_apart_from_an_explosion():
    points, labels = make_dataset("circle", 100, seed=0)
    config = TrainConfig(learning_rate=1e300, record_every=0, record_steps=True)
    trainer = Trainer(MLP([2, 8, 8, 1], "linear", seed=0), points, labels, config)
    with pytest.raises(DivergenceError) as caught:
        trainer.run(100)
    assert caught.value.reason == "non-finite"
    assert np.isfinite(trainer.net.theta).all()


def test_costs_of_other_parameters_or_data_are_not_compared():
    points, labels = spiral()
    config = TrainConfig(0.3, record_steps=True, record_every=0)
    trainer = Trainer(MLP([2, 8, 8, 1], "tanh", seed=0), points, labels, config)
    trainer.run(50)
    assert trainer.best_theta is not None
    trainer.set_data(points[:, :100], labels[:100])
    assert trainer.best_theta is None
    trainer.run(5)
    assert trainer.best_theta is not None
    trainer.net.theta[:] = MLP([2, 8, 8, 1], "tanh", seed=3).theta  # changed from outside
    trainer.run(1)
    # the only cost seen since is that of the new parameters
    assert trainer.best_cost == trainer.steps.cost[-1]


@pytest.mark.parametrize("batch_size", [None, 16])
@pytest.mark.parametrize(
    ("activation", "learning_rate", "reason"),
    [("tanh", 1000.0, "exploded"), ("linear", 1e300, "non-finite")],
)
def test_a_divergence_keeps_the_epochs_done_and_logs_only_the_updates_done(
    batch_size, activation, learning_rate, reason
):
    points, labels = spiral()
    config = TrainConfig(0.03, batch_size=batch_size, seed=0, record_steps=True, record_every=0)
    trainer = Trainer(MLP([2, 8, 8, 1], activation, seed=0), points, labels, config)
    trainer.run(3)  # a run that started before, and went well
    trainer.configure(learning_rate=learning_rate)
    with pytest.raises(DivergenceError) as caught:
        trainer.run(3000)
    assert caught.value.reason == reason
    done = trainer.step_count
    assert caught.value.step == done + 1
    # Epochs complete as the updates done complete them: every one with full
    # batches, one per 13 mini-batches of 200 points (12 of 16 and one of 8).
    per_epoch = 1 if batch_size is None else 13
    assert trainer.steps_per_epoch == per_epoch
    assert trainer.epoch == caught.value.epoch == done // per_epoch
    # The log holds one entry per update done, the diverging one not among them.
    log = trainer.steps
    assert log.step.tolist() == list(range(1, done + 1))
    assert log.epoch.tolist() == [s // per_epoch for s in range(done)]


def test_training_goes_on_after_a_divergence_with_the_next_step_and_epoch():
    points, labels = spiral()
    config = TrainConfig(1000.0, batch_size=16, seed=0, record_steps=True, record_every=0)
    trainer = Trainer(MLP([2, 8, 8, 1], "tanh", seed=0), points, labels, config)
    with pytest.raises(DivergenceError):
        trainer.run(3000)
    done, epoch = trainer.step_count, trainer.epoch
    assert trainer.restore_best()
    trainer.configure(learning_rate=0.01)
    trainer.run(13)  # an epoch's worth of mini-batches
    assert trainer.step_count == done + 13 and trainer.epoch == epoch + 1
    assert trainer.steps.step.tolist() == list(range(1, done + 14))
    assert np.all(np.diff(trainer.steps.epoch) >= 0)


def test_a_divergence_on_an_epochs_last_batch_leaves_that_batch_for_the_next_step():
    # 200 points in batches of 16: 13 a epoch, 12 of 16 and one of 8. The
    # 13th step diverges; its batch was drawn, not trained on: the next step
    # trains on it and ends the epoch, and the epochs keep in step after.
    points, labels = spiral()
    config = TrainConfig(0.03, batch_size=16, seed=0, record_steps=True, record_every=0)
    trainer = Trainer(MLP([2, 8, 8, 1], "linear", seed=0), points, labels, config)
    trainer.run(12)
    trainer.configure(learning_rate=1e300)
    with pytest.raises(DivergenceError) as caught:
        trainer.run(1)
    assert caught.value.reason == "non-finite"
    assert (trainer.step_count, trainer.epoch) == (12, 0)
    trainer.configure(learning_rate=0.03)
    trainer.run(1)
    assert (trainer.step_count, trainer.epoch) == (13, 1)
    trainer.run(13)
    assert (trainer.step_count, trainer.epoch) == (26, 2)
    assert trainer.steps.epoch.tolist() == [s // 13 for s in range(26)]
