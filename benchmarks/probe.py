"""Event-loop lateness and what the machine did meanwhile.

``Probe`` is a ``Qt.PreciseTimer`` re-armed every ``PROBE_MS``; lateness =
when it fired − when it was due. For the ticks that came latest it keeps,
read from Linux's /proc, the CPU time the virtual machine's host took and how
long the GUI thread ran and waited for a CPU. ``rss_bytes`` and
``steal_seconds`` read memory and steal for the app benchmark.

Qt is imported only when a ``Probe`` is made.
"""

from __future__ import annotations

import heapq
import math
import os
import time
from array import array
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

PROBE_MS = 5


def rss_bytes(pids: tuple = ("self",)) -> int | None:
    """Resident set size of these processes now, summed, from /proc (Linux);
    None where unavailable."""
    total = 0
    try:
        for pid in pids:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return total


def steal_seconds() -> float | None:
    """CPU time the virtual machine's host has taken from this machine so far,
    summed over its CPUs (``steal`` in /proc/stat, Linux); None where unknown.
    A vCPU that the host deschedules freezes every thread on it."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; NaN if empty."""
    if not values:
        return math.nan
    return float(np.percentile(np.asarray(values), q))


WORST_TICKS = 5  # the probe ticks that came latest, reported one by one


def lateness_summary(lateness_ms: Sequence[float], ticks: list[Tick] | None = None) -> dict:
    """p50, p99, max and count of a probe's lateness samples (NaN if none);
    with ``ticks``, also the ``WORST_TICKS`` of them that came latest."""
    summary = {
        "p50": percentile(lateness_ms, 50),
        "p99": percentile(lateness_ms, 99),
        "max": max(lateness_ms) if lateness_ms else math.nan,
        "samples": len(lateness_ms),
    }
    if ticks is not None:
        worst = sorted(ticks, key=lambda tick: tick.lateness_ms, reverse=True)[:WORST_TICKS]
        summary["worst"] = [asdict(tick) for tick in worst]
    return summary


@dataclass(frozen=True)
class Tick:
    """One probe interval, from one firing to the next: how late the second
    was, and (Linux) where the time went. The interval is the probe's
    interval plus the lateness."""

    lateness_ms: float
    interval_ms: float
    # CPU time the VM's host took from all of this machine's CPUs meanwhile
    # (steal), counted in whole clock ticks (10 ms where USER_HZ is 100).
    host_steal_ms: float | None
    gui_ran_ms: float | None  # the GUI thread on a CPU
    gui_waited_ms: float | None  # the GUI thread ready to run, waiting for a CPU


class TickClock:
    """Cumulative host steal (all CPUs) and the calling thread's run and wait
    times, in ms, from Linux's /proc; None where unavailable. One reading
    costs about 25 µs. Make it in the thread to be measured."""

    def __init__(self) -> None:
        self._stat = self._open("/proc/stat")
        self._sched = self._open("/proc/thread-self/schedstat")
        try:
            self._clock_tick_ms = 1e3 / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, AttributeError):
            self._stat = None

    @staticmethod
    def _open(path: str):
        try:
            return open(path, "rb", buffering=0)  # kept open: read at every tick
        except OSError:
            return None

    def read(self) -> tuple[float | None, float | None, float | None]:
        steal = ran = waited = None
        try:
            if self._stat is not None:
                self._stat.seek(0)
                steal = int(self._stat.read(256).split(maxsplit=9)[8]) * self._clock_tick_ms
            if self._sched is not None:
                self._sched.seek(0)
                run_ns, wait_ns, _ = self._sched.read(128).split()
                ran, waited = int(run_ns) / 1e6, int(wait_ns) / 1e6
        except (OSError, ValueError, IndexError):
            pass
        return steal, ran, waited

    def close(self) -> None:
        for f in (self._stat, self._sched):
            if f is not None:
                f.close()


class Probe:
    """Event-loop lateness: a precise single-shot timer, re-armed on every fire.
    Each fire also reads a ``TickClock``; the ``WORST_TICKS`` ticks that came
    latest are kept with what the host and the GUI thread did meanwhile
    (``worst_ticks``). The samples are kept compactly (8 bytes each, not a
    Python float and a Tick), so that the probe hardly adds to the memory
    growth the bench measures."""

    def __init__(self, interval_ms: int = PROBE_MS) -> None:
        from PySide6.QtCore import QObject, Qt, QTimer

        self.interval = interval_ms / 1e3
        self.owner = QObject()
        self.timer = QTimer(self.owner)
        self.timer.setTimerType(Qt.PreciseTimer)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._fire)
        self.lateness_ms = array("d")
        self._worst: list[tuple[float, int, Tick]] = []  # a min-heap on lateness
        self.recording = False
        self._due = 0.0
        self._clock: TickClock | None = None
        self._last: tuple[float, tuple] | None = None  # time and clock of the last fire

    def start(self) -> None:
        self._clock = TickClock()  # in the GUI thread: it reads this thread's times
        self._last = (time.perf_counter(), self._clock.read())
        self._arm()

    def stop(self) -> None:
        self.timer.stop()
        if self._clock is not None:
            self._clock.close()

    def clear(self) -> None:
        del self.lateness_ms[:]
        self._worst.clear()

    def worst_ticks(self) -> list[Tick]:
        """The ``WORST_TICKS`` ticks that came latest since the last clear, latest first."""
        return [tick for *_, tick in sorted(self._worst, reverse=True)]

    def _arm(self) -> None:
        self._due = time.perf_counter() + self.interval
        self.timer.start(round(self.interval * 1e3))

    def _fire(self) -> None:
        now = time.perf_counter()
        reading = self._clock.read()
        if self.recording:
            late = max(0.0, (now - self._due) * 1e3)
            self.lateness_ms.append(late)
            if len(self._worst) < WORST_TICKS or late > self._worst[0][0]:
                then, before = self._last
                change = [
                    None if b is None or a is None else a - b
                    for a, b in zip(reading, before, strict=True)
                ]
                entry = (late, len(self.lateness_ms), Tick(late, (now - then) * 1e3, *change))
                if len(self._worst) < WORST_TICKS:
                    heapq.heappush(self._worst, entry)
                else:
                    heapq.heapreplace(self._worst, entry)
        self._last = (now, reading)
        self._arm()
