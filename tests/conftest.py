"""Test-wide setup: Qt runs offscreen on a 1600×1000 virtual screen (as big
as the Xvfb screen used for screenshots) and pyqtgraph uses PySide6, so the
suite passes without a display and with PyQt installed."""

import os
from pathlib import Path

_SCREEN = Path(__file__).with_name("offscreen-screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
