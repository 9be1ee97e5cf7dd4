"""The live progress line of ``train`` on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ..core import Trainer

# Redraw the terminal progress line at most this often (seconds).
PROGRESS_INTERVAL = 0.1


class Progress:
    """A live "epoch i/N  cost  accuracy" line on stderr, redrawn at most every
    PROGRESS_INTERVAL seconds, and only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        try:
            self.enabled = self.stream.isatty()
        except (AttributeError, ValueError):
            self.enabled = False
        self.total = total
        self._next = 0.0
        self._width = 0

    def update(self, trainer: Trainer) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + PROGRESS_INTERVAL
        line = f"epoch {trainer.epoch}/{self.total}"
        last = trainer.history.last
        if last is not None:
            line += f"  train cost {last.train_cost:.4f}  accuracy {last.train_accuracy:.1%}"
        self._draw(line)

    def _draw(self, line: str) -> None:
        # Pad with spaces instead of an ANSI erase, which not every terminal knows.
        padded = line.ljust(self._width)
        # Widen first: if Ctrl-C or SIGTERM interrupts the write, close() still
        # clears all of it before the "interrupted" line.
        self._width = len(padded)
        self.stream.write("\r" + padded)
        self.stream.flush()
        self._width = len(line)

    def close(self) -> None:
        if self.enabled and self._width:
            self._draw("")
            self.stream.write("\r")
            self.stream.flush()
