"""A time series whose memory stays flat however long it grows.

When it reaches ``capacity`` points it drops every other point of its older
half and doubles the stride at which new points are kept, so an hour of
training costs the same memory and redraw time as a minute.
"""

from __future__ import annotations

import numpy as np


class DecimatingSeries:
    def __init__(self, capacity: int = 2000) -> None:
        if capacity < 4:
            raise ValueError("capacity must be at least 4")
        self.capacity = capacity
        self._x = np.empty(capacity)
        self._y = np.empty((capacity, 0))
        self._n = 0
        self._stride = 1
        self._skipped = 0
        self.columns = 0

    def append(self, x: float, *values: float) -> None:
        """Add one point (x, y1, y2, …); every call must give the same count."""
        if self._y.shape[1] != len(values):
            if self._n:
                raise ValueError("every point needs the same number of values")
            self._y = np.empty((self.capacity, len(values)))
            self.columns = len(values)
        self._last = (x, values)
        self._skipped += 1
        if self._skipped < self._stride:
            return
        self._skipped = 0
        if self._n == self.capacity:
            # Halve the resolution: keep every other point.
            keep = self.capacity // 2
            self._x[:keep] = self._x[: self.capacity : 2]
            self._y[:keep] = self._y[: self.capacity : 2]
            self._n = keep
            self._stride *= 2
        self._x[self._n] = x
        self._y[self._n] = values
        self._n += 1

    def clear(self) -> None:
        self._n, self._stride, self._skipped = 0, 1, 0

    def __len__(self) -> int:
        return self._n + (self._skipped > 0)

    @property
    def x(self) -> np.ndarray:
        """Kept x values, plus the newest point even when the stride skipped it."""
        if self._skipped:
            return np.append(self._x[: self._n], self._last[0])
        return self._x[: self._n]

    def y(self, column: int = 0) -> np.ndarray:
        if self._skipped:
            return np.append(self._y[: self._n, column], self._last[1][column])
        return self._y[: self._n, column]
