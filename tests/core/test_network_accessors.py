"""The public ways into an MLP's parameters that the trainer and the surface use,
and the declared closed form by which the training kernel inlines tanh."""

import dataclasses

import numpy as np
import pytest

from backprop_gui.core import ACTIVATIONS, MLP, Cache, TrainConfig, Trainer, make_dataset


def test_layers_are_views_of_theta_in_the_column_convention():
    net = MLP([2, 5, 3, 1], seed=0)
    layers = net.layers()
    assert [(W.shape, b.shape) for W, b in layers] == [
        ((5, 2), (5, 1)),
        ((3, 5), (3, 1)),
        ((1, 3), (1, 1)),
    ]
    layers[1][0][2, 4] = 7.0
    assert net.params["W2"][2, 4] == 7.0


def test_layers_of_another_buffer_say_where_each_parameter_lives():
    net = MLP([2, 3, 1], seed=0)
    index = net.layers(np.arange(net.theta.size))
    for (W, b), (Wi, bi) in zip(net.layers(), index, strict=True):
        assert np.array_equal(net.theta[Wi], W) and np.array_equal(net.theta[bi], b)
    flat = np.zeros_like(net.theta)
    grads = net.views(flat, "d")
    assert sorted(grads) == ["dW1", "dW2", "db1", "db2"] and grads["dW2"].shape == (1, 3)
    grads["db1"][:] = 5.0  # views into the buffer, laid out like theta
    assert np.array_equal(flat[net.n_weights : net.n_weights + 3], [5.0, 5.0, 5.0])


def test_forward_with_other_parameters_matches_forward():
    net = MLP([2, 6, 4, 3], "relu", seed=1)
    X = np.random.default_rng(0).normal(size=(2, 9))
    copies = [(W.copy(), b.copy()) for W, b in net.layers()]
    cache = net.forward_with(copies, X, Cache(net.layer_sizes, 9))
    np.testing.assert_array_equal(cache.output, net.forward(X).output)
    copies[-1][1][:] += 1.0  # other parameters, other outputs; the network unchanged
    moved = net.forward_with(copies, X, Cache(net.layer_sizes, 9)).Z[net.L]
    np.testing.assert_allclose(moved, net.forward(X).Z[net.L] + 1.0)


def test_tanh_is_inlined_by_its_declared_form_not_by_identity():
    tanh = ACTIVATIONS["tanh"]
    assert tanh.kernel_form == "tanh"
    assert dataclasses.replace(tanh, tooltip="another").kernel_form == "tanh"
    broken = dataclasses.replace(tanh, backward=lambda dA, Z, A: np.multiply(dA, 2.0, out=dA))
    assert broken.kernel_form is None
    assert all(a.kernel_form is None for name, a in ACTIVATIONS.items() if name != "tanh")


def test_a_replaced_tanh_is_trained_through_its_own_functions():
    tanh = ACTIVATIONS["tanh"]

    def doubled(dA, Z, A):  # tanh′ times two: a different network to train
        dA *= 2.0 * (1.0 - A * A)
        return dA

    points, labels = make_dataset("circle", 40, seed=0)
    nets = [MLP([2, 4, 1], "tanh", seed=0) for _ in range(2)]
    nets[0].activations = (dataclasses.replace(tanh, backward=doubled),)
    Trainer(nets[0], points, labels, TrainConfig(0.5, record_every=0)).run(1)
    reference = nets[1]
    reference.activations = nets[0].activations
    grads = reference.backward(reference.forward(points), labels)
    expected = reference.theta - 0.5 * np.concatenate([g.ravel() for g in grads.values()])
    np.testing.assert_allclose(nets[0].theta, expected, rtol=1e-12, atol=1e-15)


def test_a_network_with_its_inputs_reordered_computes_the_same_function():
    from backprop_gui.core import transform

    net = MLP([3, 4, 1], "tanh", seed=1, features=["x1*x2", "x1", "sin(x2)"])
    twin = net.with_features(["x1", "sin(x2)", "x1*x2"])
    assert twin.features == ("x1", "sin(x2)", "x1*x2")
    # By hand: W[1]'s columns follow their inputs; nothing else moves.
    W1 = net.params["W1"]
    np.testing.assert_array_equal(twin.params["W1"], W1[:, [1, 2, 0]])
    np.testing.assert_array_equal(twin.theta[W1.size :], net.theta[W1.size :])
    points = np.random.default_rng(0).normal(size=(2, 20))
    np.testing.assert_allclose(  # the same sums, added in another order
        twin.predict_proba(transform(points, twin.features)),
        net.predict_proba(transform(points, net.features)),
        rtol=0,
        atol=1e-15,
    )
    with pytest.raises(ValueError, match="not an ordering"):
        net.with_features(["x1", "x2", "x1*x2"])
