"""The app's trainer in a child process answers like the one in-process."""

import numpy as np
import pytest

from backprop_gui.core import DivergenceError, TrainConfig, make_dataset, train_test_split
from backprop_gui.remote import Engine, RemoteEngine, RemoteError


def built(engine, lr=0.03, activation="tanh"):
    points, labels = make_dataset("circle", 120, seed=1)
    a, b, c, d = train_test_split(points, labels, 0.25, seed=1)
    engine.build([2, 6, 1], activation, ("x1", "x2"), 3, TrainConfig(lr, record_every=0), 32)
    engine.set_data(a, b, c, d)
    return engine


@pytest.fixture
def remote():
    engine = RemoteEngine()
    yield engine
    engine.close()


def test_the_process_trains_exactly_like_this_one(remote):
    local, remote = built(Engine()), built(remote)
    for engine in (local, remote):
        engine.run(25)
        engine.configure(learning_rate=0.1)
        engine.run_epochs(5)
    assert (remote.step_count, remote.epoch, remote.m) == (30, 30, local.m)
    assert np.array_equal(remote.theta(), local.theta())
    assert remote.evaluate() == local.evaluate()
    for still in (True, False):
        ours, theirs = local.frame(True, still), remote.frame(True, still)
        assert ours[0] == theirs[0] and ours[1] is theirs[1] is None
        for a, b in zip(ours[2:], theirs[2:], strict=True):
            assert np.array_equal(a, b)
    assert remote.frame(True)[2].dtype == np.float32


def test_divergence_and_errors_cross_the_process_boundary(remote):
    built(remote, lr=1e300, activation="linear")
    start = remote.theta()
    with pytest.raises(DivergenceError) as caught:
        remote.run(10)
    assert caught.value.step == 1 and np.array_equal(remote.theta(), start)
    with pytest.raises(RemoteError, match="learning_rate"):
        remote.configure(learning_rate=-1.0)
    remote.set_theta(np.zeros_like(start))
    assert not remote.theta().any()


def test_a_closed_process_says_so(remote):
    built(remote)
    remote.close()
    with pytest.raises(RemoteError, match="stopped answering"):
        remote.run(1)
