"""The child-process transport: ``RemoteEngine`` answers ``Engine``'s calls
from an ``Engine`` in a child process of its own
(``backprop_gui.session.child`` run isolated, see ``child_command``).
Requests and replies travel over the child's stdin and stdout in ``wire``'s
format: JSON and .npy, never pickle. Training there does not share the GIL
with the GUI: while the worker thread waits for a reply it holds no GIL, and
the child has a Python, and a core, of its own. The child exits when its
stdin closes, so it never outlives the app, even when the app is killed.

One request may have two replies: ``frame(then_run=n)`` is answered with the
frame at once, then the child trains n steps and answers again. The app
reads and draws the frame meanwhile, so at full speed the trainer does not
wait for it between frames (it was idle a fifth of the time).

It imports no Qt.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import traceback
import weakref
from collections.abc import Callable
from typing import BinaryIO

import numpy as np

from ..core import DivergenceError, Evaluation, TrainConfig
from .engine import Engine
from .frame import Frame
from .wire import receive, send

CHILD_MODULE = "backprop_gui.session.child"
NICE = 5  # the trainer process's scheduling priority, below the app's
# What the child's reply pipe holds. A frame with the unit maps is about 80 KB
# (150 KB when frames carried the surface too) and a pipe holds 64 KiB by
# default: the child waited in write until the worker had read the frame's
# start, instead of training on.
# Linux lets any process widen a pipe up to /proc/sys/fs/pipe-max-size (1 MiB
# unless changed).
REPLY_PIPE_BYTES = 1 << 20


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


# The package's parent folder: the only place a child imports this package from.
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Run ``module`` as __main__ after putting PACKAGE_ROOT (argv[1]) first on the
# path. With -I the interpreter adds neither the current folder nor
# PYTHONPATH nor the user's site-packages: files where the user launched the
# app are never imported.
_BOOTSTRAP = (
    "import runpy, sys; root, module = sys.argv[1:3]; del sys.argv[1:3]; "
    "sys.path.insert(0, root); runpy.run_module(module, run_name='__main__', alter_sys=True)"
)


def child_command(module: str, *args: str) -> list[str]:
    """The command line that runs ``python -m module args`` isolated: it can
    import this package (from a source checkout too) and nothing from the
    current folder or PYTHONPATH."""
    return [sys.executable, "-I", "-c", _BOOTSTRAP, PACKAGE_ROOT, module, *args]


def start_child(module: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """``module`` answering on pipes, isolated (``child_command``), started in
    the package's own folder. ``env`` defaults to this process's."""
    process = subprocess.Popen(
        child_command(module, *args),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=dict(os.environ if env is None else env),
        cwd=PACKAGE_ROOT,
    )
    widen_pipe(process.stdout, REPLY_PIPE_BYTES)
    return process


def widen_pipe(stream: BinaryIO, size: int) -> int:
    """Let the pipe behind ``stream`` hold at least ``size`` bytes where the
    system allows it (Linux: up to pipe-max-size); never makes it smaller.
    Returns what it holds now, or 0 where that cannot be asked (then it keeps
    the system's default)."""
    try:
        import fcntl
    except ImportError:  # Windows
        return 0
    setsize, getsize = getattr(fcntl, "F_SETPIPE_SZ", None), getattr(fcntl, "F_GETPIPE_SZ", None)
    if setsize is None or getsize is None:  # not Linux
        return 0
    try:
        if fcntl.fcntl(stream.fileno(), getsize) < size:
            fcntl.fcntl(stream.fileno(), setsize, size)
        return fcntl.fcntl(stream.fileno(), getsize)
    except OSError:  # above the limit (EPERM): it keeps what it has
        with contextlib.suppress(OSError):
            return fcntl.fcntl(stream.fileno(), getsize)
        return 0


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
        self._process = start_child(CHILD_MODULE, env=env)
        self._finalizer = weakref.finalize(self, stop_child, self._process)
        self._state = (0, 0, 0)
        self._owed = False  # a reply for the steps of frame(then_run=...) is due

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def _call(self, name: str, *args: object, **kwargs: object):
        self._send(name, *args, **kwargs)
        return self._reply()

    def _send(self, name: str, *args: object, **kwargs: object) -> None:
        self.collect()
        try:
            send(self._process.stdin, (name, list(args), kwargs))
        except (OSError, ValueError) as exc:
            raise self._stopped(exc) from None

    def _reply(self):
        try:
            status, value, self._state = receive(self._process.stdout)
        except (OSError, ValueError, EOFError, KeyError, TypeError) as exc:
            raise self._stopped(exc) from None
        if status == "diverged":
            raise DivergenceError(*value)
        if status == "error":
            raise RemoteError(value)
        return value

    def _stopped(self, exc: Exception) -> RemoteError:
        code = self._process.poll()
        return RemoteError(f"the trainer process stopped answering (exit code {code}): {exc!r}")

    def collect(self) -> float:
        """Wait for the steps of the last ``frame(then_run=...)``: the seconds
        they took in the trainer process (0.0 for none); raises their
        DivergenceError instead, if any. Every other call collects first."""
        if not self._owed:
            return 0.0
        self._owed = False
        return float(self._reply())

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

    def set_points(self, points, labels, test_points, test_labels) -> None:
        self._call("set_points", points, labels, test_points, test_labels)

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

    def set_optimizer_state(self, state: dict) -> None:
        self._call("set_optimizer_state", state)

    def kill(self) -> None:
        """Stop the process at once, from any thread: a call waiting on it
        then fails, so the worker's loop can end without finishing a step."""
        if self.alive:
            self._process.kill()

    def frame(
        self,
        evaluate: bool,
        exact: bool = True,
        inspect: dict | None = None,
        then_run: int = 0,
        surface: bool = True,
    ) -> Frame:
        """``Engine.frame``. With ``then_run`` the trainer process sends the
        frame first and trains afterwards, while this side reads the frame
        and the window draws it: it never waits for the app between the two.
        ``collect()`` (or the next call) takes the outcome of those steps.
        ``surface`` False: this side makes the surface from the frame's θ
        (the app's worker does, on the core the trainer does not use)."""
        then_run = int(then_run)
        self._send(
            "frame",
            evaluate,
            exact,
            inspect=inspect or None,
            then_run=then_run,
            surface=bool(surface),
        )
        # Owed before the frame's reply is read: a frame that fails is still
        # followed by the steps' reply, which the next call must take.
        self._owed = then_run > 0
        return self._reply()

    def inspect(self, what: dict) -> dict:
        return self._call("inspect", what)

    def close(self) -> None:
        self._finalizer()


def serve(requests, replies) -> None:
    """Answer (name, args, kwargs) requests with (status, value, state) replies
    until the requests end. Only ``Engine.REQUESTS`` are served; the parent
    process alone writes to the pipe, but nothing else is reachable anyway."""
    engine = Engine()

    def answer(call: Callable[..., object], *args: object, **kwargs: object) -> object:
        """Reply with what ``call(*args, **kwargs)`` gives; that, or None if it failed."""
        try:
            value = call(*args, **kwargs)
            status = "ok"
        except DivergenceError as exc:
            status, value = "diverged", (str(exc), exc.step, exc.epoch, exc.reason)
        except Exception:
            status, value = "error", traceback.format_exc(limit=6)
        trainer = engine.trainer
        state = (trainer.step_count, trainer.epoch, trainer.m) if trainer else (0, 0, 0)
        send(replies, (status, value, state))
        return value if status == "ok" else None

    while True:
        try:
            name, args, kwargs = receive(requests)
        except EOFError:
            return
        if name not in Engine.REQUESTS:
            answer(_refuse, name)
            continue
        # A frame's ``then_run`` steps come after its reply, with a reply of their own.
        then_run = int(kwargs.pop("then_run", 0) or 0) if name == "frame" else 0
        made = answer(getattr(engine, name), *args, **kwargs)
        if then_run > 0:  # as RemoteEngine.frame counts a second reply owed
            # A frame that failed still owes the second reply: no steps, then.
            answer(engine.run_after, made, then_run if made is not None else 0)


def _refuse(name: object) -> None:
    raise ValueError(f"not a request the trainer serves: {name!r}")


def main() -> None:
    # Below the GUI's priority: when other programs want the CPU too, the
    # window stays smooth and training gives way (on an idle machine the
    # trainer has a core to itself and loses nothing).
    with contextlib.suppress(AttributeError, OSError):
        os.nice(NICE)
    try:
        serve(sys.stdin.buffer, reply_stream())
    except (BrokenPipeError, KeyboardInterrupt, EOFError):
        # The app is gone (or stopped us): exit quietly, never a traceback.
        with contextlib.suppress(OSError):
            os.close(2)
        os._exit(0)
