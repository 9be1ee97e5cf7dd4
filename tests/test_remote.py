"""The app's trainer in a child process answers like the one in-process."""

import io
import sys

import numpy as np
import pytest

from backprop_gui.core import DivergenceError, TrainConfig, make_dataset, train_test_split
from backprop_gui.session import Engine, Frame, RemoteEngine, RemoteError
from backprop_gui.session.wire import send


def built(engine, lr=0.03, activation="tanh"):
    points, labels = make_dataset("circle", 120, seed=1)
    a, b, c, d = train_test_split(points, labels, 0.25, seed=1)
    engine.build([2, 6, 1], activation, ("x1", "x2"), 3, TrainConfig(lr, record_every=0), 32)
    engine.set_data(a, b, c, d)
    return engine


@pytest.fixture
def remote():
    engine = RemoteEngine()
    yield engine
    engine.close()


def test_the_process_trains_exactly_like_this_one(remote):
    local, remote = built(Engine()), built(remote)
    for engine in (local, remote):
        engine.run(25)
        engine.configure(learning_rate=0.1)
        engine.run_epochs(5)
    assert (remote.step_count, remote.epoch, remote.m) == (30, 30, local.m)
    assert np.array_equal(remote.theta(), local.theta())
    assert remote.evaluate() == local.evaluate()
    for still in (True, False):
        ours, theirs = local.frame(True, still), remote.frame(True, still)
        assert isinstance(theirs, Frame)
        assert ours.evaluation == theirs.evaluation and ours.divergence == theirs.divergence == ""
        assert (ours.epoch, ours.steps, ours.n_train) == (
            theirs.epoch,
            theirs.steps,
            theirs.n_train,
        )
        for name in ("surface", "boundary", "theta"):
            assert np.array_equal(getattr(ours, name), getattr(theirs, name))
    assert remote.frame(True).surface.dtype == np.float32


def test_divergence_and_errors_cross_the_process_boundary(remote):
    built(remote, lr=1e300, activation="linear")
    start = remote.theta()
    with pytest.raises(DivergenceError) as caught:
        remote.run(10)
    assert caught.value.step == 1 and np.array_equal(remote.theta(), start)
    assert caught.value.reason == "non-finite"  # the kind of divergence crosses too
    with pytest.raises(RemoteError, match="learning_rate"):
        remote.configure(learning_rate=-1.0)
    remote.set_theta(np.zeros_like(start))
    assert not remote.theta().any()


@pytest.mark.parametrize("kind", ["process", "thread"])
def test_steps_run_after_a_frame_are_the_same_steps(kind, remote):
    engine = built(remote if kind == "process" else Engine())
    twin = built(Engine())
    made = engine.frame(True, then_run=7)  # the frame first, then 7 steps...
    assert made.steps == 0 and made.step_costs is None  # ...that it does not show
    assert engine.collect() > 0  # the seconds they took, which the app paces by
    assert engine.collect() == 0.0  # once
    twin.frame(True)
    twin.run(7)
    assert engine.step_count == twin.step_count == 7
    assert np.array_equal(engine.theta(), twin.theta())
    after = engine.frame(False)
    assert after.step_costs.step.tolist() == list(range(1, 8))  # the next frame has them
    assert after.step_costs.cost.tolist() == twin.frame(False).step_costs.cost.tolist()


@pytest.mark.parametrize("kind", ["process", "thread"])
def test_a_divergence_in_the_steps_after_a_frame_is_raised_when_collected(kind, remote):
    engine = built(remote if kind == "process" else Engine(), lr=1e300, activation="linear")
    start = engine.theta()
    made = engine.frame(True, then_run=10)
    assert made.divergence == ""  # the frame itself is fine
    with pytest.raises(DivergenceError) as caught:
        engine.collect()
    assert caught.value.step == 1 and np.array_equal(engine.theta(), start)
    assert engine.collect() == 0.0  # raised once


def test_the_next_call_collects_the_steps_after_a_frame_first(remote):
    built(remote, lr=1e300, activation="linear")
    remote.frame(True, then_run=10)
    with pytest.raises(DivergenceError):
        remote.theta()  # the steps' outcome comes first...
    assert remote.theta().shape  # ...and the call after it answers as usual


def test_no_steps_are_run_after_a_frame_that_reports_a_divergence(monkeypatch):
    engine = built(Engine())
    good = engine.theta()
    engine.set_theta(np.full_like(good, 1e308))  # a non-finite cost
    runs = []
    monkeypatch.setattr(engine, "run", lambda steps: runs.append(steps) or steps)
    with np.errstate(all="ignore"):
        made = engine.frame(True, then_run=5)
    assert made.divergence and runs == []
    assert engine.collect() == 0.0  # nothing owed: no steps, so no divergence either
    engine.set_theta(good)
    assert not engine.frame(True, then_run=5).divergence  # on good weights...
    assert runs == [5]  # ...the same call runs them


def test_after_a_frame_that_fails_the_steps_reply_is_still_read_in_turn(remote):
    built(remote)
    with pytest.raises(RemoteError, match="no unit"):
        remote.frame(True, inspect={"unit_map": (9, 0)}, then_run=5)  # no layer 9
    theta = remote.theta()  # its own reply, not the steps' one
    assert isinstance(theta, np.ndarray) and theta.size == remote.theta().size
    assert isinstance(remote.frame(False), Frame)


def test_a_closed_process_says_so(remote):
    built(remote)
    remote.close()
    with pytest.raises(RemoteError, match="stopped answering"):
        remote.run(1)


def test_the_process_serves_only_the_engines_requests(remote):
    built(remote)
    with pytest.raises(RemoteError, match="not a request the trainer serves"):
        remote._call("__setattr__", "trainer", None)
    assert remote.step_count == 0 and remote.run(1) == 1


def test_the_process_imports_nothing_from_the_folder_it_was_started_in(tmp_path, monkeypatch):
    # A struct.py where the user launched the app must not run in the trainer.
    marker = tmp_path / "ran"
    (tmp_path / "struct.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    (tmp_path / "numpy.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    engine = built(RemoteEngine())
    try:
        assert engine.run(3) == 3
    finally:
        engine.close()
    assert not marker.exists()


def test_the_process_exits_quietly_when_the_app_is_gone():
    import subprocess

    from backprop_gui.session.transport import CHILD_MODULE, child_command

    child = subprocess.Popen(
        child_command(CHILD_MODULE),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # A request whose reply cannot be delivered: the reading end is closed.
    from backprop_gui.session.wire import send

    child.stdout.close()
    send(child.stdin, ("theta", [], {}))
    child.stdin.close()
    assert child.wait(timeout=30) == 0
    assert child.stderr.read() == b""


@pytest.mark.parametrize("kind", ["local", "remote"])
def test_raw_points_get_the_networks_features_in_the_engine(kind):
    # The one place features are computed for training, as for the surface.
    from backprop_gui.core import transform

    features = ("x1", "x2", "x1^2", "sin(x2)")
    points, labels = make_dataset("circle", 100, seed=2)
    a, b, c, d = train_test_split(points, labels, 0.2, seed=2)
    engines = [Engine(), Engine() if kind == "local" else RemoteEngine()]
    try:
        for engine in engines:
            config = TrainConfig(0.1, record_every=0)
            engine.build([4, 5, 1], "tanh", features, 3, config, 16)
        engines[0].set_data(transform(a, features), b, transform(c, features), d)
        engines[1].set_points(a, b, c, d)
        for engine in engines:
            engine.run(20)
        assert np.array_equal(engines[0].theta(), engines[1].theta())
        assert engines[0].evaluate() == engines[1].evaluate()
    finally:
        for engine in engines:
            engine.close()


def test_the_optimizers_state_crosses_both_ways(remote):
    local, remote = built(Engine()), built(remote)
    for engine in (local, remote):
        engine.configure(optimizer="adam")
        engine.run(4)
    state = remote.inspect({"optimizer": True})["optimizer"]
    ours = local.inspect({"optimizer": True})["optimizer"]
    assert state["t"] == ours["t"] == 4
    for name in ("m", "v"):
        assert np.array_equal(state[name], ours[name])
    # Given back to a fresh trainer with the same weights, training goes on alike.
    fresh = built(Engine())
    fresh.configure(optimizer="adam")
    fresh.set_theta(remote.theta())
    fresh.set_optimizer_state(state)
    remote.set_optimizer_state(state)  # and the process takes it too
    fresh.run(3)
    remote.run(3)
    assert np.array_equal(fresh.theta(), remote.theta())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes are Linux's")
def test_a_whole_frame_with_every_unit_map_fits_in_the_reply_pipe(remote):
    import fcntl

    # Else the trainer waits in write until the app has read the frame's
    # start, instead of training on while the app draws it.
    local = Engine()  # the app's default network and surface
    local.build([2, 8, 8, 1], "tanh", ("x1", "x2"), 0, TrainConfig(0.03, record_every=0), 128)
    local.set_data(*train_test_split(*make_dataset("circle", 200, seed=1), 0.2, seed=1))
    local.run(5)
    frame = local.frame(True, inspect={"gradients": True, "health": True, "unit_maps": 32})
    wire = io.BytesIO()
    send(wire, ("ok", frame, (0, 0, 0)))
    size = len(wire.getvalue())
    with open("/proc/sys/fs/pipe-max-size") as limit:
        if int(limit.read()) < size:
            pytest.skip("this system lets no pipe hold a frame")
    held = fcntl.fcntl(remote._process.stdout.fileno(), fcntl.F_GETPIPE_SZ)
    assert held >= size > 64 * 1024  # more than a pipe holds by default
