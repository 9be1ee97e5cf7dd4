"""The GUI's pulse, which the worker's loop reads to leave the GUI the GIL
while it draws (see ``worker``)."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer, Slot


class GuiPulse(QObject):
    """Lives in the GUI thread: while training, a precise timer stamps the time
    every ``interval_ms`` and wakes the loop. The stamp goes stale when the GUI's
    event loop is busy."""

    def __init__(self, wake: threading.Event, interval_ms: int) -> None:
        super().__init__()
        self.stamp = time.perf_counter()
        self._wake = wake
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)

    @Slot(bool)
    def set_running(self, on: bool) -> None:
        self.stamp = time.perf_counter()
        if on:
            self._timer.start()
        else:
            self._timer.stop()

    def _beat(self) -> None:
        self.stamp = time.perf_counter()
        self._wake.set()
