"""Gradient-descent training of an MLP.

Words used precisely: a *step* is one parameter update (on one mini-batch, or
on the whole training set when ``batch_size`` is None); an *epoch* is one pass
over the training set. With full-batch training one step is one epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from .network import MLP, Cache
from .optimizers import OPTIMIZERS, make_optimizer


@dataclass(frozen=True)
class TrainConfig:
    """How to train. ``record_every``: epochs between automatic history
    records (0: only when ``Trainer.record`` is called)."""

    learning_rate: float = 0.03
    optimizer: str = "sgd"
    batch_size: int | None = None
    l1: float = 0.0
    l2: float = 0.0
    seed: int | None = None
    record_every: int = 1

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
    """Training produced a non-finite parameter or cost. The network has been
    put back to its last finite parameters."""

    def __init__(self, message: str, step: int, epoch: int) -> None:
        super().__init__(message)
        self.step = step
        self.epoch = epoch


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


class _Batch:
    """Preallocated inputs, targets and forward cache for one batch size."""

    def __init__(self, net: MLP, m: int) -> None:
        self.X = np.empty((net.layer_sizes[0], m))
        self.Y = np.empty((net.layer_sizes[-1], m))
        self.cache = Cache(net.layer_sizes, m)


class Trainer:
    """Trains ``net`` on X (n_x, m) with labels Y, (m,) class indices or the
    (n_out, m) target matrix. Optional test data are only evaluated."""

    def __init__(
        self,
        net: MLP,
        X: np.ndarray,
        Y: np.ndarray,
        config: TrainConfig | None = None,
        X_test: np.ndarray | None = None,
        Y_test: np.ndarray | None = None,
    ) -> None:
        self.net = net
        self._config = config or TrainConfig()
        self.history = History()
        self.step_count = 0
        self.epoch = 0
        self._grad = np.empty_like(net.theta)
        self._grads = net.gradient_views(self._grad)
        self._previous = np.empty_like(net.theta)
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
        self._config = new
        return new

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
        self._batches: dict[int, _Batch] = {}
        self._order: np.ndarray | None = None
        self._position = 0

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

        Raises DivergenceError (after restoring the last finite parameters)
        in the step where a parameter becomes non-finite.
        """
        if self.m == 0:
            raise ValueError("there are no training examples")
        # Overflow is expected on the way to divergence, which _step reports.
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(int(steps)):
                self._step()
        return int(steps)

    def run_epochs(self, epochs: int = 1) -> int:
        """Train until ``epochs`` more epochs are complete; returns the steps done."""
        target = self.epoch + int(epochs)
        done = 0
        while self.epoch < target:
            done += self.run(1)
        return done

    def _step(self) -> None:
        net, cfg = self.net, self._config
        size = cfg.batch_size
        if size is None or size >= self.m:
            batch_X, batch_Y = self.X, self.Y
            cache = self._batch(self.m).cache
            epoch_done = True
        else:
            batch_X, batch_Y, cache, epoch_done = self._next_batch(size)

        net.forward(batch_X, cache)
        net.backward_into(cache, batch_Y, self._grad, self._grads, cfg.l1, cfg.l2)
        np.copyto(self._previous, net.theta)
        self._optimizer.update(net.theta, self._grad, cfg.learning_rate)
        # A single sum is non-finite exactly when some parameter is (or when
        # they are so large that the sum overflows, which is divergence too).
        if not math.isfinite(net.theta.sum()):
            np.copyto(net.theta, self._previous)
            self._optimizer = make_optimizer(cfg.optimizer, net.theta.size)
            raise DivergenceError(
                f"training diverged at step {self.step_count + 1}: a parameter became "
                f"non-finite with learning rate {cfg.learning_rate:g}; the last finite "
                "parameters were kept. Try a smaller learning rate.",
                self.step_count + 1,
                self.epoch,
            )
        self.step_count += 1
        if epoch_done:
            self.epoch += 1
            every = cfg.record_every
            if every and self.epoch % every == 0:
                self.record()

    def _batch(self, m: int) -> _Batch:
        batch = self._batches.get(m)
        if batch is None:
            batch = self._batches[m] = _Batch(self.net, m)
        return batch

    def _next_batch(self, size: int) -> tuple[np.ndarray, np.ndarray, Cache, bool]:
        if self._order is None or self._position >= self.m:
            self._order = self._rng.permutation(self.m)
            self._position = 0
        index = self._order[self._position : self._position + size]
        self._position += index.size
        batch = self._batch(index.size)
        np.take(self.X, index, axis=1, out=batch.X)
        np.take(self.Y, index, axis=1, out=batch.Y)
        return batch.X, batch.Y, batch.cache, self._position >= self.m

    # -- evaluation --------------------------------------------------------

    def evaluate(self) -> Evaluation:
        """Cost (with the regularisation term) and accuracy of the current
        parameters on the training and test sets. Raises DivergenceError
        if the cost is not finite."""
        cfg = self._config
        train_cost, train_acc = self._cost_and_accuracy(self.X, self.Y, self._labels)
        if self.X_test is not None:
            test_cost, test_acc = self._cost_and_accuracy(
                self.X_test, self.Y_test, self._test_labels
            )
        else:
            test_cost = test_acc = math.nan
        if not math.isfinite(train_cost):
            raise DivergenceError(
                f"the cost became non-finite with learning rate {cfg.learning_rate:g}. "
                "Try a smaller learning rate.",
                self.step_count,
                self.epoch,
            )
        return Evaluation(self.epoch, self.step_count, train_cost, test_cost, train_acc, test_acc)

    def _cost_and_accuracy(
        self, X: np.ndarray, Y: np.ndarray, labels: np.ndarray
    ) -> tuple[float, float]:
        if X.shape[1] == 0:
            return math.nan, math.nan
        cache = self.net.forward(X)
        kind = self.net.output_kind
        cost = float(kind.losses(cache.Z[self.net.L], Y).mean())
        if self._config.l1 or self._config.l2:
            cost += self.net.regularization(self._config.l1, self._config.l2)
        accuracy = float((kind.labels(cache.output) == labels).mean())
        return cost, accuracy

    def record(self) -> Evaluation:
        """Evaluate now and append the result to the history."""
        evaluation = self.evaluate()
        self.history.records.append(evaluation)
        return evaluation
