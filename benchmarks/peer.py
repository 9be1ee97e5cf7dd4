"""An optional peer (PyTorch or scikit-learn), timed in a process of its own.

``python -m backprop_gui.bench.peer NAME`` answers requests on stdin, in the
trainer process's ``wire`` format (JSON and .npy, no pickle):
("setup", case key) builds the peer's runner for that case, ("run", steps)
trains and replies with the seconds it took (measured here, so the pipe is
not counted), ("parameters",) replies with θ in the engine's layout (or None).

A process of its own keeps the peer from changing the process that times the
engine and the plain loop: importing and running PyTorch there changed how
glibc hands out the plain loop's big arrays, and with it the plain loop's
speed on (c) by half.
"""

from __future__ import annotations

import sys
import time
import traceback
import weakref

from ..session.transport import reply_stream, start_child, stop_child
from ..session.wire import receive, send
from .engine import CASES, RUNNERS


class PeerProcess:
    """A runner whose ``timed(steps)`` runs in the child process."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._process = start_child("backprop_gui.bench.peer", name)
        self._finalizer = weakref.finalize(self, stop_child, self._process, 5.0)

    def _call(self, *request: object):
        send(self._process.stdin, request)
        try:
            status, value = receive(self._process.stdout)
        except EOFError:
            raise RuntimeError(f"the {self.name} process ended") from None
        if status != "ok":
            raise RuntimeError(f"{self.name}: {value}")
        return value

    def setup(self, case_key: str) -> PeerProcess:
        self._call("setup", case_key)
        return self

    def run(self, steps: int) -> None:
        self._call("run", steps)

    def timed(self, steps: int) -> float:
        return self._call("run", steps)

    def parameters(self):
        return self._call("parameters")

    def close(self) -> None:
        self._finalizer()


def serve(name: str, requests, replies) -> None:
    if name == "torch":
        import torch

        torch.set_num_threads(1)  # "PyTorch on one thread"
    runner = None
    while True:
        try:
            request = receive(requests)
        except EOFError:
            return
        try:
            if request[0] == "setup":
                case = next(c for c in CASES if c.key == request[1])
                runner, value = RUNNERS[name](case), None
            elif request[0] == "run":
                start = time.perf_counter()
                runner.run(request[1])
                value = time.perf_counter() - start
            else:
                parameters = getattr(runner, "parameters", None)
                value = parameters() if parameters else None
            reply = ("ok", value)
        except Exception:
            reply = ("error", traceback.format_exc(limit=4))
        send(replies, reply)


if __name__ == "__main__":
    serve(sys.argv[1], sys.stdin.buffer, reply_stream())
