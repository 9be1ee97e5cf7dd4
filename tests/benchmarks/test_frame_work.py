"""The benchmark's "headless making frames" replays the app's frames: what
each one cost the trainer is read from the frame, counting only the fields
the frame before did not already carry."""

from dataclasses import replace

import numpy as np

from backprop_gui.core import TrainConfig
from backprop_gui.session import Engine
from benchmarks.window import FrameWork, frame_work

INSPECT = {"gradients": True, "health": True, "unit_maps": (16, 9)}


def engine() -> Engine:
    e = Engine()
    e.build([2, 3, 1], "tanh", ("x1", "x2"), 0, TrainConfig(record_every=0), 16)
    rng = np.random.default_rng(0)
    points = rng.uniform(-1, 1, (2, 20))
    e.set_points(points, (points[0] > 0).astype(np.int64), points[:, :0], np.zeros(0, np.int64))
    return e


def test_a_frame_with_new_inspections_is_replayed_with_the_same_request():
    e = engine()
    # As the window gets it while training: the worker marks it so.
    frame = replace(e.frame(True, False, inspect=INSPECT), training=True)
    work = frame_work(frame, None)
    # Three units at most in a layer: the maps are (n_l, 16, 16), n_l ≤ 3.
    assert work == FrameWork(True, False, {"gradients": True, "health": True, "unit_maps": (16, 3)})
    again = e.frame(work.evaluate, work.exact, inspect=work.inspect)
    assert [m.shape for m in again.unit_maps] == [m.shape for m in frame.unit_maps]
    assert again.gradients.keys() == frame.gradients.keys() and len(again.health) == 2


def test_what_a_frame_passes_on_from_the_one_before_was_not_computed_for_it():
    e = engine()
    first = e.frame(True, False, inspect=INSPECT)
    # The window's worker hands the last evaluation and inspections on.
    reused = first.__class__(
        **{**{f: getattr(first, f) for f in first.__dataclass_fields__}, "training": True}
    )
    assert frame_work(reused, first) == FrameWork(False, False, {})
    fresh = replace(e.frame(True, False, inspect={"health": True}), training=True)
    assert frame_work(fresh, first) == FrameWork(True, False, {"health": True})


def test_a_surface_the_worker_made_is_not_replayed_in_the_trainer():
    e = engine()
    frame = replace(e.frame(True, False), training=True)
    work = frame_work(frame, None, trainer_surface=False)
    assert work == FrameWork(True, False, {}, surface=False)
    again = e.frame(work.evaluate, work.exact, surface=work.surface)
    assert again.surface.size == 0 and again.boundary.size == 0


def test_the_headless_runs_train_what_the_window_trains_and_record_as_its_trainer(qapp):
    from backprop_gui.session.engine import RECORDING
    from benchmarks.window import AppSession

    session = AppSession()
    try:
        frame = session.window.snapshot
        recording = session.headless_trainer(record_steps=True)
        assert {k: getattr(recording.config, k) for k in RECORDING} == RECORDING
        assert not session.headless_trainer().config.record_steps
        engine = session.headless_engine()
        assert engine.trainer.m == recording.m == frame.n_train
        # A trainer process: the window's worker made the surfaces.
        assert session.window.trainer_pid is not None
        assert session.recorder.trainer_surfaces() is False
        assert np.array_equal(engine.trainer.net.theta, frame.theta)
        assert np.array_equal(recording.net.theta, frame.theta)
    finally:
        session.close()
