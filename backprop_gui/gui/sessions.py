"""The window's sessions: all it shows, saved to one file and opened again.

``capture`` reads the window into a ``SessionState`` (the format lives in the
Qt-free ``session.sessionfile``); ``apply`` puts one back: the controls, the
points with their own split keys (so the same points are test points), the
network, the weights with their epoch and step counts, and the cost curve.
The window saves ``last.bpsession`` in its autosave folder on a normal quit
and opens it at the next start, so nothing is lost between runs.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..core import FEATURES
from ..session.sessionfile import SessionState, load_session, save_session
from .panels import CostPanel

if TYPE_CHECKING:
    from .main_window import MainWindow

LAST_SESSION = "last.bpsession"


def capture(window: MainWindow) -> SessionState:
    """What ``window`` shows now, as a ``SessionState``."""
    model = window.model
    spec = window.network_spec()  # with the output layer the points need
    frame = window.snapshot
    theta, epoch, steps = None, 0, 0
    curve = np.zeros((0, 3))
    # The weights on screen belong to the controls' network unless a change of
    # network is still on its way to the worker: then there are none yet.
    if frame is not None and frame.spec == spec and frame.theta.size:
        theta = np.array(frame.theta, np.float64)
        epoch, steps = int(frame.epoch), int(frame.steps)
        curve = window.panel(CostPanel).curve()
    controls = {
        "data": window.data_panel.state(),
        "training": window.training_panel.state(),
        "view": {
            "log_cost": window.log_check.isChecked(),
            "discretize": window.discretize_action.isChecked(),
        },
    }
    return SessionState(
        points=model.points.copy(),
        labels=model.labels.copy(),
        keys=model.keys.copy(),
        spec=spec,
        controls=controls,
        theta=theta,
        curve=curve,
        epoch=epoch,
        steps=steps,
    )


def apply(window: MainWindow, state: SessionState) -> None:
    """Show ``state`` in ``window``: controls, points and split, network,
    weights and curve. Training pauses; Train goes on from the saved weights."""
    if window.is_training:
        window.toggle_training()
    controls = state.controls
    data = controls.get("data")
    if isinstance(data, dict):
        window.data_panel.restore(data)
    training = controls.get("training")
    if isinstance(training, dict):
        window.training_panel.restore(training)
    view = controls.get("view")
    if isinstance(view, dict):
        window.log_check.setChecked(bool(view.get("log_cost", False)))
        window.discretize_action.setChecked(bool(view.get("discretize", False)))
    spec, theta = state.spec, state.theta
    canonical = tuple(name for name in FEATURES if name in spec.features)
    if canonical != spec.features:  # the controls' order (see Documents.use_network)
        if theta is not None:
            net = spec.build()
            net.theta[:] = theta
            theta = net.with_features(canonical).theta
        spec = replace(spec, features=canonical)
    window.network_panel.set_spec(spec)
    # The points are a new document: their own keys, and no undo back into
    # whatever was open before.
    window.undo_stack.clear()
    window.canvas.set_test_ratio(window.data_panel.test_ratio.value() / 100)
    window.model.replace(state.points, state.labels, state.keys)
    # The file's output layer, as importing weights does: it can have more
    # classes than the points (until their classes change), never fewer.
    window._n_classes = spec.n_classes
    worker = window.worker
    worker.post(config=window.training_panel.config())
    if theta is not None:
        window.panel(CostPanel).preload(state.curve)
        worker.post(theta=(spec, theta.copy()), resume=(state.epoch, state.steps))
    else:
        worker.post(spec=spec, reset=True)
    window.maths_panel.set_choice(spec, window.training_panel.config())


def save(window: MainWindow, path: str | os.PathLike) -> None:
    save_session(path, capture(window))


def open_(window: MainWindow, path: str | os.PathLike) -> SessionState:
    state = load_session(path)
    apply(window, state)
    return state


def last_session_path(window: MainWindow) -> Path:
    return window.autosaver.store.directory / LAST_SESSION
