"""The trainer's optimizer state, read and written in θ's layout (the seeds'
W[l], b[l] order), whatever order and signs the packed kernel keeps."""

import numpy as np
import pytest

from backprop_gui.core import MLP, TrainConfig, Trainer, make_dataset

from .test_training_kernel import reference_run

CASES = [
    ([2, 5, 1], TrainConfig(learning_rate=0.3, optimizer="momentum")),  # a sigmoid output
    ([2, 6, 4, 1], TrainConfig(learning_rate=0.02, optimizer="adam", l2=0.001)),
    ([2, 6, 3], TrainConfig(learning_rate=0.05, optimizer="adam")),  # softmax, not negated
]


@pytest.mark.parametrize(("sizes", "config"), CASES)
def test_the_state_is_the_one_of_the_textbook_optimizer_after_the_same_steps(sizes, config):
    points, labels = make_dataset("circle", 60, seed=2)
    labels = labels + (np.arange(60) % 3 == 0) if sizes[-1] == 3 else labels  # three classes
    trainer = Trainer(MLP(sizes, "tanh", seed=0), points, labels, config)
    reference = MLP(sizes, "tanh", seed=0)
    trainer.run(12)
    textbook = reference_run(reference, points, labels, config, 12)
    state = trainer.optimizer_state()
    names = ("velocity",) if config.optimizer == "momentum" else ("m", "v", "t")
    assert set(state) == set(names)
    for name in names:
        if name == "t":
            assert state["t"] == textbook.t == 12
        else:
            np.testing.assert_allclose(state[name], getattr(textbook, name), rtol=1e-9, atol=1e-12)


def test_sgd_has_no_state():
    points, labels = make_dataset("circle", 30, seed=0)
    trainer = Trainer(MLP([2, 3, 1], seed=0), points, labels, TrainConfig())
    assert trainer.optimizer_state() == {}
    trainer.set_optimizer_state({})


@pytest.mark.parametrize(("sizes", "config"), CASES)
def test_a_trainer_given_the_state_and_weights_trains_on_exactly_alike(sizes, config):
    points, labels = make_dataset("circle", 60, seed=2)
    labels = labels + (np.arange(60) % 3 == 0) if sizes[-1] == 3 else labels
    first = Trainer(MLP(sizes, "tanh", seed=0), points, labels, config)
    first.run(9)
    second = Trainer(MLP(sizes, "tanh", seed=5), points, labels, config)
    second.net.theta[:] = first.net.theta
    second.set_optimizer_state(first.optimizer_state())
    first.run(7)
    second.run(7)
    np.testing.assert_array_equal(second.net.theta, first.net.theta)


def test_a_state_of_another_optimizer_or_size_is_refused():
    points, labels = make_dataset("circle", 30, seed=0)
    config = TrainConfig(optimizer="momentum")
    trainer = Trainer(MLP([2, 3, 1], seed=0), points, labels, config)
    with pytest.raises(ValueError, match="momentum"):
        trainer.set_optimizer_state({"m": np.zeros(13), "v": np.zeros(13), "t": 1})
    with pytest.raises(ValueError, match="entries"):
        trainer.set_optimizer_state({"velocity": np.zeros(5)})
