"""GUI fixtures: a real MainWindow, shown offscreen, with private settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def session_dir(tmp_path):
    return tmp_path / "session"


@pytest.fixture
def window(qtbot, settings, session_dir):
    from backprop_gui.gui import MainWindow

    win = MainWindow(settings, session_dir)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.snapshot is not None, timeout=5000)
    # The app starts at a watchable speed; tests train at full speed unless
    # they choose one (tests/gui/test_watchable.py does).
    win.speed_control.setCurrentText("max")
    yield win
    win.close()
