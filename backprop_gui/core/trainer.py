"""Gradient-descent training of an MLP.

Words used precisely: a *step* is one parameter update (on one mini-batch, or
on the whole training set when ``batch_size`` is None); an *epoch* is one pass
over the training set. With full-batch training one step is one epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from . import _kernel
from ._kernel import Batch
from ._packed import Packed
from ._packed import fastest_tanh as fastest_tanh  # where the benchmarks read it
from ._watch import Diverged, Watch
from .network import MLP, Cache
from .optimizers import OPTIMIZERS, make_optimizer
from .steplog import DEFAULT_CAPACITY, StepLog


@dataclass(frozen=True)
class TrainConfig:
    """How to train. ``record_every``: epochs between automatic history
    records (0: only when ``Trainer.record`` is called). ``record_steps``:
    write every step's batch cost and accuracy, at the parameters before that
    step's update, into ``Trainer.steps`` (see ``core.steplog``) from the
    step's own forward pass, and watch them for a cost that explodes (see
    ``Trainer.run``). Off, training does the update and nothing else.
    ``step_accuracy``: with ``record_steps``, the accuracy too; off, each
    step's accuracy is NaN and the step skips counting its hits (about 4 %
    of a small network's step; the app's curve reads only the cost)."""

    learning_rate: float = 0.03
    optimizer: str = "sgd"
    batch_size: int | None = None
    l1: float = 0.0
    l2: float = 0.0
    seed: int | None = None
    record_every: int = 1
    record_steps: bool = False
    step_accuracy: bool = True

    def __post_init__(self) -> None:
        if not (math.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise ValueError("learning_rate must be a positive number")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"unknown optimizer {self.optimizer!r}; choose one of: {', '.join(OPTIMIZERS)}"
            )
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError("batch_size must be at least 1 (or None for full batch)")
        for name in ("l1", "l2"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a number ≥ 0")
        if self.record_every < 0:
            raise ValueError("record_every must be ≥ 0")


class DivergenceError(ArithmeticError):
    """Training diverged; ``reason`` says how:

    - "non-finite": an update would have made a parameter non-finite, or a
      cost was not finite; the network keeps its last finite parameters
      (``Trainer.restore_best`` goes back to the best ones);
    - "exploded": the cost of finite parameters exploded (see ``Trainer.run``);
      the network has been put back to the parameters of the lowest cost seen.
    """

    def __init__(self, message: str, step: int, epoch: int, reason: str = "non-finite") -> None:
        super().__init__(message)
        self.step = step
        self.epoch = epoch
        self.reason = reason


@dataclass(frozen=True)
class Evaluation:
    """Cost and accuracy of the current parameters; test values are NaN
    when there is no test set."""

    epoch: int
    step: int
    train_cost: float
    test_cost: float
    train_accuracy: float
    test_accuracy: float


@dataclass
class History:
    """Evaluations in the order they were recorded."""

    records: list[Evaluation] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records)

    def column(self, name: str) -> np.ndarray:
        """One field of every record as an array, e.g. ``column("train_cost")``."""
        return np.array([getattr(r, name) for r in self.records], dtype=np.float64)

    def as_dict(self) -> dict[str, list[float]]:
        return {f.name: self.column(f.name).tolist() for f in fields(Evaluation)}

    @property
    def last(self) -> Evaluation | None:
        return self.records[-1] if self.records else None


class Trainer:
    """Trains ``net`` on X (n_x, m) with labels Y, (m,) class indices or the
    (n_out, m) target matrix. Optional test data are only evaluated.

    ``steps`` is the log of every step's cost and accuracy (with
    ``TrainConfig(record_steps=True)``; the accuracy NaN without
    ``step_accuracy``); ``history`` holds the evaluations
    (cost and accuracy of the whole training and test sets at one moment).
    """

    def __init__(
        self,
        net: MLP,
        X: np.ndarray,
        Y: np.ndarray,
        config: TrainConfig | None = None,
        X_test: np.ndarray | None = None,
        Y_test: np.ndarray | None = None,
        step_capacity: int = DEFAULT_CAPACITY,
    ) -> None:
        self.net = net
        self._config = config or TrainConfig()
        self.history = History()
        self.steps = StepLog(step_capacity)
        self.step_count = 0
        self.epoch = 0
        self._packed = Packed(net)
        self._watch = Watch()
        self._optimizer = make_optimizer(self._config.optimizer, net.theta.size)
        self._rng = np.random.default_rng(self._config.seed)
        self.set_data(X, Y, X_test, Y_test)

    # -- configuration and data --------------------------------------------

    @property
    def config(self) -> TrainConfig:
        return self._config

    def configure(self, **changes: object) -> TrainConfig:
        """Change the learning rate, optimizer, batch size or regularisation
        between runs; the network and the counters are kept. A new optimizer
        starts with fresh state (no momentum)."""
        new = replace(self._config, **changes)
        if new.optimizer != self._config.optimizer:
            self._optimizer = make_optimizer(new.optimizer, self.net.theta.size)
        if new.batch_size != self._config.batch_size:
            self._order = None
        if (new.l1, new.l2, new.batch_size) != (
            self._config.l1,
            self._config.l2,
            self._config.batch_size,
        ):
            self._watch.reset()  # costs with another penalty or batch do not compare
        self._config = new
        return new

    def restore(self, theta: np.ndarray) -> None:
        """Put the parameters back to ``theta`` and forget the optimizer's
        state (momentum or Adam moments built on the way to divergence)."""
        self.net.theta[:] = theta
        self._optimizer = make_optimizer(self._config.optimizer, self.net.theta.size)

    # Of the optimizers' running state (``state_names``), the arrays that change
    # sign with θ: the packed kernel keeps a sigmoid output layer negated.
    _SIGNED_STATE = frozenset({"velocity", "m"})

    def optimizer_state(self) -> dict:
        """Copies of the optimizer's running state, each array in
        ``net.theta``'s layout (entry i belongs to θ[i]): momentum's
        "velocity"; Adam's moments "m", "v" and its step count "t"; {} for SGD."""
        packed, optimizer = self._packed, self._optimizer
        state: dict = {}
        for name in optimizer.state_names:
            value = getattr(optimizer, name)
            if isinstance(value, np.ndarray):
                state[name] = packed.unpack(value, name in self._SIGNED_STATE)
            else:
                state[name] = int(value)
        return state

    def set_optimizer_state(self, state: dict) -> None:
        """Take up ``optimizer_state()``'s result (of the same optimizer and
        network), e.g. after one step walked by hand with a copy of it."""
        packed, optimizer = self._packed, self._optimizer
        if set(state) != set(optimizer.state_names):
            raise ValueError(f"not a {optimizer.name} optimizer's state: {sorted(state)}")
        size = self.net.theta.size
        for name in optimizer.state_names:
            current = getattr(optimizer, name)
            if not isinstance(current, np.ndarray):
                setattr(optimizer, name, int(state[name]))
                continue
            flat = np.asarray(state[name], dtype=np.float64).reshape(-1)
            if flat.size != size:
                raise ValueError(f"{name} has {flat.size} entries, θ has {size}")
            packed.pack(flat, current, name in self._SIGNED_STATE)

    @property
    def best_theta(self) -> np.ndarray | None:
        """A copy of the parameters of the lowest cost seen (within 1 %) whose
        predictions were finite, in ``net.theta``'s layout; None until a cost
        has been recorded (``record_steps``) since the parameters or data were
        last changed from outside. See ``Trainer.run``."""
        packed = self._packed
        return packed.unpack(packed.best) if packed.has_best else None

    @property
    def best_cost(self) -> float:
        """The cost estimate of ``best_theta`` (inf when there is none)."""
        return self._watch.kept if self._packed.has_best else math.inf

    def restore_best(self) -> bool:
        """Put the network back to ``best_theta`` (forgetting the optimizer's
        state); False, and nothing changed, when there is none."""
        best = self.best_theta
        if best is None:
            return False
        self.restore(best)
        return True

    def set_data(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        X_test: np.ndarray | None = None,
        Y_test: np.ndarray | None = None,
    ) -> None:
        """Train on new data from the next step on; the network is kept and
        the epoch in progress starts over."""
        self.X = self.net._check_inputs(X)
        self.Y = self.net.targets(Y)
        if self.Y.shape[1] != self.X.shape[1]:
            raise ValueError(f"{self.X.shape[1]} examples but {self.Y.shape[1]} targets")
        if X_test is not None and Y_test is not None and np.asarray(Y_test).size:
            self.X_test = self.net._check_inputs(X_test)
            self.Y_test = self.net.targets(Y_test)
        else:
            self.X_test = self.Y_test = None
        self._labels = self.net.output_kind.labels(self.Y) if self.m else np.zeros(0, int)
        self._test_labels = (
            self.net.output_kind.labels(self.Y_test) if self.Y_test is not None else None
        )
        self._batches: dict[int, Batch] = {}
        self._full: Batch | None = None
        self._eval_caches: dict[str, Cache] = {}
        self._order: np.ndarray | None = None
        self._position = self._drawn = 0  # the next example of _order; the last batch's size
        self._watch.reset()  # costs on other points do not compare
        self._packed.has_best = False

    @property
    def m(self) -> int:
        """Number of training examples."""
        return self.X.shape[1]

    @property
    def steps_per_epoch(self) -> int:
        size = self._config.batch_size
        return 1 if size is None or size >= self.m else math.ceil(self.m / size)

    # -- training ----------------------------------------------------------

    def run(self, steps: int) -> int:
        """Perform ``steps`` parameter updates; returns how many were done.

        Raises DivergenceError in the step where training diverges, with
        ``step`` the number of that update (not done) and ``reason``:

        - "non-finite": the update would make a parameter non-finite; the
          network keeps the last finite parameters (those before that update).
        - "exploded" (with ``record_steps`` only): the cost of finite parameters
          exploded. At each epoch boundary the cost of the current parameters
          is estimated (full batch: the step's own cost; mini-batches: the mean
          batch cost of the epoch just done), and it exploded when the estimate
          stays above lowest + max(10, lowest), ``lowest`` the lowest estimate
          seen, for 25 full-batch steps or 3 epochs in a row (see
          ``core._watch.Watch`` for why normal training never does). The
          network is put back to ``best_theta``, the parameters of the lowest
          cost seen whose predictions were finite.
        """
        if self.m == 0:
            raise ValueError("there are no training examples")
        steps = int(steps)
        packed = self._packed
        if packed.activations is not self.net.activations:  # swapped since (tests do)
            packed = self._packed = Packed(self.net)
            self._watch.reset()
        if packed.load():  # θ was changed from outside: its costs are new
            self._watch.reset()
            packed.has_best = False
        # Overflow is expected on the way to divergence, which the check reports.
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                done = 0
                while done < steps:
                    # The log keeps room for a whole chunk (capacity // 2 steps).
                    chunk = min(steps - done, self.steps.capacity // 2)
                    self._run(chunk)
                    done += chunk
        finally:
            packed.store()
        return steps

    def run_epochs(self, epochs: int = 1) -> int:
        """Train until ``epochs`` more epochs are complete; returns the steps done."""
        target = self.epoch + int(epochs)
        done = 0
        while self.epoch < target:
            done += self.run(1)
        return done

    def _run(self, steps: int) -> None:
        """``steps`` updates by the packed kernel, then the counters."""
        cfg = self._config
        size = cfg.batch_size
        recording = cfg.record_steps
        if size is None or size >= self.m:
            batches = self._full_batch(recording)
        else:
            batches = lambda: self._next_batch(size, recording)  # noqa: E731
        start = self.step_count
        try:
            self.epoch = _kernel.train(
                self._packed,
                steps,
                self._optimizer,
                cfg.learning_rate,
                cfg.l1,
                cfg.l2,
                batches,
                start,
                self.epoch,
                cfg.record_every,
                self._record_at,
                self.steps.reserve(steps) if recording else None,
                self._watch,
                self.m,
                cfg.step_accuracy,
            )
            self.step_count = start + steps
        except Diverged as stop:
            self.step_count, self.epoch = start + stop.done, stop.epoch
            if not isinstance(batches, Batch):  # its batch was drawn, not trained on
                self._position -= self._drawn
            self._diverged(stop)

    def _record_at(self, step: int, epoch: int) -> None:
        """The kernel's call after every ``record_every``-th epoch."""
        self.step_count, self.epoch = step, epoch
        self._packed.store()
        self.record()

    def _diverged(self, stop: Diverged) -> None:
        """Raise DivergenceError; the packed θ holds the parameters to keep."""
        cfg = self._config
        self._optimizer = make_optimizer(cfg.optimizer, self.net.theta.size)
        step = self.step_count + 1
        if stop.reason == "exploded":
            kept = (
                "the parameters of the lowest cost seen were put back"
                if self._packed.has_best
                else "there were no better parameters to go back to"
            )
            message = (
                f"training diverged at step {step}: the cost exploded to {stop.cost:.4g} "
                f"(lowest seen {self._watch.lowest:.4g}) with learning rate "
                f"{cfg.learning_rate:g}; {kept}. Try a smaller learning rate."
            )
        else:
            message = (
                f"training diverged at step {step}: the update made a parameter "
                f"non-finite with learning rate {cfg.learning_rate:g}; the last finite "
                "parameters were kept. Try a smaller learning rate."
            )
        # θ jumped back, or the epoch's sum has the cost of a step not done:
        # the epoch in progress no longer estimates one θ.
        self._watch.epoch_sum, self._watch.epoch_m, self._watch.above = 0.0, 0, 0
        raise DivergenceError(message, step, self.epoch, stop.reason)

    def _full_batch(self, recording: bool = False) -> Batch:
        batch = self._full
        if batch is None or (recording and not batch.filled_labels):
            batch = self._full = Batch(self.net, self.m)
            # Filled once: the labels too, whether or not the accuracy is counted.
            batch.fill(self.X, self.Y, self._labels if recording else None, recording=recording)
            batch.filled_labels = recording
        return batch

    def _next_batch(self, size: int, recording: bool = False) -> tuple[Batch, bool, bool]:
        """(the next mini-batch, whether it starts an epoch, whether it ends one)."""
        if self._order is None or self._position >= self.m:
            self._order = self._rng.permutation(self.m)
            self._position = 0
        first = self._position == 0
        index = self._order[self._position : self._position + size]
        self._position += index.size
        self._drawn = index.size
        batch = self._batches.get(index.size)
        if batch is None:
            batch = self._batches[index.size] = Batch(self.net, index.size)
        # The labels for each batch only when its accuracy is counted.
        counting = recording and self._config.step_accuracy
        labels = self._labels if counting else None
        batch.fill(self.X, self.Y, labels, index, recording=recording)
        return batch, first, self._position >= self.m

    # -- evaluation --------------------------------------------------------

    def evaluate(self, max_examples: int | None = None) -> Evaluation:
        """Cost (with the regularisation term) and accuracy of the current
        parameters on the training and test sets. Raises DivergenceError
        if the cost is not finite.

        With ``max_examples``, a larger set is estimated on a fixed random
        sample of that many examples (the same sample every time, so the
        estimates of successive evaluations are comparable)."""
        cfg = self._config
        # Overflow on the way to divergence is expected: the check below says so.
        with np.errstate(over="ignore", invalid="ignore"):
            train = self._sample("train", self.X, self.Y, self._labels, max_examples)
            train_cost, train_acc = self._cost_and_accuracy("train", *train)
            test_cost = test_acc = math.nan
            if self.X_test is not None:
                test = self._sample(
                    "test", self.X_test, self.Y_test, self._test_labels, max_examples
                )
                test_cost, test_acc = self._cost_and_accuracy("test", *test)
        if not math.isfinite(train_cost):
            raise DivergenceError(
                f"the cost became non-finite with learning rate {cfg.learning_rate:g}. "
                "Try a smaller learning rate.",
                self.step_count,
                self.epoch,
            )
        return Evaluation(self.epoch, self.step_count, train_cost, test_cost, train_acc, test_acc)

    def _sample(self, key: str, X, Y, labels, limit: int | None) -> tuple:
        m = X.shape[1]
        if limit is None or m <= limit:
            return X, Y, labels
        index = np.sort(np.random.default_rng(0).choice(m, limit, replace=False))
        return X[:, index], Y[:, index], labels[index]

    def _cost_and_accuracy(
        self, key: str, X: np.ndarray, Y: np.ndarray, labels: np.ndarray
    ) -> tuple[float, float]:
        if X.shape[1] == 0:
            return math.nan, math.nan
        net, kind = self.net, self.net.output_kind
        if X.shape[1] <= net.chunk_columns():
            cache = self._eval_caches[key] = net.forward(X, self._eval_caches.get(key))
            cost = float(kind.losses(cache.Z[net.L], Y).mean())
            accuracy = float((kind.labels(cache.output) == labels).mean())
        else:
            cost, accuracy = self._chunked_cost_and_accuracy(X, Y, labels)
        if self._config.l1 or self._config.l2:
            cost += net.regularization(self._config.l1, self._config.l2)
        return cost, accuracy

    def _chunked_cost_and_accuracy(
        self, X: np.ndarray, Y: np.ndarray, labels: np.ndarray
    ) -> tuple[float, float]:
        """The mean loss and accuracy of a set too big for one forward pass,
        a chunk at a time (``MLP.forward_chunks``): the losses of every
        example are kept, (m,), so the mean is the one of a single pass."""
        net, kind = self.net, self.net.output_kind
        losses = np.empty(X.shape[1])
        correct = 0
        # One chunk's cache, shared by the training and the test set, is kept
        # for the next evaluation, as a whole set's is.
        for columns, cache in net.forward_chunks(X, self._eval_caches.get("chunks")):
            if columns.start == 0:
                self._eval_caches["chunks"] = cache
            losses[columns] = kind.losses(cache.Z[net.L], Y[:, columns])
            correct += int(np.count_nonzero(kind.labels(cache.output) == labels[columns]))
        return float(losses.mean()), correct / X.shape[1]

    def record(self) -> Evaluation:
        """Evaluate now and append the result to the history."""
        evaluation = self.evaluate()
        self.history.records.append(evaluation)
        return evaluation
