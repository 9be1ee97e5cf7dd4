"""Every way out stops the training thread through the window's one shutdown
path (stop → quit → wait): closing it, the application quitting, and the
interpreter exiting with the window still open."""

from __future__ import annotations

import atexit
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from .main_window import MainWindow


def stop_worker_at_exit(window: MainWindow) -> Callable[[], None]:
    """Run ``window.shutdown`` when the application quits or the interpreter
    exits: a script that ends, or fails, without closing the window must not
    leave the thread running (Qt aborts the process when a running QThread is
    destroyed). Returns the exit hook, for ``forget_exit`` when the window closes;
    it holds no reference to the window."""
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(window.shutdown)
    ref = weakref.ref(window)

    def at_exit() -> None:
        alive = ref()
        if alive is not None:
            alive.shutdown()

    atexit.register(at_exit)
    return at_exit


def forget_exit(hook: Callable[[], None]) -> None:
    """The window closed by itself: nothing to do at exit."""
    atexit.unregister(hook)
