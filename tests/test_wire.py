"""The trainer process's wire format carries data exactly, and never code."""

import io
import math

import numpy as np
import pytest

from backprop_gui.core import Evaluation, TrainConfig
from backprop_gui.session.wire import receive, send


def round_trip(value):
    stream = io.BytesIO()
    send(stream, value)
    stream.seek(0)
    return receive(stream)


def test_every_kind_of_value_survives_exactly():
    theta = np.random.default_rng(0).normal(size=17)
    value = (
        "frame",
        [1, 2.5, None, True, "x"],
        {"theta": theta, "config": TrainConfig(0.1, "adam", 32, seed=3)},
        Evaluation(3, 7, 0.25, math.nan, 1.0, math.nan),
        np.arange(6, dtype=np.float32).reshape(2, 3),
        np.float64(math.inf),
    )
    back = round_trip(value)
    assert back[0] == "frame" and back[1] == [1, 2.5, None, True, "x"]
    assert np.array_equal(back[2]["theta"], theta) and back[2]["config"] == value[2]["config"]
    assert back[3].train_cost == 0.25 and math.isnan(back[3].test_cost)
    assert back[4].dtype == np.float32 and np.array_equal(back[4], value[4])
    assert back[5] == math.inf


def test_several_messages_follow_one_another_and_the_end_is_eof():
    stream = io.BytesIO()
    send(stream, 1)
    send(stream, (np.zeros(3),))
    stream.seek(0)
    assert receive(stream) == 1
    assert receive(stream)[0].shape == (3,)
    with pytest.raises(EOFError):
        receive(stream)


def test_objects_cannot_be_sent_and_pickles_are_refused():
    with pytest.raises(TypeError):
        round_trip(object())
    # A pickled array smuggled into the stream is refused when read.
    stream = io.BytesIO()
    send(stream, np.zeros(1))
    evil = io.BytesIO()
    np.lib.format.write_array(evil, np.array([object()], dtype=object), allow_pickle=True)
    data = stream.getvalue()
    npy = data.index(b"\x93NUMPY")
    stream = io.BytesIO(data[:npy] + evil.getvalue())
    with pytest.raises(ValueError, match="pickle"):
        receive(stream)
