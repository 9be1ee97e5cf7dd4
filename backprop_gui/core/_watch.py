"""When a run's cost has exploded, and the lowest cost seen (private to ``core``).

Used by the training kernel (``_kernel.train``) on the costs it records.
"""

from __future__ import annotations

import math

# The rule for "the cost exploded" (see ``Watch``): the cost of the current
# parameters stays above lowest + max(EXPLOSION_MARGIN, lowest), the lowest
# seen, for PERSIST_STEPS full-batch steps or PERSIST_EPOCHS epochs in a row.
EXPLOSION_MARGIN = 10.0
PERSIST_STEPS = 25
PERSIST_EPOCHS = 3
# The best parameters are copied when their cost is this fraction below the
# cost of the copy kept: a few hundred copies over a whole run, not one a step.
KEEP_MARGIN = 0.01


class Watch:
    """The lowest cost seen, the parameters kept for it, and the explosion rule.

    Each epoch boundary gives an estimate of the cost J of the current θ (with
    the L1/L2 term): with full batches the step's own cost, J at θ exactly;
    with mini-batches the mean batch cost of the epoch just finished (every
    training example once, so its noise is that of the epoch, not of a batch),
    and the first batch's cost until an epoch is done.

    The cost *exploded* when the estimate stays above lowest + max(10, lowest)
    (more than double the lowest seen **and** more than 10 nats above it) for
    25 full-batch steps, or 3 epochs of mini-batches, in a row. Cross-entropy
    starts near log K (0.69 for two classes) and 10 nats above the lowest is
    an average probability of the true class e^−10 times what it was; the
    doubling keeps the rule scale-free when a large L2 term dominates J; a
    non-finite estimate is above any limit. Persistence separates a blow-up
    from a spike that training recovers from: over 240 runs of 2-8-8-1 (five
    presets; sgd, momentum, adam; α = 0.03, 0.3, 1, 3; batches of 16 and
    full; tanh and relu), estimates above the limit came in runs of at most 11
    full-batch steps and 2 epochs, several of them followed by a perfect fit,
    while the spiral at α = 1000 (cost 0.68 → 250–2,500) stayed above it from
    the second estimate to the end of every run.

    The parameters kept (``_packed.Packed.best``) are those of an estimate that was
    ``KEEP_MARGIN`` below the one kept before and whose batch predictions were
    finite: within 1 % of the lowest cost seen, copied a few hundred times per
    run at most.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the costs (new data, penalty or parameters)."""
        self.lowest = self.kept = self.limit = self.keep_below = math.inf
        self.epoch_sum, self.epoch_m = 0.0, 0
        self.above = 0  # consecutive estimates above the limit


class Diverged(Exception):
    """Raised by the kernel loop; the Trainer turns it into DivergenceError."""

    def __init__(self, reason: str, done: int, cost: float = math.nan) -> None:
        super().__init__(reason)
        self.reason = reason
        self.done = done  # updates done before the one that diverged
        self.cost = cost
        self.epoch = 0  # epochs completed by then (the kernel sets it)
