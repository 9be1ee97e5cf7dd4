"""The engine computes what the inspector shows on request, puts it in the
Frame, and sends it across the process boundary exactly."""

import io
import math

import numpy as np
import pytest

from backprop_gui.core import MLP, TrainConfig, Trainer, make_dataset, train_test_split, transform
from backprop_gui.core.inspect import (
    ExamplePass,
    LayerHealth,
    example_pass,
    gradients_and_health,
    unit_maps,
)
from backprop_gui.session import Engine, Frame, RemoteEngine
from backprop_gui.session.wire import receive, send

SIZES, SEED = [2, 6, 5, 1], 3


def split(n=120):
    points, labels = make_dataset("xor", n, seed=1)
    return train_test_split(points, labels, 0.25, seed=1)


def built(engine, config=None, data=True):
    config = config or TrainConfig(0.1, l2=0.01, record_every=0)
    engine.build(SIZES, "tanh", ("x1", "x2"), SEED, config, 24)
    if data:
        a, b, c, d = split()
        engine.set_data(transform(a), b, transform(c), d)
    return engine


def plain_trainer(config):
    a, b, c, d = split()
    net = MLP(SIZES, "tanh", seed=SEED, features=("x1", "x2"))
    return Trainer(net, transform(a), b, config, transform(c), d)


ALL = {
    "gradients": True,
    "health": True,
    "unit_maps": 16,
    "unit_map": (2, 4),
    "example": (1.5, -2.0, 1),
}


@pytest.mark.parametrize("batch_size", [None, 16])
def test_keeping_theta_before_the_last_step_trains_exactly_alike(batch_size):
    config = TrainConfig(0.1, "momentum", batch_size, l1=0.001, seed=5, record_every=0)
    engine, trainer = built(Engine(), config), plain_trainer(config)
    engine.run(7)
    trainer.run(7)
    engine.run_epochs(3)
    trainer.run_epochs(3)
    assert (engine.step_count, engine.epoch) == (trainer.step_count, trainer.epoch)
    assert np.array_equal(engine.theta(), trainer.net.theta)


def test_inspect_gives_the_gradients_and_health_of_the_training_points():
    config = TrainConfig(0.1, l2=0.01, record_every=0)
    engine, trainer = built(Engine(), config), plain_trainer(config)
    engine.run(5)
    trainer.run(4)
    before = trainer.net.theta.copy()
    trainer.run(1)
    found = engine.inspect({"gradients": True, "health": True})
    net = trainer.net
    expected = net.backward(net.forward(trainer.X), trainer.Y, 0.0, 0.01)
    for name, value in expected.items():
        np.testing.assert_allclose(found["gradients"][name], value, rtol=1e-12, atol=1e-15)
    health = gradients_and_health(net, trainer.X, trainer.Y, before, 0.0, 0.01)[1]
    assert found["health"] == tuple(health)
    assert all(isinstance(h, LayerHealth) and 0 < h.update_ratio < 1 for h in health)
    # Weights set from outside: no last step to compare with.
    engine.set_theta(engine.theta())
    assert all(math.isnan(h.update_ratio) for h in engine.inspect({"health": True})["health"])


@pytest.mark.parametrize("batch_size", [None, 16])
def test_the_last_steps_update_is_known_after_an_epoch_and_after_running_no_steps(batch_size):
    # Epoch (run_epochs, then run(0) for the steps) lost the update ratio.
    engine = built(Engine(), TrainConfig(0.1, batch_size=batch_size, seed=5, record_every=0))
    engine.run_epochs(1)
    first = engine.inspect({"health": True})["health"]
    assert all(0 < h.update_ratio < 1 for h in first)
    engine.run(0)
    assert engine.inspect({"health": True})["health"] == first


def test_inspect_gives_maps_and_one_examples_pass():
    engine = built(Engine())
    engine.run(3)
    net = engine.trainer.net
    found = engine.inspect({"unit_maps": 16, "unit_map": (2, 4), "example": (1.5, -2.0, 1)})
    assert [m.shape for m in found["unit_maps"]] == [
        (2, 16, 16),
        (6, 16, 16),
        (5, 16, 16),
        (1, 16, 16),
    ]
    assert all(
        np.array_equal(a, b) for a, b in zip(found["unit_maps"], unit_maps(net, 16), strict=True)
    )
    assert found["unit_map"].shape == (24, 24)  # the surface's resolution
    np.testing.assert_allclose(found["unit_map"], unit_maps(net, 24)[2][4], rtol=1e-6)
    assert engine.inspect({"unit_map": (0, 1, 8)})["unit_map"].shape == (8, 8)
    example = found["example"]
    expected = example_pass(net, [1.5, -2.0], 1, engine.m, 0.0, 0.01)
    assert example.m == engine.m == 90
    for name in ("Z1", "A3", "dZ1", "dW2", "db3"):
        assert np.array_equal(example[name], expected[name])


def test_without_training_points_only_the_maps_and_the_example():
    engine = built(Engine(), data=False)
    found = engine.inspect(ALL)
    assert found["gradients"] is None and found["health"] is None
    assert len(found["unit_maps"]) == 4 and found["example"].m == 1


def test_asking_for_something_unknown_is_an_error():
    with pytest.raises(ValueError, match="cannot inspect"):
        built(Engine()).inspect({"hessian": True})


def test_a_frame_carries_what_was_asked_and_nothing_more():
    engine = built(Engine())
    engine.run(2)
    plain = engine.frame(True)
    for name in ("gradients", "health", "unit_maps", "unit_map", "example"):
        assert getattr(plain, name) is None
    frame = engine.frame(True, inspect=ALL)
    assert np.array_equal(frame.surface, plain.surface) and frame.evaluation == plain.evaluation
    assert set(frame.gradients) == {f"{d}{l}" for d in ("dW", "db") for l in (1, 2, 3)}
    assert len(frame.health) == 3 and isinstance(frame.example, ExamplePass)
    # Frames are immutable all the way down.
    for array in (frame.gradients["dW1"], frame.unit_maps[1], frame.unit_map, frame.example["dZ2"]):
        assert not array.flags.writeable
    assert engine.frame(True, inspect={"unit_maps": 8}).gradients is None


def round_trip(value):
    stream = io.BytesIO()
    send(stream, value)
    stream.seek(0)
    return receive(stream)


def test_a_frame_with_the_inspectors_fields_survives_the_wire_exactly():
    engine = built(Engine())
    engine.run(2)
    frame = engine.frame(True, inspect=ALL)
    back = round_trip(frame)
    assert isinstance(back, Frame) and back.health == frame.health
    assert all(isinstance(h, LayerHealth) for h in back.health)
    for name, value in frame.gradients.items():
        assert np.array_equal(back.gradients[name], value)
    assert all(np.array_equal(a, b) for a, b in zip(back.unit_maps, frame.unit_maps, strict=True))
    assert back.unit_maps[0].dtype == np.float32 and np.array_equal(back.unit_map, frame.unit_map)
    assert isinstance(back.example, ExamplePass)
    for name in frame.example.forward | frame.example.backward:
        assert np.array_equal(back.example[name], frame.example[name])
    assert back.example.loss == frame.example.loss and back.example.m == frame.example.m
    # NaN update ratios cross too.
    nan = round_trip(LayerHealth(1, 2, "tanh", 1.0, 2.0, 3.0, math.nan, 0.0, 0.5))
    assert math.isnan(nan.update_ratio) and nan.dead == 0.5


def test_the_trainer_process_answers_the_inspector_like_this_one():
    local, remote = built(Engine()), built(RemoteEngine())
    try:
        for engine in (local, remote):
            engine.run(4)
        ours, theirs = local.frame(True, inspect=ALL), remote.frame(True, inspect=ALL)
        assert theirs.health == ours.health
        for name, value in ours.gradients.items():
            assert np.array_equal(theirs.gradients[name], value)
        assert np.array_equal(theirs.example["dW1"], ours.example["dW1"])
        assert set(remote.inspect({"gradients": True})) == {"gradients"}
        assert remote.frame(False).gradients is None
    finally:
        remote.close()
