"""The engine's frames for K classes: the winning class and its probability,
the boundary where the top two tie, the same from the trainer process; and
the spec's output layer follows the class count."""

import numpy as np
import pytest

from backprop_gui.core import TrainConfig, make_dataset, transform
from backprop_gui.core.contour import isoline_segments
from backprop_gui.core.surface import grid_centres, grid_points
from backprop_gui.session import Engine, NetworkSpec, RemoteEngine


def test_the_output_layer_follows_the_class_count():
    assert NetworkSpec((8,)).layer_sizes() == [2, 8, 1]
    assert NetworkSpec((8,), n_classes=2).build().output_kind.name == "sigmoid"
    assert NetworkSpec((8,), n_classes=3).layer_sizes() == [2, 8, 3]
    assert NetworkSpec((8,), n_classes=6).build().output_kind.name == "softmax"


def three_blobs(engine, resolution=24):
    points, labels = make_dataset("gaussian", 90, 0.0, seed=1, classes=3)
    engine.build([2, 6, 3], "tanh", ("x1", "x2"), 0, TrainConfig(0.3, record_every=0), resolution)
    engine.set_data(points, labels)
    engine.run(200)
    return engine


def test_a_k_class_frame_has_the_winner_and_its_probability():
    engine = three_blobs(Engine())
    frame = engine.frame(True)
    net = engine.trainer.net
    p = net.class_probabilities(transform(grid_points(24), net.features)).reshape(3, 24, 24)
    assert frame.surface_class.dtype == np.uint8 and frame.surface.dtype == np.float32
    assert np.array_equal(frame.surface_class, p.argmax(axis=0))
    assert np.allclose(frame.surface, p.max(axis=0), atol=1e-6)
    assert set(np.unique(frame.surface_class)) == {0, 1, 2}
    assert frame.boundary.shape[0] > 0 and frame.boundary.shape[0] % 2 == 0


def test_a_two_class_frame_is_unchanged():
    engine = Engine()
    points, labels = make_dataset("circle", 60, seed=1)
    engine.build([2, 4, 1], "tanh", ("x1", "x2"), 0, TrainConfig(record_every=0), 24)
    engine.set_data(points, labels)
    frame = engine.frame(True)
    assert frame.surface_class.size == 0
    c = grid_centres(24)
    assert np.array_equal(frame.boundary, isoline_segments(frame.surface, 0.5, c, c))


@pytest.fixture
def remote():
    engine = RemoteEngine()
    yield engine
    engine.close()


def test_the_trainer_process_sends_the_same_k_class_frame(remote):
    local, there = three_blobs(Engine()).frame(True), three_blobs(remote).frame(True)
    assert there.surface_class.dtype == np.uint8
    for name in ("surface", "surface_class", "boundary", "theta"):
        assert np.array_equal(getattr(local, name), getattr(there, name)), name
