"""An optional peer (PyTorch or scikit-learn), timed in a process of its own.

``PeerProcess(NAME)`` starts ``benchmarks.peer NAME`` isolated
(``peer_command``), which answers requests on stdin in the trainer process's
``wire`` format (JSON and .npy, no pickle):
("setup", case key) builds the peer's runner for that case, ("run", steps)
trains and replies with the seconds it took (measured here, so the pipe is
not counted), ("parameters",) replies with θ in the engine's layout (or None).

A process of its own keeps the peer from changing the process that times the
engine and the plain loop: importing and running PyTorch there changed how
glibc hands out the plain loop's big arrays, and with it the plain loop's
speed on (c) by half.

The child runs isolated like the app's trainer (``python -I``: neither the
current folder nor PYTHONPATH nor the user's site-packages are on its path),
with the repository root put first, so that it imports ``benchmarks`` and
``backprop_gui`` from this clone and nothing from where the run was started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import traceback
import weakref
from pathlib import Path

from backprop_gui.session.transport import reply_stream, stop_child
from backprop_gui.session.wire import receive, send

from .engine import CASES, RUNNERS
from .tool import EXIT_OK, Parser

# The clone's root, where benchmarks/ and backprop_gui/ sit side by side.
REPO_ROOT = Path(__file__).resolve().parents[1]
PEER_MODULE = "benchmarks.peer"

# Run ``module`` as __main__ after putting the root (argv[1]) first on the path.
_BOOTSTRAP = (
    "import runpy, sys; root, module = sys.argv[1:3]; del sys.argv[1:3]; "
    "sys.path.insert(0, root); runpy.run_module(module, run_name='__main__', alter_sys=True)"
)


def peer_command(name: str, root: Path = REPO_ROOT) -> list[str]:
    """The command line that runs the peer ``name`` isolated, importing from
    ``root`` first and never from the current folder or PYTHONPATH."""
    return [sys.executable, "-I", "-c", _BOOTSTRAP, str(root), PEER_MODULE, name]


def start_peer(name: str) -> subprocess.Popen:
    """The peer ``name`` answering on pipes, started in the repository root."""
    return subprocess.Popen(
        peer_command(name),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=dict(os.environ),
        cwd=REPO_ROOT,
    )


class PeerProcess:
    """A runner whose ``timed(steps)`` runs in the child process."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._process = start_peer(name)
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


def main(argv: list[str] | None = None) -> int:
    """The child's entry point: serve ``NAME`` on stdin and stdout."""
    parser = Parser(
        "python -m benchmarks.peer",
        "One implementation timed in a process of its own, answering the benchmark's\n"
        "requests on stdin and stdout (JSON and .npy, never pickle). Started by\n"
        "python -m benchmarks; not meant to be run by hand.",
    )
    parser.add_argument("name", choices=sorted(RUNNERS), metavar="NAME", help="the implementation")
    args = parser.parse_args(argv)
    serve(args.name, sys.stdin.buffer, reply_stream())
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
