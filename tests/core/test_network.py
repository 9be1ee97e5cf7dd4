"""The MLP: shapes, a tiny network worked out by hand, stable numerics."""

import warnings

import numpy as np
import pytest

from backprop_gui.core import MLP


def hand_network() -> MLP:
    """2 inputs → 1 relu unit → 1 sigmoid unit, with round numbers."""
    net = MLP([2, 1, 1], "relu")
    net.params["W1"][:] = [[0.5, 0.25]]
    net.params["b1"][:] = [[0.0]]
    net.params["W2"][:] = [[-1.0]]
    net.params["b2"][:] = [[1.0]]
    return net


# Two examples as columns: x⁽¹⁾ = (1, 2) with y = 1, x⁽²⁾ = (−2, 0) with y = 0.
X_HAND = np.array([[1.0, -2.0], [2.0, 0.0]])
Y_HAND = np.array([[1.0, 0.0]])


def test_forward_by_hand():
    cache = hand_network().forward(X_HAND)
    # Z1 = W1·X + b1 = [0.5·1 + 0.25·2, 0.5·(−2) + 0.25·0] = [1, −1]
    np.testing.assert_allclose(cache["Z1"], [[1.0, -1.0]])
    # A1 = relu(Z1) = [1, 0]
    np.testing.assert_allclose(cache["A1"], [[1.0, 0.0]])
    # Z2 = W2·A1 + b2 = [−1·1 + 1, −1·0 + 1] = [0, 1]
    np.testing.assert_allclose(cache["Z2"], [[0.0, 1.0]])
    # A2 = σ(Z2) = [0.5, 1/(1 + e^−1)] = [0.5, 0.7310585786300049]
    np.testing.assert_allclose(cache["A2"], [[0.5, 0.7310585786300049]], rtol=1e-15)


def test_cost_by_hand():
    # L⁽¹⁾ = −log 0.5 = 0.6931471805599453
    # L⁽²⁾ = −log(1 − σ(1)) = log(1 + e) = 1.3132616875182228
    # J = (L⁽¹⁾ + L⁽²⁾) / 2 = 1.003204434038984
    assert hand_network().cost(X_HAND, Y_HAND) == pytest.approx(1.003204434038984, rel=1e-14)


def test_backward_by_hand():
    net = hand_network()
    grads = net.backward(net.forward(X_HAND), Y_HAND)
    # dZ2 = A2 − Y = [0.5 − 1, 0.7310585786 − 0] = [−0.5, 0.7310585786]
    # dW2 = (1/m)·dZ2·A1ᵀ = (−0.5·1 + 0.7310585786·0) / 2 = −0.25
    np.testing.assert_allclose(grads["dW2"], [[-0.25]])
    # db2 = (1/m)·Σ dZ2 = (−0.5 + 0.7310585786) / 2 = 0.1155292893150024
    np.testing.assert_allclose(grads["db2"], [[0.1155292893150024]], rtol=1e-14)
    # dZ1 = W2ᵀ·dZ2 ∗ relu′(Z1) = [−1·−0.5·1, −1·0.731·0] = [0.5, 0]
    # dW1 = (1/m)·dZ1·Xᵀ = ([0.5·1, 0.5·2] + [0, 0]) / 2 = [0.25, 0.5]
    np.testing.assert_allclose(grads["dW1"], [[0.25, 0.5]])
    # db1 = (1/m)·Σ dZ1 = 0.5 / 2 = 0.25
    np.testing.assert_allclose(grads["db1"], [[0.25]])


def test_parameters_follow_the_column_convention():
    net = MLP([2, 8, 5, 3], "tanh", seed=0)
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (8, 2),
        "W2": (5, 8),
        "W3": (3, 5),
        "b1": (8, 1),
        "b2": (5, 1),
        "b3": (3, 1),
    }
    cache = net.forward(np.zeros((2, 7)))
    assert cache["Z2"].shape == (5, 7)
    assert cache["A3"].shape == (3, 7)
    assert net.predict_proba(np.zeros((2, 7))).shape == (3, 7)


def test_writing_into_params_changes_the_network():
    net = MLP([2, 3, 1], seed=0)
    X = np.array([[1.0], [2.0]])
    before = net.predict_proba(X).copy()
    net.params["b2"][0, 0] += 1.0
    assert net.theta[-1] == net.params["b2"][0, 0]
    assert net.predict_proba(X)[0, 0] > before[0, 0]


def test_same_seed_gives_same_network_and_other_seed_another():
    a, b, c = MLP([2, 8, 1], seed=7), MLP([2, 8, 1], seed=7), MLP([2, 8, 1], seed=8)
    assert np.array_equal(a.theta, b.theta)
    assert not np.array_equal(a.theta, c.theta)


def test_he_initialisation_for_rectifiers_and_xavier_otherwise():
    relu = MLP([400, 400, 1], "relu", seed=0).params["W1"]
    tanh = MLP([400, 400, 1], "tanh", seed=0).params["W1"]
    assert relu.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert tanh.std() == pytest.approx(np.sqrt(2 / 800), rel=0.02)


def test_one_activation_per_hidden_layer():
    net = MLP([2, 4, 4, 1], ["relu", "sigmoid"])
    assert net.activation_names == ("relu", "sigmoid")
    with pytest.raises(ValueError, match="2 hidden layers"):
        MLP([2, 4, 4, 1], ["relu"])
    with pytest.raises(ValueError, match="unknown activation"):
        MLP([2, 4, 1], "swoosh")


def test_output_kind_follows_the_number_of_output_units():
    assert MLP([2, 3, 1]).output_kind.name == "sigmoid"
    assert MLP([2, 3, 4]).output_kind.name == "softmax"
    assert MLP([2, 3, 1]).n_classes == 2


def test_extreme_logits_never_overflow_and_cost_is_exact():
    net = MLP([1, 1], seed=0)  # no hidden layer: Z = w·x + b
    net.params["W1"][:] = [[1.0]]
    X = np.array([[-1000.0, 1000.0, 800.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = net.predict_proba(X)[0]
        losses = net.losses(X, np.array([1, 0, 0]))
    assert p[0] == 0.0 and p[1] == 1.0
    # From logits: −log σ(−1000) = 1000 exactly, where log of a clipped
    # probability would give a wrong, finite number.
    np.testing.assert_allclose(losses, [1000.0, 1000.0, 800.0])


def test_softmax_is_stable_and_sums_to_one():
    net = MLP([1, 3], seed=0)
    net.params["W1"][:] = [[1.0], [2.0], [3.0]]
    X = np.array([[1000.0, -1000.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P = net.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=0), 1.0)
    assert P[2, 0] == 1.0 and P[0, 1] == 1.0


def test_tiny_sigmoid_probabilities_are_kept():
    from backprop_gui.core.activations import sigmoid

    assert sigmoid(np.array([-40.0]))[0] == pytest.approx(4.248354255291589e-18, rel=1e-12)


def test_labels_and_target_matrices_are_equivalent():
    net = MLP([2, 4, 3], seed=1)
    X = np.random.default_rng(0).normal(size=(2, 6))
    labels = np.array([0, 1, 2, 2, 1, 0])
    assert net.cost(X, labels) == net.cost(X, np.eye(3)[:, labels])
    with pytest.raises(ValueError, match="class indices"):
        net.cost(X, np.array([0, 1, 2, 3, 1, 0]))


def test_predict_gives_labels_and_class_probabilities_sum_to_one():
    net = MLP([2, 4, 1], seed=3)
    X = np.random.default_rng(1).normal(size=(2, 20))
    P = net.class_probabilities(X)
    np.testing.assert_allclose(P.sum(axis=0), 1.0)
    assert np.array_equal(net.predict(X), P.argmax(axis=0))


def test_copy_is_independent():
    net = MLP([2, 4, 1], seed=3)
    twin = net.copy()
    twin.theta += 1.0
    assert not np.array_equal(net.theta, twin.theta)


def test_forward_rejects_wrongly_shaped_inputs():
    with pytest.raises(ValueError, match=r"shape \(n_x=2, m\)"):
        MLP([2, 3, 1]).forward(np.zeros((5, 2)))
