"""Start the desktop app."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from .main_window import MainWindow


def run(argv: list[str] | None = None) -> int:
    """Open the main window and run the event loop until it closes."""
    app = QApplication.instance() or QApplication(sys.argv[:1] + list(argv or []))
    app.setApplicationName("backprop-gui")
    app.setOrganizationName("backprop-gui")
    app.setApplicationDisplayName("backprop-gui")
    window = MainWindow()
    window.show()
    return app.exec()
