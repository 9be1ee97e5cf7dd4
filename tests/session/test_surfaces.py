"""The surface a frame shows, made from θ alone (``SurfaceMaker.from_theta``,
what the app's worker does for a trainer process) is the one the engine
makes, for two classes and for three, in float32 and float64; and a frame
asked for without its surface carries none and everything else."""

import numpy as np
import pytest

from backprop_gui.core import TrainConfig, make_dataset, transform
from backprop_gui.core.contour import isoline_segments
from backprop_gui.core.surface import grid_centres, grid_points
from backprop_gui.session import Engine, RemoteEngine
from backprop_gui.session.surfaces import SurfaceMaker

PICTURES = ("surface", "surface_class", "boundary")


def trained(sizes, classes, activation="tanh", resolution=32):
    points, labels = make_dataset("gaussian", 90, 0.0, seed=1, classes=classes)
    engine = Engine()
    engine.build(sizes, activation, ("x1", "x2"), 0, TrainConfig(0.3), resolution)
    engine.set_data(points, labels)
    engine.run(150)
    return engine


@pytest.mark.parametrize(
    ("sizes", "classes", "activation"),
    [([2, 5, 4, 1], 2, ("tanh", "relu")), ([2, 6, 3], 3, "sigmoid")],
)
@pytest.mark.parametrize("exact", [True, False])
def test_made_from_theta_it_is_the_engines_surface(sizes, classes, activation, exact):
    engine = trained(sizes, classes, activation)
    frame = engine.frame(True, exact=exact)
    net = engine.trainer.net
    maker = SurfaceMaker(("x1", "x2"), 32)
    made = maker.from_theta(sizes, net.activation_names, frame.theta, exact)
    for name, picture in zip(PICTURES, made, strict=True):
        assert np.array_equal(picture, getattr(frame, name)), name
    # And against the network's own float64 forward pass, from scratch.
    p = net.class_probabilities(transform(grid_points(32), net.features))
    shown = p[1] if classes == 2 else p.max(axis=0)
    assert np.allclose(made[0], shown.reshape(32, 32), atol=0 if exact else 1e-6)


def test_a_new_shape_a_new_activation_or_new_weights_are_followed():
    maker = SurfaceMaker(("x1", "x2"), 16)
    small, big = trained([2, 3, 1], 2), trained([2, 7, 7, 1], 2)
    relu = trained([2, 3, 1], 2, "relu")  # small's shape, another activation
    for engine in (small, big, small, relu):  # the network kept is rebuilt each time
        net = engine.trainer.net
        made = maker.from_theta(net.layer_sizes, net.activation_names, net.theta, True)
        c = grid_centres(16)
        expected = net.predict_proba(transform(grid_points(16), net.features))[0]
        assert np.array_equal(made[0], expected.reshape(16, 16).astype(np.float32))
        assert np.array_equal(made[2], isoline_segments(made[0], 0.5, c, c))


def test_non_finite_weights_are_drawn_undecided():
    engine = trained([2, 3, 1], 2)
    net = engine.trainer.net
    theta = np.full_like(net.theta, np.nan)
    surface, _, boundary = SurfaceMaker(("x1", "x2"), 8).from_theta(
        net.layer_sizes, net.activation_names, theta, False
    )
    assert np.all(surface == 0.5) and boundary.size == 0


@pytest.fixture
def remote():
    engine = RemoteEngine()
    yield engine
    engine.close()


@pytest.mark.parametrize("where", ["here", "process"])
def test_a_frame_without_its_surface_has_everything_else(where, request):
    engine = request.getfixturevalue("remote") if where == "process" else Engine()
    points, labels = make_dataset("circle", 60, seed=1)
    engine.build([2, 4, 1], "tanh", ("x1", "x2"), 0, TrainConfig(), 24)
    engine.set_data(points, labels)
    engine.run(5)
    bare = engine.frame(True, exact=False, surface=False)
    whole = engine.frame(True, exact=False)
    for name in PICTURES:
        assert getattr(bare, name).size == 0, name
    assert np.array_equal(bare.theta, whole.theta)
    assert bare.evaluation == whole.evaluation and bare.steps == whole.steps == 5
    assert whole.surface.shape == (24, 24)
