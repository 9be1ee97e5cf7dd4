"""The app's trainer, in this process or in a child process of its own.

``Engine`` is a ``Trainer`` with the few extra calls the app's worker makes:
build a network, read and write θ, and compute the frame of a snapshot (the
evaluation, the decision surface, its 0.5 boundary and a copy of θ).

``RemoteEngine`` answers the same calls from an ``Engine`` in a child process
(``python -m backprop_gui.remote``). Requests and replies travel over the
child's stdin and stdout in ``wire``'s format: JSON and .npy, never pickle.
Training there does not share the GIL with the GUI: while the worker thread
waits for a reply it holds no GIL, and the child has a Python, and a core, of
its own. The child exits when its stdin
closes, so it never outlives the app, even when the app is killed.

Neither imports Qt.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import traceback
import weakref
from collections.abc import Sequence
from typing import BinaryIO

import numpy as np

from .core import MLP, DivergenceError, Evaluation, TrainConfig, Trainer
from .core.contour import isoline_segments
from .core.surface import SurfaceEvaluator, grid_centres
from .wire import receive, send

# The app's live cost and accuracy on bigger sets are estimates on this many.
EVALUATION_SAMPLE = 4096

Frame = tuple  # (Evaluation | None, divergence message | None, surface, boundary, θ)


class Engine:
    """A Trainer, its network and its decision surface, in this process."""

    pid = None  # no process of its own
    alive = True

    def __init__(self) -> None:
        self.trainer: Trainer | None = None

    def build(
        self,
        layer_sizes: Sequence[int],
        activation: str,
        features: Sequence[str],
        seed: int,
        config: TrainConfig,
        resolution: int,
    ) -> None:
        """A new network (weights from ``seed``) with no data yet."""
        net = MLP(layer_sizes, activation, seed=seed, features=features)
        empty = np.zeros((net.layer_sizes[0], 0))
        self.trainer = Trainer(net, empty, np.zeros(0, np.int64), config)
        # float32 is three times faster and looks the same while the surface
        # moves; a still surface is the network's own float64 forward pass.
        self.surfaces = {
            exact: SurfaceEvaluator(resolution, features, dtype=np.float64 if exact else np.float32)
            for exact in (True, False)
        }
        self.centres = grid_centres(resolution)

    # -- the Trainer's calls ------------------------------------------------------

    def run(self, steps: int) -> int:
        return self.trainer.run(steps)

    def run_epochs(self, epochs: int) -> int:
        return self.trainer.run_epochs(epochs)

    def configure(self, **changes: object) -> TrainConfig:
        return self.trainer.configure(**changes)

    def set_data(self, X, Y, X_test=None, Y_test=None) -> None:
        self.trainer.set_data(X, Y, X_test, Y_test)

    def evaluate(self) -> Evaluation:
        return self.trainer.evaluate()

    @property
    def m(self) -> int:
        return self.trainer.m

    @property
    def step_count(self) -> int:
        return self.trainer.step_count

    @property
    def epoch(self) -> int:
        return self.trainer.epoch

    # -- and the app's ----------------------------------------------------------

    def theta(self) -> np.ndarray:
        return self.trainer.net.theta.copy()

    def set_theta(self, theta: np.ndarray) -> None:
        self.trainer.net.theta[:] = theta

    def restore(self, theta: np.ndarray) -> None:
        self.trainer.restore(theta)

    def frame(self, evaluate: bool, exact: bool = True) -> Frame:
        """What a snapshot shows; the evaluation only if asked (it is None
        without training points, and a divergence comes back as its message).
        Not ``exact``: the surface in float32 (within 1e-6)."""
        evaluation = message = None
        if evaluate and self.trainer.m:
            try:
                evaluation = self.trainer.evaluate(EVALUATION_SAMPLE)
            except DivergenceError as exc:
                message = str(exc)
        net = self.trainer.net
        with np.errstate(all="ignore"):
            surface = self.surfaces[exact](net)
        if not np.isfinite(surface).all():
            surface = np.nan_to_num(surface, nan=0.5).astype(np.float32)
        boundary = isoline_segments(surface, 0.5, self.centres, self.centres)
        return evaluation, message, surface, boundary, net.theta.copy()

    def close(self) -> None:
        pass


NICE = 5  # the trainer process's scheduling priority, below the app's


class RemoteError(RuntimeError):
    """The trainer process failed; the message carries its traceback."""


def stop_child(process: subprocess.Popen, timeout: float = 2.0) -> None:
    """Close its stdin (it exits on EOF), wait a little, then make sure."""
    try:
        if process.stdin:
            process.stdin.close()
        process.wait(timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        process.kill()
        process.wait()
    finally:
        if process.stdout:
            process.stdout.close()


def start_child(module: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``python -m module args`` answering on pipes, able to import this package
    from a source checkout too. ``env`` defaults to this process's."""
    env = dict(os.environ if env is None else env)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )


def reply_stream() -> BinaryIO:
    """In a child: stdout, kept for the replies alone; whatever else is printed
    goes to stderr."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr
    return replies


class RemoteEngine:
    """``Engine``'s calls, answered by an Engine in a child process.

    ``m``, ``step_count`` and ``epoch`` come back with every reply, so reading
    them costs nothing. Calls are made from one thread at a time.
    """

    def __init__(self) -> None:
        env = dict(os.environ)
        # One BLAS thread: the child has one core to itself, the GUI the other.
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        env.setdefault("OMP_NUM_THREADS", "1")
        env.setdefault("MKL_NUM_THREADS", "1")
        self._process = start_child("backprop_gui.remote", env=env)
        self._finalizer = weakref.finalize(self, stop_child, self._process)
        self._state = (0, 0, 0)

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def _call(self, name: str, *args: object, **kwargs: object):
        try:
            send(self._process.stdin, (name, list(args), kwargs))
            status, value, self._state = receive(self._process.stdout)
        except (OSError, ValueError, EOFError, KeyError, TypeError) as exc:
            code = self._process.poll()
            raise RemoteError(
                f"the trainer process stopped answering (exit code {code}): {exc!r}"
            ) from None
        if status == "diverged":
            raise DivergenceError(*value)
        if status == "error":
            raise RemoteError(value)
        return value

    def build(self, *args: object) -> None:
        self._call("build", *args)

    def run(self, steps: int) -> int:
        return self._call("run", steps)

    def run_epochs(self, epochs: int) -> int:
        return self._call("run_epochs", epochs)

    def configure(self, **changes: object) -> TrainConfig:
        return self._call("configure", **changes)

    def set_data(self, X, Y, X_test=None, Y_test=None) -> None:
        self._call("set_data", X, Y, X_test, Y_test)

    def evaluate(self) -> Evaluation:
        return self._call("evaluate")

    @property
    def m(self) -> int:
        return self._state[2]

    @property
    def step_count(self) -> int:
        return self._state[0]

    @property
    def epoch(self) -> int:
        return self._state[1]

    def theta(self) -> np.ndarray:
        return self._call("theta")

    def set_theta(self, theta: np.ndarray) -> None:
        self._call("set_theta", theta)

    def restore(self, theta: np.ndarray) -> None:
        self._call("restore", theta)

    def kill(self) -> None:
        """Stop the process at once, from any thread: a call waiting on it
        then fails, so the worker's loop can end without finishing a step."""
        if self.alive:
            self._process.kill()

    def frame(self, evaluate: bool, exact: bool = True) -> Frame:
        return self._call("frame", evaluate, exact)

    def close(self) -> None:
        self._finalizer()


def serve(requests, replies) -> None:
    """Answer (name, args, kwargs) requests with (status, value, state) replies
    until the requests end."""
    engine = Engine()
    while True:
        try:
            name, args, kwargs = receive(requests)
        except EOFError:
            return
        try:
            value = getattr(engine, name)(*args, **kwargs)
            status = "ok"
        except DivergenceError as exc:
            status, value = "diverged", (str(exc), exc.step, exc.epoch)
        except Exception:
            status, value = "error", traceback.format_exc(limit=6)
        trainer = engine.trainer
        state = (trainer.step_count, trainer.epoch, trainer.m) if trainer else (0, 0, 0)
        send(replies, (status, value, state))


if __name__ == "__main__":
    # Below the GUI's priority: when other programs want the CPU too, the
    # window stays smooth and training gives way (on an idle machine the
    # trainer has a core to itself and loses nothing).
    with contextlib.suppress(AttributeError, OSError):
        os.nice(NICE)
    serve(sys.stdin.buffer, reply_stream())
