"""Session files: what is saved opens again exactly, and every kind of damage
is refused with one clear line naming the file."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import numpy as np
import pytest

from backprop_gui.core import MLP
from backprop_gui.core.errors import BadFileError
from backprop_gui.session import NetworkSpec
from backprop_gui.session.sessionfile import (
    MAX_MEMBER_BYTES,
    SessionFileError,
    SessionState,
    load_session,
    parameter_count,
    save_session,
)

SPEC = NetworkSpec((3, 2), ("tanh", "relu"), ("x1", "x2"), 7)


def state(theta: bool = True) -> SessionState:
    rng = np.random.default_rng(0)
    m = 5
    net = SPEC.build()
    return SessionState(
        points=rng.normal(size=(2, m)),
        labels=np.array([0, 1, 1, 0, 1]),
        keys=rng.random(m),
        spec=SPEC,
        controls={"training": {"optimizer": "adam", "seed": 7}, "data": {"test_ratio": 40}},
        theta=net.theta.copy() if theta else None,
        curve=np.array([[0, 0.7, 0.71], [10, 0.5, np.nan], [20, 0.3, 0.35]]),
        epoch=20,
        steps=40,
    )


def test_a_session_comes_back_exactly(tmp_path):
    path = tmp_path / "lesson.bpsession"
    saved = state()
    save_session(path, saved)
    loaded = load_session(path)
    for name in ("points", "labels", "keys", "theta", "curve"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(saved, name))
    assert loaded.labels.dtype == np.int64 and loaded.points.dtype == np.float64
    assert loaded.spec == SPEC and loaded.spec.activations == ("tanh", "relu")
    assert (loaded.controls, loaded.epoch, loaded.steps) == (saved.controls, 20, 40)


def test_a_session_without_weights_has_no_theta(tmp_path):
    path = tmp_path / "exercise.bpsession"
    save_session(path, state(theta=False))
    assert load_session(path).theta is None
    assert "theta.npy" not in zipfile.ZipFile(path).namelist()


def test_the_parameter_count_is_the_networks():
    # 2→3→2→1: 3·2+3 + 2·3+2 + 1·2+1 = 9 + 8 + 3 = 20
    assert parameter_count(SPEC) == 20 == MLP(SPEC.layer_sizes()).theta.size


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(path, contents: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in contents.items():
            zf.writestr(name, data)


def npy(array, allow_pickle=False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def header_with(**changes) -> bytes:
    def change(contents):
        header = json.loads(contents["session.json"])
        for key, value in changes.items():
            target, *path = key.split("__")
            if path:
                header[target][path[0]] = value
            else:
                header[target] = value
        return json.dumps(header).encode()

    return change


DAMAGE = {
    "not a zip": (lambda c: None, "not a zip file"),
    "missing keys": (lambda c: c.pop("keys.npy") and None, "keys.npy missing"),
    "extra member": (lambda c: c.update({"run.py": b"print()"}), "unexpected member 'run.py'"),
    "pickled array": (
        lambda c: c.update({"points.npy": npy(np.array([{}], dtype=object), True)}),
        "pickle",
    ),
    "garbage array": (lambda c: c.update({"keys.npy": b"\x93NUMPY nonsense"}), "keys.npy"),
    "wrong shape": (lambda c: c.update({"points.npy": npy(np.zeros((3, 5)))}), "(2, m)"),
    "wrong dtype": (lambda c: c.update({"labels.npy": npy(np.zeros(5))}), "labels"),
    "points too large for a feature": (
        lambda c: c.update({"points.npy": npy(np.array([[0.0] * 4 + [1e200], [0.0] * 5]))}),
        "the input feature x₁² overflows to inf for point 5",
    ),
    "keys out of range": (lambda c: c.update({"keys.npy": npy(np.full(5, 1.5))}), "[0, 1)"),
    "short theta": (lambda c: c.update({"theta.npy": npy(np.zeros(3))}), "theta must be (20,)"),
    "nan weight": (
        lambda c: c.update({"theta.npy": npy(np.full(20, np.nan))}),
        "finite",
    ),
    "bad curve": (lambda c: c.update({"curve.npy": npy(np.zeros((4, 2)))}), "curve"),
    "not json": (lambda c: c.update({"session.json": b"{nope"}), "not valid JSON"),
    "other format": (lambda c: c.update({"session.json": header_with(format="x")(c)}), "format"),
    "newer version": (lambda c: c.update({"session.json": header_with(version=9)(c)}), "version"),
    "unknown activation": (
        lambda c: c.update({"session.json": header_with(network__activation="mish")(c)}),
        "unknown activation 'mish'",
    ),
    "too many layers": (
        lambda c: c.update({"session.json": header_with(network__hidden=[2] * 9)(c)}),
        "at most 8 hidden layers",
    ),
    "negative epoch": (lambda c: c.update({"session.json": header_with(epoch=-1)(c)}), "epoch"),
    "fewer outputs than classes": (
        lambda c: c.update({"labels.npy": npy(np.array([0, 1, 2, 0, 1]))}),
        "the network has outputs for 2 classes; the points have 3",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_sessions_are_refused_with_one_line(tmp_path, damage):
    path = tmp_path / "damaged.bpsession"
    save_session(path, state())
    contents = members(path)
    change, expected = DAMAGE[damage]
    if damage == "not a zip":
        path.write_bytes(b"x1,x2,label\n0,0,1\n")
    else:
        change(contents)
        rezip(path, contents)
    with pytest.raises(SessionFileError) as caught:
        load_session(path)
    message = str(caught.value)
    assert isinstance(caught.value, BadFileError)
    assert message.startswith(str(path)) and "\n" not in message
    assert expected in message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.bpsession"
    save_session(path, state())
    contents = members(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in contents.items():
            if name != "theta.npy":
                zf.writestr(name, data)
        # 65 MiB of zeros deflate to ~65 KiB; the declared size gives it away.
        zf.writestr("theta.npy", b"\0" * (MAX_MEMBER_BYTES + 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(SessionFileError, match=r"theta\.npy is too large"):
        load_session(path)


def test_a_member_that_lies_about_its_size_is_still_capped(tmp_path, monkeypatch):
    import backprop_gui.session.sessionfile as sessionfile

    monkeypatch.setattr(sessionfile, "MAX_MEMBER_BYTES", 100)
    path = tmp_path / "big.bpsession"
    save_session(path, state())
    with pytest.raises(SessionFileError, match="too large"):
        load_session(path)


def test_a_missing_file_and_a_directory_get_the_same_kind_of_error(tmp_path):
    for path in (tmp_path / "none.bpsession", tmp_path):
        with pytest.raises(SessionFileError, match=str(path)):
            load_session(path)


def test_saving_checks_the_state_and_leaves_no_file_behind(tmp_path):
    path = tmp_path / "bad.bpsession"
    bad = SessionState(**{**state().__dict__, "keys": np.zeros(2)})
    with pytest.raises(SessionFileError, match="keys"):
        save_session(path, bad)
    assert not path.exists()


def test_mixed_activations_are_one_spelling():
    assert NetworkSpec((2, 2), ("relu", "relu")).activation == "relu"
    assert NetworkSpec((2, 2), ["relu", "tanh"]).activation == ("relu", "tanh")
    assert NetworkSpec((2, 2), "relu") == NetworkSpec((2, 2), ("relu", "relu"))
    assert NetworkSpec((2, 2), ("relu", "tanh")).build().activation_names == ("relu", "tanh")
    with pytest.raises(ValueError, match="3 activations given for 2 hidden layers"):
        NetworkSpec((2, 2), ("relu", "tanh", "tanh"))


def test_a_network_may_have_more_classes_than_the_points_never_fewer(tmp_path):
    # An imported three-class network trains on two-class points until the
    # points' classes change; no network can take points of more classes.
    three = SessionState(**{**state(theta=False).__dict__, "spec": replace(SPEC, n_classes=3)})
    save_session(tmp_path / "three.bpsession", three)
    assert load_session(tmp_path / "three.bpsession").spec.n_classes == 3
    fewer = SessionState(**{**state().__dict__, "labels": np.array([0, 1, 2, 0, 1])})
    with pytest.raises(SessionFileError, match="outputs for 2 classes; the points have 3"):
        save_session(tmp_path / "fewer.bpsession", fewer)


def as_version_1(path, labels=None) -> None:
    """Rewrite the session at ``path`` as version 1 wrote it: no network.classes."""
    contents = members(path)
    header = json.loads(contents["session.json"])
    header["version"] = 1
    del header["network"]["classes"]
    contents["session.json"] = json.dumps(header).encode()
    if labels is not None:
        contents["labels.npy"] = npy(np.asarray(labels))
    rezip(path, contents)


def test_a_three_class_session_keeps_its_network_and_weights(tmp_path):
    spec = replace(SPEC, n_classes=3)
    saved = SessionState(
        **{
            **state().__dict__,
            "spec": spec,
            "labels": np.array([0, 1, 2, 0, 1]),
            "theta": spec.build().theta.copy(),
        }
    )
    save_session(tmp_path / "three.bpsession", saved)
    loaded = load_session(tmp_path / "three.bpsession")
    assert loaded.spec == spec and loaded.theta.shape == (parameter_count(spec),) == (26,)
    np.testing.assert_array_equal(loaded.theta, saved.theta)


def test_a_version_1_session_still_opens(tmp_path):
    path = tmp_path / "old.bpsession"
    save_session(path, state())
    as_version_1(path)
    loaded = load_session(path)
    assert loaded.spec == SPEC and loaded.theta.shape == (20,)


def test_a_version_1_session_of_three_classes_gets_a_network_that_fits(tmp_path):
    # Version 1 saved points of three classes beside a two-class network
    # and no weights: the points open, with a three-class network.
    path = tmp_path / "three classes.bpsession"
    save_session(path, state(theta=False))
    as_version_1(path, labels=[0, 1, 2, 0, 1])
    loaded = load_session(path)
    assert loaded.spec == replace(SPEC, n_classes=3) and loaded.theta is None
    np.testing.assert_array_equal(loaded.labels, [0, 1, 2, 0, 1])


def test_a_session_holds_the_classes_the_window_draws(tmp_path):
    # Points files may have up to ten classes; the window, and so its
    # sessions, six.
    seven = SessionState(**{**state(theta=False).__dict__, "labels": np.array([0, 1, 6, 0, 1])})
    with pytest.raises(SessionFileError, match=r"classes 0\.\.5"):
        save_session(tmp_path / "seven.bpsession", seven)


def test_a_version_2_session_with_fewer_outputs_than_classes_is_refused(tmp_path):
    path = tmp_path / "damaged.bpsession"
    save_session(path, state(theta=False))
    contents = members(path)
    contents["labels.npy"] = npy(np.array([0, 1, 2, 0, 1]))
    rezip(path, contents)
    with pytest.raises(SessionFileError, match="outputs for 2 classes; the points have 3"):
        load_session(path)
