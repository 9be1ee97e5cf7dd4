"""The Qt desktop app. PySide6 is imported before pyqtgraph so that pyqtgraph
binds to it even when PyQt is installed too."""

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import PySide6  # noqa: F401  (must precede pyqtgraph)

from .main_window import MainWindow

__all__ = ["MainWindow"]
