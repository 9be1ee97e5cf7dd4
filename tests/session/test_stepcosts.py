"""Every step's cost reaches the window: the envelope keeps every spike, and
the record crosses the process boundary exactly."""

import io

import numpy as np
import pytest

from backprop_gui.core import DivergenceError, TrainConfig, make_dataset
from backprop_gui.session import Engine, Frame
from backprop_gui.session.stepcosts import StepCosts, envelope, envelope_indices, envelope_over
from backprop_gui.session.wire import receive, send


def test_few_costs_are_kept_as_they_are():
    cost = np.array([3.0, 1.0, 2.0])
    assert envelope_indices(cost, 10).tolist() == [0, 1, 2]


def test_a_hand_worked_envelope_keeps_each_buckets_min_and_max_in_order():
    # 9 costs into at most 5 entries: buckets of 5 (two per bucket, and the last).
    cost = np.array([5.0, 1.0, 9.0, 2.0, 3.0, 4.0, 8.0, 0.5, 7.0])
    assert envelope_indices(cost, 5).tolist() == [1, 2, 6, 7, 8]


@pytest.mark.parametrize("n, limit", [(10_000, 1024), (1_001, 100), (5, 3), (77_777, 333)])
def test_the_envelope_contains_every_cost(n, limit):
    rng = np.random.default_rng(n)
    cost = np.exp(rng.normal(size=n)) + (rng.random(n) < 0.001) * 1e6  # rare spikes
    keep = envelope_indices(cost, limit)
    assert keep.size <= limit and keep[-1] == n - 1
    assert np.all(np.diff(keep) > 0)  # a subsequence, in step order
    # Between two kept entries, every cost lies within the band of its bucket:
    # the overall min and max, and every spike, are kept.
    assert cost[keep].max() == cost.max() and cost[keep].min() == cost.min()
    k = -(-n // ((limit - 1) // 2))
    for start in range(0, n, k):
        bucket = cost[start : start + k]
        kept = cost[keep[(keep >= start) & (keep < start + k)]]
        assert kept.min() == bucket.min() and kept.max() == bucket.max()


def test_a_hand_worked_envelope_over_the_axis_keeps_each_spans_min_and_max():
    # x from 0 to 8 in 2 equal spans, [0, 4) and [4, 8]; log(1 + x) from 0 to
    # 2.197 in 2 spans, split at 1.0986 (x = 2): [0, 2) and [2, 8].
    x = np.array([0.0, 1.0, 2.0, 3.0, 5.0, 6.0, 8.0])
    cost = np.array([5.0, 1.0, 4.0, 9.0, 2.0, 7.0, 3.0])
    # linear: {0,1,2,3} → min at 1, max at 3; {4,5,6} → min at 4, max at 5
    # log:    {0,1} → min 1, max 0;  {2,...,6} → min 4, max 3;  and the last, 6
    assert envelope_over(x, cost, 2).tolist() == [0, 1, 3, 4, 5, 6]


@pytest.mark.parametrize("n, buckets", [(10_000, 250), (1_001, 25), (5, 1), (40_000, 500)])
def test_the_envelope_over_the_axis_contains_every_cost(n, buckets):
    rng = np.random.default_rng(n)
    x = np.sort(rng.exponential(1000.0, n))  # dense early, sparse late
    cost = np.exp(rng.normal(size=n)) + (rng.random(n) < 0.001) * 1e6  # rare spikes
    keep = envelope_over(x, cost, buckets)
    assert keep.size <= 4 * buckets + 1 and keep[-1] == n - 1
    assert np.all(np.diff(keep) > 0)  # a subsequence, in step order
    for axis in (x, np.log1p(x)):  # every span of either axis keeps its min and max
        share = (axis - axis[0]) * (buckets / (axis[-1] - axis[0]))
        span = np.minimum(share.astype(int), buckets - 1)
        for b in np.unique(span):
            inside = np.flatnonzero(span == b)
            kept = np.intersect1d(keep, inside)
            assert cost[kept].min() == cost[inside].min() and cost[kept].max() == cost[inside].max()


def test_the_envelope_over_the_axis_keeps_a_divergence():
    cost = np.concatenate([np.linspace(1, 0.1, 5000), [47.0, 3e6, 1e153, np.nan, np.inf]])
    x = np.arange(cost.size, dtype=float)
    kept = cost[envelope_over(x, cost, 10)]
    assert 1e153 in kept and np.isnan(kept).sum() == 1 and kept[-1] == np.inf


def test_a_non_finite_cost_is_kept_as_the_highest():
    cost = np.concatenate([np.linspace(1, 0.1, 5000), [47.0, 3e6, 1e153, np.nan]])
    kept = cost[envelope_indices(cost, 50)]
    assert 1e153 in kept and np.isnan(kept[-1])


def test_step_costs_ride_in_a_frame_across_the_wire():
    costs = StepCosts(
        np.array([1, 2, 3]),
        np.array([0, 0, 1]),
        np.array([0.0, 0.5, 1.0]),
        np.array([0.7, 0.6, 9e9]),
    )
    stream = io.BytesIO()
    send(stream, Frame(epoch=1, steps=3, step_costs=costs))
    stream.seek(0)
    back = receive(stream).step_costs
    assert isinstance(back, StepCosts)
    for name in ("step", "epoch", "at", "cost"):
        assert np.array_equal(getattr(back, name), getattr(costs, name))


def test_each_frame_carries_the_steps_since_the_last_at_the_pre_update_parameters():
    engine = Engine()
    engine.build([2, 8, 1], "tanh", ("x1", "x2"), 0, TrainConfig(record_every=0), 16)
    X, Y = make_dataset("circle", 100, 0.0, seed=1)
    engine.set_data(X, Y)
    assert engine.frame(True).step_costs is None  # no step yet
    before = engine.frame(True).evaluation.train_cost
    engine.run(3)
    first = engine.frame(True).step_costs
    assert first.step.tolist() == [1, 2, 3] and first.at.tolist() == [0.0, 1.0, 2.0]
    # Step 1's cost is J at the parameters before any update: the first evaluation.
    assert first.cost[0] == pytest.approx(before, rel=1e-12)
    engine.run(2)
    assert engine.frame(False).step_costs.step.tolist() == [4, 5]


def test_the_engine_records_every_steps_cost_but_counts_no_steps_accuracy():
    # No frame carries a step's accuracy: counting its hits would slow each step.
    engine = Engine()
    engine.build([2, 4, 1], "tanh", ("x1", "x2"), 0, TrainConfig(record_steps=False), 16)
    assert engine.trainer.config.record_steps and not engine.trainer.config.step_accuracy
    # ...whatever the window changes later.
    config = engine.configure(learning_rate=0.5, record_steps=False, step_accuracy=True)
    assert config.record_steps and not config.step_accuracy and config.learning_rate == 0.5


def test_mini_batch_steps_are_placed_within_their_epoch():
    engine = Engine()
    config = TrainConfig(record_every=0, batch_size=25, seed=0)
    engine.build([2, 4, 1], "tanh", ("x1", "x2"), 0, config, 16)
    X, Y = make_dataset("xor", 100, 0.0, seed=1)
    engine.set_data(X, Y)
    engine.run(6)
    at = engine.frame(False).step_costs.at
    assert at.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25]


def test_many_steps_come_as_an_envelope():
    engine = Engine()
    engine.build([2, 4, 1], "tanh", ("x1", "x2"), 0, TrainConfig(record_every=0), 16)
    X, Y = make_dataset("xor", 50, 0.0, seed=1)
    engine.set_data(X, Y)
    engine.run(20_000)
    highest = engine.trainer.steps.cost.max()
    costs = engine.frame(False).step_costs
    assert len(costs) <= 1024 and costs.step[-1] == 20_000
    assert costs.cost.max() == highest
    assert envelope(costs) is costs  # small enough already


def test_the_engine_forgets_the_steps_it_has_sent_so_its_memory_stays_flat():
    engine = Engine()
    engine.build([2, 4, 1], "tanh", ("x1", "x2"), 0, TrainConfig(record_every=0), 16)
    X, Y = make_dataset("xor", 50, 0.0, seed=1)
    engine.set_data(X, Y)
    for _ in range(5):
        engine.run(1_000)
        engine.frame(False)
        # Full batches: an epoch is a step, so only the last one is kept.
        assert len(engine.trainer.steps) == 1
    assert engine.trainer.steps.step.tolist() == [5_000]


def test_an_epoch_split_between_two_frames_is_placed_as_if_in_one():
    engine = Engine()
    config = TrainConfig(record_every=0, batch_size=25, seed=0)
    engine.build([2, 4, 1], "tanh", ("x1", "x2"), 0, config, 16)
    X, Y = make_dataset("xor", 100, 0.0, seed=1)
    engine.set_data(X, Y)
    engine.run(6)  # epoch 0 and half of epoch 1
    engine.frame(False)
    assert engine.trainer.steps.step.tolist() == [5, 6]  # epoch 1 so far
    engine.run(3)
    at = engine.frame(False).step_costs.at
    assert at.tolist() == [1.5, 1.75, 2.0]


def test_after_a_divergence_and_a_restore_the_frames_go_on_from_the_steps_done():
    # The spiral at α = 1000 explodes; restored at a small α, the next frame
    # carries every update from the one after the last done, placed in the
    # epochs they are in.
    engine = Engine()
    config = TrainConfig(1000.0, record_every=0, batch_size=16, seed=0)
    engine.build([2, 8, 8, 1], "tanh", ("x1", "x2"), 0, config, 16)
    X, Y = make_dataset("spiral", 200, seed=1)
    engine.set_data(X, Y)
    with pytest.raises(DivergenceError) as caught:
        engine.run(3000)
    done = engine.trainer.step_count
    diverged = engine.frame(True)
    assert diverged.steps == done == caught.value.step - 1
    assert diverged.epoch == caught.value.epoch == done // 13  # 13 batches an epoch
    assert diverged.step_costs.step[-1] == done
    engine.configure(learning_rate=0.01)
    engine.restore(engine.trainer.best_theta)
    engine.run(3)
    after = engine.frame(True).step_costs
    assert after.step.tolist() == [done + 1, done + 2, done + 3]
    assert np.all(after.epoch >= diverged.epoch) and np.all(np.diff(after.at) > 0)
    assert after.at[0] >= diverged.step_costs.at[-1]
