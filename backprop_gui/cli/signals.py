"""Ctrl-C and SIGTERM end a command cleanly: one line, an exit status, and
no temporary file left behind.

Both arrive as exceptions (``KeyboardInterrupt``, ``Terminated``) that unwind
the stack, so every ``atomic_write`` on the way removes its temporary file and
``main`` prints "interrupted" (exit 130) or "terminated" (exit 143). ``main``
calls ``install`` first thing, before it imports NumPy, so a signal during
the slow imports of the first fraction of a second ends the same way.
"""

from __future__ import annotations

import signal

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM arrived. A BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` on the way swallows it."""


_received: int | None = None  # the signal that arrived since ``install``


def _interrupt(signum: int, frame: object) -> None:
    global _received
    _received = signum
    raise KeyboardInterrupt


def _terminate(signum: int, frame: object) -> None:
    global _received
    _received = signum
    raise Terminated


def received() -> int | None:
    """The signal (SIGINT or SIGTERM) that arrived since ``install``, if any.
    Raised inside C code, its exception can come out as another: a Ctrl-C
    while NumPy's C extension imports ``datetime`` ends that import with an
    ImportError. Whatever then ends the command, the signal ended it."""
    return _received


def install() -> dict[int, object]:
    """SIGTERM raises ``Terminated``; SIGINT raises KeyboardInterrupt (as
    Python's own handler, in case a caller set another, unless SIGINT is
    ignored, as for a background job of a non-interactive shell); both are
    noted for ``received``. Returns the previous handlers, for ``restore``."""
    global _received
    _received = None
    previous: dict[int, object] = {signal.SIGINT: signal.getsignal(signal.SIGINT)}
    if hasattr(signal, "SIGTERM"):
        previous[signal.SIGTERM] = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, _terminate)
    if previous[signal.SIGINT] is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _interrupt)  # raises KeyboardInterrupt, as Python's
    return previous


def restore(previous: dict[int, object]) -> None:
    """Put back the handlers ``install`` replaced (when main() is called in a
    longer-lived process, such as a test)."""
    for signum, handler in previous.items():
        if handler is not None:  # None: set outside Python, cannot be restored
            signal.signal(signum, handler)


def restore_defaults() -> None:
    """Back to the operating system's SIGTERM (before the desktop app starts:
    a Python handler would wait for the Qt event loop to run Python code)."""
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
