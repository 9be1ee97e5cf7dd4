"""What the inspector shows: gradients, layer health, unit maps and one
example's pass, against MLP.forward/backward, central differences and
networks worked out by hand."""

import math

import numpy as np
import pytest

from backprop_gui.core import MLP, numeric_gradient, transform
from backprop_gui.core import network as network_module
from backprop_gui.core.inspect import (
    ExamplePass,
    LayerHealth,
    example_pass,
    gradients,
    gradients_and_health,
    layer_health,
    unit_map,
    unit_maps,
)
from backprop_gui.core.surface import grid_centres, grid_points


def points_and_labels(m: int, n_classes: int = 2, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-6, 6, (2, m)), rng.integers(0, n_classes, m)


def flat(grads: dict, net: MLP) -> np.ndarray:
    """A gradient dict laid out like net.theta."""
    return np.concatenate([grads["d" + name].ravel() for name in net.param_shapes()])


def tiny_network() -> MLP:
    """1 input → 1 sigmoid unit → 1 sigmoid output, with round numbers."""
    net = MLP([1, 1, 1], "sigmoid")
    net.params["W1"][:] = 0.0
    net.params["b1"][:] = 0.0
    net.params["W2"][:] = 2.0
    net.params["b2"][:] = -1.0
    return net


# x⁽¹⁾ = 3 with y = 1, x⁽²⁾ = −1 with y = 0.
X_TINY = np.array([[3.0, -1.0]])
Y_TINY = np.array([1, 0])


# -- gradients ---------------------------------------------------------------------


def test_gradients_of_a_tiny_network_by_hand():
    # Forward, both examples: Z1 = 0·x + 0 = 0, A1 = σ(0) = 0.5,
    #   Z2 = 2·0.5 − 1 = 0, A2 = σ(0) = 0.5.
    # Backward, example 1 (y = 1): dZ2 = 0.5 − 1 = −0.5, dW2 = −0.5·0.5 = −0.25,
    #   dZ1 = W2·dZ2·σ′(Z1) = 2·(−0.5)·0.25 = −0.25, dW1 = −0.25·3 = −0.75.
    # Example 2 (y = 0): dZ2 = 0.5, dW2 = 0.25, dZ1 = 0.25, dW1 = 0.25·(−1) = −0.25.
    # Means: dW2 = 0, db2 = 0, dW1 = (−0.75 − 0.25)/2 = −0.5, db1 = 0.
    grads = gradients(tiny_network(), X_TINY, Y_TINY)
    assert grads["dW2"].tolist() == [[0.0]] and grads["db2"].tolist() == [[0.0]]
    assert grads["dW1"].tolist() == [[-0.5]] and grads["db1"].tolist() == [[0.0]]
    # L2 = 0.1 adds 0.1·W: 0.2 to dW2, 0 to dW1; L1 = 0.01 adds 0.01·sign(W):
    # 0.01 to dW2, sign(0) = 0 to dW1. Biases are not regularised.
    grads = gradients(tiny_network(), X_TINY, Y_TINY, l1=0.01, l2=0.1)
    assert grads["dW2"][0, 0] == pytest.approx(0.21, abs=1e-15)
    assert grads["dW1"].tolist() == [[-0.5]] and grads["db2"].tolist() == [[0.0]]


@pytest.mark.parametrize(
    "sizes, activation",
    [([2, 8, 8, 1], "tanh"), ([2, 5, 4, 3], ["relu", "sigmoid"]), ([2, 3, 1], "leaky_relu")],
)
@pytest.mark.parametrize("l1, l2", [(0.0, 0.0), (0.01, 0.03)])
def test_gradients_equal_mlp_backward(sizes, activation, l1, l2):
    net = MLP(sizes, activation, seed=3)
    points, labels = points_and_labels(200, max(2, sizes[-1]))
    X = transform(points)
    expected = net.backward(net.forward(X), labels, l1, l2)
    grads = gradients(net, X, labels, l1, l2)
    assert set(grads) == set(expected)
    for name, value in expected.items():
        assert grads[name].shape == value.shape
        np.testing.assert_allclose(grads[name], value, rtol=1e-12, atol=1e-12 * abs(value).max())


def test_gradients_equal_central_differences():
    net = MLP([2, 3, 3], "tanh", seed=4)
    points, labels = points_and_labels(12, 3, seed=5)
    X = transform(points)
    analytic = flat(gradients(net, X, labels, l1=0.01, l2=0.02), net)
    numeric = numeric_gradient(net, X, labels, l1=0.01, l2=0.02)
    error = np.linalg.norm(numeric - analytic) / (
        np.linalg.norm(numeric) + np.linalg.norm(analytic)
    )
    assert error < 1e-8


def test_gradients_over_chunks_equal_one_pass(monkeypatch):
    net = MLP([2, 8, 8, 1], "tanh", seed=6)
    points, labels = points_and_labels(1000)
    X = transform(points)
    expected = net.backward(net.forward(X), labels)
    monkeypatch.setattr(network_module, "CHUNK_BYTES", 2 * 8 * 17 * 300)  # 4 chunks
    for name, value in gradients(net, X, labels).items():
        np.testing.assert_allclose(value, expected[name], rtol=1e-12, atol=1e-14)


def test_gradients_need_training_points():
    with pytest.raises(ValueError, match="at least one"):
        gradients(MLP([2, 2, 1]), np.zeros((2, 0)), np.zeros(0, int))


# -- layer health ------------------------------------------------------------------


def test_health_of_the_tiny_network_by_hand():
    net = tiny_network()
    before = net.theta.copy()
    net.params["W2"][:] = 2.02  # the last step moved W2 by 0.02
    health = layer_health(net, X_TINY, Y_TINY, previous_theta=before)
    assert [h.layer for h in health] == [1, 2]
    assert [h.activation for h in health] == ["sigmoid", "sigmoid"]
    # W2 = 2.02 changes A2 = σ(0.01) a little; by hand at W2 = 2 (see above):
    # dZ2 = [−0.5, 0.5] has RMS 0.5 and dZ1 = [−0.25, 0.25] has RMS 0.25.
    at_two = layer_health(tiny_network(), X_TINY, Y_TINY)
    assert at_two[1].dZ_rms == 0.5 and at_two[0].dZ_rms == 0.25
    assert at_two[0].dW_norm == 0.5 and at_two[0].db_norm == 0.0
    # Update ratios: ‖ΔW1‖/‖W1‖ = 0/0 → 0 (nothing moved); ‖ΔW2‖/‖W2‖ = 0.02/2.02.
    assert health[0].update_ratio == 0.0
    assert health[1].update_ratio == pytest.approx(0.02 / 2.02, rel=1e-12)
    # No θ before: no ratio.
    assert all(math.isnan(h.update_ratio) for h in at_two)
    # A1 = 0.5: not saturated; the output layer never counts as saturated.
    assert at_two[0].saturated == 0.0 and at_two[1].saturated == 0.0


def test_health_norms_are_those_of_the_gradients():
    net = MLP([2, 6, 5, 3], ["tanh", "relu"], seed=7)
    points, labels = points_and_labels(100, 3)
    X = transform(points)
    grads, health = gradients_and_health(net, X, labels, None, 0.01, 0.02)
    for h in health:
        assert h.dW_norm == pytest.approx(np.linalg.norm(grads[f"dW{h.layer}"]), rel=1e-15)
        assert h.db_norm == pytest.approx(np.linalg.norm(grads[f"db{h.layer}"]), rel=1e-15)
        assert h.units == net.layer_sizes[h.layer]


def test_saturated_tanh_and_sigmoid_units_are_counted():
    # Points with |x1| ≥ 1: a tanh unit with W = [100, 0] has |A| ≥ tanh(100) > 0.99.
    X = np.array([[1.0, -2.0, 3.0, -1.0], [0.0, 5.0, -5.0, 1.0]])
    Y = np.array([0, 1, 0, 1])
    net = MLP([2, 2, 3, 1], ["tanh", "sigmoid"])
    net.params["W1"][:] = [[100.0, 0.0], [0.0, 0.0]]  # saturated, A = 0
    net.params["b1"][:] = 0.0
    # Sigmoid units: b = +10 (A ≈ 0.99995 > 0.99), b = −10 (A < 0.01), and
    # b = 3 (A = σ(3) ≈ 0.953: steep, but not saturated).
    net.params["W2"][:] = 0.0
    net.params["b2"][:] = [[10.0], [-10.0], [3.0]]
    health = layer_health(net, X, Y)
    assert health[0].saturated == 0.5  # 1 of 2 units on every point
    assert health[1].saturated == pytest.approx(2 / 3, rel=1e-15)
    assert health[0].dead == health[1].dead == 0.0


def test_half_saturated_is_counted_by_point():
    # One tanh unit, |A| > 0.99 on 3 of the 4 points: 0.75 of the (unit, point)
    # pairs. On the last, A = tanh(100·0.02) = tanh(2) ≈ 0.964: not saturated.
    X = np.array([[1.0, -2.0, 3.0, 0.02]])
    net = MLP([1, 1, 1], "tanh")
    net.params["W1"][:] = 100.0
    assert layer_health(net, X, np.array([0, 1, 0, 1]))[0].saturated == 0.75


def test_dead_relus_are_those_off_on_every_point():
    X = np.array([[1.0, -2.0, 3.0], [0.0, 5.0, -5.0]])
    Y = np.array([0, 1, 0])
    net = MLP([2, 3, 1], "relu")
    # Unit 0: Z = −1 everywhere, dead. Unit 1: Z = 1, alive. Unit 2: Z = x1,
    # 0 on the point x1 = −2 but positive on the others: alive.
    net.params["W1"][:] = [[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]]
    net.params["b1"][:] = [[-1.0], [1.0], [0.0]]
    health = layer_health(net, X, Y)
    assert health[0].dead == pytest.approx(1 / 3, rel=1e-15)
    assert health[0].saturated == 0.0
    # Every unit dead: the gradient of W1 is exactly zero.
    net.params["b1"][:] = -10.0
    net.params["W1"][:] = 0.0
    health = layer_health(net, X, Y)
    assert health[0].dead == 1.0 and health[0].dW_norm == 0.0


def test_leaky_relus_never_count_as_dead():
    net = MLP([2, 2, 1], "leaky_relu")
    net.params["b1"][:] = -10.0
    net.params["W1"][:] = 0.0
    assert layer_health(net, np.ones((2, 3)), np.array([0, 1, 0]))[0].dead == 0.0


# -- unit maps ---------------------------------------------------------------------


def test_unit_maps_are_the_forward_pass_on_the_grid():
    net = MLP([2, 8, 8, 1], "tanh", seed=8)
    maps = unit_maps(net, resolution=32)
    assert [m.shape for m in maps] == [(2, 32, 32), (8, 32, 32), (8, 32, 32), (1, 32, 32)]
    assert all(m.dtype == np.float32 for m in maps)
    X = transform(grid_points(32))
    cache = net.forward(X)
    for l in range(net.L + 1):
        expected = cache.A[l].astype(np.float32).reshape(-1, 32, 32)
        assert np.array_equal(maps[l], expected)


def test_unit_maps_follow_the_surface_grid_row_0_at_the_bottom():
    maps = unit_maps(MLP([2, 3, 1], seed=0), resolution=16)
    centres = grid_centres(16).astype(np.float32)
    x1, x2 = maps[0]
    assert np.array_equal(x1[5], centres) and np.array_equal(x2[:, 5], centres)
    assert x2[0, 0] < 0 < x2[-1, 0]  # row 0 is the bottom edge, x2 = −6 + cell/2


def test_unit_maps_use_the_networks_features():
    net = MLP([3, 4, 2], seed=1, features=["x1^2", "x1*x2", "sin(x2)"])
    maps = unit_maps(net, resolution=8)
    X = transform(grid_points(8), net.features)
    assert np.array_equal(maps[0], X.astype(np.float32).reshape(3, 8, 8))
    assert np.array_equal(maps[2], net.forward(X).output.astype(np.float32).reshape(2, 8, 8))


def test_one_unit_map_at_canvas_resolution(monkeypatch):
    net = MLP([2, 6, 5, 3], ["relu", "sigmoid"], seed=9)
    cache = net.forward(transform(grid_points(100)))
    monkeypatch.setattr(network_module, "CHUNK_BYTES", 2 * 8 * 14 * 3000)  # 4 chunks
    for layer, unit in [(0, 1), (1, 4), (2, 0), (3, 2)]:
        single = unit_map(net, layer, unit, resolution=100)
        expected = cache.A[layer][unit].reshape(100, 100)
        assert single.shape == (100, 100) and single.dtype == np.float32
        np.testing.assert_allclose(single, expected, rtol=1e-6, atol=1e-7)
    assert np.array_equal(unit_map(net, 2, 3, 32), unit_maps(net, 32)[2][3])
    with pytest.raises(ValueError, match="no unit"):
        unit_map(net, 2, 5)


# -- one example -------------------------------------------------------------------


def test_one_example_of_the_tiny_network_by_hand():
    net = tiny_network()
    example = example_pass(net, np.array([3.0]), 1, m=2)
    assert isinstance(example, ExamplePass)
    # Forward: A0 = 3, Z1 = 0, A1 = 0.5, Z2 = 0, A2 = 0.5; loss = −log 0.5 = log 2.
    assert example["A0"].tolist() == [[3.0]] and example["Z1"].tolist() == [[0.0]]
    assert example["A1"].tolist() == [[0.5]] and example["A2"].tolist() == [[0.5]]
    assert example.loss == pytest.approx(math.log(2), rel=1e-15)
    # Backward (see test_gradients_of_a_tiny_network_by_hand): dZ2 = −0.5,
    # dZ1 = −0.25; contributions with 1/m = 1/2: dW2 = −0.125, db2 = −0.25,
    # dW1 = −0.375, db1 = −0.125.
    assert example["dZ2"].tolist() == [[-0.5]] and example["dZ1"].tolist() == [[-0.25]]
    assert example["dW2"].tolist() == [[-0.125]] and example["db2"].tolist() == [[-0.25]]
    assert example["dW1"].tolist() == [[-0.375]] and example["db1"].tolist() == [[-0.125]]
    assert example.penalty == 0.0 and example.penalty_gradients == {}


@pytest.mark.parametrize("sizes", [[2, 8, 8, 1], [2, 5, 3]], ids=["sigmoid", "softmax"])
def test_contributions_of_all_examples_add_up_to_the_gradient(sizes):
    net = MLP(sizes, ["relu", "tanh"][: len(sizes) - 2], seed=10)
    points, labels = points_and_labels(50, max(2, sizes[-1]), seed=11)
    X = transform(points)
    passes = [example_pass(net, points[:, i], labels[i], m=50, l1=0.01, l2=0.02) for i in range(50)]
    plain = gradients(net, X, labels)
    full = gradients(net, X, labels, l1=0.01, l2=0.02)
    for name, value in plain.items():
        total = sum(p[name] for p in passes)
        np.testing.assert_allclose(total, value, rtol=1e-12, atol=1e-12 * abs(value).max())
        with_penalty = total + passes[0].penalty_gradients.get(name, 0.0)
        np.testing.assert_allclose(with_penalty, full[name], rtol=1e-12, atol=1e-14)
    # Every example's pass is the forward pass of its column, and its loss.
    cache = net.forward(X)
    losses = net.losses(X, labels)
    for i in (0, 17, 49):
        for l in range(net.L + 1):
            np.testing.assert_allclose(passes[i][f"A{l}"][:, 0], cache.A[l][:, i], rtol=1e-14)
        assert passes[i].loss == pytest.approx(losses[i], rel=1e-12)
    assert passes[0].penalty == pytest.approx(net.regularization(0.01, 0.02), rel=1e-15)


def test_an_example_applies_the_networks_features_to_the_raw_point():
    net = MLP([2, 3, 1], seed=12, features=["x1^2", "x2^2"])
    example = example_pass(net, [2.0, -3.0], 0)
    assert example["A0"].tolist() == [[4.0], [9.0]]
    assert example.point.tolist() == [2.0, -3.0] and example.y.tolist() == [[0.0]]
    # A target column works as well as a label.
    softmax = MLP([2, 3, 3], seed=13)
    by_label = example_pass(softmax, [1.0, 1.0], 2)
    by_target = example_pass(softmax, [1.0, 1.0], np.array([0.0, 0.0, 1.0]))
    assert np.array_equal(by_label["dW1"], by_target["dW1"])
    assert by_label.y.tolist() == [[0.0], [0.0], [1.0]]


def test_health_is_a_frozen_record():
    h = LayerHealth(1, 2, "tanh", 0.0, 0.0, 0.0, math.nan, 0.0, 0.0)
    with pytest.raises(AttributeError):
        h.dead = 1.0
