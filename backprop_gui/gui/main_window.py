"""The main window: layout and wiring only.

State flows one way: user edits change the ``PointSet`` or the panels; the
window posts the resulting data, network and config to the worker; the
worker's frames come back and go to the canvas and to every panel of
``panels.PANELS`` through ``panel.show(frame)``. Only this (GUI) thread
touches widgets. The work lives beside it: ``actions`` (menus, toolbar,
shortcuts), ``documents`` (files), ``recovery`` (autosave) and ``settings``.
"""

from __future__ import annotations

import dataclasses
import os
import random
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QThread, QTimer, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMenu, QMessageBox, QWidget

from ..core import MLP, TrainConfig
from ..session import DataSpec, Frame, NetworkSpec
from . import panels, sessions
from .actions import SHORTCUTS, build_actions
from .actions import show_about as _show_about
from .actions import show_shortcuts as _show_shortcuts
from .canvas import Canvas
from .docks import build_layout, popup_menu, reset_layout
from .documents import Documents
from .documents import show_error as _show_error
from .exits import forget_exit, stop_worker_at_exit
from .inspector import Inspector
from .panels import (
    BannerPanel,
    CommandBar,
    CostPanel,
    DataPanel,
    MathsPanel,
    MetricsPanel,
    NetworkPanel,
    Panel,
    TrainingPanel,
)
from .panels.base import dock_name
from .points import PointSet
from .presentation import Presentation
from .recovery import Autosaver
from .settings import (
    SettingsAutosave,
    default_settings,
    restore_settings,
    save_settings,
    sync_view_state,
)
from .worker import TrainingWorker

__all__ = ["SHORTCUTS", "MainWindow"]

SPEC_DEBOUNCE_MS = 150


class MainWindow(QMainWindow):
    """``settings`` and ``session_dir`` default to the user's; tests pass their own."""

    def __init__(
        self, settings: QSettings | None = None, session_dir: str | os.PathLike | None = None
    ) -> None:
        super().__init__()
        self.setWindowTitle("backprop-gui")
        self.settings = settings if settings is not None else default_settings()
        self.autosaver = Autosaver(self, session_dir)
        self.session = self.autosaver.store
        self._closed = False
        self.model = PointSet(self)
        self.undo_stack = QUndoStack(self)
        self._training = False
        self._request = 0
        self._latest: Frame | None = None
        # The network's classes (the spec's n_classes) and the count the
        # points last asked for: a change in the latter re-initialises.
        self._n_classes = self._data_classes = 2

        self.canvas = Canvas(self.model, self.undo_stack)
        self.panels: list[Panel] = [kind() for kind in panels.PANELS]
        self._name_panels()
        self.documents = Documents(self)
        build_layout(self)
        self.presentation = Presentation(self)
        self.inspector = Inspector(self)
        build_actions(self)
        self.tool_actions["inspect"].setObjectName("inspectTool")
        self._build_status_bar()

        self._spec_timer = QTimer(self, singleShot=True, interval=SPEC_DEBOUNCE_MS)
        self._spec_timer.timeout.connect(self._post_spec)
        restore_settings(self)

        # The worker starts with the restored network and config.
        config = TrainConfig(record_every=0, **self.training_panel.config())
        self.worker = TrainingWorker(self.network_spec(), config)
        self.thread = QThread(self)
        self.thread.setObjectName("training")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # Queued, to a declared slot, to be explicit: the window must draw in the
        # GUI thread (PySide runs a plain function in the emitter's thread).
        self.worker.snapshot.connect(self._on_snapshot, Qt.QueuedConnection)
        self.metrics_panel.watch(lambda: self.worker.heartbeat)

        self._connect()
        self.worker.post(speed=self.commands.speed_value())
        self.worker.post(stop=self.training_panel.stop_when.conditions())
        self.inspector.post_wishes()
        sync_view_state(self)
        self._post_data()
        if not self.autosaver.restore():
            data = self.data_panel
            self.documents.generate_preset(
                data.preset.currentText(), data.count.value(), data.noise.value() / 100, False
            )
        self.autosaver.acquire()
        self._update_maths()
        self.settings_autosave = SettingsAutosave(self)
        self._shut_down = False
        self._at_exit = stop_worker_at_exit(self)
        # Last: nothing after this may raise, or Qt would destroy a running thread.
        self.thread.start()

    # -- layout --------------------------------------------------------------------

    def panel(self, kind: type[Panel]) -> Panel:
        """The window's panel of class ``kind``."""
        return next(p for p in self.panels if isinstance(p, kind))

    def _name_panels(self) -> None:
        """The panels and widgets the window wires, under the names scripts use."""
        self.data_panel: DataPanel = self.panel(DataPanel)
        self.network_panel: NetworkPanel = self.panel(NetworkPanel)
        self.training_panel: TrainingPanel = self.panel(TrainingPanel)
        self.commands: CommandBar = self.panel(CommandBar)
        self.train_button = self.commands.train_button
        self.step_button = self.commands.step_button
        self.step_epoch_button = self.commands.step_epoch_button
        self.speed_control = self.commands.speed
        self.reset_button = self.commands.reset_button
        self.new_seed_button = self.commands.new_seed_button
        self.metrics_panel: MetricsPanel = self.panel(MetricsPanel)
        metrics = self.metrics_panel
        self.metric_labels, self.status_labels = metrics.labels, metrics.status_labels
        self.banner: BannerPanel = self.panel(BannerPanel)
        self.banner_text = self.banner.text
        self.banner_button = self.banner.restore_button
        self.banner_close = self.banner.close_button
        self.cost_panel: CostPanel = self.panel(CostPanel)
        self.cost_plot, self.log_check = self.cost_panel.plot, self.cost_panel.log_check
        self.maths_panel: MathsPanel = self.panel(MathsPanel)
        self.maths_label = self.maths_panel.label

    def dock(self, panel: QWidget) -> QDockWidget | None:
        """The dock that holds ``panel`` (None for the toolbar and the strip)."""
        return self.docks.get(dock_name(panel))

    def createPopupMenu(self) -> QMenu:  # Qt's: a right-click on a dock's title
        return popup_menu(self)

    def reset_layout(self) -> None:
        """Every dock back where it started, shown (View › Reset layout)."""
        reset_layout(self)

    def set_presentation(self, on: bool) -> None:
        """Presentation mode: full screen, larger fonts, thicker lines (F11)."""
        self.presentation.set(on)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.autosave_label = self.autosaver.label
        bar.addPermanentWidget(self.autosave_label)
        for panel in self.panels:
            for widget in panel.status_widgets():
                bar.addPermanentWidget(widget)

    def _connect(self) -> None:
        self.model.changed.connect(self._post_data)
        self.canvas.full.connect(lambda why: self.statusBar().showMessage(why, 4000))
        self.model.changed.connect(self.autosaver.timer.start)
        self.train_button.clicked.connect(self.toggle_training)
        self.step_button.clicked.connect(self.step)
        self.step_epoch_button.clicked.connect(self.step_epoch)
        self.commands.speed_changed.connect(lambda rate: self.worker.post(speed=rate))
        self.training_panel.stop_changed.connect(lambda stop: self.worker.post(stop=stop))
        # A preset, regenerating, a points file (or undoing one): a new run.
        self.model.new_problem.connect(self._new_problem)
        self.reset_button.clicked.connect(self.reset)
        self.new_seed_button.clicked.connect(self.new_seed)
        self.banner_button.clicked.connect(self.restore_and_halve)
        data = self.data_panel
        data.preset_requested.connect(self.documents.generate_preset)
        data.test_ratio_changed.connect(self._test_ratio_changed)
        data.show_test.toggled.connect(self.canvas.set_show_test)
        data.show_test.toggled.connect(self.show_test_action.setChecked)
        data.brush_changed.connect(self._brush_changed)
        self.network_panel.changed.connect(self._spec_timer.start)
        self.training_panel.seed_changed.connect(lambda _: self._spec_timer.start())
        self.training_panel.config_changed.connect(lambda config: self.worker.post(config=config))
        self.training_panel.config_changed.connect(lambda _: self._update_maths())
        self.log_check.toggled.connect(self.log_action.setChecked)

    # -- posting to the worker -----------------------------------------------------

    def network_spec(self) -> NetworkSpec:
        """The network the controls describe (the worker may not have it yet)."""
        spec = self.network_panel.spec(self.training_panel.seed.value())
        return dataclasses.replace(spec, n_classes=self._n_classes)

    def _post_spec(self) -> None:
        self.worker.post(spec=self.network_spec())
        self._update_maths()

    def _post_data(self) -> None:
        m = self.model
        test = m.test_mask(self.canvas.test_ratio)
        more = {}
        if len(m) and m.n_classes() != self._data_classes:  # none (Clear): as they were
            # The output layer follows the data: one post, so the worker never
            # pairs these points with a network that has too few outputs.
            self._n_classes = self._data_classes = m.n_classes()
            more["spec"] = self.network_spec()
            self._update_maths()
            out = "one sigmoid unit" if self._n_classes == 2 else f"{self._n_classes} softmax units"
            self.statusBar().showMessage(
                f"{self._n_classes} classes: the output layer is now {out}; "
                "weights re-initialised.",
                6000,
            )
        self.worker.post(
            data=DataSpec(
                m.points[:, ~test].copy(),
                m.labels[~test].copy(),
                m.points[:, test].copy(),
                m.labels[test].copy(),
            ),
            **more,
        )
        self.data_panel.show_counts(m.counts(), int(test.sum()), m.outside_view())
        can_train = bool((~test).any())
        why_not = None
        if not can_train:
            full = "every point is test data: lower the test share"
            why_not = full if len(m) else "add some points first"
        if why_not and self._training:  # said, or Undo brought points back to a silent pause
            self._set_training(False)
            self._post_training(False)
            self.statusBar().showMessage(f"Paused: {why_not}.", 6000)
        self.commands.set_trainable(why_not, self._training)
        self.train_action.setEnabled(can_train or self._training)
        self.step_action.setEnabled(can_train)
        self.step_epoch_action.setEnabled(can_train)

    def _new_problem(self) -> None:
        """A new run, whose output layer follows the points (not imported weights)."""
        more = {}
        if self._n_classes != self._data_classes:
            self._n_classes = self._data_classes
            more["spec"] = self.network_spec()
            self._update_maths()
        self.worker.post(new_run=True, **more)

    def _test_ratio_changed(self, ratio: float) -> None:
        self.canvas.set_test_ratio(ratio)
        self._post_data()
        self.inspector.test_share_changed()

    def _brush_changed(self, radius: float, density: int) -> None:
        self.canvas.brush_radius, self.canvas.brush_density = radius, density

    def _update_maths(self) -> None:
        self.maths_panel.set_choice(self.network_spec(), self.training_panel.config())

    # -- training commands ---------------------------------------------------------

    def _post_training(self, on: bool, **more: object) -> None:
        if on or more:  # Train or Step during a walk goes on from the walked step
            self.inspector.finish_walk()
        self._request += 1
        self.worker.post(training=on, request=self._request, **more)

    def _set_training(self, on: bool) -> None:
        self._training = on
        self.commands.set_training(on)

    def toggle_training(self) -> None:
        if not self._training and not self.train_button.isEnabled():
            self.statusBar().showMessage(self.train_button.toolTip(), 4000)
            return
        self._set_training(not self._training)
        if self._training:
            self.banner.hide()
        self._post_training(self._training)

    def step(self) -> None:
        """One step (one update on one mini-batch); with Shift held, one epoch."""
        if QApplication.keyboardModifiers() & Qt.ShiftModifier:
            self.step_epoch()
            return
        if not self.step_button.isEnabled():
            return
        self._set_training(False)
        self._post_training(False, step_steps=1)

    def step_epoch(self) -> None:
        """Train one epoch, then pause."""
        if not self.step_button.isEnabled():
            return
        self._set_training(False)
        self._post_training(False, step_epochs=1)

    def reset(self) -> None:
        self.worker.post(reset=True)
        self.banner.hide()

    def new_seed(self) -> None:
        self.training_panel.seed.setValue(random.randrange(0, 100_000))
        self.statusBar().showMessage(
            f"New seed {self.training_panel.seed.value()}: weights re-initialised.", 4000
        )

    def restore_and_halve(self) -> None:
        """Go back to the last good weights with at most half the learning rate
        (the largest listed rate ≤ α/2), and say which."""
        old = self.training_panel.learning_rate_value()
        new = self.training_panel.lower_learning_rate(old / 2)
        self.worker.post(restore=True)
        self.banner.hide()
        self.statusBar().showMessage(
            f"Restored the last good weights; learning rate {old:g} → {new:g}.", 8000
        )

    # -- frames ----------------------------------------------------------------------

    @Slot(object)
    def _on_snapshot(self, frame: Frame) -> None:
        if self._closed:  # queued before the window closed
            return
        try:
            self._show_snapshot(frame)
        finally:
            self.worker.acknowledge()

    def _show_snapshot(self, frame: Frame) -> None:
        """Give ``frame`` to the canvas and to every panel."""
        self._latest = frame
        self.inspector.show_canvas(frame)
        for panel in self.panels:
            panel.show(frame)
        self.inspector.show_frame(frame)
        # The worker stopped by itself (divergence, error, no data); ignore
        # frames sent before it saw our latest Train/Pause.
        if self._training and not frame.training and frame.request == self._request:
            self._set_training(False)
        if frame.message:
            # A divergence is told in full in the banner; the status bar, which
            # shares its line with the read-outs, gets a short sentence.
            short = "Diverged: paused (see the banner above the canvas)."
            said = short if frame.diverged else self.documents.with_news(frame.message)
            self.statusBar().showMessage(said, 6000)
        self.autosaver.show_frame(frame)

    # -- points ----------------------------------------------------------------------

    def clear_points(self) -> None:
        self.documents.clear_points()

    def save_points(self, path: str | os.PathLike) -> None:
        """Write the points to ``path`` as CSV (x1,x2,label)."""
        self.documents.save_points(path)

    def load_points(self, path: str | os.PathLike) -> None:
        """Replace the points with those in a CSV file (undoable). Raises
        BadFileError, leaving the current points untouched, if it cannot be read."""
        self.documents.load_points(path)

    # -- what the window shows ---------------------------------------------------------

    @property
    def snapshot(self) -> Frame | None:
        """The last frame drawn: what the window shows now."""
        return self._latest

    @property
    def is_training(self) -> bool:
        """True between Train and Pause (or until training stops by itself)."""
        return self._training

    @property
    def last_request(self) -> int:
        """The number of the latest Train/Pause/Step request; a frame whose
        ``request`` equals it has seen that request."""
        return self._request

    @property
    def trainer_pid(self) -> int | None:
        """The trainer process's id, or None while training runs in-thread."""
        return self.worker.trainer_pid

    # -- weights and images -------------------------------------------------------------

    def current_network(self) -> MLP:
        """The network as last shown: structure and a copy of its weights."""
        return self.documents.current_network()

    def current_gradients(self) -> dict[str, np.ndarray]:
        """{"dW1": (n_1, n_0), "db1": (n_1, 1), …}: the gradient of J (mean
        cross-entropy over the training points, plus the L1/L2 term when set)
        at the weights shown (``export_weights`` of the same moment), in the
        column convention."""
        return self.inspector.current_gradients()

    def export_weights(self, path: str | os.PathLike) -> None:
        """Save the weights shown on screen to ``path`` (.npz or .json)."""
        self.documents.export_weights(path)

    def import_weights(self, path: str | os.PathLike) -> None:
        """Load weights from ``path``: the controls take the file's network,
        and Train continues from these weights."""
        self.documents.import_weights(path)
        self._update_maths()

    def save_session(self, path: str | os.PathLike) -> None:
        """Save everything shown (points and split, network, settings, weights,
        curve) to one ``.bpsession`` file."""
        sessions.save(self, path)
        self.statusBar().showMessage(f"Saved the session to {path}", 4000)

    def open_session(self, path: str | os.PathLike) -> None:
        """Open a ``.bpsession`` file: everything it holds replaces what is
        shown. Raises SessionFileError, changing nothing, for a bad file."""
        state = sessions.open_(self, path)
        trained = f", trained {state.epoch:,} epochs" if state.theta is not None else ""
        self.statusBar().showMessage(
            f"Opened the session {Path(path).name}: {state.labels.size} points{trained}.", 8000
        )

    def export_image(self, path: str | os.PathLike) -> None:
        """Save an image of the canvas (PNG, JPEG or BMP, as the suffix says)."""
        self.documents.export_image(path)

    # -- dialogs -----------------------------------------------------------------------

    def show_error(self, title: str, text: str) -> QMessageBox:
        """A window-modal warning that does not block the caller (or a test)."""
        return _show_error(self, title, text)

    def show_shortcuts(self) -> QWidget:
        return _show_shortcuts(self)

    def show_about(self) -> None:
        _show_about(self)

    # -- settings and shutdown ------------------------------------------------------------

    def save_settings(self) -> None:
        self.settings_autosave.saved = save_settings(self)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.modifiers():
            self.toggle_training()
            event.accept()
            return
        if event.key() == Qt.Key_Escape and self.presentation.on:
            self.set_presentation(False)
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        if self._closed:  # a second close (e.g. from a test harness) has nothing to do
            event.accept()
            return
        self.settings_autosave.stop()
        self.set_presentation(False)  # the settings keep the normal window
        self.save_settings()
        self.autosaver.save_session()  # everything comes back at the next start
        self.shutdown()
        forget_exit(self._at_exit)
        self.autosaver.close()  # the last autosave; a clean exit leaves no lock behind
        self._closed = True
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the worker and wait for its thread: the one shutdown path
        (closing, the application quitting, the interpreter exiting)."""
        if self.thread.isRunning():
            self.worker.stop()
            self.thread.quit()
            self.thread.wait()
        if not self._shut_down:
            self._shut_down = True
            self.worker.snapshot.disconnect(self._on_snapshot)
