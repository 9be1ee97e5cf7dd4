"""The autosave store: which epoch autosaved weights are from, whenever the
app is killed."""

from __future__ import annotations

import json

import numpy as np
import pytest

from backprop_gui.core import MLP
from backprop_gui.gui import autosave as session_module
from backprop_gui.gui.autosave import SessionStore


def net(seed: int) -> MLP:
    return MLP([2, 3, 1], "tanh", seed=seed, features=("x1", "x2"))


def test_saved_weights_come_back_with_their_epoch_and_step(tmp_path):
    store = SessionStore(tmp_path)
    store.save_weights(net(1), epoch=10, steps=100)
    store.save_weights(net(2), epoch=20, steps=200)
    saved = SessionStore(tmp_path).load_weights()
    assert np.array_equal(saved.net.theta, net(2).theta)
    assert (saved.epoch, saved.steps) == (20, 200)


def test_killed_between_the_two_writes_the_weights_left_keep_their_epoch(tmp_path, monkeypatch):
    store = SessionStore(tmp_path)
    store.save_weights(net(1), epoch=10, steps=100)
    written = []

    def dies_on_the_second_write(real):
        def write(*args, **kwargs):
            if written:
                raise KeyboardInterrupt  # stands for the process dying there
            written.append(args[-1] if args else None)
            return real(*args, **kwargs)

        return write

    for name in ("save_weights", "atomic_write"):  # the weights file, the progress file
        monkeypatch.setattr(
            session_module, name, dies_on_the_second_write(getattr(session_module, name))
        )
    with pytest.raises(KeyboardInterrupt):
        store.save_weights(net(2), epoch=20, steps=200)
    assert len(written) == 1
    saved = SessionStore(tmp_path).load_weights()
    assert (saved.epoch, saved.steps) == (
        (10, 100) if np.array_equal(saved.net.theta, net(1).theta) else (20, 200)
    )


@pytest.mark.parametrize(
    "progress",
    [
        "not json",
        json.dumps({"weights": [{"epoch": 5, "steps": 5, "theta": "0" * 64}]}),
        json.dumps({"weights": [{"epoch": -1, "steps": 5, "theta": "DIGEST"}]}),
        json.dumps([1, 2]),
    ],
    ids=["garbage", "other-weights", "negative", "a-list"],
)
def test_a_progress_file_about_other_weights_or_damaged_gives_an_unknown_epoch(tmp_path, progress):
    store = SessionStore(tmp_path)
    store.save_weights(net(1), epoch=10, steps=100)
    digest = session_module._theta_digest(net(1).theta)
    (tmp_path / SessionStore.PROGRESS).write_text(progress.replace("DIGEST", digest))
    saved = SessionStore(tmp_path).load_weights()
    assert np.array_equal(saved.net.theta, net(1).theta)
    assert (saved.epoch, saved.steps) == (None, None)
