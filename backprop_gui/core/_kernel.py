"""The packed training kernel: the Trainer's inner loop and its batch buffers.

Private to ``core``: ``trainer.py`` owns the API (config, data, run, evaluate,
history); ``_packed`` owns how θ is laid out while a run is in progress; this
module owns the buffers of a batch and the loop over them. The equations are
those of ``MLP.forward`` and ``MLP.backward``, and a run gives the same
parameters as ``MLP.backward`` followed by the optimizer's rule
(tests/core/test_training_kernel.py).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable

import numpy as np

from ._packed import Packed
from ._watch import EXPLOSION_MARGIN, KEEP_MARGIN, PERSIST_EPOCHS, PERSIST_STEPS, Diverged, Watch
from .network import MLP
from .steplog import Steps

# A full batch with a sigmoid output counts its steps' hits this many steps
# at a time (``Batch.hit_rows``), in buffers of about this many bytes (one
# row at least).
HIT_ROWS = 64
HIT_BYTES = 1 << 20

# Scalars as 0-d arrays: NumPy takes them about 0.5 µs faster per call than
# Python floats, which it must first promote (NEP 50), and the loop makes
# several such calls a step.
ONE, TWO = np.array(1.0), np.array(2.0)


class Batch:
    """Preallocated buffers for one batch size, and the plan of the training
    loop over them: which buffers each layer reads and writes."""

    def __init__(self, net: MLP, m: int) -> None:
        sizes = net.layer_sizes
        self.m = m
        # inputs[l] = [A[l]; 1] feeds layer l + 1; its last row stays 1. Those
        # of the hidden layers are row blocks of one buffer, so that where
        # every hidden layer is tanh, g′ = 1 − A² of them all is two passes.
        self.hidden = np.ones((sum(n + 1 for n in sizes[1:-1]), m))
        # Scratch for g′(Z[l]) in backward, laid out like ``hidden``.
        self.slopes = np.empty_like(self.hidden)
        self.inputs = [np.ones((sizes[0] + 1, m))]
        self.G: list[np.ndarray | None] = [None]
        row = 0
        for n in sizes[1:-1]:
            self.inputs.append(self.hidden[row : row + n + 1])
            self.G.append(self.slopes[row : row + n])
            row += n + 1
        self.X = self.inputs[0][:-1]
        self.A = [self.X] + [x[:-1] for x in self.inputs[1:]] + [np.empty((sizes[-1], m))]
        self.Z = [None] + [np.empty((n, m)) for n in sizes[1:]]
        self.dZ = [None] + [np.empty((n, m)) for n in sizes[1:]]
        self.Y = np.empty((sizes[-1], m))
        self.Y_scaled = np.empty((sizes[-1], m))
        # For the step's cost and accuracy (``train`` with a log).
        # A sigmoid output: with N = −Z[L] and D = 1 + e^N,
        # J·m = Σ log D + Σ N·(y − 1), one dot of the (2m,) vectors
        # terms = [log D, N] and weights = [1, y − 1]; Z[L] is the second half.
        # A hit is an example whose [σ ≥ 0.5] = [D ≤ 2] equals its label.
        self.terms = np.empty(2 * m)
        self.weights = np.ones(2 * m)
        # As a row times a column into a (1, 1) array: faster than a dot of
        # two vectors, which returns a new NumPy scalar.
        self.terms_row, self.weights_column = self.terms[None, :], self.weights[:, None]
        self.total = np.empty((1, 1))
        if sizes[-1] == 1:
            self.Z[-1] = self.terms[m:].reshape(1, m)
        self.losses = self.terms[:m].reshape(1, m)
        self.Y_minus_one = self.weights[m:]
        self.predicted_one = np.empty((1, m), bool)
        self.positive = np.empty((1, m), bool)
        self.output_row = self.Z[-1][0]
        # A softmax output: the labels, column maxima and sums, flat views.
        self.labels = np.empty(m, np.int64)
        self.Y_flat = self.Y.reshape(-1)
        self.output_flat = self.Z[-1].reshape(-1)
        self.ones = np.ones(m)
        self.top = np.empty((1, m))
        self.sums = np.empty((1, m))
        self.hits = np.empty((1, m), bool)
        self.predicted = np.empty(m, np.int64)
        self.filled_labels = False
        self._hits: np.ndarray | None = None
        self._right: np.ndarray | None = None  # scratch for count_hits
        self._hit_rows: list[np.ndarray] = []
        self._plan: tuple | None = None

    def plan(self, packed: Packed) -> tuple:
        """(forward layers, output layer, tanh slopes, backward layers) as
        tuples of buffers; tanh slopes are (A, G) to fill with G = 1 − A²."""
        if self._plan is None or self._plan[0] is not packed:
            acts, L = packed.activations, len(self.Z) - 1
            x, Z, A, dZ, G, tanh = self.inputs, self.Z, self.A, self.dZ, self.G, packed.tanh
            blocks = packed.forward_blocks
            forward = [
                (blocks[l - 1], x[l - 1], Z[l], A[l], tanh[l - 1], acts[l - 1]) for l in range(1, L)
            ]
            output = (blocks[L - 1], x[L - 1], Z[L], A[L], dZ[L])
            if L > 1 and all(tanh):  # the rows of ones give 1 − 1² = 0, unread
                slopes = [(self.hidden, self.slopes)]
            else:
                slopes = [(A[l], G[l]) for l in range(1, L) if tanh[l - 1]]
            backward = []
            for l in range(L, 0, -1):
                # (dZ[l], [A[l−1]; 1]ᵀ, [dW[l] db[l]]), then what dZ[l−1] needs.
                layer = (dZ[l], x[l - 1].T, packed.grad_blocks[l - 1])
                if l > 1:
                    layer += (packed.WT[l - 1], dZ[l - 1], Z[l - 1], A[l - 1], G[l - 1])
                    layer += (tanh[l - 2], acts[l - 2])
                else:
                    layer += (None,) * 7
                backward.append(layer)
            self._plan = (packed, forward, output, slopes, backward)
        return self._plan[1:]

    def hit_rows(self) -> list[np.ndarray]:
        """(1, m) boolean rows for the predictions [σ ≥ 0.5] of as many steps
        (a full batch with a sigmoid output: its labels do not change), to be
        counted together by ``count_hits``: one NumPy call a step, not three."""
        if self._hits is None:
            rows = max(1, min(HIT_ROWS, HIT_BYTES // self.m))
            self._hits = np.empty((rows, self.m), bool)
            self._right = np.empty_like(self._hits)
            self._hit_rows = [self._hits[j : j + 1] for j in range(rows)]
        return self._hit_rows

    def count_hits(self, n: int) -> list[float]:
        """The accuracies of the steps whose predictions are in the first
        ``n`` ``hit_rows``: the fraction equal to the labels (``positive``).
        The rows stay as they are: an interrupt here loses nothing."""
        right = np.equal(self._hits[:n], self.positive, self._right[:n])
        return (np.add.reduce(right, axis=1, dtype=np.int64) / self.m).tolist()

    def fill(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        labels: np.ndarray | None = None,
        index: np.ndarray | None = None,
        recording: bool = False,
    ) -> None:
        """Copy the examples in (all of them, or the columns ``index``); when
        the steps are ``recording``, y − 1 for a sigmoid output's cost; with
        ``labels`` (m,) too, what the step's accuracy is counted against."""
        if index is None:
            np.copyto(self.X, X)
            np.copyto(self.Y, Y)
        else:
            np.take(X, index, axis=1, out=self.X)
            np.take(Y, index, axis=1, out=self.Y)
        sigmoid = self.Y.shape[0] == 1
        if recording and sigmoid:
            np.subtract(self.Y[0], ONE, out=self.Y_minus_one)
        if labels is None:
            return
        if sigmoid:  # the labels as booleans
            np.greater_equal(self.Y, 0.5, out=self.positive)  # as SIGMOID.labels
        elif index is None:
            np.copyto(self.labels, labels)
        else:
            np.take(labels, index, out=self.labels)


def train(
    packed: Packed,
    steps: int,
    optimizer,
    lr: float,
    l1: float,
    l2: float,
    batches: Batch | Callable[[], tuple[Batch, bool, bool]],
    step: int,
    epoch: int,
    every: int,
    record: Callable[[int, int], None],
    log: Steps | None,
    watch: Watch | None,
    m_total: int,
    accuracy: bool = True,
) -> int:
    """Run ``steps`` updates on the packed θ; returns the epoch count after them.

    ``batches`` is the full batch, or a function giving (batch, first of its
    epoch, last of its epoch) for each mini-batch. ``step`` and ``epoch`` count
    the updates and epochs done before; ``record(step, epoch)`` is called after
    every ``every``-th epoch (0: never). With ``log``, each step's cost and
    accuracy on its batch, at θ before its update, are written there (the
    accuracy NaN unless ``accuracy``); with ``watch`` too, the cost is
    checked at each epoch boundary (see ``Watch``).
    Raises ``Diverged`` with the number of updates done and the epochs
    completed by then; the log keeps the entries of those updates only.
    """
    sgd = optimizer.name == "sgd"
    # Plain SGD folds α into the gradient: the update is θ ← θ − (α·dθ), the
    # rule of ``SGD.update`` as one subtraction. Momentum and Adam call theirs.
    scale = lr if sgd else 1.0
    theta, grad, previous, scratch = packed.theta, packed.grad, packed.previous, packed.scratch
    grad_row, grad_column, square = packed.grad_row, packed.grad_column, packed.square
    theta_forward, forward_scale = packed.theta_forward, packed.forward_scale
    weight_mask = packed.weight_mask
    scaled, tanh_by_numpy = packed.scaled, packed.tanh_by_numpy
    sigmoid_output = packed.sigmoid_output
    activate = packed.net.output_kind.activate
    update = optimizer.update
    dot, add, subtract, multiply, divide = np.dot, np.add, np.subtract, np.multiply, np.divide
    exp, exp2, tanh_ufunc, isfinite = np.exp, np.exp2, np.tanh, math.isfinite
    ln, less_equal, equal = np.log, np.less_equal, np.equal
    count_nonzero, amax, asum, argmax = np.count_nonzero, np.max, np.sum, np.argmax
    recording = log is not None
    counting = recording and accuracy  # each step's hits, for its accuracy
    watching = recording and watch is not None
    full = isinstance(batches, Batch)
    # A full batch's predictions wait in rows, counted a few dozen steps at a
    # time (its labels stay); a mini-batch's are counted in its step.
    rows_of_hits = counting and full and sigmoid_output
    if rows_of_hits:
        hit_rows = batches.hit_rows()
        rows, waiting = len(hit_rows), 0  # steps whose hits are not counted yet
        count_hits = batches.count_hits
    if recording:
        # Python lists while the loop runs (an append is cheaper than a store
        # into an array), copied into the log when it ends.
        steps_done, epochs_done, costs, accuracies = [], [], [], []
        add_step, add_epoch = steps_done.append, epochs_done.append
        add_cost, add_accuracy = costs.append, accuracies.append
    if watching:  # the watch's state as locals while the loop runs
        lowest, limit, keep_below, above = watch.lowest, watch.limit, watch.keep_below, watch.above
        epoch_sum, epoch_m = watch.epoch_sum, watch.epoch_m
    epoch0 = epoch
    persist = PERSIST_STEPS if full else PERSIST_EPOCHS
    if full:
        batch = batches
        epoch_start = epoch_done = True
        forward, output, slopes, backward = batch.plan(packed)
        # dZ[L] = (A[L] − Y)·s with s = scale/m, as s·A[L] − s·Y.
        s = np.array(scale / batch.m)
        Y_scaled = multiply(batch.Y, s, batch.Y_scaled)
    diverged_at = steps  # the updates done, if one diverges
    try:
        for k in range(steps):
            if not full:
                batch, epoch_start, epoch_done = batches()
                forward, output, slopes, backward = batch.plan(packed)
                s = np.array(scale / batch.m)
                Y_scaled = multiply(batch.Y, s, batch.Y_scaled)
            if scaled:
                multiply(theta, forward_scale, theta_forward)
            # forward: Z[l] = [W b]·[A[l−1]; 1];  A[l] = g(Z[l])
            for block, x, Z, A, tanh, act in forward:
                dot(block, x, Z)
                if not tanh:
                    act.forward(Z, A)
                elif tanh_by_numpy:
                    tanh_ufunc(Z, A)
                else:
                    # Z holds −2·log2(e)·Z: A = 2 / (1 + 2^(−2·log2(e)·Z)) − 1 =
                    # 2 / (1 + e^(−2Z)) − 1 (overflow to inf gives −1; errstate is set).
                    exp2(Z, A)
                    add(A, ONE, A)
                    divide(TWO, A, A)
                    subtract(A, ONE, A)
            block, x, Z, A, D = output
            dot(block, x, Z)
            if sigmoid_output:
                # Z holds −Z[L] (see Packed), and D is the gradient of the
                # negated layer: s·Y − s·σ(Z[L]) = s·Y − s / (1 + e^(−Z[L])). It
                # keeps a tiny σ, and e^(−Z[L]) = inf gives exactly σ = 0.
                exp(Z, D)
                add(D, ONE, D)
                if recording:
                    # loss = log(1 + e^z) − y·z = log(1 + e^−z) + (y − 1)·(−z).
                    # log of 1 + e^−z rounded, not log1p: its error, under
                    # 1.2e-16 an example, is below that of the sum with
                    # (y − 1)·(−z) when y = 0 and e^−z is large, and log is
                    # twice as fast.
                    ln(D, batch.losses)
                if counting:
                    # σ ≥ 0.5 exactly when 1 + e^−z ≤ 2: the label predict gives.
                    less_equal(D, TWO, hit_rows[waiting] if rows_of_hits else batch.predicted_one)
                divide(s, D, D)
                subtract(Y_scaled, D, D)
                if recording:
                    dot(batch.terms_row, batch.weights_column, batch.total)
                    total = batch.total.item()  # Python floats below: faster
                    if not isfinite(total):  # e^−z overflowed: the stable form
                        N = batch.output_row
                        total = float((np.logaddexp(0.0, N) + batch.Y_minus_one * N).sum())
                if counting and not rows_of_hits:
                    correct = count_nonzero(
                        equal(batch.predicted_one, batch.positive, batch.predicted_one)
                    )
            else:
                if recording:
                    # softmax(Z) as outputs._softmax computes it, keeping the
                    # column maxima and sums for logsumexp(z) = max + log Σ e^(z − max).
                    amax(Z, axis=0, keepdims=True, out=batch.top)
                    subtract(Z, batch.top, A)
                    exp(A, A)
                    asum(A, axis=0, keepdims=True, out=batch.sums)
                    divide(A, batch.sums, A)
                else:
                    activate(Z, A)
                multiply(A, s, D)
                subtract(D, Y_scaled, D)
                if recording:
                    ln(batch.sums, batch.sums)
                    ones = batch.ones
                    total = float(
                        dot(batch.top[0], ones)
                        + dot(batch.sums[0], ones)
                        - dot(batch.Y_flat, batch.output_flat)
                    )
                if counting:
                    argmax(A, axis=0, out=batch.predicted)
                    correct = count_nonzero(equal(batch.predicted, batch.labels, batch.hits[0]))
            for A, G in slopes:  # tanh′ = 1 − A²
                multiply(A, A, G)
                subtract(ONE, G, G)
            # backward: [dW db] = dZ[l]·[A[l−1]; 1]ᵀ;  dZ[l−1] = W[l]ᵀ·dZ[l] ∗ g′(Z[l−1])
            for D, xT, grad_block, WT, D_prev, Z, A, G, tanh, act in backward:
                dot(D, xT, grad_block)
                if WT is not None:
                    dot(WT, D, D_prev)
                    if tanh:
                        multiply(D_prev, G, D_prev)
                    else:
                        act.backward(D_prev, Z, A)
            penalty = 0.0
            if l2:
                multiply(theta, weight_mask, scratch)
                if recording:
                    penalty = 0.5 * l2 * float(dot(scratch, scratch))
                multiply(scratch, scale * l2, scratch)
                add(grad, scratch, grad)
            if l1:
                np.sign(theta, scratch)
                multiply(scratch, weight_mask, scratch)
                if recording:
                    penalty += l1 * float(dot(scratch, theta))  # Σ sign(w)·w = Σ|w|
                multiply(scratch, scale * l1, scratch)
                add(grad, scratch, grad)
            if recording:
                # J and accuracy of this batch at θ before the update below.
                cost = total / batch.m + penalty
                if not full:  # full batches: filled in below, one step an epoch
                    add_step(step + k + 1)
                    add_epoch(epoch)
                add_cost(cost)
                if rows_of_hits:
                    waiting += 1
                    if waiting == rows:
                        accuracies.extend(count_hits(rows))
                        waiting = 0
                elif counting:
                    add_accuracy(correct / batch.m)
                if watching:
                    if full:
                        estimate = cost
                    elif epoch_start and epoch_m == m_total:
                        estimate = epoch_sum / m_total
                    elif lowest == math.inf:  # the first, until an epoch is done
                        estimate = cost
                    else:
                        estimate = None
                    if epoch_start:
                        epoch_sum, epoch_m = 0.0, 0
                    if estimate is not None:
                        if not estimate <= limit:
                            above += 1
                            if above >= persist:
                                if packed.has_best:
                                    np.copyto(theta, packed.best)
                                raise Diverged("exploded", k, estimate)
                        else:
                            above = 0
                        if estimate < lowest:
                            lowest = estimate
                            limit = estimate + max(EXPLOSION_MARGIN, estimate)
                        if estimate < keep_below and isfinite(cost):
                            np.copyto(packed.best, theta)
                            packed.has_best = True
                            watch.kept = estimate
                            keep_below = estimate * (1.0 - KEEP_MARGIN)
                    if not full:
                        epoch_sum += cost * batch.m
                        epoch_m += batch.m
            if sgd:
                # θ − α·dθ is finite whenever θ and Σ(α·dθ)² are (a step so
                # large that the sum overflows is divergence too), so checking
                # before the update keeps θ as it was, with nothing to copy.
                dot(grad_row, grad_column, square)
                if not isfinite(square.item()):
                    raise Diverged("non-finite", k)
                subtract(theta, grad, theta)
            else:
                np.copyto(previous, theta)
                update(theta, grad, lr)
                # A sum of finite values can overflow too: then look closer.
                if not isfinite(theta.sum()) and not np.isfinite(theta).all():
                    np.copyto(theta, previous)
                    raise Diverged("non-finite", k)
            if epoch_done:
                epoch += 1
                if every and epoch % every == 0:
                    record(step + k + 1, epoch)
    except Diverged as stop:
        # The diverging update was not done: the epochs are those before it,
        # and its entry (a cost it recorded first) leaves the log below.
        stop.epoch, diverged_at = epoch, stop.done
        raise
    finally:
        if rows_of_hits:
            # The steps with a cost and no accuracy yet have theirs in the
            # first rows, whatever line an interrupt came at.
            uncounted = len(costs) - len(accuracies)
            if uncounted > 0:
                with contextlib.suppress(BaseException):  # a second Ctrl-C: the log first
                    accuracies.extend(count_hits(uncounted))
        if recording:
            # The steps whose entry is whole: an interrupt (Ctrl-C, SIGTERM) can
            # come between two appends, and accuracy (else the cost) comes last.
            first = log.written
            n = min(len(accuracies if counting else costs), diverged_at)
            entries = slice(first, first + n)
            log.cost[entries] = costs[:n]
            log.accuracy[entries] = accuracies[:n] if counting else math.nan
            if full:
                log.step[entries] = np.arange(step + 1, step + 1 + n)
                log.epoch[entries] = np.arange(epoch0, epoch0 + n)
            else:
                log.step[entries] = steps_done[:n]
                log.epoch[entries] = epochs_done[:n]
            log.written = first + n
        if watching:
            watch.lowest, watch.limit, watch.keep_below, watch.above = (
                lowest,
                limit,
                keep_below,
                above,
            )
            watch.epoch_sum, watch.epoch_m = epoch_sum, epoch_m
    return epoch
