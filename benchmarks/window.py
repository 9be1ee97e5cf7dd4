"""The real MainWindow, offscreen, driven through its public API only.

``AppSession`` opens one window with private settings and a private session
folder (the benchmarks never touch the user's), records every frame the window
receives and every paint of a new surface, and starts and pauses training
with the Train button. It reads the window through its public properties
(``snapshot``, ``is_training``, ``last_request``, ``trainer_pid``,
``current_network``), its widgets' objectNames and the panels' methods the
tests use too.

Qt is imported only when a session is made. Without a display the app runs on
Qt's offscreen platform: it still lays out, paints every surface update into
its backing store and runs the same event loop.
"""

from __future__ import annotations

import gc
import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from backprop_gui.core import Trainer, transform
from backprop_gui.session.engine import RECORDING


def prepare_qt() -> None:
    """Offscreen unless a display is available or a platform was chosen."""
    if not any(os.environ.get(k) for k in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def _recorder_class():
    from PySide6.QtCore import QObject, Slot

    class Recorder(QObject):
        """(time, steps, surface id, training) of every snapshot the window
        got, and what the trainer computed for it (``FrameWork``)."""

        def __init__(self) -> None:
            super().__init__()
            self.snapshots: list[tuple[float, int, bool, bool]] = []
            self.work: list[FrameWork] = []
            self.recording = False
            # Whether the trainer makes the frames' surfaces: in the worker
            # thread it does; a trainer process sends θ and the worker makes them.
            self.trainer_surfaces: Callable[[], bool] = lambda: True
            self._last_surface = None
            self._last = None  # the last snapshot, whose fields the next may reuse

        @Slot(object)
        def record(self, snap) -> None:
            if self.recording:
                # A surface the window has not drawn before (kept, so that its
                # identity cannot be reused by a later one).
                new = snap.surface is not self._last_surface
                self._last_surface = snap.surface
                self.snapshots.append((time.perf_counter(), snap.steps, new, snap.training))
                if snap.training:
                    self.work.append(frame_work(snap, self._last, self.trainer_surfaces()))
            self._last = snap

    return Recorder


@dataclass(frozen=True)
class FrameWork:
    """What the trainer computed for one frame, read from the frame: the
    ``Engine.frame`` arguments that make the same one again."""

    evaluate: bool
    exact: bool
    inspect: dict
    surface: bool = True  # made by the trainer (see ``Engine.frame``)


def frame_work(frame, previous, trainer_surface: bool = True) -> FrameWork:
    """The work behind ``frame``, read from the fields it carries that
    ``previous`` (the frame before, or None) did not: the window's worker
    passes on what it did not ask for again. Its evaluation; its surface, in
    float32 while training (``exact`` when still), if the trainer made it
    (``trainer_surface``: a trainer process sends θ and the worker makes the
    surface); what it inspected (unit maps: their resolution and units per
    layer)."""

    def new(name: str):
        value = getattr(frame, name)
        return None if previous is not None and value is getattr(previous, name) else value

    inspect: dict = {}
    for name in ("gradients", "health", "optimizer"):
        if new(name) is not None:
            inspect[name] = True
    if (maps := new("unit_maps")) is not None:
        inspect["unit_maps"] = (maps[0].shape[-1], max(m.shape[0] for m in maps))
    if new("unit_map") is not None or new("example") is not None:
        raise NotImplementedError("replaying a frame with one unit's map or an example's pass")
    return FrameWork(new("evaluation") is not None, not frame.training, inspect, trainer_surface)


def _Recorder():
    return _recorder_class()()


def _surface_paints_class():
    from PySide6.QtCore import QEvent, QObject

    class SurfacePaints(QObject):
        """Times of the canvas's paints that showed a surface not painted before."""

        def __init__(self, canvas) -> None:
            super().__init__()
            self.canvas = canvas
            self.times: list[float] = []
            self.recording = False
            self._last = None
            canvas.viewport().installEventFilter(self)

        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Paint:
                image = self.canvas.surface.image
                if image is not self._last:
                    self._last = image  # kept, so that its identity cannot be reused
                    if self.recording:
                        self.times.append(time.perf_counter())
            return False

    return SurfacePaints


class AppSession:
    """One MainWindow with private settings, and what its frames say."""

    def __init__(self, trainer: str = "process") -> None:
        prepare_qt()
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication, QComboBox

        from backprop_gui.gui import MainWindow
        from backprop_gui.gui.app import freeze_startup_objects
        from backprop_gui.gui.worker import TRAINER_ENV

        self.app = QApplication.instance() or QApplication(["backprop-gui-benchmarks"])
        self.tmp = tempfile.TemporaryDirectory(prefix="backprop-gui-bench-")
        settings = QSettings(str(Path(self.tmp.name) / "settings.ini"), QSettings.IniFormat)
        # The presets draw their seed from Python's random module.
        random.seed(1)
        # The worker reads where to train when it is made.
        before = os.environ.get(TRAINER_ENV)
        os.environ[TRAINER_ENV] = trainer
        try:
            # A private session folder too: the benchmarks must not touch the
            # user's autosave.
            self.window = MainWindow(settings, Path(self.tmp.name) / "session")
        finally:
            if before is None:
                del os.environ[TRAINER_ENV]
            else:
                os.environ[TRAINER_ENV] = before
        self.window.resize(1440, 860)
        self.window.show()
        # As fast as it goes: the app's default is a watchable 30 epochs/s.
        speed = self.window.findChild(QComboBox, "speedControl")
        speed.setCurrentIndex(speed.findText("max"))
        freeze_startup_objects()  # as the app does when it starts
        self.recorder = _Recorder()
        self.painted = _surface_paints_class()(self.window.canvas)
        # Connected after the window's own slot, so it runs right after the
        # window has taken the frame in, in the GUI thread.
        self.window.worker.snapshot.connect(self.recorder.record)
        self.recorder.trainer_surfaces = lambda: self.window.trainer_pid is None
        self.wait(lambda: self.window.snapshot is not None, 10.0)

    def show_inspector(self) -> dict:
        """Bring the network diagram (with a map of every unit) and the
        gradient-health panel forward, as a student would, and wait until
        the frames carry what they draw; returns what is visible."""
        from PySide6.QtCore import Qt

        from backprop_gui.gui.inspector import on_screen, reveal
        from backprop_gui.gui.panels import HealthPanel, NetworkDiagram

        w = self.window
        diagram, health = w.panel(NetworkDiagram), w.panel(HealthPanel)
        # They share a place as tabs: the health panel gets a place of its own
        # in the same column, so that both are on screen (a tab behind another
        # is not drawn). Qt's splitDockWidget would only add it as a tab again.
        dock = w.dock(health)
        w.removeDockWidget(dock)
        w.addDockWidget(Qt.RightDockWidgetArea, dock, Qt.Vertical)
        dock.show()
        reveal(diagram)
        reveal(health)
        self.wait(
            lambda: (
                w.snapshot is not None
                and w.snapshot.unit_maps is not None
                and w.snapshot.health is not None
            ),
            10.0,
        )
        maps = w.snapshot.unit_maps
        return {
            "diagram": on_screen(diagram),
            "health": on_screen(health),
            "unit_maps": [int(m.shape[0]) for m in maps],
            "unit_map_resolution": int(maps[0].shape[1]),
        }

    def widget(self, name: str):
        """The window's widget with this objectName (the names are public API)."""
        from PySide6.QtWidgets import QWidget

        found = self.window.findChild(QWidget, name)
        if found is None:
            raise LookupError(f"the window has no widget named {name!r}")
        return found

    @property
    def snapshots(self) -> list:
        return self.recorder.snapshots

    @property
    def recording(self) -> bool:
        return self.recorder.recording

    @recording.setter
    def recording(self, on: bool) -> None:
        self.recorder.recording = on
        self.painted.recording = on

    def pump(self, seconds: float) -> None:
        """Run the event loop for ``seconds``."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(max(0, round(seconds * 1e3)), loop.quit)
        loop.exec()

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                return False
            self.pump(0.01)
        return True

    def set_training(self, on: bool) -> None:
        if self.window.is_training != on:
            self.window.train_button.click()
        # The worker has seen the request once a frame echoes it.
        request = self.window.last_request
        self.wait(
            lambda: (
                (s := self.window.snapshot) is not None
                and s.request >= request
                and s.training == on
            ),
            10.0,
        )

    @property
    def pids(self) -> tuple:
        """This process, and the trainer's when it has one."""
        pid = self.window.trainer_pid
        return ("self",) if pid is None else ("self", pid)

    def headless_trainer(self, record_steps: bool = False) -> Trainer:
        """A Trainer on what the window trains: the network and config of the
        last frame drawn, its weights, and the window's training and test
        points; with ``record_steps``, recording every step's cost as the
        app's trainer does (``session.engine.RECORDING``)."""
        frame = self.window.snapshot
        points, labels, test_points, test_labels = self._points()
        features = frame.spec.features
        return Trainer(
            self.window.current_network(),  # frame.spec with frame.theta
            transform(points, features),
            labels,
            replace(
                frame.config,
                record_every=0,
                **(RECORDING if record_steps else {"record_steps": False}),
            ),
            transform(test_points, features),
            test_labels,
        )

    def _points(self) -> tuple:
        """(training points, labels, test points, labels) as the window splits
        them, raw (2, m); checked against what its last frame trained on."""
        w = self.window
        test = w.model.test_mask(w.canvas.test_ratio)
        n_train = int((~test).sum())
        if n_train != w.snapshot.n_train:
            # The window's split rule changed: say so rather than time other points.
            raise RuntimeError(
                f"the window trains on {w.snapshot.n_train} points, the benchmark split {n_train}"
            )
        points, labels = w.model.points, w.model.labels
        return points[:, ~test], labels[~test], points[:, test], labels[test]

    def headless_engine(self):
        """The trainer process's ``Engine``, in this process, on what the window
        trains (as ``headless_trainer``): to make the frames it made."""
        from backprop_gui.gui.worker import SURFACE_RESOLUTION
        from backprop_gui.session import Engine

        frame = self.window.snapshot
        engine = Engine()
        spec = frame.spec
        engine.build(
            spec.layer_sizes(),
            spec.activation,
            spec.features,
            spec.seed,
            replace(frame.config, record_every=0),
            SURFACE_RESOLUTION,
        )
        engine.set_points(*self._points())
        engine.set_theta(self.window.current_network().theta)
        return engine

    def close(self) -> None:
        self.window.close()
        self.pump(0.05)
        self.tmp.cleanup()
        gc.unfreeze()  # the next session's window starts as the app's would
