"""At most a few updates a second of a panel while training.

Numbers and little maps that change 30 times a second cannot be followed,
and drawing them each frame costs the GUI thread (and the trainer, which
shares the machine) as much as the canvas. While training, a panel updates
at most every ``interval`` seconds, with the latest frame once the interval
is over; paused, or for a frame that must be shown (a new network), at once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """Calls ``update(frame)`` for the frames ``offer`` is given, spaced out."""

    def __init__(self, parent: QObject, update: Callable[[object], None], interval: float) -> None:
        super().__init__(parent)
        self.update, self.interval = update, interval
        self._at = -math.inf  # monotonic time of the last update
        self._latest = None
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._flush)

    def offer(self, frame, urgent: bool = False) -> None:
        wait = self._at + self.interval - time.monotonic()
        if urgent or not getattr(frame, "training", False) or wait <= 0:
            self._timer.stop()
            self._latest = None
            self._at = time.monotonic()
            self.update(frame)
            return
        self._latest = frame
        if not self._timer.isActive():
            self._timer.start(max(1, int(1000 * wait)))

    def _flush(self) -> None:
        frame, self._latest = self._latest, None
        if frame is not None:
            self._at = time.monotonic()
            self.update(frame)
