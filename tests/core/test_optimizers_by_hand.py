"""One and two steps of each optimizer, worked by hand on a 1-1-1 network.

The network: z1 = w1·x + b1, a1 = tanh(z1), z2 = w2·a1 + b2, a2 = σ(z2), with
the mean binary cross-entropy over two examples, plus l1·(|w1| + |w2|) +
(l2/2)·(w1² + w2²). Everything below is written out with Python floats from
the formulas in the seeds (and the optimizers' textbook rules), never with
the package's own backward or update, so that a wrong rule in either fails.
"""

import math

import numpy as np
import pytest

from backprop_gui.core import MLP, TrainConfig, Trainer

X = np.array([[0.5, -1.5]])
LABELS = np.array([1, 0])
# θ in the network's layout: weights first (W1, W2), then biases (b1, b2).
THETA = [0.8, -1.2, 0.1, 0.3]
ALPHA = 0.1


def sigma(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def hand_cost(theta, l1=0.0, l2=0.0) -> float:
    """J = (1/m)·Σ −(y·log a2 + (1 − y)·log(1 − a2)) + the penalty."""
    w1, w2, b1, b2 = theta
    total = 0.0
    for x, y in zip(X[0], LABELS, strict=True):
        a2 = sigma(w2 * math.tanh(w1 * x + b1) + b2)
        total += -(y * math.log(a2) + (1 - y) * math.log(1 - a2))
    return total / 2 + l1 * (abs(w1) + abs(w2)) + 0.5 * l2 * (w1 * w1 + w2 * w2)


def hand_gradient(theta, l1=0.0, l2=0.0) -> list[float]:
    """[dw1, dw2, db1, db2]: dz2 = a2 − y, dw2 = dz2·a1, dz1 = w2·dz2·(1 − a1²),
    dw1 = dz1·x, each averaged over the examples; the weights get l2·w + l1·sign(w)."""
    w1, w2, b1, b2 = theta
    g = [0.0, 0.0, 0.0, 0.0]
    for x, y in zip(X[0], LABELS, strict=True):
        a1 = math.tanh(w1 * x + b1)
        dz2 = sigma(w2 * a1 + b2) - y
        dz1 = w2 * dz2 * (1 - a1 * a1)
        for i, d in enumerate((dz1 * x, dz2 * a1, dz1, dz2)):
            g[i] += d / 2
    for i, w in enumerate((w1, w2)):
        g[i] += l2 * w + l1 * math.copysign(1.0, w)
    return g


def hand_sgd(theta, steps, l1, l2):
    """θ ← θ − α·g."""
    theta = list(theta)
    for _ in range(steps):
        g = hand_gradient(theta, l1, l2)
        theta = [t - ALPHA * gi for t, gi in zip(theta, g, strict=True)]
    return theta


def hand_momentum(theta, steps, l1, l2, beta=0.9):
    """v ← β·v − α·g;  θ ← θ + v."""
    theta, v = list(theta), [0.0] * 4
    for _ in range(steps):
        g = hand_gradient(theta, l1, l2)
        v = [beta * vi - ALPHA * gi for vi, gi in zip(v, g, strict=True)]
        theta = [t + vi for t, vi in zip(theta, v, strict=True)]
    return theta


def hand_adam(theta, steps, l1, l2, beta1=0.9, beta2=0.999, eps=1e-8):
    """m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
    m̂ = m / (1 − β1ᵗ);  v̂ = v / (1 − β2ᵗ);  θ ← θ − α·m̂ / (√v̂ + ε)."""
    theta, m, v = list(theta), [0.0] * 4, [0.0] * 4
    for t in range(1, steps + 1):
        g = hand_gradient(theta, l1, l2)
        m = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g, strict=True)]
        v = [beta2 * vi + (1 - beta2) * gi * gi for vi, gi in zip(v, g, strict=True)]
        theta = [
            th - ALPHA * (mi / (1 - beta1**t)) / (math.sqrt(vi / (1 - beta2**t)) + eps)
            for th, mi, vi in zip(theta, m, v, strict=True)
        ]
    return theta


HAND = {"sgd": hand_sgd, "momentum": hand_momentum, "adam": hand_adam}
PENALTIES = [(0.0, 0.0), (0.05, 0.0), (0.0, 0.3), (0.05, 0.3)]


def network() -> MLP:
    net = MLP([1, 1, 1], "tanh")
    net.theta[:] = THETA
    return net


@pytest.mark.parametrize(("l1", "l2"), PENALTIES)
@pytest.mark.parametrize("optimizer", list(HAND))
@pytest.mark.parametrize("steps", [1, 2])
def test_steps_of_each_optimizer_are_the_hand_worked_update(optimizer, steps, l1, l2):
    net = network()
    config = TrainConfig(learning_rate=ALPHA, optimizer=optimizer, l1=l1, l2=l2, record_every=0)
    Trainer(net, X, LABELS, config).run(steps)
    expected = HAND[optimizer](THETA, steps, l1, l2)
    np.testing.assert_allclose(net.theta, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("l1", "l2"), PENALTIES)
def test_evaluate_reports_the_mean_cost_with_its_penalty(l1, l2):
    net = network()
    config = TrainConfig(l1=l1, l2=l2, record_every=0)
    evaluation = Trainer(net, X, LABELS, config).evaluate()
    assert evaluation.train_cost == pytest.approx(hand_cost(THETA, l1, l2), rel=1e-13)
    assert evaluation.train_cost == pytest.approx(net.cost(X, LABELS, l1, l2), rel=1e-13)
    # x = 0.5: z2 = −1.2·tanh(0.5) + 0.3 < 0, class 0 for label 1 (wrong);
    # x = −1.5: z2 = −1.2·tanh(−1.1) + 0.3 > 0, class 1 for label 0 (wrong).
    assert evaluation.train_accuracy == 0.0


@pytest.mark.parametrize(("l1", "l2"), PENALTIES)
def test_each_steps_cost_is_the_hand_worked_cost_before_its_update(l1, l2):
    config = TrainConfig(learning_rate=ALPHA, l1=l1, l2=l2, record_every=0, record_steps=True)
    trainer = Trainer(network(), X, LABELS, config)
    trainer.run(2)
    after_one = hand_sgd(THETA, 1, l1, l2)
    expected = [hand_cost(THETA, l1, l2), hand_cost(after_one, l1, l2)]
    np.testing.assert_allclose(trainer.steps.cost, expected, rtol=1e-13)
    np.testing.assert_array_equal(trainer.steps.step, [1, 2])
    np.testing.assert_array_equal(trainer.steps.epoch, [0, 1])
    assert trainer.steps.accuracy[0] == 0.0  # see the evaluation test above
