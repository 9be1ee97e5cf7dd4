"""backward agrees with central differences for every activation and output."""

import dataclasses

import numpy as np
import pytest

from backprop_gui.core import ACTIVATIONS, MLP, TOLERANCE, check_gradients, gradient_check_suite


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_every_activation_and_both_outputs_pass(activation):
    for result in gradient_check_suite(hidden=(5, 4), activations=[activation]):
        assert result.relative_error <= TOLERANCE, result


def test_regularisation_terms_are_part_of_the_gradient():
    for result in gradient_check_suite(hidden=(4,), l1=0.01, l2=0.1):
        assert result.relative_error <= TOLERANCE, result


def test_mixed_activations_and_deep_network():
    net = MLP([2, 6, 5, 4, 3, 1], ["tanh", "relu", "sigmoid", "leaky_relu"], seed=2)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(2, 9)), rng.integers(0, 2, 9)
    assert check_gradients(net, X, y).relative_error <= TOLERANCE


def test_the_check_detects_a_wrong_gradient(monkeypatch):
    # Break tanh′ by a factor of 2: the check must notice.
    from backprop_gui.core import activations

    broken = dataclasses.replace(
        activations.ACTIVATIONS["tanh"],
        # backward works in place on dA, so the fault must too.
        backward=lambda dA, Z, A: np.multiply(activations._tanh_backward(dA, Z, A), 2.0, out=dA),
    )
    net = MLP([2, 4, 1], "tanh", seed=0)
    net.activations = (broken,)
    rng = np.random.default_rng(0)
    result = check_gradients(net, rng.normal(size=(2, 8)), rng.integers(0, 2, 8))
    assert result.relative_error > 1e-3
    assert not result.passed
