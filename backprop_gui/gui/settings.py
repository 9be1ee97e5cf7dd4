"""The window's settings: geometry, the docks' layout, and every control, across runs.

Controls are one JSON value with a version; a damaged value falls back to its
defaults, so a bad settings file never stops the app from starting.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QTimer

from .docks import restore_layout, save_layout

if TYPE_CHECKING:
    from .main_window import MainWindow

SETTINGS_VERSION = 1


def default_settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "backprop-gui", "backprop-gui")


def restore_settings(window: MainWindow) -> bool:
    """Restore what can be restored; False if the controls kept their defaults."""
    s = window.settings
    value = s.value("geometry")
    if isinstance(value, (QByteArray, bytes)):
        window.restoreGeometry(value)
    # A layout saved under another LAYOUT_VERSION is ignored: the default stays.
    restore_layout(window, s.value("layout"))
    try:
        state = json.loads(str(s.value("controls", "{}")))
    except json.JSONDecodeError:
        state = {}
    if not isinstance(state, dict) or state.get("version") != SETTINGS_VERSION:
        return False
    parts = (
        (window.data_panel.restore, "data"),
        (window.network_panel.restore, "network"),
        (window.training_panel.restore, "training"),
        (window.commands.restore, "commands"),
        (lambda view: _restore_view(window, view), "view"),
    )
    for restore, key in parts:
        part = state.get(key, {})
        # A damaged part keeps that panel's defaults.
        with contextlib.suppress(TypeError, ValueError, AttributeError, KeyError):
            restore(part if isinstance(part, dict) else {})
    data, canvas = window.data_panel, window.canvas
    canvas.test_ratio = data.test_ratio.value() / 100
    canvas.show_test = data.show_test.isChecked()
    canvas.brush_radius = data.brush_radius.value()
    canvas.brush_density = data.brush_density.value()
    return True


def _restore_view(window: MainWindow, view: dict) -> None:
    window.log_check.setChecked(bool(view.get("log_cost", False)))
    window.cost_panel.log_epochs.setChecked(bool(view.get("log_epochs", False)))
    window.discretize_action.setChecked(bool(view.get("discretize", False)))


def sync_view_state(window: MainWindow) -> None:
    """Bring the plot and the checkable actions in line with restored controls."""
    window.cost_plot.set_log(window.log_check.isChecked())
    window.log_action.setChecked(window.log_check.isChecked())
    window.show_test_action.setChecked(window.data_panel.show_test.isChecked())
    window.canvas.set_discrete(window.discretize_action.isChecked())


SETTINGS_AUTOSAVE_MS = 1000  # the controls are saved this soon after a change


def controls_state(window: MainWindow) -> dict:
    """Every control's value, as the one JSON value the settings keep."""
    return {
        "version": SETTINGS_VERSION,
        "data": window.data_panel.state(),
        "network": window.network_panel.state(),
        "training": window.training_panel.state(),
        "commands": window.commands.state(),
        "view": {
            "log_cost": window.log_check.isChecked(),
            "log_epochs": window.cost_panel.log_epochs.isChecked(),
            "discretize": window.discretize_action.isChecked(),
        },
    }


def save_settings(window: MainWindow) -> dict:
    """Save the geometry, the docks' layout and the controls; returns the
    controls saved. In presentation mode, and just after it, the geometry and
    layout from before the mode."""
    s = window.settings
    before = getattr(getattr(window, "presentation", None), "geometry_before", None)
    s.setValue("geometry", before if before is not None else window.saveGeometry())
    s.setValue("layout", save_layout(window))
    state = controls_state(window)
    s.setValue("controls", json.dumps(state))
    s.sync()
    return state


class SettingsAutosave:
    """The controls survive a crash too: looked at every SETTINGS_AUTOSAVE_MS
    and saved when they changed."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.saved = controls_state(window)
        self.timer = QTimer(window, interval=SETTINGS_AUTOSAVE_MS)
        self.timer.timeout.connect(self._check)
        self.timer.start()

    def _check(self) -> None:
        if controls_state(self.window) != self.saved:
            self.saved = save_settings(self.window)

    def stop(self) -> None:
        self.timer.stop()
