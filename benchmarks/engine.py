"""The engine against its peers: training steps per second and the decision surface.

Every implementation trains the same network on the same points with
full-batch gradient descent, learning rate 0.03, tanh hidden layers and a
sigmoid output with binary cross-entropy, in float64:

- ``engine``: ``core.Trainer`` with plain SGD; it computes the cost only when
  asked (``record_every=0``).
- ``recorded``: the same, recording every step's batch cost J
  (``record_steps=True, step_accuracy=False``, as the app's trainer and the
  CLI do): the work per step of ``plain`` and ``torch``, which compute the
  cost every step: issue #12's "with the cost recorded every step" target.
- ``recorded+accuracy``: recording every step's batch accuracy too
  (``step_accuracy=True``, ``TrainConfig``'s default): more work than any
  peer does, reported beside the target.
- ``plain``: the seeds' equations as a textbook loop (``plain_steps``): new
  arrays every step, ``np.tanh``, and the cost computed every step.
- ``torch``: PyTorch on one CPU thread, the idiomatic ``nn.Sequential`` +
  ``BCEWithLogitsLoss`` + ``optim.SGD`` loop (optional).
- ``sklearn``: scikit-learn's ``MLPClassifier`` with ``solver="sgd"``, no
  momentum, no L2, one batch of all points (optional).

Implementations are timed in alternating rounds (the order rotates every
round) and each is summarised by the median of its per-round rates. Within a
round they take ``SLICES`` short turns each, so that what one
implementation's rate in a round was measured over is spread across the
round like every other's. The engine's speed-up over a peer is the median of
the per-round ratios: a slow spell of a shared or virtual machine (whose
speed here drifts by up to 1.6x between rounds, and within a second) then
hits both alike.
"""

from __future__ import annotations

import importlib.util
import math
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from backprop_gui.core import MLP, TrainConfig, Trainer, make_dataset
from backprop_gui.core.surface import SurfaceEvaluator

LEARNING_RATE = 0.03
# A pause after each turn: OpenBLAS's threads spin for ~2^28 cycles after a
# call before they sleep, and spinning threads of the implementation that just
# ran (in this process or a peer's) would steal a core from the next one.
SETTLE_SECONDS = 0.12
# Turns each implementation takes in a round. With one turn of 0.5 s each, the
# median same-round ratio of the same code ranged over ±15 % between runs
# here: the machine's speed changes within the seconds a round takes.
SLICES = 4


@dataclass(frozen=True)
class Case:
    key: str
    layer_sizes: tuple[int, ...]
    points: int

    @property
    def label(self) -> str:
        return f"({self.key}) {'-'.join(map(str, self.layer_sizes))} on {self.points:,} points"


CASES = (
    Case("a", (2, 8, 8, 1), 200),
    Case("b", (2, 32, 32, 1), 1000),
    Case("c", (2, 64, 64, 64, 1), 5000),
)
SURFACE_GRIDS = (100, 200, 256)


def case_data(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """The circle preset with 10 % noise: points (2, m) and labels (m,)."""
    return make_dataset("circle", case.points, noise=0.1, seed=0)


def initial_network(case: Case) -> MLP:
    return MLP(case.layer_sizes, "tanh", seed=0)


# -- the implementations ---------------------------------------------------------


def plain_steps(
    W: list[np.ndarray],
    b: list[np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
    learning_rate: float,
    steps: int,
) -> float:
    """``steps`` full-batch gradient-descent steps, the seeds' equations as a
    textbook writes them; updates the lists W and b; returns the last cost.

    forward:   Z[l] = W[l]·A[l−1] + b[l];  A[l] = tanh(Z[l]), A[L] = σ(Z[L])
    cost:      J = −(1/m)·Σ (Y·log A[L] + (1 − Y)·log(1 − A[L]))
    backward:  dZ[L] = A[L] − Y;  dW[l] = (1/m)·dZ[l]·A[l−1]ᵀ;
               db[l] = (1/m)·Σ dZ[l];  dZ[l−1] = W[l]ᵀ·dZ[l] ∗ (1 − A[l−1]²)
    update:    W[l] = W[l] − α·dW[l];  b[l] = b[l] − α·db[l]
    """
    L, m = len(W), X.shape[1]
    cost = math.nan
    for _ in range(steps):
        A = [X]
        for l in range(L):
            Z = np.dot(W[l], A[l]) + b[l]
            A.append(np.tanh(Z) if l < L - 1 else 1.0 / (1.0 + np.exp(-Z)))
        AL = A[L]
        cost = float(-np.sum(Y * np.log(AL) + (1.0 - Y) * np.log(1.0 - AL)) / m)
        dZ = AL - Y
        for l in reversed(range(L)):
            dW = np.dot(dZ, A[l].T) / m
            db = np.sum(dZ, axis=1, keepdims=True) / m
            if l > 0:
                dZ = np.dot(W[l].T, dZ) * (1.0 - A[l] ** 2)
            W[l] = W[l] - learning_rate * dW
            b[l] = b[l] - learning_rate * db
    return cost


class EngineRunner:
    name = "engine"

    def __init__(self, case: Case) -> None:
        points, labels = case_data(case)
        config = TrainConfig(learning_rate=LEARNING_RATE, record_every=0)
        self.trainer = Trainer(initial_network(case), points, labels, config)

    def run(self, steps: int) -> None:
        self.trainer.run(steps)

    def parameters(self) -> np.ndarray:
        return self.trainer.net.theta.copy()


class RecordedRunner(EngineRunner):
    """The engine recording every step's batch cost J (at the parameters before
    that step's update) from the step's own forward pass, as the app does."""

    name = "recorded"
    accuracy = False

    def __init__(self, case: Case) -> None:
        points, labels = case_data(case)
        config = TrainConfig(
            learning_rate=LEARNING_RATE,
            record_every=0,
            record_steps=True,
            step_accuracy=self.accuracy,
        )
        self.trainer = Trainer(initial_network(case), points, labels, config)

    def run(self, steps: int) -> None:
        self.trainer.run(steps)
        self.trainer.steps.clear()  # memory stays flat over a long benchmark


class RecordedAccuracyRunner(RecordedRunner):
    """The engine recording every step's batch accuracy besides its cost."""

    name = "recorded+accuracy"
    accuracy = True


class PlainRunner:
    name = "plain"

    def __init__(self, case: Case) -> None:
        points, labels = case_data(case)
        net = initial_network(case)
        self.W = [net.params[f"W{l}"].copy() for l in range(1, net.L + 1)]
        self.b = [net.params[f"b{l}"].copy() for l in range(1, net.L + 1)]
        self.X = points
        self.Y = labels.reshape(1, -1).astype(np.float64)

    def run(self, steps: int) -> None:
        with np.errstate(all="ignore"):
            plain_steps(self.W, self.b, self.X, self.Y, LEARNING_RATE, steps)

    def parameters(self) -> np.ndarray:
        return np.concatenate([w.ravel() for w in self.W] + [v.ravel() for v in self.b])


class TorchRunner:
    """PyTorch, float64, on one intra-op thread (which ``benchmarks.peer`` sets)."""

    name = "torch"

    def __init__(self, case: Case) -> None:
        import torch

        points, labels = case_data(case)
        net = initial_network(case)
        layers: list = []
        for l in range(1, net.L + 1):
            linear = torch.nn.Linear(*net.params[f"W{l}"].shape[::-1]).double()
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(net.params[f"W{l}"]))
                linear.bias.copy_(torch.from_numpy(net.params[f"b{l}"][:, 0]))
            layers.append(linear)
            if l < net.L:
                layers.append(torch.nn.Tanh())
        self.torch = torch
        self.model = torch.nn.Sequential(*layers)
        self.X = torch.from_numpy(np.ascontiguousarray(points.T))
        self.Y = torch.from_numpy(labels.astype(np.float64).reshape(-1, 1))
        self.loss = torch.nn.BCEWithLogitsLoss()
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=LEARNING_RATE)

    def run(self, steps: int) -> None:
        model, loss, optimizer, X, Y = self.model, self.loss, self.optimizer, self.X, self.Y
        for _ in range(steps):
            optimizer.zero_grad(set_to_none=True)
            loss(model(X), Y).backward()
            optimizer.step()

    def parameters(self) -> np.ndarray:
        linears = [m for m in self.model if isinstance(m, self.torch.nn.Linear)]
        weights = [m.weight.detach().numpy().ravel() for m in linears]
        biases = [m.bias.detach().numpy().ravel() for m in linears]
        return np.concatenate(weights + biases)


class SklearnRunner:
    """scikit-learn's MLPClassifier: full batch, plain SGD, continued by warm starts."""

    name = "sklearn"

    def __init__(self, case: Case) -> None:
        from sklearn.neural_network import MLPClassifier

        points, labels = case_data(case)
        self.X, self.y = np.ascontiguousarray(points.T), labels
        self.model = MLPClassifier(
            hidden_layer_sizes=case.layer_sizes[1:-1],
            activation="tanh",
            solver="sgd",
            alpha=0.0,
            batch_size=case.points,
            learning_rate="constant",
            learning_rate_init=LEARNING_RATE,
            momentum=0.0,
            nesterovs_momentum=False,
            shuffle=False,
            tol=0.0,
            n_iter_no_change=2**31 - 1,
            warm_start=True,
            random_state=0,
        )

    def run(self, steps: int) -> None:
        from sklearn.exceptions import ConvergenceWarning

        self.model.max_iter = steps
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model.fit(self.X, self.y)


RUNNERS: dict[str, Callable[[Case], object]] = {
    "engine": EngineRunner,
    "recorded": RecordedRunner,
    "recorded+accuracy": RecordedAccuracyRunner,
    "plain": PlainRunner,
    "torch": TorchRunner,
    "sklearn": SklearnRunner,
}
# The key of each recording runner's speed-ups over the peers in the result.
RECORDINGS = {"recorded_speedup": "recorded", "recorded_accuracy_speedup": "recorded+accuracy"}
PEER_MODULES = {"torch": "torch", "sklearn": "sklearn"}  # each timed in a process of its own


def available_peers() -> tuple[list[str], dict[str, str]]:
    """(the optional peers that are installed, {missing peer: note})."""
    present, notes = [], {}
    for name, module in PEER_MODULES.items():
        if importlib.util.find_spec(module) is None:
            notes[name] = f"skipped: {module} is not installed (optional, never a dependency)"
        else:
            present.append(name)
    return present, notes


# -- timing ----------------------------------------------------------------------


def _timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def timed(runner, steps: int) -> float:
    """Seconds for ``steps`` steps (a peer in its own process measures itself)."""
    if hasattr(runner, "timed"):
        return runner.timed(steps)
    return _timed(lambda: runner.run(steps))


def calibrate(runner, seconds: float) -> int:
    """Steps that take about ``seconds`` (after one warm-up step)."""
    runner.run(1)
    steps = 1
    while True:
        elapsed = timed(runner, steps)
        if elapsed >= seconds / 4 or steps >= 1_000_000:
            break
        steps *= 4
    return max(1, round(steps * seconds / max(elapsed, 1e-9)))


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, min, max and count of per-round values; NaN (and 0 rounds) if none."""
    if not values:
        return {"median": math.nan, "min": math.nan, "max": math.nan, "rounds": 0}
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "min": ordered[0],
        "max": ordered[-1],
        "rounds": len(ordered),
    }


def paired_speedup(engine: Sequence[float], other: Sequence[float]) -> float:
    """Median over rounds of the engine's rate over the other's in the same round."""
    return statistics.median(e / o for e, o in zip(engine, other, strict=True))


def agreement(case: Case, runners: dict, steps: int) -> dict[str, float]:
    """Largest |θ difference| to the engine after ``steps`` steps from the same
    start (sklearn starts from weights of its own, so it is left out)."""
    engine = EngineRunner(case)
    engine.run(steps)
    theta = engine.parameters()
    result = {}
    for name, make in runners.items():
        if name in ("engine", "sklearn"):
            continue
        runner = make(case)
        runner.run(steps)
        parameters = runner.parameters()
        if parameters is not None:
            result[name] = float(np.abs(parameters - theta).max())
    return result


def measure_training(
    cases: Sequence[Case],
    names: Sequence[str],
    rounds: int,
    round_seconds: float,
    progress: Callable[[str], None] = lambda _: None,
    peers: dict | None = None,
) -> dict:
    """Steps per second of every implementation on every case, in alternating
    rounds. ``peers`` maps a name to a runner in a process of its own
    (``benchmarks.peer.PeerProcess``); the other names run here."""
    peers = peers or {}
    makers = {
        name: (lambda case, p=peers[name]: p.setup(case.key)) if name in peers else RUNNERS[name]
        for name in names
    }
    results = {}
    for case in cases:
        progress(f"training {case.label}")
        runners = [makers[name](case) for name in names]
        steps = {}  # per slice
        for runner in runners:
            steps[runner.name] = calibrate(runner, round_seconds / SLICES)
            time.sleep(SETTLE_SECONDS)
        rates: dict[str, list[float]] = {r.name: [] for r in runners}
        for k in range(rounds):
            order = runners[k % len(runners) :] + runners[: k % len(runners)]
            seconds = dict.fromkeys(steps, 0.0)
            for _ in range(SLICES):
                for runner in order:
                    seconds[runner.name] += timed(runner, steps[runner.name])
                    time.sleep(SETTLE_SECONDS)
            for name, total in seconds.items():
                rates[name].append(SLICES * steps[name] / total)
        results[case.key] = {
            "network": list(case.layer_sizes),
            "points": case.points,
            "steps_per_round": {name: SLICES * n for name, n in steps.items()},
            "turns_per_round": SLICES,
            "steps_per_second": {name: summary(v) for name, v in rates.items()},
            "rates_per_round": rates,
            "engine_speedup": {
                name: paired_speedup(rates["engine"], v)
                for name, v in rates.items()
                if name != "engine" and "engine" in rates
            },
            # The engine doing the peers' work (the cost of every step) over
            # each peer, and doing more (the accuracy of every step too).
            **{
                key: {
                    name: paired_speedup(rates[runner], v)
                    for name, v in rates.items()
                    if name != "engine" and name not in RECORDINGS.values() and runner in rates
                }
                for key, runner in RECORDINGS.items()
            },
            "max_parameter_difference": agreement(case, makers, 20 if case.points < 5000 else 3),
        }
    return results


def plain_surface(net: MLP, X: np.ndarray, resolution: int) -> np.ndarray:
    """The textbook forward pass for the surface: new arrays, np.tanh."""
    A = X
    L = net.L
    with np.errstate(over="ignore"):
        for l in range(1, L + 1):
            Z = np.dot(net.params[f"W{l}"], A) + net.params[f"b{l}"]
            A = np.tanh(Z) if l < L else 1.0 / (1.0 + np.exp(-Z))
    return A[0].astype(np.float32).reshape(resolution, resolution)


def measure_surface(networks: Sequence[tuple[int, ...]], grids: Sequence[int], rounds: int) -> dict:
    """Milliseconds to evaluate P(class 1) on R×R grids (median of ``rounds``):
    the engine in float64 (``MLP.forward``), in float32 as the app does, and
    the textbook forward pass."""
    results = {}
    for sizes in networks:
        net = MLP(sizes, "tanh", seed=0)
        for resolution in grids:
            f64 = SurfaceEvaluator(resolution, net.features)
            f32 = SurfaceEvaluator(resolution, net.features, dtype=np.float32)
            f64(net), f32(net)  # buffers allocated once, as in the app
            times: dict[str, list[float]] = {"engine": [], "engine_float32": [], "plain": []}
            for _ in range(rounds):
                times["engine"].append(1e3 * _timed(lambda e=f64, n=net: e(n)))
                times["engine_float32"].append(1e3 * _timed(lambda e=f32, n=net: e(n)))
                times["plain"].append(
                    1e3 * _timed(lambda e=f64, n=net, r=resolution: plain_surface(n, e.X, r))
                )
            key = f"{'-'.join(map(str, sizes))} {resolution}x{resolution}"
            results[key] = {
                "network": list(sizes),
                "resolution": resolution,
                "milliseconds": {name: summary(v) for name, v in times.items()},
            }
    return results
