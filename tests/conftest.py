"""Test-wide setup: Qt runs offscreen and pyqtgraph uses PySide6, so the
suite passes on a machine without a display and with PyQt installed."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
