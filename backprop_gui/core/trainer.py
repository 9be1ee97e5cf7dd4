"""Gradient-descent training of an MLP.

Words used precisely: a *step* is one parameter update (on one mini-batch, or
on the whole training set when ``batch_size`` is None); an *epoch* is one pass
over the training set. With full-batch training one step is one epoch.
"""

from __future__ import annotations

import functools
import importlib
import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from .activations import ACTIVATIONS
from .network import MLP, Cache
from .optimizers import OPTIMIZERS, make_optimizer
from .outputs import SIGMOID


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


# Scalars as 0-d arrays: NumPy takes them about 0.5 µs faster per call than
# Python floats, which it must first promote (NEP 50), and the loop makes
# several such calls a step.
ONE, TWO = np.array(1.0), np.array(2.0)


@functools.cache
def fastest_tanh() -> str:
    """How the training loop computes tanh on this machine: "numpy" (np.tanh)
    where NumPy runs its AVX-512 tanh, else "exp", tanh(z) = 2 / (1 + e^(−2z)) − 1
    as four passes over a Z that already holds −2·Z (see ``_Packed``).

    Timed on (8, 200) arrays, np.tanh took 0.57 of the exp form's time with
    AVX-512, 1.2 times it with AVX2 only and 2.3 times it without SIMD. The two
    differ by rounding (4e−16), which training can amplify, so the choice
    depends on the CPU and NumPy build alone, never on a timing: every process
    on a machine, the app's trainer process included, trains alike."""
    return "numpy" if _numpy_cpu_features().get("AVX512_SKX") else "exp"


def _numpy_cpu_features() -> dict:
    """NumPy's table of the CPU features its SIMD loops use (empty if unknown)."""
    for module in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):
        try:
            return dict(importlib.import_module(module).__cpu_features__)
        except (ImportError, AttributeError):
            continue
    return {}


class _Packed:
    """The trainer's working copy of θ, laid out so that each layer costs one
    matrix product forward and one for its gradient.

    The equations are those of ``MLP.forward`` and ``MLP.backward``; only the
    storage differs. Layer l's parameters sit side by side as one
    (n_l, n_{l−1} + 1) block [W[l] | b[l]], and every A[l−1] that feeds a
    layer carries an extra row of ones, so that

        Z[l] = [W[l] b[l]]·[A[l−1]; 1]            = W[l]·A[l−1] + b[l]
        [dW[l] db[l]] = dZ[l]·[A[l−1]; 1]ᵀ        = [dZ[l]·A[l−1]ᵀ, Σ_columns dZ[l]]

    and the whole update is one array operation. ``load`` copies ``net.theta``
    in when a run starts; ``store`` copies it back when the run ends, and
    before anything reads it (records, divergence).

    A sigmoid output layer is kept negated, [−W[L] −b[L]], so that its
    product is −Z[L], the exponent of σ(z) = 1 / (1 + e^(−z)); the loop then
    works with its gradient negated too. A sign flip is exact, and the update,
    L1, L2, momentum and Adam all commute with it.

    Where tanh is computed in its exp form (``fastest_tanh``), forward
    products read ``theta_forward`` = c ∗ θ, refreshed once per step, with
    c = −2 on tanh layers: their Z buffers then hold −2·Z, the exponent of
    tanh(z) = 2 / (1 + e^(−2z)) − 1, one pass over θ instead of one per
    layer. Otherwise they read θ itself.
    """

    def __init__(self, net: MLP) -> None:
        self.net = net
        self.activations = net.activations
        sizes = net.layer_sizes
        # order[i] is the index in net.theta of packed element i.
        index = net._layer_views(net._views(np.arange(net.theta.size), ""), "")
        self.order = np.concatenate([np.hstack([W, b]).ravel() for W, b in index])
        self.inverse = np.argsort(self.order)
        self.theta = np.empty(net.theta.size)
        self.unpacked = np.empty(net.theta.size)
        self.grad = np.empty(net.theta.size)
        self.previous = np.empty(net.theta.size)
        self.theta_forward = np.empty(net.theta.size)
        self.forward_scale = np.ones(net.theta.size)
        self.weight_mask = np.ones(net.theta.size)
        # Hidden layers whose tanh the loop inlines (the registered tanh only).
        self.tanh = [act is ACTIVATIONS["tanh"] for act in net.activations]
        self.tanh_by_numpy = fastest_tanh() == "numpy"
        self.sigmoid_output = net.output_kind is SIGMOID
        self.blocks: list[np.ndarray] = []
        self.forward_blocks: list[np.ndarray] = []
        self.grad_blocks: list[np.ndarray] = []
        start = 0
        for l in range(1, net.L + 1):
            rows, cols = sizes[l], sizes[l - 1] + 1
            end = start + rows * cols
            self.blocks.append(self.theta[start:end].reshape(rows, cols))
            self.forward_blocks.append(self.theta_forward[start:end].reshape(rows, cols))
            self.grad_blocks.append(self.grad[start:end].reshape(rows, cols))
            self.weight_mask[start:end].reshape(rows, cols)[:, -1] = 0.0
            if l < net.L and self.tanh[l - 1] and not self.tanh_by_numpy:
                self.forward_scale[start:end] = -2.0
            start = end
        # The packed elements kept negated: a sigmoid output layer's, else none.
        first = start - self.blocks[-1].size if self.sigmoid_output else start
        self.negated = slice(first, start)
        self.scaled = bool((self.forward_scale != 1.0).any())
        if not self.scaled:
            self.forward_blocks = self.blocks
        # W[l]ᵀ for dZ[l−1] = W[l]ᵀ·dZ[l]: strided views that BLAS reads directly.
        self.WT = [block[:, :-1].T for block in self.blocks]

    def load(self) -> None:
        np.take(self.net.theta, self.order, out=self.theta)
        negated = self.theta[self.negated]
        np.negative(negated, out=negated)

    def store(self) -> None:
        np.copyto(self.unpacked, self.theta)
        # 0 − x, not −x: a packed ±0.0 comes back as +0.0, never "-0.0".
        np.subtract(0.0, self.theta[self.negated], out=self.unpacked[self.negated])
        np.take(self.unpacked, self.inverse, out=self.net.theta)


class _Batch:
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
        self._plan: tuple | None = None

    def plan(self, packed: _Packed) -> tuple:
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
        self._packed = _Packed(net)
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

    def restore(self, theta: np.ndarray) -> None:
        """Put the parameters back to ``theta`` and forget the optimizer's
        state (momentum or Adam moments built on the way to divergence)."""
        self.net.theta[:] = theta
        self._optimizer = make_optimizer(self._config.optimizer, self.net.theta.size)

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
        self._full: _Batch | None = None
        self._eval_caches: dict[str, Cache] = {}
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
        in the step where the update would make a parameter non-finite.
        """
        if self.m == 0:
            raise ValueError("there are no training examples")
        steps = int(steps)
        packed = self._packed
        if packed.activations is not self.net.activations:  # swapped since (tests do)
            packed = self._packed = _Packed(self.net)
        packed.load()
        # Overflow is expected on the way to divergence, which the check reports.
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                self._run(steps)
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
        """The training loop, on the packed parameters, every name bound once."""
        net, cfg = self.net, self._config
        packed = self._packed
        size = cfg.batch_size
        full = size is None or size >= self.m
        sgd = self._optimizer.name == "sgd"
        lr, l1, l2, every = cfg.learning_rate, cfg.l1, cfg.l2, cfg.record_every
        # Plain SGD folds α into the gradient: the update is θ ← θ − (α·dθ).
        scale = lr if sgd else 1.0
        theta, grad, previous = packed.theta, packed.grad, packed.previous
        theta_forward, forward_scale = packed.theta_forward, packed.forward_scale
        scaled, tanh_by_numpy = packed.scaled, packed.tanh_by_numpy
        sigmoid_output = packed.sigmoid_output
        activate = net.output_kind.activate
        update = self._optimizer.update
        dot, add, subtract, multiply, divide = np.dot, np.add, np.subtract, np.multiply, np.divide
        exp, tanh_ufunc, isfinite = np.exp, np.tanh, math.isfinite
        if full:
            batch = self._full_batch()
            epoch_done = True
            forward, output, slopes, backward = batch.plan(packed)
            # dZ[L] = (A[L] − Y)·s with s = scale/m, as s·A[L] − s·Y.
            s = np.array(scale / batch.m)
            Y_scaled = multiply(batch.Y, s, batch.Y_scaled)
        for _ in range(steps):
            if not full:
                batch, epoch_done = self._next_batch(size)
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
                    # Z holds −2·Z: A = 2 / (1 + e^(−2Z)) − 1 (overflow to inf
                    # gives −1; errstate is set).
                    exp(Z, A)
                    add(A, ONE, A)
                    divide(TWO, A, A)
                    subtract(A, ONE, A)
            block, x, Z, A, D = output
            dot(block, x, Z)
            if sigmoid_output:
                # Z holds −Z[L] (see _Packed), and D is the gradient of the
                # negated layer: s·Y − s·σ(Z[L]) = s·Y − s / (1 + e^(−Z[L])). It
                # keeps a tiny σ, and e^(−Z[L]) = inf gives exactly σ = 0.
                exp(Z, D)
                add(D, ONE, D)
                divide(s, D, D)
                subtract(Y_scaled, D, D)
            else:
                activate(Z, A)
                multiply(A, s, D)
                subtract(D, Y_scaled, D)
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
            if l2:
                grad += (scale * l2) * (theta * packed.weight_mask)
            if l1:
                grad += (scale * l1) * (np.sign(theta) * packed.weight_mask)
            if sgd:
                # θ − α·dθ is finite whenever θ and Σ(α·dθ)² are (a step so
                # large that the sum overflows is divergence too), so checking
                # before the update keeps θ as it was, with nothing to copy.
                if not isfinite(dot(grad, grad)):
                    self._diverged()
                subtract(theta, grad, theta)
            else:
                np.copyto(previous, theta)
                update(theta, grad, lr)
                # A sum of finite values can overflow too: then look closer.
                if not isfinite(theta.sum()) and not np.isfinite(theta).all():
                    np.copyto(theta, previous)
                    self._diverged()
            self.step_count += 1
            if epoch_done:
                self.epoch += 1
                if every and self.epoch % every == 0:
                    packed.store()
                    self.record()

    def _diverged(self) -> None:
        """Raise DivergenceError; the packed θ holds the last finite parameters."""
        cfg = self._config
        self._optimizer = make_optimizer(cfg.optimizer, self.net.theta.size)
        raise DivergenceError(
            f"training diverged at step {self.step_count + 1}: the update made a parameter "
            f"non-finite with learning rate {cfg.learning_rate:g}; the last finite "
            "parameters were kept. Try a smaller learning rate.",
            self.step_count + 1,
            self.epoch,
        )

    def _full_batch(self) -> _Batch:
        batch = self._full
        if batch is None:
            batch = self._full = _Batch(self.net, self.m)
            np.copyto(batch.X, self.X)
            np.copyto(batch.Y, self.Y)
        return batch

    def _next_batch(self, size: int) -> tuple[_Batch, bool]:
        if self._order is None or self._position >= self.m:
            self._order = self._rng.permutation(self.m)
            self._position = 0
        index = self._order[self._position : self._position + size]
        self._position += index.size
        batch = self._batches.get(index.size)
        if batch is None:
            batch = self._batches[index.size] = _Batch(self.net, index.size)
        np.take(self.X, index, axis=1, out=batch.X)
        np.take(self.Y, index, axis=1, out=batch.Y)
        return batch, self._position >= self.m

    # -- evaluation --------------------------------------------------------

    def evaluate(self, max_examples: int | None = None) -> Evaluation:
        """Cost (with the regularisation term) and accuracy of the current
        parameters on the training and test sets. Raises DivergenceError
        if the cost is not finite.

        With ``max_examples``, a larger set is estimated on a fixed random
        sample of that many examples (the same sample every time, so the
        estimates of successive evaluations are comparable)."""
        cfg = self._config
        train = self._sample("train", self.X, self.Y, self._labels, max_examples)
        train_cost, train_acc = self._cost_and_accuracy("train", *train)
        if self.X_test is not None:
            test = self._sample("test", self.X_test, self.Y_test, self._test_labels, max_examples)
            test_cost, test_acc = self._cost_and_accuracy("test", *test)
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
