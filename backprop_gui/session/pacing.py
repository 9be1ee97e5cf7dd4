"""Training at a chosen speed: how much is due now, by a monotonic clock.

At ``rate`` epochs per second the worker trains whole epochs on a schedule
(the n-th is due ``n / rate`` seconds after the start), or single steps when
an epoch has many steps and the rate is low (``STEP_PACED_UP_TO`` steps per
second or fewer: then every step is a frame of its own). The schedule is
kept from one start, so the average holds when one frame is late; a backlog
longer than ``MAX_BACKLOG_SECONDS`` (a step slower than the rate, a machine
too busy) is forgiven rather than made up in a burst.

At speeds where every step is drawn (``STEP_PACED_UP_TO`` steps per second
or fewer) a late frame is made up one unit a frame, over the frames after
it: a burst of several steps in one frame would skip drawing the steps in
between, which is what a student watching slowly came to see. Only when
the backlog has not shrunk over ``CATCH_UP_SECONDS`` (frames slower than
the rate: a busy machine, a big network, more steps a second than frames)
is it trained at once, so that the rate still holds on average. Faster,
what is due is trained at once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

SPEEDS: tuple[float | None, ...] = (1.0, 3.0, 10.0, 30.0, 100.0, 1000.0, None)  # None: max
DEFAULT_SPEED = 30.0  # epochs per second: watchable, as Playground is
STEP_PACED_UP_TO = 40.0  # steps per second: slower than this, one step at a time
MAX_BACKLOG_SECONDS = 0.5
# Drawn one unit a frame, a backlog that has not shrunk over this long means
# the frames are slower than the rate: what is due is then trained at once.
CATCH_UP_SECONDS = 1.0


def speed_text(rate: float | None) -> str:
    """How the speed control lists ``rate``: "1 epoch/s", "30 epochs/s", "max"."""
    if rate is None:
        return "max"
    return f"{rate:g} epoch/s" if rate == 1 else f"{rate:g} epochs/s"


@dataclass(frozen=True)
class Due:
    """What to train now: ``count`` units ("epoch" or "step"), or nothing
    until ``wait`` seconds from now."""

    unit: str
    count: int
    wait: float = 0.0


class Pacer:
    """The schedule of a paced run (``rate`` None: as fast as it goes)."""

    def __init__(
        self, rate: float | None = DEFAULT_SPEED, clock: Callable[[], float] = time.monotonic
    ):
        self.rate = rate
        self._clock = clock
        # (time, unit, count at start, units per second) of the schedule
        self._anchor: tuple[float, str, int, float] | None = None
        # (since when, by how many units) the frames have been behind it
        self._behind: tuple[float, int] | None = None

    def set_rate(self, rate: float | None) -> None:
        self.rate = rate
        self.restart()

    def restart(self) -> None:
        """Start the schedule again at the next ``due`` (its first unit at once)."""
        self._anchor = None
        self._behind = None

    def due(self, epoch: int, steps: int, steps_per_epoch: int) -> Due:
        """What is due now, given the counters (epochs and steps done so far).
        Called once a frame: at speeds where every step is drawn, one unit,
        unless the frames fall further behind over ``CATCH_UP_SECONDS`` (see
        the module's docstring)."""
        if self.rate is None:
            raise ValueError("an unpaced run has no schedule")
        per_epoch = max(int(steps_per_epoch), 1)
        drawn = self.rate * per_epoch <= STEP_PACED_UP_TO  # every step a frame
        stepwise = per_epoch > 1 and drawn
        unit, count = ("step", steps) if stepwise else ("epoch", epoch)
        per_second = self.rate * per_epoch if stepwise else self.rate
        now = self._clock()
        anchor = self._anchor
        if anchor is None or (anchor[1], anchor[3]) != (unit, per_second) or count < anchor[2]:
            # A new schedule (a new unit or rate, counters gone back: a new
            # network, another batch size): the first unit is due at once.
            anchor = self._anchor = (now - 1.0 / per_second, unit, count, per_second)
            self._behind = None
        start, _, count0, _ = anchor
        done = count - count0
        due = math.floor((now - start) * per_second + 1e-9)
        # Drawn one a frame, a backlog is kept while it is made up.
        seconds = MAX_BACKLOG_SECONDS + (CATCH_UP_SECONDS if drawn else 0.0)
        backlog = max(1, math.ceil(per_second * seconds))
        if due - done > backlog:
            # Far behind: forgive all but the backlog's worth.
            start = now - (done + backlog) / per_second
            self._anchor = (start, unit, count0, per_second)
            due = done + backlog
        behind = due - done
        if behind > 1 and drawn:
            # Made up one a frame while that gains on the schedule; when the
            # frames have not gained in CATCH_UP_SECONDS, they are slower than
            # the rate, and what is due is trained at once.
            if self._behind is None:
                self._behind = (now, behind)
            elif now - self._behind[0] >= CATCH_UP_SECONDS:
                if behind >= self._behind[1]:
                    self._behind = None
                    return Due(unit, behind)
                self._behind = (now, behind)
            return Due(unit, 1)
        self._behind = None
        if behind > 0:
            return Due(unit, behind)
        return Due(unit, 0, start + (done + 1) / per_second - now)
