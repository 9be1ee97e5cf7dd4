"""Start the desktop app."""

from __future__ import annotations

import gc
import os
import sys


def _no_display() -> bool:
    # Without a display Qt's xcb plugin aborts the process; say why instead.
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def freeze_startup_objects() -> None:
    """Take everything made so far (modules, Qt wrappers, the window) out of the
    garbage collector's view, so that a full collection scans only what came
    later. On Python 3.11 a full collection of a freshly opened window takes
    about 45 ms: a stall the user sees, several times a minute while training."""
    gc.collect()
    gc.freeze()


def run(argv: list[str] | None = None) -> int:
    """Open the main window and run the event loop until it closes."""
    if _no_display():
        print(
            "backprop-gui: no display found (DISPLAY is not set). The window needs one; "
            "the train, predict and gradcheck commands work without it.",
            file=sys.stderr,
        )
        return 2
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1] + list(argv or []))
    app.setApplicationName("backprop-gui")
    app.setOrganizationName("backprop-gui")
    app.setApplicationDisplayName("backprop-gui")
    window = MainWindow()
    window.show()
    freeze_startup_objects()
    return app.exec()
