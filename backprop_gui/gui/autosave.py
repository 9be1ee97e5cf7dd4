"""Autosave and crash recovery: nothing the user made is lost.

The session folder (under the user's data directory) holds the points as CSV
and the weights as .npz, both in the engine's formats and written
atomically; next to the weights, ``weights-progress.json`` says which epoch
and step they are from (by a hash of the parameters: the two files are
written one after the other, and the weights file always has its entry).

While a window runs it holds an OS lock (``flock``) on ``running.lock``; a
clean exit removes the file. A lock file nobody holds means the last run
crashed or was killed, whatever process now has the PID written in it (PIDs
are reused). Where the OS has no such locks, the PID in the file decides.

A damaged autosaved file is moved aside (``points.csv.damaged``) and
described in ``damaged``; what is intact is still restored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
from PySide6.QtCore import QStandardPaths

from ..core import (
    MLP,
    BadFileError,
    atomic_write,
    load_weights,
    read_points_csv,
    save_weights,
    write_points_csv,
)
from ..session import LIMITS, Frame

try:
    import fcntl
except ImportError:  # not POSIX: the PID in the lock file decides
    fcntl = None

MAX_PROGRESS_BYTES = 4096


def default_session_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.AppDataLocation)
    return Path(base or Path.home() / ".backprop-gui") / "session"


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but someone else's
        return True
    except OSError:
        return False
    return True


def _try_lock(f: IO[bytes]) -> bool | None:
    """Lock ``f`` for this open file: True if now held, False if another open
    file (another window, in this process or another) holds it, None if the
    OS or file system has no such locks."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # e.g. ENOLCK on some network file systems
        return None
    return True


def _theta_digest(theta: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(theta, dtype=np.float64).tobytes()).hexdigest()


@dataclass(frozen=True)
class SavedWeights:
    """Autosaved weights and the epoch and step they were shown at (None
    when the progress file is missing, damaged or about other weights)."""

    net: MLP
    epoch: int | None = None
    steps: int | None = None


class SessionStore:
    POINTS, WEIGHTS, LOCK = "points.csv", "weights.npz", "running.lock"
    KEYS = "keys.npy"  # each point's split key: the same test points after a crash
    PROGRESS = "weights-progress.json"

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_session_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        # Tells this window's lock from another window's in the same process
        # (where the PID decides, without OS locks).
        self._token = uuid.uuid4().hex
        self._held: IO[bytes] | None = None  # the locked lock file while we own the session
        # One line per damaged autosaved file found, e.g. "points.csv is damaged (…)".
        self.damaged: list[str] = []
        self.interrupted = self._stale_lock()

    def _path(self, name: str) -> Path:
        return self.directory / name

    # -- the lock -------------------------------------------------------------

    def _lock_owner(self) -> tuple[int, str] | None:
        """(pid, token) from the lock file; None if there is none, (-1, "")
        if it is unreadable."""
        path = self._path(self.LOCK)
        if not path.exists():
            return None
        try:
            owner = json.loads(path.read_text())
            return int(owner["pid"]), str(owner.get("token", ""))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return -1, ""

    def _stale_lock(self) -> bool:
        """True if a lock file is left and no running window holds it."""
        path = self._path(self.LOCK)
        try:
            with open(path, "rb") as f:  # closing it drops a lock taken here to look
                held = _try_lock(f)
        except FileNotFoundError:
            return False
        except OSError:
            return True  # a lock file we cannot even open: not a clean exit
        if held is not None:
            return held
        owner = self._lock_owner()
        # An unreadable lock, or one whose process is gone, means a crash.
        return owner is not None and not _process_alive(owner[0])

    def acquire(self) -> bool:
        """Take the session; False (and nothing written) if another running
        window holds it, so two windows never overwrite each other's work.
        Raises OSError if the folder cannot be used."""
        if self._held is not None:
            return True
        path = self._path(self.LOCK)
        for _attempt in range(3):
            f = open(path, "a+b")  # noqa: SIM115 (kept open, and locked, while the window runs)
            held = _try_lock(f)
            if held is None:
                f.close()
                return self._acquire_by_pid()
            if not held:
                f.close()
                return False
            # The owner may have removed the file between our open and our
            # lock (a clean exit): then we hold a lock on a file nobody sees.
            with contextlib.suppress(FileNotFoundError):
                if os.path.samestat(os.fstat(f.fileno()), os.stat(path)):
                    break
            f.close()
        else:
            return False
        f.seek(0)
        f.truncate()
        f.write(json.dumps({"pid": os.getpid(), "token": self._token}).encode())
        f.flush()
        self._held = f
        return True

    def _acquire_by_pid(self) -> bool:
        owner = self._lock_owner()
        if owner is not None and owner[1] != self._token and _process_alive(owner[0]):
            return False
        with atomic_write(self._path(self.LOCK)) as f:
            f.write(json.dumps({"pid": os.getpid(), "token": self._token}))
        return True

    def release(self) -> None:
        path = self._path(self.LOCK)
        if self._held is not None:
            f, self._held = self._held, None
            with f, contextlib.suppress(OSError):
                if os.path.samestat(os.fstat(f.fileno()), os.stat(path)):
                    path.unlink()
            return
        owner = self._lock_owner()
        if owner is not None and owner[1] == self._token:
            path.unlink(missing_ok=True)

    # -- points and weights ------------------------------------------------------

    @property
    def has_points(self) -> bool:
        return self._path(self.POINTS).exists()

    @property
    def has_weights(self) -> bool:
        return self._path(self.WEIGHTS).exists()

    def save_points(
        self, points: np.ndarray, labels: np.ndarray, keys: np.ndarray | None = None
    ) -> None:
        """The points as CSV, and their split keys beside them."""
        if keys is not None:
            with atomic_write(self._path(self.KEYS), "wb") as f:
                np.save(f, np.asarray(keys, np.float64), allow_pickle=False)
        write_points_csv(self._path(self.POINTS), points, labels)

    def load_keys(self, m: int) -> np.ndarray | None:
        """The ``m`` points' saved split keys, or None (none, another count, or
        not keys: the points then get new ones)."""
        try:
            keys = np.load(self._path(self.KEYS), allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        ok = keys.shape == (m,) and keys.dtype == np.float64 and ((keys >= 0) & (keys < 1)).all()
        return keys if ok else None

    def save_weights(self, net: MLP, epoch: int = 0, steps: int = 0) -> None:
        """Which epoch and step the weights are from, then the weights. The
        progress file names the weights saved before these too, so whenever
        a crash comes, it describes the weights file left."""
        entry = {"epoch": int(epoch), "steps": int(steps), "theta": _theta_digest(net.theta)}
        with atomic_write(self._path(self.PROGRESS)) as f:
            f.write(json.dumps({"weights": [entry, *self._progress_entries()[:1]]}))
        save_weights(net, self._path(self.WEIGHTS))

    def save_frame(self, frame: Frame) -> None:
        """The weights a frame shows, with its epoch and step (in the
        autosave thread: building the network costs the GUI nothing)."""
        net = frame.spec.build()
        net.theta[:] = frame.theta
        self.save_weights(net, frame.epoch, frame.steps)

    def load_points(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The autosaved points, or None if there are none or they are
        damaged (then moved aside and described in ``damaged``)."""
        if not self.has_points:
            return None
        try:
            return read_points_csv(self._path(self.POINTS), n_classes=LIMITS.window_classes)
        except BadFileError as exc:
            self._set_aside(self.POINTS, exc)
            return None

    def load_weights(self) -> SavedWeights | None:
        """The autosaved weights and their epoch, or None if there are none or
        they are damaged (then moved aside and described in ``damaged``)."""
        if not self.has_weights:
            return None
        try:
            net = load_weights(self._path(self.WEIGHTS))
        except BadFileError as exc:
            self._set_aside(self.WEIGHTS, exc)
            return None
        epoch, steps = self._progress(net)
        return SavedWeights(net, epoch, steps)

    def _progress_entries(self) -> list[dict]:
        """The progress file's entries, newest first; [] if it is unreadable."""
        try:
            with open(self._path(self.PROGRESS), "rb") as f:
                entries = json.loads(f.read(MAX_PROGRESS_BYTES + 1)[:MAX_PROGRESS_BYTES])["weights"]
        except (OSError, ValueError, KeyError, TypeError):
            return []
        return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []

    def _progress(self, net: MLP) -> tuple[int | None, int | None]:
        """(epoch, steps) of ``net`` from the progress file, if it names these
        very weights; (None, None) otherwise."""
        digest = _theta_digest(net.theta)
        for entry in self._progress_entries():
            epoch, steps = entry.get("epoch"), entry.get("steps")
            if entry.get("theta") == digest and all(
                type(n) is int and n >= 0 for n in (epoch, steps)
            ):
                return epoch, steps
        return None, None

    def _set_aside(self, name: str, exc: BadFileError) -> None:
        """Keep a damaged file as ``name.damaged`` (the next autosave would
        overwrite it) and say why in ``damaged``."""
        path = self._path(name)
        aside = path.with_name(name + ".damaged")
        why = f"line {exc.line}: {exc.problem}" if exc.line is not None else exc.problem
        why = " ".join(why.split())
        try:
            os.replace(path, aside)
            kept = f"kept as {aside.name}"
        except OSError as error:
            kept = f"could not be moved aside: {error.strerror or error}"
        self.damaged.append(f"The autosaved {name} is damaged ({why}); {kept}.")
