"""Session files (``.bpsession``): everything on the screen, in one file.

A teacher prepares an exercise and hands it out; a student opens it and sees
exactly what the teacher saw: the points and their train/test split, the
network, the settings, the weights and the cost curve so far.

The file is a zip (stored, not compressed: the arrays are small) of

- ``session.json``: ``{"format": "backprop-gui session", "version": 2,
  "network": {hidden, activation, features, seed, classes}, "epoch", "steps",
  "controls": {panel name: that panel's settings}}``; version 1, still read,
  had no ``classes`` (its networks were all read as two-class);
- ``points.npy`` (2, m) float64, ``labels.npy`` (m,) int64, ``keys.npy``
  (m,) float64 in [0, 1): each point's split key (``specs.test_mask``);
- ``curve.npy`` (k, 3) float64: epoch, train cost, test cost;
- ``theta.npy`` (P,) float64, the flat weights laid out like ``MLP.theta``
  (absent when there are none).

Arrays are ``np.save``/``np.load(allow_pickle=False)``: nothing in a session
file can run code. Reading checks everything (a zip, exactly these members,
sizes before reading, shapes, dtypes, values, the JSON's types) and turns any
problem into ``SessionFileError``, one line naming the file. Qt-free.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import zipfile
from dataclasses import dataclass, field, replace

import numpy as np

from ..core import ACTIVATIONS, FEATURES, atomic_write
from ..core.errors import BadFileError, read_capped
from ..core.features import FEATURE_LABELS, overflow_problem
from .limits import LIMITS
from .specs import NetworkSpec

FORMAT = "backprop-gui session"
VERSION = 2
READS = (1, 2)  # version 1: no network.classes
SUFFIX = ".bpsession"

MAX_FILE_BYTES = 64 * 1024 * 1024  # the whole file, before it is opened
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one member, uncompressed (zip bombs)
MAX_JSON_BYTES = 1024 * 1024
MAX_POINTS = LIMITS.window_points
MAX_CURVE = 1_000_000

REQUIRED = ("session.json", "points.npy", "labels.npy", "keys.npy", "curve.npy")
OPTIONAL = ("theta.npy",)


class SessionFileError(BadFileError):
    """A session file that cannot be read."""


def _empty_curve() -> np.ndarray:
    return np.zeros((0, 3))


@dataclass(frozen=True)
class SessionState:
    """One saved session. Arrays: ``points`` (2, m) float64, ``labels`` (m,)
    int64, ``keys`` (m,) float64 in [0, 1), ``curve`` (k, 3) float64 (epoch,
    train cost, test cost), ``theta`` (P,) float64 or None. ``controls``: each
    panel's own settings as JSON values (the panels check them when restoring)."""

    points: np.ndarray
    labels: np.ndarray
    keys: np.ndarray
    spec: NetworkSpec
    controls: dict = field(default_factory=dict)
    theta: np.ndarray | None = None
    curve: np.ndarray = field(default_factory=_empty_curve)
    epoch: int = 0
    steps: int = 0


def parameter_count(spec: NetworkSpec) -> int:
    """How many numbers ``MLP.theta`` has for ``spec``: Σ n_l·n_{l-1} + n_l."""
    sizes = spec.layer_sizes()
    return sum(n * p + n for p, n in itertools.pairwise(sizes))


# -- writing ---------------------------------------------------------------------


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
    return buffer.getvalue()


def save_session(path: str | os.PathLike, state: SessionState) -> None:
    """Write ``state`` to ``path``, whole or not at all (``core.atomic_write``).
    Checks ``state`` as reading would, so a file written is a file that opens."""
    _check_state(os.fspath(path), state, SessionFileError)
    spec = state.spec
    header = {
        "format": FORMAT,
        "version": VERSION,
        "network": {
            "hidden": list(spec.hidden),
            "activation": list(spec.activations) if spec.hidden else spec.activation,
            "features": list(spec.features),
            "seed": int(spec.seed),
            "classes": int(spec.n_classes),
        },
        "epoch": int(state.epoch),
        "steps": int(state.steps),
        "controls": state.controls,
    }
    members = {
        "session.json": json.dumps(header, indent=1, allow_nan=False).encode(),
        "points.npy": _npy(np.asarray(state.points, np.float64)),
        "labels.npy": _npy(np.asarray(state.labels, np.int64)),
        "keys.npy": _npy(np.asarray(state.keys, np.float64)),
        "curve.npy": _npy(np.asarray(state.curve, np.float64)),
    }
    if state.theta is not None:
        members["theta.npy"] = _npy(np.asarray(state.theta, np.float64))
    with atomic_write(path, "wb") as f, zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


# -- reading ---------------------------------------------------------------------


def load_session(path: str | os.PathLike) -> SessionState:
    """The session in ``path``; ``SessionFileError`` for anything wrong with it."""
    data = read_capped(path, MAX_FILE_BYTES, SessionFileError, "session files")

    def fail(problem: str) -> SessionFileError:
        return SessionFileError(path, problem)

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise fail("not a backprop-gui session (not a zip file)") from None
    with zf:
        infos = zf.infolist()
        names = [info.filename for info in infos]
        if len(set(names)) != len(names):
            raise fail("a member appears twice in the zip")
        missing = [n for n in REQUIRED if n not in names]
        if missing:
            raise fail(f"not a complete session: {', '.join(missing)} missing")
        extra = sorted(set(names) - set(REQUIRED) - set(OPTIONAL))
        if extra:
            raise fail(f"unexpected member {extra[0]!r}: a session holds only {_listing()}")
        members = {}
        for info in infos:
            limit = MAX_JSON_BYTES if info.filename.endswith(".json") else MAX_MEMBER_BYTES
            if info.file_size > limit:
                raise fail(f"{info.filename} is too large ({info.file_size:,} bytes unpacked)")
            try:
                with zf.open(info) as member:
                    # Never trust the declared size: read one byte past the limit.
                    raw = member.read(limit + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
                raise fail(f"{info.filename} cannot be unpacked: {exc}") from None
            if len(raw) > limit:
                raise fail(f"{info.filename} is too large unpacked")
            members[info.filename] = raw
    header = _header(members["session.json"], fail)
    arrays = {
        name.removesuffix(".npy"): _array(name, raw, fail)
        for name, raw in members.items()
        if name.endswith(".npy")
    }
    spec, labels, theta = header["spec"], arrays["labels"], arrays.get("theta")
    needed = _classes_needed(labels)
    if header["version"] == 1 and theta is None and needed is not None and spec.n_classes < needed:
        # Version 1 had no network.classes, and its app saved a session of
        # three or more classes without its weights: the points are what
        # counts, and a network is made for them.
        spec = replace(spec, n_classes=needed)
    state = SessionState(
        points=arrays["points"],
        labels=labels,
        keys=arrays["keys"],
        spec=spec,
        controls=header["controls"],
        theta=theta,
        curve=arrays["curve"],
        epoch=header["epoch"],
        steps=header["steps"],
    )
    _check_state(os.fspath(path), state, SessionFileError)
    return state


def _classes_needed(labels: object) -> int | None:
    """The output classes ``labels`` need (largest + 1, at least 2); None
    when they are not whole numbers in range (``_check_state`` says so)."""
    if not isinstance(labels, np.ndarray) or labels.dtype.kind not in "iu" or labels.ndim != 1:
        return None
    if not labels.size:
        return 2
    top = int(labels.max())
    return max(2, top + 1) if int(labels.min()) >= 0 and top < LIMITS.window_classes else None


def _listing() -> str:
    return ", ".join((*REQUIRED, *OPTIONAL))


def _array(name: str, raw: bytes, fail) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise fail(f"{name} holds Python objects (pickle), which are refused") from None
        raise fail(f"{name} is not a readable .npy array: {exc}") from None
    except (OSError, EOFError) as exc:
        raise fail(f"{name} is not a readable .npy array: {exc}") from None
    if not isinstance(array, np.ndarray):
        raise fail(f"{name} is not a .npy array")
    return array


def _header(raw: bytes, fail) -> dict:
    try:
        header = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise fail(f"session.json is not valid JSON: {exc}") from None
    if not isinstance(header, dict):
        raise fail("session.json must hold an object")
    if header.get("format") != FORMAT:
        raise fail("not a backprop-gui session (session.json names another format)")
    version = header.get("version")
    if type(version) is not int or version not in READS:
        raise fail(
            f"session version {version!r} is not one this app reads "
            f"(it reads versions {', '.join(map(str, READS))})"
        )
    expected = {"format", "version", "network", "epoch", "steps", "controls"}
    if set(header) != expected:
        odd = sorted(set(header) ^ expected)
        raise fail(f"session.json: unexpected or missing key {odd[0]!r}")
    counters = {}
    for key in ("epoch", "steps"):
        value = header[key]
        if type(value) is not int or not 0 <= value < 2**53:
            raise fail(f"session.json: {key} must be a whole number ≥ 0")
        counters[key] = value
    controls = header["controls"]
    if not isinstance(controls, dict) or not all(isinstance(v, dict) for v in controls.values()):
        raise fail("session.json: controls must map each panel to its settings")
    spec = _spec(header["network"], version, fail)
    return {"spec": spec, "controls": controls, "version": version, **counters}


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _spec(network: object, version: int, fail) -> NetworkSpec:
    keys = {"hidden", "activation", "features", "seed"} | ({"classes"} if version >= 2 else set())
    if not isinstance(network, dict) or set(network) != keys:
        raise fail(f"session.json: network must have {', '.join(sorted(keys))} and nothing else")
    hidden = network["hidden"]
    if not isinstance(hidden, list) or not all(type(n) is int for n in hidden):
        raise fail("session.json: network.hidden must be a list of whole numbers")
    too_big = LIMITS.check_hidden(hidden)
    if too_big is not None:
        raise fail(f"session.json: {too_big}")
    activation = network["activation"]
    names = [activation] if isinstance(activation, str) else activation
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise fail("session.json: network.activation must be a name or a list of names")
    unknown = [n for n in names if n not in ACTIVATIONS]
    if unknown:
        raise fail(f"session.json: unknown activation {unknown[0]!r}")
    if not isinstance(activation, str) and len(names) != len(hidden):
        raise fail(f"session.json: {len(names)} activations for {len(hidden)} hidden layers")
    features = network["features"]
    if (
        not isinstance(features, list)
        or not features
        or not all(isinstance(f, str) and f in FEATURES for f in features)
        or len(set(features)) != len(features)
    ):
        raise fail(f"session.json: network.features must be distinct names of {FEATURES}")
    seed = network["seed"]
    if type(seed) is not int or not 0 <= seed < 2**32:
        raise fail("session.json: network.seed must be a whole number in [0, 2³²)")
    classes = network.get("classes", 2)
    if type(classes) is not int or not 2 <= classes <= LIMITS.window_classes:
        raise fail(
            f"session.json: network.classes must be a whole number in 2..{LIMITS.window_classes}"
        )
    return NetworkSpec(
        tuple(hidden),
        activation if isinstance(activation, str) else tuple(activation),
        tuple(features),
        seed,
        classes,
    )


def _check_state(path: str, state: SessionState, error: type[BadFileError]) -> None:
    """Shapes, dtypes and values of ``state``'s arrays, against each other and
    its network."""

    def check(ok: bool, problem: str) -> None:
        if not ok:
            raise error(path, problem)

    def real(a: np.ndarray) -> bool:
        return a.dtype.kind == "f" and a.dtype.itemsize <= 8

    points, labels, keys, curve = state.points, state.labels, state.keys, state.curve
    for name, a in (("points", points), ("labels", labels), ("keys", keys), ("curve", curve)):
        check(isinstance(a, np.ndarray), f"{name} is not an array")
    check(
        real(points) and points.ndim == 2 and points.shape[0] == 2, "points must be (2, m) floats"
    )
    m = points.shape[1]
    check(m <= MAX_POINTS, f"at most {MAX_POINTS:,} points; the session has {m:,}")
    check(bool(np.isfinite(points).all()), "every point's coordinates must be finite numbers")
    problem = overflow_problem(points, shown=FEATURE_LABELS)  # the window may use any
    check(problem is None, str(problem))
    check(
        labels.dtype.kind in "iu" and labels.shape == (m,),
        f"labels must be (m,) = ({m},) whole numbers",
    )
    check(
        bool(((labels >= 0) & (labels < LIMITS.window_classes)).all()),
        f"labels must be classes 0..{LIMITS.window_classes - 1}",
    )
    needed = _classes_needed(labels)
    check(
        needed is not None and needed <= state.spec.n_classes,
        f"the network has outputs for {state.spec.n_classes} classes; the points have {needed}",
    )
    check(real(keys) and keys.shape == (m,), f"keys must be (m,) = ({m},) floats")
    check(bool(((keys >= 0) & (keys < 1)).all()), "every split key must be in [0, 1)")
    check(
        real(curve) and curve.ndim == 2 and curve.shape[1] == 3 and len(curve) <= MAX_CURVE,
        f"curve must be (k, 3) floats (epoch, train cost, test cost), k ≤ {MAX_CURVE:,}",
    )
    check(
        bool((np.isfinite(curve[:, 0]) & (curve[:, 0] >= 0)).all()),
        "the curve's epochs must be finite and ≥ 0",
    )
    if state.theta is not None:
        theta, count = state.theta, parameter_count(state.spec)
        check(
            isinstance(theta, np.ndarray) and real(theta) and theta.shape == (count,),
            f"theta must be ({count},) floats for this network",
        )
        check(bool(np.isfinite(theta).all()), "every weight must be a finite number")
    for key in ("epoch", "steps"):
        value = getattr(state, key)
        check(isinstance(value, int) and 0 <= value < 2**53, f"{key} must be ≥ 0")
    try:
        json.dumps(state.controls, allow_nan=False)
    except (TypeError, ValueError) as exc:
        check(False, f"the controls are not plain JSON values: {exc}")
