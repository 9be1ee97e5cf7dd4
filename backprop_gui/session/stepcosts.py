"""Every step's cost on its way to the window, and its min/max envelope.

The trainer records, for every step, J of that step's batch at the
parameters *before* the step's update (``core.steplog``). A ``Frame``
carries the steps done since the previous frame as ``StepCosts``; when there
are more of them than a plot has pixels, ``envelope`` keeps, of each bucket
of consecutive steps, the step of lowest and the step of highest cost, in
step order: a subsequence of the steps whose line stays inside the same
band as the full one (every cost lies between its bucket's kept min and max).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Entries a frame carries at most: a plot is a few hundred pixels wide.
MAX_FRAME_ENTRIES = 1024


@dataclass(frozen=True)
class StepCosts:
    """Some steps' costs, as arrays of equal length, in step order.

    ``step``: (n,) int64, the update each cost belongs to (1-based);
    ``epoch``: (n,) int64, epochs completed before that step;
    ``at``: (n,) float64, where the step is in epochs: ``epoch`` plus the
    fraction of that epoch's steps done before it (full batch: ``epoch``);
    ``cost``: (n,) float64, J of the step's batch before its update (may be
    huge or non-finite on the way to divergence).
    """

    step: np.ndarray
    epoch: np.ndarray
    at: np.ndarray
    cost: np.ndarray

    def __len__(self) -> int:
        return int(np.asarray(self.step).size)

    def shifted(self, steps: int, epochs: int) -> StepCosts:
        """The same costs with the counters going on from (``epochs``, ``steps``)."""
        return StepCosts(self.step + steps, self.epoch + epochs, self.at + epochs, self.cost)

    @staticmethod
    def joined(first: StepCosts | None, second: StepCosts | None) -> StepCosts | None:
        """``first`` then ``second`` (either may be None)."""
        if first is None or not len(first):
            return second
        if second is None or not len(second):
            return first
        return StepCosts(
            *(
                np.concatenate([a, b])
                for a, b in zip(_columns(first), _columns(second), strict=True)
            )
        )


def _columns(costs: StepCosts) -> tuple[np.ndarray, ...]:
    return costs.step, costs.epoch, costs.at, costs.cost


def envelope_indices(cost: np.ndarray, max_entries: int) -> np.ndarray:
    """Indices into ``cost`` (n,), in order: all of them when at most
    ``max_entries`` (≥ 3); else, per bucket of k consecutive entries (k the
    smallest that fits), the entry of lowest and the entry of highest finite
    cost, and the bucket's first non-finite cost if it has one (a divergence:
    rare, so at most ``max_entries`` plus a few). The last entry is always
    kept, so the line ends at the newest cost."""
    cost = np.asarray(cost, np.float64)
    n = cost.size
    if max_entries < 3:
        raise ValueError("max_entries must be at least 3")
    if n <= max_entries:
        return np.arange(n)
    k = -(-n // ((max_entries - 1) // 2))  # buckets of k: two entries each, plus the last
    buckets = -(-n // k)
    padded = np.full(buckets * k, np.nan)
    padded[:n] = cost
    grid = padded.reshape(buckets, k)
    finite = np.isfinite(grid)
    real = (np.arange(buckets * k) < n).reshape(buckets, k)  # not the padding
    low = np.where(finite, grid, np.inf).argmin(axis=1)
    high = np.where(finite, grid, -np.inf).argmax(axis=1)
    base = np.arange(buckets) * k
    # The first non-finite cost of a bucket (a divergence) is kept as well.
    odd = ~finite & real
    rows = np.flatnonzero(odd.any(axis=1))
    first_odd = base[rows] + odd[rows].argmax(axis=1)
    kept = np.unique(np.concatenate([base + low, base + high, first_odd, [n - 1]]))
    return kept[kept < n]


def envelope_over(x: np.ndarray, cost: np.ndarray, buckets: int) -> np.ndarray:
    """Indices into ``x`` (n,), non-decreasing, and ``cost`` (n,), in order:
    of each of ``buckets`` equal spans of x, and of each of ``buckets`` equal
    spans of log(1 + x) (what a log axis shows), the entry of lowest and the
    entry of highest finite cost and the first non-finite one; and the last
    entry. At most 4·buckets + 1 entries, and a few more on a divergence.

    Unlike ``envelope_indices``, whose buckets hold equally many entries, a
    bucket never spans more than its share of the axis: a plot that keeps
    re-enveloping its whole history keeps a steep early fall as the fall it
    was, not as a straight line across thousands of epochs."""
    x = np.asarray(x, np.float64)
    cost = np.asarray(cost, np.float64)
    if x.size == 0:
        return np.arange(0)
    kept = [_extremes(_spans(x, buckets), cost), _extremes(_spans(np.log1p(x), buckets), cost)]
    return np.unique(np.concatenate([*kept, [x.size - 1]]))


def _spans(x: np.ndarray, buckets: int) -> np.ndarray:
    """Which of ``buckets`` equal spans of [x[0], x[-1]] each x lies in."""
    span = x[-1] - x[0]
    if not span > 0:
        return np.zeros(x.size, np.int64)
    return np.minimum(((x - x[0]) * (buckets / span)).astype(np.int64), buckets - 1)


def _extremes(ids: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Of each run of equal ``ids`` (non-decreasing): the indices of the lowest
    and the highest finite cost (the first of equals) and of the first
    non-finite one."""
    n = cost.size
    finite = np.isfinite(cost)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    # Sorted by id, then by cost: the first of each run is its lowest (stable).
    low = np.lexsort((np.where(finite, cost, np.inf), ids))[starts]
    high = np.lexsort((np.where(finite, -cost, np.inf), ids))[starts]
    first_odd = np.minimum.reduceat(np.where(finite, n, np.arange(n)), starts)
    return np.concatenate([low, high, first_odd[first_odd < n]])


def envelope(costs: StepCosts, max_entries: int = MAX_FRAME_ENTRIES) -> StepCosts:
    """``costs`` with at most about ``max_entries`` entries (see ``envelope_indices``)."""
    if len(costs) <= max_entries:
        return costs
    keep = envelope_indices(costs.cost, max_entries)
    return StepCosts(*(column[keep] for column in _columns(costs)))
