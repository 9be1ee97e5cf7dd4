"""The trainer's packed, fused training loop computes exactly the seeds' update.

The reference is the public API: ``net.backward`` (checked against numeric
gradients elsewhere) and the optimizer's update, step by step.
"""

import numpy as np
import pytest

from backprop_gui.core import MLP, DivergenceError, TrainConfig, Trainer, make_dataset
from backprop_gui.core import _packed as packed_module
from backprop_gui.core.activations import ACTIVATIONS
from backprop_gui.core.optimizers import make_optimizer


def reference_run(net, X, labels, config, steps):
    """``steps`` updates with net.backward and the optimizer, mini-batches in
    the trainer's order (its rng, one permutation per epoch); returns the
    optimizer, with its state in net.theta's layout."""
    Y = net.targets(labels)
    optimizer = make_optimizer(config.optimizer, net.theta.size)
    rng = np.random.default_rng(config.seed)
    m = X.shape[1]
    order, position = None, m
    for _ in range(steps):
        if config.batch_size is None or config.batch_size >= m:
            index = np.arange(m)
        else:
            if position >= m:
                order, position = rng.permutation(m), 0
            index = order[position : position + config.batch_size]
            position += index.size
        flat = np.empty_like(net.theta)
        net.backward(net.forward(X[:, index]), Y[:, index], config.l1, config.l2, out=flat)
        optimizer.update(net.theta, flat, config.learning_rate)
    return optimizer


CASES = [
    ([2, 8, 8, 1], "tanh", TrainConfig(learning_rate=0.1)),
    ([2, 5, 4, 1], ["relu", "tanh"], TrainConfig(learning_rate=0.1)),
    ([2, 5, 4, 1], ["tanh", "sigmoid"], TrainConfig(learning_rate=0.3, optimizer="momentum")),
    ([2, 6, 3], "leaky_relu", TrainConfig(learning_rate=0.05, optimizer="adam")),
    ([2, 6, 5, 3], "tanh", TrainConfig(learning_rate=0.1, batch_size=7, seed=3)),
    ([2, 4, 1], "linear", TrainConfig(learning_rate=0.1, l2=0.01)),
    ([2, 6, 1], "tanh", TrainConfig(learning_rate=0.1, l1=0.003, batch_size=16, seed=1)),
    ([2, 1], "tanh", TrainConfig(learning_rate=0.5)),  # no hidden layer
    ([2, 7, 1], "tanh", TrainConfig(learning_rate=0.1, optimizer="momentum", l2=0.001)),
    # tanh layers apart: each has its own tanh′, not the all-tanh shortcut.
    ([2, 5, 4, 3, 1], ["tanh", "relu", "tanh"], TrainConfig(learning_rate=0.1)),
]


@pytest.fixture(params=["exp", "numpy"])
def tanh_form(request, monkeypatch):
    """Each way the loop can compute tanh, whichever this machine would pick."""
    monkeypatch.setattr(packed_module, "fastest_tanh", lambda: request.param)
    return request.param


@pytest.mark.parametrize(("sizes", "activation", "config"), CASES)
def test_training_matches_backward_and_the_optimizer(sizes, activation, config, tanh_form):
    n_classes = 2 if sizes[-1] == 1 else sizes[-1]
    points, labels = make_dataset("spiral" if n_classes == 2 else "gaussian", 60, seed=2)
    labels = labels % n_classes if n_classes == 2 else np.arange(60) % n_classes
    trainer = Trainer(MLP(sizes, activation, seed=0), points, labels, config)
    reference = MLP(sizes, activation, seed=0)
    # Adam divides by √v̂ + 1e-8: for a gradient near 0 it magnifies rounding
    # (the two sum in different orders), so it is compared over fewer steps.
    steps = 5 if config.optimizer == "adam" else 25
    trainer.run(steps)
    reference_run(reference, points, labels, config, steps)
    np.testing.assert_allclose(trainer.net.theta, reference.theta, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize(("features", "form"), [({"AVX512_SKX": True}, "numpy"), ({}, "exp")])
def test_the_tanh_form_follows_the_cpu_not_a_timing(monkeypatch, features, form):
    # Every process on a machine must train alike: the app's and its trainer's.
    monkeypatch.setattr(packed_module, "_numpy_cpu_features", lambda: features)
    packed_module.fastest_tanh.cache_clear()
    try:
        assert packed_module.fastest_tanh() == form
    finally:
        packed_module.fastest_tanh.cache_clear()


@pytest.mark.parametrize("logit", [800.0, -800.0, 40.0, -40.0, -20.0, -36.0])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_saturated_sigmoid_output_still_gives_the_exact_gradient(logit, optimizer, tanh_form):
    # e^−Z overflows to inf for Z < −709: σ must come out as exactly 0, not NaN.
    # Points of one class: where σ is tiny, σ − 0 must keep its digits (Adam
    # divides them out, so an error relative to σ shows in the step).
    points, _ = make_dataset("circle", 40, seed=0)
    labels = np.zeros(40, np.int64)
    nets = [MLP([2, 3, 1], "tanh", seed=0) for _ in range(2)]
    for net in nets:
        net.params["W2"][:] = 0.0
        net.params["b2"][:] = logit
    config = TrainConfig(learning_rate=0.1, optimizer=optimizer, record_every=0)
    Trainer(nets[0], points, labels, config).run(1)
    reference_run(nets[1], points, labels, config, 1)
    assert np.isfinite(nets[0].theta).all()
    np.testing.assert_allclose(nets[0].theta, nets[1].theta, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_a_parameter_sum_that_overflows_is_not_divergence(optimizer):
    # Two dead relu units with huge biases: every parameter stays finite (their
    # gradients are 0), but the sum of all of them is −inf. Training goes on.
    points, labels = make_dataset("circle", 40, seed=0)
    net = MLP([2, 3, 1], "relu", seed=0)
    net.params["b1"][:2] = -1.7e308
    trainer = Trainer(net, points, labels, TrainConfig(optimizer=optimizer, record_every=0))
    trainer.run(3)
    assert np.isfinite(net.theta).all() and trainer.step_count == 3


def test_zero_output_weights_that_stay_zero_are_stored_as_plus_zero():
    points, labels = make_dataset("circle", 40, seed=0)
    net = MLP([2, 4, 1], "tanh", seed=0)
    net.theta[:] = 0.0  # every gradient of the output layer is exactly 0 then
    Trainer(net, points, labels, TrainConfig(optimizer="momentum", record_every=0)).run(1)
    assert not np.signbit(net.params["W2"]).any()


def test_adam_on_a_sigmoid_output_matches_backward_and_the_optimizer(tanh_form):
    # One class in three: the output gradient is nowhere near 0, where Adam
    # would magnify rounding (see above).
    points, _ = make_dataset("spiral", 60, seed=2)
    labels = (np.arange(60) % 3 == 0).astype(np.int64)
    config = TrainConfig(learning_rate=0.02, optimizer="adam", l1=0.001, l2=0.001)
    trainer = Trainer(MLP([2, 6, 5, 1], "tanh", seed=0), points, labels, config)
    reference = MLP([2, 6, 5, 1], "tanh", seed=0)
    trainer.run(40)
    reference_run(reference, points, labels, config, 40)
    np.testing.assert_allclose(trainer.net.theta, reference.theta, rtol=1e-9, atol=1e-11)


def test_a_network_whose_activations_change_trains_with_the_new_ones():
    points, labels = make_dataset("circle", 50, seed=0)
    nets = [MLP([2, 4, 1], "tanh", seed=0) for _ in range(2)]
    trainer = Trainer(nets[0], points, labels, TrainConfig(record_every=0))
    trainer.run(2)
    reference_run(nets[1], points, labels, TrainConfig(), 2)
    for net in nets:
        net.activations = (ACTIVATIONS["relu"],)
    trainer.run(3)
    reference_run(nets[1], points, labels, TrainConfig(), 3)
    np.testing.assert_allclose(nets[0].theta, nets[1].theta, rtol=1e-12, atol=1e-14)


def test_records_see_the_current_parameters():
    points, labels = make_dataset("xor", 80, seed=0)
    trainer = Trainer(MLP([2, 6, 1], seed=0), points, labels, TrainConfig(record_every=5))
    trainer.run(20)
    fresh = Trainer(trainer.net, points, labels).evaluate()
    assert trainer.history.last.step == 20
    assert trainer.history.last.train_cost == fresh.train_cost


def test_changes_to_theta_between_runs_are_trained_on():
    points, labels = make_dataset("circle", 50, seed=0)
    net = MLP([2, 4, 1], seed=0)
    trainer = Trainer(net, points, labels, TrainConfig(record_every=0))
    trainer.run(3)
    net.theta[:] = MLP([2, 4, 1], seed=5).theta
    trainer.run(2)
    reference = MLP([2, 4, 1], seed=5)
    reference_run(reference, points, labels, TrainConfig(record_every=0), 2)
    np.testing.assert_allclose(net.theta, reference.theta, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_divergence_keeps_the_last_finite_parameters_for_every_optimizer(optimizer):
    points, labels = make_dataset("circle", 100, seed=0)
    net = MLP([2, 8, 8, 1], "linear", seed=0)
    config = TrainConfig(learning_rate=1e300, optimizer=optimizer, record_every=0)
    trainer = Trainer(net, points, labels, config)
    before = None
    with pytest.raises(DivergenceError) as caught:
        for _ in range(10_000):
            before = net.theta.copy()
            trainer.run(1)
    assert np.isfinite(net.theta).all()
    assert np.array_equal(net.theta, before)
    assert caught.value.step == trainer.step_count + 1
