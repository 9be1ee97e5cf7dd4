"""The main window: wires the point model, canvas, panels and training worker.

State flows one way: user edits change the ``PointSet`` or the panels; the
window posts the resulting data, network and config to the worker; the
worker's snapshots come back and are drawn. Only this (GUI) thread touches
widgets.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import random
import sys
import tempfile
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt, QThread, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..core import DOMAIN, MLP, TrainConfig, make_dataset
from ..core.pointsfile import read_points_csv, write_points_csv
from ..core.weightsfile import load_weights, save_weights
from ..session import EVALUATION_SAMPLE, DataSpec, Frame, NetworkSpec
from .canvas import Canvas, SquareFrame
from .controls import MAX_LAYERS, MAX_NEURONS, DataPanel, NetworkPanel, TrainingPanel
from .cost_plot import CostPlot
from .maths import equations_html
from .points import PointSet, ReplacePoints
from .session import SessionStore
from .steady_label import SteadyLabel
from .theme import TEST_PEN, TRAIN_PEN, tool_icon
from .worker import TrainingWorker

SETTINGS_VERSION = 1
SPEC_DEBOUNCE_MS = 150
AUTOSAVE_DEBOUNCE_MS = 1000
WEIGHTS_AUTOSAVE_SECONDS = 1.0  # while training; paused, new weights are saved at once
SETTINGS_AUTOSAVE_MS = 1000  # the controls are saved this soon after a change

SHORTCUTS = (
    ("Space", "Train / pause"),
    ("S", "Step: train one epoch"),
    ("R", "Reset the weights (same seed)"),
    ("N", "New random seed"),
    ("P / B / E", "Put, brush and erase tools"),
    ("Left click / drag", "Add class 0 (orange)"),
    ("Right or Shift+left", "Add class 1 (blue)"),
    ("Ctrl+click", "Erase the nearest point"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo an edit or a whole stroke"),
    ("Ctrl+Delete", "Clear all points"),
    ("G", "Regenerate the preset"),
    ("D", "Discretize the surface"),
    ("T", "Show test data"),
    ("L", "Log scale for the cost"),
    ("Ctrl+O / Ctrl+S", "Open / save points (CSV)"),
    ("Ctrl+E / Ctrl+I", "Export / import weights"),
    ("Ctrl+Shift+E", "Export an image of the canvas"),
    ("F1", "This list"),
    ("Ctrl+Q", "Quit"),
)


def default_settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, "backprop-gui", "backprop-gui")


class MainWindow(QMainWindow):
    """``settings`` and ``session_dir`` default to the user's; tests pass their own."""

    def __init__(
        self, settings: QSettings | None = None, session_dir: str | os.PathLike | None = None
    ) -> None:
        super().__init__()
        self.setWindowTitle("backprop-gui")
        self.settings = settings if settings is not None else default_settings()
        self.session = SessionStore(Path(session_dir) if session_dir is not None else None)
        # One background writer: autosaves never block the GUI and never interleave.
        self._autosaver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._weights_saved_at = 0.0
        self._weights_saved: Frame | None = None  # the frame whose weights were saved last
        self._weights_saving: Future | None = None
        self._closed = False
        self._autosave_enabled = False
        self._divergence_shown = False
        self.model = PointSet(self)
        self.undo_stack = QUndoStack(self)
        self._training = False
        self._request = 0
        self._generation = -1
        self._latest: Frame | None = None
        self._last_plotted_step = -1

        self.canvas = Canvas(self.model, self.undo_stack)
        self.data_panel = DataPanel()
        self.network_panel = NetworkPanel()
        self.training_panel = TrainingPanel()
        self.cost_plot = CostPlot()
        self._build_layout()
        self._build_actions()
        self._build_status_bar()

        self._spec_timer = QTimer(self, singleShot=True, interval=SPEC_DEBOUNCE_MS)
        self._spec_timer.timeout.connect(self._post_spec)
        self._restore_settings()

        # The worker starts with the restored network and config.
        config = TrainConfig(record_every=0, **self.training_panel.config())
        self.worker = TrainingWorker(self._spec(), config)
        self.thread = QThread(self)
        self.thread.setObjectName("training")
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.run)
        # Queued, to a declared slot, to be explicit: the window must draw in the
        # GUI thread (PySide runs a plain function in the emitter's thread).
        self.worker.snapshot.connect(self._on_snapshot, Qt.QueuedConnection)

        self._autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DEBOUNCE_MS)
        self._autosave_timer.timeout.connect(self._autosave_points)
        self._connect()
        self._sync_view_state()
        self._post_data()
        self._restore_session()
        self._autosave_enabled = self._acquire_session()
        self._update_maths()
        self._start_settings_autosave()
        self._stop_worker_at_exit()
        # Last: nothing after this may raise, or Qt would destroy a running thread.
        self.thread.start()

    # -- layout ------------------------------------------------------------------

    def _build_layout(self) -> None:
        side = QWidget()
        side_layout = QVBoxLayout(side)
        for panel in (self.data_panel, self.network_panel, self.training_panel):
            side_layout.addWidget(panel)
        side_layout.addStretch(1)
        scroll = QScrollArea(objectName="sidePanel")
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setMinimumWidth(side.sizeHint().width() + 24)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        buttons = QHBoxLayout()
        self.train_button = QPushButton("Train", objectName="trainButton")
        self.train_button.setIcon(self.style().standardIcon(QStyle.SP_MediaPlay))
        self.train_button.setMinimumHeight(36)
        self.train_button.setStyleSheet("QPushButton { font-weight: bold; padding: 0 18px; }")
        self.step_button = QPushButton("Step", objectName="stepButton")
        self.step_button.setIcon(self.style().standardIcon(QStyle.SP_MediaSkipForward))
        self.step_button.setToolTip("Train exactly one epoch, then pause (S)")
        self.reset_button = QPushButton("Reset", objectName="resetButton")
        self.reset_button.setIcon(self.style().standardIcon(QStyle.SP_BrowserReload))
        self.reset_button.setToolTip(
            "Re-initialise the weights with the same seed, to compare runs (R)"
        )
        self.new_seed_button = QPushButton("New seed", objectName="newSeedButton")
        self.new_seed_button.setToolTip("Pick a random seed and re-initialise the weights (N)")
        for button in (
            self.train_button,
            self.step_button,
            self.reset_button,
            self.new_seed_button,
        ):
            button.setMinimumHeight(36)
            buttons.addWidget(button)
        right_layout.addLayout(buttons)

        # Epoch big on the left; cost and accuracy as a small train/test table.
        metrics = QGridLayout()
        metrics.setHorizontalSpacing(14)
        self.metric_labels: dict[str, QLabel] = {}
        caption = QLabel("Epoch")
        caption.setStyleSheet("color: #666;")
        metrics.addWidget(caption, 0, 0)
        epoch = SteadyLabel("0", objectName="metric_epoch")
        epoch.setStyleSheet("font-size: 20pt; font-weight: 600;")
        metrics.addWidget(epoch, 1, 0, 2, 1, Qt.AlignLeft | Qt.AlignTop)
        self.metric_labels["epoch"] = epoch
        for column, title in ((2, "train"), (3, "test")):
            header = QLabel(title)
            header.setStyleSheet("color: #666;")
            metrics.addWidget(header, 0, column, Qt.AlignRight)
        for row, (key, title) in enumerate((("cost", "Cost J"), ("accuracy", "Accuracy")), 1):
            metrics.addWidget(QLabel(title), row, 1)
            for column, which in ((2, "train"), (3, "test")):
                value = SteadyLabel("–", objectName=f"metric_{key}_{which}")
                value.setStyleSheet("font-size: 13pt; font-weight: 600;")
                value.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
                # Fixed-size labels: the cell aligns them, so a column shares its right edge.
                metrics.addWidget(value, row, column, Qt.AlignRight | Qt.AlignVCenter)
                self.metric_labels[f"{key}_{which}"] = value
        metrics.setColumnStretch(0, 1)
        right_layout.addLayout(metrics)

        self.banner = QFrame(objectName="banner")
        self.banner.setStyleSheet(
            "#banner { background: #FFF3CD; border: 1px solid #E0B252; border-radius: 4px; }"
        )
        banner_layout = QHBoxLayout(self.banner)
        self.banner_text = QLabel(wordWrap=True)
        self.banner_text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.banner_button = QPushButton("Restore && halve α", objectName="restoreButton")
        self.banner_button.setToolTip(
            "Go back to the last good weights (lowest cost seen) and at least halve α"
        )
        self.banner_close = QPushButton("Dismiss")
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.banner_button)
        banner_layout.addWidget(self.banner_close)
        self.banner.hide()
        right_layout.addWidget(self.banner)

        legend = QLabel(
            f"<span style='color:{TRAIN_PEN}'>━━</span> train cost &nbsp;&nbsp; "
            f"<span style='color:{TEST_PEN}'>╍╍</span> test cost"
        )
        legend.setToolTip(
            "Cost J on the training points (solid) and the held-out test points (dashed)"
        )
        right_layout.addWidget(legend)
        right_layout.addWidget(self.cost_plot, 2)
        self.log_check = QCheckBox("Log scale", objectName="logCost")
        self.log_check.setToolTip("Show the cost on a logarithmic axis (L)")
        right_layout.addWidget(self.log_check)

        maths = QGroupBox("The maths being run")
        maths_layout = QVBoxLayout(maths)
        self.maths_label = QLabel(objectName="equations", wordWrap=True)
        self.maths_label.setTextFormat(Qt.RichText)
        self.maths_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.maths_label.setToolTip(
            "Forward and backward propagation, exactly as the engine computes them"
        )
        maths_layout.addWidget(self.maths_label)
        right_layout.addWidget(maths, 1)
        right.setMinimumWidth(400)

        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(SquareFrame(self.canvas))
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([300, 720, 420])
        self.setCentralWidget(self.splitter)
        self.resize(1440, 860)

    def _action(
        self, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setCheckable(checkable)
        (action.toggled if checkable else action.triggered).connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.open_points_action = a(
            "&Open points…",
            self._open_points_dialog,
            QKeySequence.Open,
            "Load points from a CSV file (x1,x2,label)",
        )
        self.save_points_action = a(
            "&Save points…",
            self._save_points_dialog,
            QKeySequence.Save,
            "Save the points as CSV (x1,x2,label)",
        )
        self.export_weights_action = a(
            "&Export weights…",
            self._export_weights_dialog,
            "Ctrl+E",
            "Save the trained weights as .npz or .json",
        )
        self.import_weights_action = a(
            "&Import weights…",
            self._import_weights_dialog,
            "Ctrl+I",
            "Load weights to continue training or just see their surface",
        )
        self.export_image_action = a(
            "Export &image…",
            self._export_image_dialog,
            "Ctrl+Shift+E",
            "Save a PNG of the canvas and its surface",
        )
        self.quit_action = a("&Quit", self.close, QKeySequence.Quit, "Quit backprop-gui")

        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence.Undo])
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.undo_action.setIcon(self.style().standardIcon(QStyle.SP_ArrowBack))
        self.redo_action.setIcon(self.style().standardIcon(QStyle.SP_ArrowForward))
        self.undo_action.setToolTip("Undo the last edit or whole stroke (Ctrl+Z)")
        self.redo_action.setToolTip("Redo (Ctrl+Shift+Z)")
        self.addActions([self.undo_action, self.redo_action])

        self.tool_actions: dict[str, QAction] = {}
        tool_tips = {
            "put": ("&Put", "P", "Put: click to add one point, drag for a trail of points"),
            "brush": ("&Brush", "B", "Brush: spray points within the brush radius"),
            "erase": (
                "&Erase",
                "E",
                "Erase: click removes the nearest point, drag erases under the brush",
            ),
        }
        for tool, (text, key, tip) in tool_tips.items():
            action = QAction(tool_icon(tool), text, self, checkable=True)
            action.setShortcut(QKeySequence(key))
            action.setToolTip(f"{tip} ({key})")
            action.triggered.connect(lambda _=False, t=tool: self.canvas.set_tool(t))
            self.addAction(action)
            self.tool_actions[tool] = action
        self.tool_actions["put"].setChecked(True)
        self.clear_action = a(
            "&Clear points", self.clear_points, "Ctrl+Delete", "Remove every point (undoable)"
        )
        self.clear_action.setIcon(tool_icon("clear"))

        self.train_action = a(
            "&Train / pause", self.toggle_training, "Space", "Start or pause training (Space)"
        )
        # Space belongs to a focused button or checkbox; elsewhere keyPressEvent
        # (which sees keys nobody used) trains. The menu still shows "Space".
        self.train_action.setShortcutContext(Qt.WidgetShortcut)
        self.step_action = a("&Step one epoch", self.step, "S", "Train one epoch, then pause (S)")
        self.reset_action = a(
            "&Reset weights", self.reset, "R", "Re-initialise with the same seed (R)"
        )
        self.new_seed_action = a("&New seed", self.new_seed, "N", "Random seed, new weights (N)")
        self.regenerate_action = a(
            "Re&generate preset", self.data_panel.regenerate.click, "G", "Generate the preset again"
        )
        self.discretize_action = a(
            "&Discretize surface",
            self.canvas.set_discrete,
            "D",
            "Show only the predicted class, not the probability",
            True,
        )
        self.show_test_action = a(
            "Show &test data",
            self.data_panel.show_test.setChecked,
            "T",
            "Draw held-out test points",
            True,
        )
        self.show_test_action.setChecked(True)
        self.log_action = a(
            "&Log cost axis", self.log_check.setChecked, "L", "Logarithmic cost axis", True
        )
        self.shortcuts_action = a(
            "&Keyboard shortcuts",
            self.show_shortcuts,
            QKeySequence.HelpContents,
            "List every shortcut",
        )
        self.about_action = a("&About backprop-gui", self.show_about)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.open_points_action, self.save_points_action])
        file_menu.addSeparator()
        file_menu.addActions(
            [self.export_weights_action, self.import_weights_action, self.export_image_action]
        )
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions(list(self.tool_actions.values()))
        edit_menu.addAction(self.clear_action)
        train_menu = menu.addMenu("&Training")
        train_menu.addActions(
            [self.train_action, self.step_action, self.reset_action, self.new_seed_action]
        )
        view_menu = menu.addMenu("&View")
        view_menu.addActions([self.discretize_action, self.show_test_action, self.log_action])
        help_menu = menu.addMenu("&Help")
        help_menu.addActions([self.shortcuts_action, self.about_action])

        toolbar = QToolBar("Tools", objectName="toolsBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        toolbar.addActions(list(self.tool_actions.values()))
        toolbar.addAction(self.clear_action)
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addAction(self.discretize_action)
        self.addToolBar(toolbar)

    def _build_status_bar(self) -> None:
        self.autosave_label = QLabel(objectName="autosaveOff")
        self.autosave_label.setStyleSheet("color: #A00; font-weight: 600;")
        self.autosave_label.hide()
        self.statusBar().addPermanentWidget(self.autosave_label)
        self.status_labels: dict[str, QLabel] = {}
        for key, tip in (
            ("epoch", "Completed epochs (passes over the training set)"),
            ("steps", "Parameter updates so far"),
            ("cost", "Cost J on the training / test data"),
            ("accuracy", "Accuracy on the training / test data"),
            ("speed", "Training steps per second"),
        ):
            label = SteadyLabel(min_width=90, objectName=f"status_{key}")
            label.setToolTip(tip)
            self.statusBar().addPermanentWidget(label)
            self.status_labels[key] = label

    def _connect(self) -> None:
        self.model.changed.connect(self._post_data)
        self.model.changed.connect(self._autosave_timer.start)
        self.train_button.clicked.connect(self.toggle_training)
        self.step_button.clicked.connect(self.step)
        self.reset_button.clicked.connect(self.reset)
        self.new_seed_button.clicked.connect(self.new_seed)
        self.banner_button.clicked.connect(self.restore_and_halve)
        self.banner_close.clicked.connect(self.banner.hide)
        self.data_panel.preset_requested.connect(self._generate_preset)
        self.data_panel.test_ratio_changed.connect(self._test_ratio_changed)
        self.data_panel.show_test.toggled.connect(self.canvas.set_show_test)
        self.data_panel.show_test.toggled.connect(self.show_test_action.setChecked)
        self.data_panel.brush_changed.connect(self._brush_changed)
        self.network_panel.changed.connect(self._spec_timer.start)
        self.training_panel.seed_changed.connect(lambda _: self._spec_timer.start())
        self.training_panel.config_changed.connect(lambda config: self.worker.post(config=config))
        self.training_panel.config_changed.connect(lambda _: self._update_maths())
        self.log_check.toggled.connect(self.cost_plot.set_log)
        self.log_check.toggled.connect(self.log_action.setChecked)
        self.canvas.tool_changed.connect(self._tool_changed)

    # -- posting to the worker ----------------------------------------------------

    def _spec(self) -> NetworkSpec:
        return self.network_panel.spec(self.training_panel.seed.value())

    def _post_spec(self) -> None:
        self.worker.post(spec=self._spec())
        self._update_maths()

    def _post_data(self) -> None:
        m = self.model
        test = m.test_mask(self.canvas.test_ratio)
        self.worker.post(
            data=DataSpec(
                m.points[:, ~test].copy(),
                m.labels[~test].copy(),
                m.points[:, test].copy(),
                m.labels[test].copy(),
            )
        )
        self.data_panel.show_counts(m.counts(), int(test.sum()))
        n_train = int((~test).sum())
        can_train = n_train > 0
        if not can_train and self._training:
            self._set_training(False)
            self._post_training(False)
        for widget in (self.train_button, self.step_button):
            widget.setEnabled(can_train or self._training)
        self.train_action.setEnabled(can_train or self._training)
        self.step_action.setEnabled(can_train)
        if can_train:
            self.train_button.setToolTip("Start or pause training (Space)")
        else:
            reason = (
                "Add some points first"
                if not len(m)
                else "Every point is test data: lower the test share"
            )
            self.train_button.setToolTip(f"Cannot train: {reason}.")
            self.step_button.setToolTip(f"Cannot train: {reason}.")

    def _test_ratio_changed(self, ratio: float) -> None:
        self.canvas.set_test_ratio(ratio)
        self._post_data()

    def _brush_changed(self, radius: float, density: int) -> None:
        self.canvas.brush_radius, self.canvas.brush_density = radius, density

    def _tool_changed(self, tool: str) -> None:
        for name, action in self.tool_actions.items():
            action.setChecked(name == tool)

    def _update_maths(self) -> None:
        self.maths_label.setText(equations_html(self._spec(), self.training_panel.config()))

    # -- training commands ---------------------------------------------------------

    def _post_training(self, on: bool, **more: object) -> None:
        self._request += 1
        self.worker.post(training=on, request=self._request, **more)

    def _set_training(self, on: bool) -> None:
        self._training = on
        self.train_button.setText("Pause" if on else "Train")
        self.train_button.setIcon(
            self.style().standardIcon(QStyle.SP_MediaPause if on else QStyle.SP_MediaPlay)
        )

    def toggle_training(self) -> None:
        if not self._training and not self.train_button.isEnabled():
            self.statusBar().showMessage(self.train_button.toolTip(), 4000)
            return
        self._set_training(not self._training)
        if self._training:
            self.banner.hide()
        self._post_training(self._training)

    def step(self) -> None:
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

    # -- snapshots -----------------------------------------------------------------

    @Slot(object)
    def _on_snapshot(self, snap: Frame) -> None:
        if self._closed:  # queued before the window closed
            return
        try:
            self._show_snapshot(snap)
        finally:
            self.worker.acknowledge()

    def _show_snapshot(self, snap: Frame) -> None:
        self._latest = snap
        if snap.generation != self._generation:
            self._generation = snap.generation
            self.cost_plot.clear_history()
            self._last_plotted_step = -1
        self.canvas.show_surface(snap.surface, snap.boundary)
        e = snap.evaluation
        if e is not None and e.step != self._last_plotted_step:
            self.cost_plot.add(e)
            self.cost_plot.schedule_redraw()
            self._last_plotted_step = e.step
        self._show_metrics(snap)
        # The worker stopped by itself (divergence, error, no data); ignore
        # snapshots sent before it saw our latest Train/Pause.
        if self._training and not snap.training and snap.request == self._request:
            self._set_training(False)
        if snap.message:
            self.statusBar().showMessage(snap.message, 6000)
        self._autosave_weights_if_due(snap)
        # A divergence is announced once: Dismiss sticks until the next one.
        if snap.diverged and not self._divergence_shown:
            self._divergence_shown = True
            self.cost_plot.mark_divergence(snap.epoch)
            self._show_banner(snap.message, restore=True)
        elif not snap.diverged:
            self._divergence_shown = False
        if snap.error:
            self._show_banner(
                "Training stopped by an internal error:\n" + snap.error.strip().splitlines()[-1],
                restore=False,
            )
            self.banner_text.setToolTip(snap.error)

    def _show_banner(self, text: str, restore: bool) -> None:
        self.banner_text.setText(text)
        self.banner_button.setVisible(restore)
        self.banner.show()

    def _show_metrics(self, snap: Frame) -> None:
        e = snap.evaluation

        def number(value: float | None, fmt: str, unit: str = "") -> str:
            return format(value, fmt) + unit if value is not None and np.isfinite(value) else "–"

        # Bigger sets are estimated on a fixed sample (session.EVALUATION_SAMPLE).
        approx = "≈" if snap.estimated else ""
        values = {
            "cost_train": approx + number(e and e.train_cost, ".4g"),
            "cost_test": approx + number(e and e.test_cost, ".4g"),
            "accuracy_train": approx + number(e and 100 * e.train_accuracy, ".1f", " %"),
            "accuracy_test": approx + number(e and 100 * e.test_accuracy, ".1f", " %"),
        }
        tip = (
            f"Estimated on a fixed sample of {EVALUATION_SAMPLE:,} points of each set"
            if approx
            else "Computed on every point"
        )
        for key in values:
            if self.metric_labels[key].toolTip() != tip:  # each set sends an event
                self.metric_labels[key].setToolTip(tip)
        self.metric_labels["epoch"].setText(f"{snap.epoch:,}")
        for key, text in values.items():
            self.metric_labels[key].setText(text)
        s = self.status_labels
        s["epoch"].setText(f"Epoch {snap.epoch:,}")
        s["steps"].setText(f"Steps {snap.steps:,}")
        s["cost"].setText(f"Cost {values['cost_train']} / {values['cost_test']}")
        s["accuracy"].setText(f"Accuracy {values['accuracy_train']} / {values['accuracy_test']}")
        s["speed"].setText(f"{snap.steps_per_second:,.0f} steps/s")

    # -- points ----------------------------------------------------------------------

    def _generate_preset(self, name: str, n: int, noise: float, undoable: bool = True) -> None:
        points, labels = make_dataset(name, n, noise, seed=random.randrange(2**31))
        command = ReplacePoints(self.model, points, labels, f"Preset {name}")
        if undoable:
            self.undo_stack.push(command)
        else:
            command.redo()

    def clear_points(self) -> None:
        if len(self.model):
            self.undo_stack.push(ReplacePoints(self.model, np.zeros((2, 0)), [], "Clear points"))

    def save_points(self, path: str | os.PathLike) -> None:
        """Write the points to ``path`` as CSV (x1,x2,label)."""
        write_points_csv(path, self.model.points, self.model.labels)
        self.statusBar().showMessage(f"Saved {len(self.model)} points to {path}", 4000)

    def load_points(self, path: str | os.PathLike) -> None:
        """Replace the points with those in a CSV file (undoable). Raises
        BadFileError, leaving the current points untouched, if it cannot be read."""
        points, labels = read_points_csv(path)
        self.undo_stack.push(ReplacePoints(self.model, points, labels, f"Open {Path(path).name}"))
        low, high = DOMAIN
        outside = int(((points < low) | (points > high)).any(axis=0).sum())
        note = (
            f"; {outside} lie outside the view [{low:g}, {high:g}]² but are trained on"
            if outside
            else ""
        )
        self.statusBar().showMessage(f"Opened {labels.size} points from {path}{note}", 8000)

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
        snap = self._latest
        if snap is None:
            raise RuntimeError("the network has not been shown yet")
        net = snap.spec.build()
        net.theta[:] = snap.theta
        return net

    def export_weights(self, path: str | os.PathLike) -> None:
        """Save the weights shown on screen to ``path`` (.npz or .json)."""
        save_weights(self.current_network(), path)
        self.statusBar().showMessage(f"Exported weights to {path}", 4000)

    def import_weights(self, path: str | os.PathLike) -> None:
        """Load weights from ``path``: the controls take the file's network,
        and Train continues from these weights."""
        net = load_weights(path)
        spec = self._spec_for(net, path)
        self.network_panel.set_spec(spec)
        self.worker.post(theta=(spec, net.theta.copy()))
        self._update_maths()
        self.statusBar().showMessage(
            f"Imported weights from {path}: press Train to continue from them.", 6000
        )

    def _spec_for(self, net: MLP, path) -> NetworkSpec:
        from ..core.errors import WeightsFileError

        def refuse(problem: str) -> WeightsFileError:
            return WeightsFileError(str(path), problem)

        if net.layer_sizes[-1] != 1:
            raise refuse("the app shows two-class networks (one sigmoid output unit)")
        if len(set(net.activation_names)) > 1:
            raise refuse("the app uses one activation for every hidden layer")
        hidden = net.layer_sizes[1:-1]
        if len(hidden) > MAX_LAYERS or any(n > MAX_NEURONS for n in hidden):
            raise refuse(
                f"the app supports up to {MAX_LAYERS} hidden layers of {MAX_NEURONS} neurons"
            )
        if net.features is None:
            raise refuse("the file does not say which input features the network uses")
        activation = (
            net.activation_names[0] if hidden else self.network_panel.activation.currentText()
        )
        return NetworkSpec(
            tuple(hidden), activation, net.features, self.training_panel.seed.value()
        )

    def export_image(self, path: str | os.PathLike) -> None:
        """Save a PNG of the canvas with its surface, points and boundary."""
        path = Path(path)
        fd, tmp = tempfile.mkstemp(suffix=".png", dir=path.parent or ".")
        os.close(fd)
        try:
            if not self.canvas.grab().save(tmp, "PNG"):
                raise OSError(f"{path}: could not write the image")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
        self.statusBar().showMessage(f"Exported image to {path}", 4000)

    # -- dialogs -----------------------------------------------------------------------

    def _last_dir(self) -> str:
        return str(self.settings.value("last_dir", str(Path.home())))

    def _ask_path(self, save: bool, title: str, filters: str, suffix: str) -> str | None:
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        path, _filter = dialog(self, title, self._last_dir(), filters)
        if not path:
            return None
        if save and not Path(path).suffix:
            path += suffix
        self.settings.setValue("last_dir", str(Path(path).parent))
        return path

    def _run_file_action(self, action, path: str, verb: str) -> None:
        try:
            action(path)
        except (ValueError, OSError, RuntimeError) as exc:
            self.show_error(f"Could not {verb}", str(exc))

    def show_error(self, title: str, text: str) -> QMessageBox:
        """A window-modal warning that does not block the caller (or a test)."""
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()
        return box

    def _open_points_dialog(self) -> None:
        path = self._ask_path(False, "Open points", "CSV points (*.csv);;All files (*)", ".csv")
        if path:
            self._run_file_action(self.load_points, path, "open the points")

    def _save_points_dialog(self) -> None:
        path = self._ask_path(True, "Save points", "CSV points (*.csv)", ".csv")
        if path:
            self._run_file_action(self.save_points, path, "save the points")

    def _export_weights_dialog(self) -> None:
        path = self._ask_path(
            True, "Export weights", "NumPy archive (*.npz);;JSON (*.json)", ".npz"
        )
        if path:
            self._run_file_action(self.export_weights, path, "export the weights")

    def _import_weights_dialog(self) -> None:
        path = self._ask_path(
            False, "Import weights", "Weights (*.npz *.json);;All files (*)", ".npz"
        )
        if path:
            self._run_file_action(self.import_weights, path, "import the weights")

    def _export_image_dialog(self) -> None:
        path = self._ask_path(True, "Export image", "PNG image (*.png)", ".png")
        if path:
            self._run_file_action(self.export_image, path, "export the image")

    def show_shortcuts(self) -> None:
        rows = "".join(
            f"<tr><td><b>{k}</b></td><td>&nbsp;&nbsp;{v}</td></tr>" for k, v in SHORTCUTS
        )
        box = QMessageBox(
            QMessageBox.Information, "Keyboard shortcuts", f"<table>{rows}</table>", parent=self
        )
        box.setTextFormat(Qt.RichText)
        box.open()

    def show_about(self) -> None:
        from .. import __version__

        QMessageBox.about(
            self,
            "About backprop-gui",
            f"<b>backprop-gui {__version__}</b><p>Draw two classes, choose a network, and "
            "watch backpropagation learn them. The engine is plain NumPy and follows the "
            "equations shown in the window.</p>",
        )

    # -- autosave and recovery ---------------------------------------------------------

    def _restore_session(self) -> None:
        """After a crash, offer the autosaved work; after a clean exit, reopen
        the last points; on a first launch, start from the chosen preset."""
        session = self.session
        if session.interrupted and (session.has_points or session.has_weights):
            answer = QMessageBox.question(
                self,
                "Restore your work?",
                "backprop-gui did not close properly last time.\n\n"
                "Restore the points and weights it saved automatically?",
                QMessageBox.Yes | QMessageBox.No,
                QMessageBox.Yes,
            )
            if answer == QMessageBox.Yes and self._restore_autosave(with_weights=True):
                return
        elif session.has_points and self._restore_autosave(with_weights=False):
            return
        self._generate_preset(
            self.data_panel.preset.currentText(),
            self.data_panel.count.value(),
            self.data_panel.noise.value() / 100,
            undoable=False,
        )

    def _restore_autosave(self, with_weights: bool) -> bool:
        """Restore what is intact and say what was restored, from which epoch,
        and which file was damaged. True if the points were restored."""
        saved = self.session.load_points()
        restored = []
        if saved is not None:
            ReplacePoints(self.model, *saved, "Restore").redo()
            restored.append(f"{saved[1].size} points")
        weights = self.session.load_weights() if with_weights else None
        if weights is not None:
            try:
                spec = self._spec_for(weights.net, self.session.directory / SessionStore.WEIGHTS)
            except ValueError as exc:
                self.session.damaged.append(f"The autosaved weights were not restored: {exc}.")
                spec = None
            if spec is not None:
                self.network_panel.set_spec(spec)
                resume = (weights.epoch or 0, weights.steps or 0)
                self.worker.post(theta=(spec, weights.net.theta.copy()), resume=resume)
                restored.append(
                    "the autosaved weights (of an unknown epoch)"
                    if weights.epoch is None
                    else f"the weights of epoch {weights.epoch:,}"
                )
        said = [f"Restored {' and '.join(restored)}."] if restored else []
        if restored and not with_weights:
            said = [f"Restored {restored[0]} from the last session."]
        self.statusBar().showMessage(" ".join(said + self.session.damaged), 15000)
        return saved is not None

    def _acquire_session(self) -> bool:
        """Own the autosave, or say in the status bar why this window cannot."""
        try:
            if self.session.acquire():
                return True
            why = (
                "Another backprop-gui window is running and owns the autosave; "
                "save your points from this window with File › Save points."
            )
        except OSError as exc:
            why = f"The autosave folder cannot be used: {exc}"
        self.autosave_label.setText("Autosave off")
        self.autosave_label.setToolTip(why)
        self.autosave_label.show()
        return False

    def _autosave_points(self) -> None:
        if not self._autosave_enabled or self._closed:
            return
        points, labels = self.model.points.copy(), self.model.labels.copy()
        self._autosaver.submit(self._quietly, self.session.save_points, points, labels)

    def _autosave_weights_if_due(self, snap: Frame) -> None:
        """While training, weights at most WEIGHTS_AUTOSAVE_SECONDS old; paused
        (pause, step, reset, import, divergence), new weights at once."""
        if snap.training:
            if time.monotonic() - self._weights_saved_at < WEIGHTS_AUTOSAVE_SECONDS:
                return
            if self._weights_saving is not None and not self._weights_saving.done():
                return  # a big network's save is slow: never queue up frames behind it
        else:
            saved = self._weights_saved
            same = saved is not None and saved.spec == snap.spec
            if same and np.array_equal(saved.theta, snap.theta):
                return
        self._autosave_weights(snap)

    def _autosave_weights(self, snap: Frame | None = None) -> None:
        """Save the weights of ``snap`` (the last frame shown by default) in
        the autosave thread, with its epoch and step."""
        snap = snap or self._latest
        self._weights_saved_at = time.monotonic()
        if not self._autosave_enabled or self._closed or snap is None:
            return
        self._weights_saved = snap
        self._weights_saving = self._autosaver.submit(self._quietly, self.session.save_frame, snap)

    def _start_settings_autosave(self) -> None:
        """The controls survive a crash too: looked at every SETTINGS_AUTOSAVE_MS,
        saved when they changed."""
        self._saved_controls = self._controls_state()
        self._settings_timer = QTimer(self, interval=SETTINGS_AUTOSAVE_MS)
        self._settings_timer.timeout.connect(self._autosave_settings)
        self._settings_timer.start()

    def _autosave_settings(self) -> None:
        if self._controls_state() != self._saved_controls:
            self.save_settings()

    def _quietly(self, save, *args) -> None:
        # A failed autosave must not take the app down; the next one retries.
        try:
            save(*args)
        except (OSError, ValueError) as exc:
            print(f"backprop-gui: autosave failed: {exc}", file=sys.stderr)

    # -- settings and shutdown ------------------------------------------------------------

    def _restore_settings(self) -> bool:
        """Restore what can be restored; a damaged value falls back to its default
        (a bad settings file must never stop the app from starting)."""
        s = self.settings
        restorers = (("geometry", self.restoreGeometry), ("splitter", self.splitter.restoreState))
        for key, restore in restorers:
            value = s.value(key)
            if isinstance(value, (QByteArray, bytes)):
                restore(value)
        try:
            state = json.loads(str(s.value("controls", "{}")))
        except json.JSONDecodeError:
            state = {}
        if not isinstance(state, dict) or state.get("version") != SETTINGS_VERSION:
            return False
        parts = (
            (self.data_panel.restore, "data"),
            (self.network_panel.restore, "network"),
            (self.training_panel.restore, "training"),
            (self._restore_view, "view"),
        )
        for restore, key in parts:
            part = state.get(key, {})
            # A damaged part keeps that panel's defaults.
            with contextlib.suppress(TypeError, ValueError, AttributeError, KeyError):
                restore(part if isinstance(part, dict) else {})
        self.canvas.test_ratio = self.data_panel.test_ratio.value() / 100
        self.canvas.show_test = self.data_panel.show_test.isChecked()
        self.canvas.brush_radius = self.data_panel.brush_radius.value()
        self.canvas.brush_density = self.data_panel.brush_density.value()
        return True

    def _restore_view(self, view: dict) -> None:
        self.log_check.setChecked(bool(view.get("log_cost", False)))
        self.discretize_action.setChecked(bool(view.get("discretize", False)))

    def _sync_view_state(self) -> None:
        """Bring the plot and the checkable actions in line with restored controls."""
        self.cost_plot.set_log(self.log_check.isChecked())
        self.log_action.setChecked(self.log_check.isChecked())
        self.show_test_action.setChecked(self.data_panel.show_test.isChecked())
        self.canvas.set_discrete(self.discretize_action.isChecked())

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("geometry", self.saveGeometry())
        s.setValue("splitter", self.splitter.saveState())
        self._saved_controls = self._controls_state()
        s.setValue("controls", json.dumps(self._saved_controls))
        s.sync()

    def _controls_state(self) -> dict:
        return {
            "version": SETTINGS_VERSION,
            "data": self.data_panel.state(),
            "network": self.network_panel.state(),
            "training": self.training_panel.state(),
            "view": {
                "log_cost": self.log_check.isChecked(),
                "discretize": self.discretize_action.isChecked(),
            },
        }

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.modifiers():
            self.toggle_training()
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event) -> None:
        if self._closed:  # a second close (e.g. from a test harness) has nothing to do
            event.accept()
            return
        self._settings_timer.stop()
        self.save_settings()
        self.shutdown()
        atexit.unregister(self._at_exit)
        # Final autosave, then a clean exit leaves no lock behind.
        self._autosave_timer.stop()
        self._autosave_points()
        self._autosave_weights()
        self._closed = True
        self._autosaver.shutdown(wait=True)
        if self._autosave_enabled:
            self.session.release()
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

    def _stop_worker_at_exit(self) -> None:
        """A script that ends, or fails, without closing the window must not
        leave the thread running: Qt aborts the process when a running
        QThread is destroyed."""
        self._shut_down = False
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        window = weakref.ref(self)

        def at_exit() -> None:
            alive = window()
            if alive is not None:
                alive.shutdown()

        self._at_exit = at_exit  # unregistered on close; holds no reference to the window
        atexit.register(at_exit)
