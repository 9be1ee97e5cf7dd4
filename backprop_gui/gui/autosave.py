"""Autosave and crash recovery: nothing the user made is lost.

The session folder (under the user's data directory) holds the points as CSV,
the weights as .npz, both in the engine's formats and written atomically, and
a lock file naming the process while the app runs. A lock left behind by a
process that is gone means the last run crashed or was killed.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

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
from ..session import LIMITS


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


class SessionStore:
    POINTS, WEIGHTS, LOCK = "points.csv", "weights.npz", "running.lock"

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_session_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        # Tells this window's lock from another window's in the same process.
        self._token = uuid.uuid4().hex
        self.interrupted = self._stale_lock()

    def _path(self, name: str) -> Path:
        return self.directory / name

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
        owner = self._lock_owner()
        # An unreadable lock, or one whose process is gone, means a crash.
        return owner is not None and not _process_alive(owner[0])

    def acquire(self) -> bool:
        """Take the session; False (and nothing written) if another running
        window holds it, so two windows never overwrite each other's work."""
        owner = self._lock_owner()
        if owner is not None and owner[1] != self._token and _process_alive(owner[0]):
            return False
        with atomic_write(self._path(self.LOCK)) as f:
            f.write(json.dumps({"pid": os.getpid(), "token": self._token}))
        return True

    def release(self) -> None:
        owner = self._lock_owner()
        if owner is not None and owner[1] == self._token:
            self._path(self.LOCK).unlink(missing_ok=True)

    @property
    def has_points(self) -> bool:
        return self._path(self.POINTS).exists()

    @property
    def has_weights(self) -> bool:
        return self._path(self.WEIGHTS).exists()

    def save_points(self, points: np.ndarray, labels: np.ndarray) -> None:
        write_points_csv(self._path(self.POINTS), points, labels)

    def save_weights(self, net: MLP) -> None:
        save_weights(net, self._path(self.WEIGHTS))

    def load_points(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The autosaved points, or None if there are none or they are unreadable."""
        try:
            path = self._path(self.POINTS)
            points, labels = read_points_csv(path, n_classes=LIMITS.window_classes)
        except BadFileError:
            return None
        return points, labels

    def load_weights(self) -> MLP | None:
        try:
            return load_weights(self._path(self.WEIGHTS))
        except BadFileError:
            return None
