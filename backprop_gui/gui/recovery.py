"""The window's side of autosave: when to save, and what to restore at start.

The store on disk is ``autosave.SessionStore`` (kept in a module of its own
so that its history follows it). Here: points are saved a second after the
last edit; weights, with their epoch, at least every second while training
and at once when new weights are shown paused (pause, step, reset, import,
divergence) and on quit; the controls within a second of a change. Always
by one background writer, so the GUI never waits for a disk and two saves
never interleave.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMessageBox

from ..core import BadFileError
from ..session import Frame
from . import sessions
from .autosave import SessionStore
from .sessions import LAST_SESSION

if TYPE_CHECKING:
    from .main_window import MainWindow

AUTOSAVE_DEBOUNCE_MS = 1000
WEIGHTS_AUTOSAVE_SECONDS = 1.0  # while training; paused, new weights are saved at once


class Autosaver:
    """Autosaves ``window``'s points and weights into a ``SessionStore`` at
    ``directory`` (the user's when None) and restores them when it starts.

    ``label`` ("Autosave off", hidden unless so) belongs in the status bar;
    ``timer`` restarts on every edit and saves the points when it fires.
    """

    def __init__(self, window: MainWindow, directory: str | os.PathLike | None) -> None:
        self.window = window
        self.store = SessionStore(Path(directory) if directory is not None else None)
        self.enabled = False
        self.closed = False
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._weights_saved_at = 0.0
        self._weights_saved: Frame | None = None  # the frame whose weights were saved last
        self._weights_saving: Future | None = None
        self.label = QLabel(objectName="autosaveOff")
        self.label.setStyleSheet("color: #A00; font-weight: 600;")
        self.label.hide()
        self.timer = QTimer(window, singleShot=True, interval=AUTOSAVE_DEBOUNCE_MS)
        self.timer.timeout.connect(self.save_points)

    # -- at start ----------------------------------------------------------------------

    def restore(self) -> bool:
        """After a crash, offer the autosaved work; after a clean exit, reopen
        the last points. False if nothing was restored (a first launch)."""
        store = self.store
        if store.interrupted and (store.has_points or store.has_weights):
            answer = QMessageBox.question(
                self.window,
                "Restore your work?",
                "backprop-gui did not close properly last time.\n\n"
                "Restore the points and weights it saved automatically?",
                QMessageBox.Yes | QMessageBox.No,
                QMessageBox.Yes,
            )
            if answer == QMessageBox.Yes and self._restore(with_weights=True):
                return True
        elif self._restore_session() or (store.has_points and self._restore(with_weights=False)):
            return True
        return False

    def _restore_session(self) -> bool:
        """The session saved at the last normal quit, exactly; False if there
        is none or it cannot be read (then the autosaved points are used)."""
        path = self.store.directory / LAST_SESSION
        if not path.exists():
            return False
        try:
            state = sessions.open_(self.window, path)
        except (BadFileError, OSError) as exc:
            print(f"backprop-gui: last session not restored: {exc}", file=sys.stderr)
            return False
        trained = " and the trained weights" if state.theta is not None else ""
        self.window.statusBar().showMessage(
            f"Restored {state.labels.size:,} points{trained} from the last session.", 8000
        )
        return True

    def save_session(self) -> None:
        """Save the whole session for the next start (on a normal quit)."""
        if not self.enabled or self.closed:
            return
        path = self.store.directory / LAST_SESSION
        try:
            sessions.save(self.window, path)
        except (OSError, ValueError) as exc:
            print(f"backprop-gui: session not saved: {exc}", file=sys.stderr)
            # An older session must not come back in place of this one's
            # autosaved points at the next start.
            with contextlib.suppress(OSError):
                path.unlink()

    def _restore(self, with_weights: bool) -> bool:
        """Restore what is intact and say what was restored, from which epoch,
        and which file was damaged. True if the points were restored."""
        window, store = self.window, self.store
        saved = store.load_points()
        restored = []
        if saved is not None:
            points, labels = saved
            keys = store.load_keys(labels.size)  # the same test points as before
            if keys is None:
                keys = window.model.new_keys(labels.size)
            window.model.replace(points, np.asarray(labels, np.int64), keys)
            restored.append(f"{labels.size:,} points")
        weights = store.load_weights() if with_weights else None
        if weights is not None:
            resume = (weights.epoch or 0, weights.steps or 0)
            try:
                window.documents.use_network(
                    weights.net, store.directory / SessionStore.WEIGHTS, resume
                )
            except ValueError as exc:
                store.damaged.append(f"The autosaved weights were not restored: {exc}.")
            else:
                restored.append(
                    "the autosaved weights (of an unknown epoch)"
                    if weights.epoch is None
                    else f"the weights of epoch {weights.epoch:,}"
                )
        said = [f"Restored {' and '.join(restored)}."] if restored else []
        if restored and not with_weights:
            said = [f"Restored {restored[0]} from the last session."]
        window.statusBar().showMessage(" ".join(said + store.damaged), 15000)
        return saved is not None

    def acquire(self) -> None:
        """Own the autosave, or say in the status bar why this window cannot."""
        try:
            if self.store.acquire():
                self.enabled = True
                return
            why = (
                "Another backprop-gui window is running and owns the autosave; "
                "save your points from this window with File › Save points."
            )
        except OSError as exc:
            why = f"The autosave folder cannot be used: {exc}"
        self.label.setText("Autosave off")
        self.label.setToolTip(why)
        self.label.show()

    # -- while running -----------------------------------------------------------------

    def save_points(self) -> None:
        if not self.enabled or self.closed:
            return
        model = self.window.model
        points, labels, keys = model.points.copy(), model.labels.copy(), model.keys.copy()
        self._executor.submit(self._quietly, self.store.save_points, points, labels, keys)

    def save_weights(self, frame: Frame | None = None) -> None:
        """Save the weights of ``frame`` (the last frame shown by default) in
        the autosave thread, with its epoch and step."""
        frame = frame or self.window.snapshot
        self._weights_saved_at = time.monotonic()
        if not self.enabled or self.closed or frame is None:
            return
        self._weights_saved = frame
        self._weights_saving = self._executor.submit(self._quietly, self.store.save_frame, frame)

    def show_frame(self, frame: Frame) -> None:
        """While training, weights at most WEIGHTS_AUTOSAVE_SECONDS old; paused
        (pause, step, reset, import, divergence), new weights at once."""
        if frame.training:
            if time.monotonic() - self._weights_saved_at < WEIGHTS_AUTOSAVE_SECONDS:
                return
            if self._weights_saving is not None and not self._weights_saving.done():
                return  # a big network's save is slow: never queue up frames behind it
        else:
            saved = self._weights_saved
            same = saved is not None and saved.spec == frame.spec
            if same and np.array_equal(saved.theta, frame.theta):
                return
        self.save_weights(frame)

    def _quietly(self, save, *args) -> None:
        # A failed autosave must not take the app down; the next one retries.
        try:
            save(*args)
        except (OSError, ValueError) as exc:
            print(f"backprop-gui: autosave failed: {exc}", file=sys.stderr)

    # -- at the end --------------------------------------------------------------------

    def close(self) -> None:
        """Last saves, then a clean exit leaves no lock behind."""
        self.timer.stop()
        self.save_points()
        self.save_weights()
        self.closed = True
        self._executor.shutdown(wait=True)
        if self.enabled:
            self.store.release()
