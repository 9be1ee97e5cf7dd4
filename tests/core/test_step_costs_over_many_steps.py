"""Every step's cost and accuracy over runs of many steps, in one call or
one step per call: the numbers, the explosion rule's verdicts and the
parameters it keeps do not depend on how a run is cut. A full batch with a
sigmoid output counts its steps' hits a few dozen at a time
(``Batch.hit_rows``); the truth is ``MLP.cost`` and ``MLP.predict`` at each
step's θ.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from backprop_gui.core import MLP, DivergenceError, TrainConfig, Trainer, make_dataset
from backprop_gui.core._kernel import HIT_BYTES, HIT_ROWS, Batch


def spiral(m: int = 120):
    return make_dataset("spiral", m, seed=1)


def thetas_one_step_at_a_time(sizes, points, labels, config, steps):
    """θ before each of ``steps`` updates, and after the last: a Trainer run
    one step per call."""
    net = MLP(sizes, "tanh", seed=0)
    trainer = Trainer(net, points, labels, config)
    before = []
    for _ in range(steps):
        before.append(net.theta.copy())
        trainer.run(1)
    return before, net.theta


@pytest.mark.parametrize(
    "config",
    [
        TrainConfig(0.3, record_steps=True, record_every=0),
        TrainConfig(0.1, "momentum", l1=0.002, l2=0.01, record_steps=True, record_every=0),
        TrainConfig(0.01, "adam", l2=0.05, record_steps=True, step_accuracy=False),
    ],
)
def test_every_cost_and_accuracy_of_a_long_run_are_the_networks_before_its_step(config):
    points, labels = spiral()
    sizes, steps = [2, 6, 5, 1], 2 * HIT_ROWS + 22  # hits counted twice, then the rest
    net = MLP(sizes, "tanh", seed=0)
    trainer = Trainer(net, points, labels, config)
    trainer.run(steps)
    if config.step_accuracy:  # the rows were made and used
        assert trainer._full._hits is not None and len(trainer._full._hits) == HIT_ROWS
    before, after = thetas_one_step_at_a_time(sizes, points, labels, config, steps)
    probe = MLP(sizes, "tanh", seed=0)
    for k, theta in enumerate(before):
        probe.theta[:] = theta
        truth = probe.cost(points, labels, config.l1, config.l2)
        assert trainer.steps.cost[k] == pytest.approx(truth, rel=1e-13), k
        if config.step_accuracy:
            assert trainer.steps.accuracy[k] == np.mean(probe.predict(points) == labels)
        else:
            assert np.isnan(trainer.steps.accuracy[k])
    assert trainer.steps.step.tolist() == list(range(1, steps + 1))
    assert trainer.steps.epoch.tolist() == list(range(steps))
    # One call or one per step: the same training, bit for bit.
    assert np.array_equal(net.theta, after)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_an_explosion_is_found_at_the_same_step_with_the_same_parameters_kept(optimizer):
    # The spiral at learning rate 1000 explodes within the first hundred steps
    # (tests/core/test_explosion.py); the rule sees each cost in order.
    points, labels = spiral(200)
    config = TrainConfig(1000.0, optimizer, record_steps=True, record_every=0)
    outcomes = []
    for per_call in (3000, 1):
        net = MLP([2, 8, 8, 1], "tanh", seed=0)
        trainer = Trainer(net, points, labels, config)
        with pytest.raises(DivergenceError) as caught:
            for _ in range(3000 // per_call):
                trainer.run(per_call)
        assert caught.value.reason == "exploded"
        outcomes.append((caught.value.step, trainer, net.theta))
    (step, chunked, theta), (step_1, single, theta_1) = outcomes
    assert step == step_1 and chunked.step_count == single.step_count == step - 1
    assert np.array_equal(theta, theta_1)
    assert np.array_equal(chunked.best_theta, single.best_theta)
    assert chunked.best_cost == pytest.approx(single.best_cost, rel=1e-13)
    np.testing.assert_allclose(chunked.steps.cost, single.steps.cost, rtol=1e-13)
    assert len(chunked.steps) == step - 1  # the updates done, not the one that tripped it
    np.testing.assert_array_equal(chunked.steps.accuracy, single.steps.accuracy)
    # The parameters kept are those whose cost the log shows.
    net = MLP([2, 8, 8, 1], "tanh", seed=0)
    net.theta[:] = chunked.best_theta
    assert net.cost(points, labels) == pytest.approx(chunked.best_cost, rel=1e-12)
    assert chunked.best_cost in chunked.steps.cost


def test_an_evaluation_never_comes_after_the_step_that_exploded():
    # record_every (the CLI's) evaluates as the run goes: never the
    # parameters of a step after the one the rule stopped at.
    points, labels = spiral(200)
    config = TrainConfig(1000.0, record_steps=True, record_every=5)
    trainer = Trainer(MLP([2, 8, 8, 1], "tanh", seed=0), points, labels, config)
    with pytest.raises(DivergenceError) as caught:
        trainer.run(3000)
    assert len(trainer.history) > 0
    assert max(trainer.history.column("step")) < caught.value.step


def test_the_rows_of_hits_fit_their_budget_and_a_huge_batch_counts_every_step():
    net = MLP([2, 8, 8, 1], "tanh", seed=0)
    small = Batch(net, 200).hit_rows()  # the benchmark's case
    assert len(small) == HIT_ROWS and all(row.shape == (1, 200) for row in small)
    # The rows alone, without a whole batch's buffers.
    for m, rows in ((2_000_000, 1), (100_000, HIT_BYTES // 100_000)):
        assert len(Batch.hit_rows(SimpleNamespace(m=m, _hits=None))) == rows


def test_an_interrupt_while_the_hits_are_counted_keeps_every_whole_step():
    # The interrupt comes as the first 64 steps' hits are counted: those
    # steps have their costs, and the rows still hold their predictions.
    points, labels = spiral()
    config = TrainConfig(0.3, record_steps=True, record_every=0)
    trainer = Trainer(MLP([2, 6, 1], "tanh", seed=0), points, labels, config)
    batch = trainer._full_batch(True)
    counts, count = [], batch.count_hits

    def interrupted_once(n: int) -> list[float]:
        counts.append(n)
        if len(counts) == 1:
            raise KeyboardInterrupt
        return count(n)

    batch.count_hits = interrupted_once
    with pytest.raises(KeyboardInterrupt):
        trainer.run(3 * HIT_ROWS)
    assert counts == [HIT_ROWS, HIT_ROWS]  # counted again as the run ended
    reference = Trainer(MLP([2, 6, 1], "tanh", seed=0), points, labels, config)
    reference.run(HIT_ROWS)
    assert len(trainer.steps) == HIT_ROWS
    np.testing.assert_array_equal(trainer.steps.cost, reference.steps.cost)
    np.testing.assert_array_equal(trainer.steps.accuracy, reference.steps.accuracy)
