"""Every step's cost and accuracy, from the step's own forward pass.

Entry i of ``Trainer.steps`` belongs to update ``step[i]`` and holds J and the
accuracy of that step's batch at the parameters *before* that update; the
truth is ``MLP.cost`` and ``MLP.predict`` at those parameters on that batch.
"""

import numpy as np
import pytest

from backprop_gui.core import MLP, TrainConfig, Trainer, make_dataset
from backprop_gui.core._kernel import Batch
from backprop_gui.core.steplog import StepLog


def data(n_out: int, m: int = 60):
    points, labels = make_dataset("spiral", m, seed=2)
    return points, (labels if n_out == 1 else np.arange(m) % n_out)


@pytest.mark.parametrize("sizes", [[2, 6, 5, 1], [2, 6, 3]])
@pytest.mark.parametrize(("l1", "l2"), [(0.0, 0.0), (0.01, 0.0), (0.0, 0.1), (0.01, 0.1)])
def test_the_first_cost_is_the_networks_cost_at_the_initial_parameters(sizes, l1, l2):
    points, labels = data(sizes[-1])
    net = MLP(sizes, "tanh", seed=0)
    expected = net.cost(points, labels, l1, l2)
    accuracy = np.mean(net.predict(points) == labels)
    config = TrainConfig(learning_rate=0.1, l1=l1, l2=l2, record_every=0, record_steps=True)
    trainer = Trainer(net, points, labels, config)
    trainer.run(3)
    assert trainer.steps.cost[0] == pytest.approx(expected, rel=1e-12)
    assert trainer.steps.accuracy[0] == accuracy
    # and each later one is the cost at the parameters after the steps before
    assert len(trainer.steps) == 3 and trainer.steps.step.tolist() == [1, 2, 3]


@pytest.mark.parametrize(("sizes", "optimizer"), [([2, 6, 1], "momentum"), ([2, 6, 4], "adam")])
def test_a_mini_batch_steps_cost_is_the_cost_of_that_batch_before_its_update(sizes, optimizer):
    points, labels = data(sizes[-1], 50)
    net = MLP(sizes, ["relu"], seed=1)
    config = TrainConfig(0.05, optimizer, batch_size=16, l2=0.01, seed=7, record_steps=True)
    trainer = Trainer(net, points, labels, config)
    rng = np.random.default_rng(7)  # the trainer's shuffle: one permutation an epoch
    order = np.concatenate([rng.permutation(50) for _ in range(3)])
    starts = [e * 50 + s for e in range(3) for s in (0, 16, 32, 48)]
    ends = [min(s + 16, (s // 50 + 1) * 50) for s in starts]
    for k, (start, end) in enumerate(zip(starts, ends, strict=True)):
        before = net.copy()
        trainer.run(1)
        batch = order[start:end]
        X, y = points[:, batch], labels[batch]
        assert trainer.steps.cost[k] == pytest.approx(before.cost(X, y, 0.0, 0.01), rel=1e-12)
        assert trainer.steps.accuracy[k] == np.mean(before.predict(X) == y)
        assert trainer.steps.epoch[k] == k // 4
    assert trainer.steps.step.tolist() == list(range(1, 13))


@pytest.mark.parametrize(
    ("sizes", "activation", "config"),
    [
        ([2, 8, 8, 1], "tanh", TrainConfig(0.1)),
        ([2, 5, 4, 1], ["relu", "sigmoid"], TrainConfig(0.3, "momentum", batch_size=7, seed=3)),
        ([2, 6, 3], "linear", TrainConfig(0.05, "adam", l1=0.003, l2=0.01)),
        ([2, 7, 4], "leaky_relu", TrainConfig(0.1, batch_size=16, seed=1, l1=0.001)),
    ],
)
def test_recording_leaves_the_training_bit_for_bit_the_same(sizes, activation, config):
    points, labels = data(sizes[-1], 80)
    runs = []
    for record in (False, True):
        net = MLP(sizes, activation, seed=0)
        Trainer(net, points, labels, TrainConfig(**{**vars(config), "record_steps": record})).run(
            120
        )
        runs.append(net.theta)
    assert np.array_equal(runs[0], runs[1])


@pytest.mark.parametrize(("sizes", "batch_size"), [([2, 6, 1], None), ([2, 5, 3], 16)])
def test_without_the_accuracy_the_costs_and_the_training_are_the_same(sizes, batch_size):
    points, labels = data(sizes[-1], 50)
    logs, thetas = [], []
    for counting in (True, False):
        net = MLP(sizes, "tanh", seed=0)
        config = TrainConfig(
            0.1, batch_size=batch_size, seed=3, record_steps=True, step_accuracy=counting
        )
        trainer = Trainer(net, points, labels, config)
        trainer.run(30)
        logs.append(trainer.steps)
        thetas.append(net.theta)
    counted, uncounted = logs
    assert np.array_equal(thetas[0], thetas[1])
    for name in ("step", "epoch", "cost"):
        assert np.array_equal(getattr(counted, name), getattr(uncounted, name))
    assert len(uncounted) == 30 and np.isnan(uncounted.accuracy).all()
    assert not np.isnan(counted.accuracy).any()


def test_a_saturated_sigmoid_output_gives_a_finite_cost():
    # e^(−z) overflows for z < −709: the cost comes from the logits all the same.
    points, _ = make_dataset("circle", 20, seed=0)
    labels = np.ones(20, np.int64)
    net = MLP([2, 3, 1], "tanh", seed=0)
    net.params["W2"][:] = 0.0
    net.params["b2"][:] = -800.0
    trainer = Trainer(net.copy(), points, labels, TrainConfig(record_steps=True, record_every=0))
    trainer.run(1)
    assert trainer.steps.cost[0] == pytest.approx(net.cost(points, labels), rel=1e-14)
    assert trainer.steps.cost[0] == pytest.approx(800.0)
    assert trainer.steps.accuracy[0] == 0.0


def test_a_tie_at_one_half_predicts_class_1_as_predict_does():
    # Output weights and bias 0: z = 0 and σ = 0.5 on every point, which
    # predict calls class 1. By hand: 7 of the 20 points are class 1, so the
    # accuracy is 7/20 and the cost log 2 (−log 0.5 on every point).
    points, _ = make_dataset("circle", 20, seed=0)
    labels = (np.arange(20) % 3 == 0).astype(np.int64)
    assert labels.sum() == 7
    net = MLP([2, 3, 1], "tanh", seed=0)
    net.params["W2"][:] = 0.0
    net.params["b2"][:] = 0.0
    assert (net.predict(points) == 1).all()
    trainer = Trainer(net, points, labels, TrainConfig(record_steps=True, record_every=0))
    trainer.run(1)
    assert trainer.steps.accuracy[0] == 7 / 20
    assert trainer.steps.cost[0] == pytest.approx(np.log(2.0), rel=1e-15)


def test_nothing_is_recorded_unless_asked():
    points, labels = data(1)
    trainer = Trainer(MLP([2, 4, 1], seed=0), points, labels, TrainConfig(record_every=0))
    trainer.run(5)
    assert len(trainer.steps) == 0 and trainer.best_theta is None


def test_the_log_is_read_incrementally_and_keeps_its_newest_entries():
    points, labels = data(1)
    config = TrainConfig(record_every=0, record_steps=True)
    trainer = Trainer(MLP([2, 4, 1], seed=0), points, labels, config, step_capacity=16)
    trainer.run(5)
    assert trainer.steps.since(3).step.tolist() == [4, 5]
    assert len(trainer.steps.since(5)) == 0
    trainer.run(40)  # in chunks of capacity // 2, dropping the oldest
    assert len(trainer.steps) <= 16
    assert trainer.steps.step[-1] == 45
    assert np.array_equal(np.diff(trainer.steps.step), np.ones(len(trainer.steps) - 1))
    assert trainer.steps.since(40).step.tolist() == [41, 42, 43, 44, 45]


def test_a_step_log_grows_by_doubling_up_to_its_capacity():
    log = StepLog(capacity=4096)
    room = log.reserve(3000)
    assert room.step.size >= 3000 and room.written == 0
    with pytest.raises(ValueError):
        StepLog(capacity=1)


def test_a_reader_can_drop_the_entries_before_a_step():
    points, labels = data(1)
    config = TrainConfig(record_every=0, record_steps=True)
    trainer = Trainer(MLP([2, 4, 1], seed=0), points, labels, config)
    trainer.run(10)
    costs = trainer.steps.cost.copy()
    trainer.steps.drop_before(8)
    assert trainer.steps.step.tolist() == [8, 9, 10]
    assert trainer.steps.cost.tolist() == costs[7:].tolist()
    assert trainer.steps.dropped == 7
    trainer.steps.drop_before(8)  # nothing before 8 is left
    trainer.run(2)  # and the log goes on after what it kept
    assert trainer.steps.step.tolist() == [8, 9, 10, 11, 12]


class InterruptingCount(int):
    """A batch size whose ``k``-th use as the divisor of a NumPy integer raises
    KeyboardInterrupt: in the loop, that is ``correct / m``, between a step's
    cost and its accuracy being kept (as a signal can)."""

    __array_ufunc__ = None  # NumPy's scalars leave the division to us

    def __new__(cls, m: int, k: int):
        count = super().__new__(cls, m)
        count.left = k
        return count

    def __rtruediv__(self, other):
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt
        return other / int(self)


class InterruptingRows(list):
    """A full batch's rows for each step's predictions, whose ``k``-th use
    raises KeyboardInterrupt: in the loop, as the step's predictions are
    written, before its cost is kept."""

    def __init__(self, rows, k: int):
        super().__init__(rows)
        self.left = k

    def __getitem__(self, j):
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt
        return super().__getitem__(j)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_an_interrupt_mid_step_keeps_the_whole_entries_before_it(batch_size):
    points, labels = data(1, 48)
    net = MLP([2, 4, 1], "tanh", seed=0)
    config = TrainConfig(0.1, batch_size=batch_size, seed=3, record_every=0, record_steps=True)
    trainer = Trainer(net, points, labels, config)
    if batch_size is None:  # its steps' hits are counted together (Batch.hit_rows)
        batch = trainer._full_batch(True)
        rows = batch.hit_rows
        batch.hit_rows = lambda: InterruptingRows(rows(), 5)
    else:
        batch = trainer._batches[16] = Batch(net, 16)  # 48 points: 3 batches of 16
        batch.m = InterruptingCount(batch.m, 5)
    reference = Trainer(MLP([2, 4, 1], "tanh", seed=0), points, labels, config)
    reference.run(4)
    costs = reference.steps.cost[:4].tolist()
    with pytest.raises(KeyboardInterrupt):
        trainer.run(10)
    assert len(trainer.steps) == 4
    assert trainer.steps.step.tolist() == [1, 2, 3, 4]
    assert trainer.steps.cost[:4].tolist() == costs
