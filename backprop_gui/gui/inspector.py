"""The backprop inspector's wiring in the window (issue #14).

The panels draw (``panels.diagram``, ``equations``, ``health``, ``example``,
``gradcheck``, ``step_through``); this object connects them to the window:

- it tells the worker what the visible panels need from the engine with each
  frame (``worker.post(inspect=...)``, see ``inspect_plan``), again whenever
  a panel is shown or hidden, a unit is picked or a point inspected;
- a unit picked in the diagram is drawn large on the canvas, under the points;
- the inspect tool's point goes to the example view, which is brought forward;
- ``current_gradients`` and the gradient check work on the weights shown and
  the window's training points, in this (GUI) thread;
- the step-through pauses training, walks one step, and posts θ after it;
- the status bar says in words when the layer health is bad, once per change.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QStatusBar, QTabWidget, QWidget

from ..core import MLP, transform
from ..core import inspect as inspection
from ..core.optimizers import make_optimizer
from ..session import NetworkSpec
from .inspect_plan import MAP_UNITS, map_plan
from .panels.base import dock_name
from .panels.diagram import NetworkDiagram
from .panels.equations import LiveEquations
from .panels.example import ExampleView
from .panels.gradcheck import GradcheckButton
from .panels.health import HealthPanel, headline, health_warning
from .panels.step_through import StepThrough
from .unit_colours import unit_colours


class WalkStart(NamedTuple):
    """Where a step-through walk began: its frame, and what was set then."""

    epoch: int
    steps: int
    full: bool  # a full batch: the walked step ends an epoch
    generation: int  # of the frame's weights
    spec: NetworkSpec  # the window's network
    posted: int  # the worker's count of weights posted


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
MESSAGE_MARGIN = 24  # pixels the status bar keeps between a message and its read-outs


def on_screen(panel) -> bool:
    """Shown, and not in a dock that is hidden or a tab behind another."""
    return panel.isVisible() and panel.on_screen


def reveal(widget: QWidget) -> None:
    """Bring ``widget`` forward: its tab selected, its dock shown and raised."""
    chain, parent = [widget], widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QTabWidget):  # a page is a child of its stack
            page = next((w for w in chain if parent.indexOf(w) >= 0), None)
            if page is not None:
                parent.setCurrentWidget(page)
        if isinstance(parent, QDockWidget):
            parent.show()
            parent.raise_()
        chain.append(parent)
        parent = parent.parentWidget()


def fitted(bar: QStatusBar, warning: str) -> str:
    """``warning`` whole where the status bar has room for it beside its
    read-outs, else its ``headline``."""
    children = bar.findChildren(QWidget, options=Qt.FindDirectChildrenOnly)
    right = min((w.x() for w in children if w.isVisible() and w.width()), default=bar.width())
    room = right - MESSAGE_MARGIN
    return warning if bar.fontMetrics().horizontalAdvance(warning) <= room else headline(warning)


class Ring(pg.ScatterPlotItem):
    """The ring round the inspected point. Clicks go through it to the canvas
    (pyqtgraph gives a click on a spot to its item): its point can be erased."""

    def mouseClickEvent(self, ev) -> None:
        ev.ignore()


class Inspector(QObject):
    """Made by the window after its panels and before its actions."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.diagram: NetworkDiagram = window.panel(NetworkDiagram)
        self.equations: LiveEquations = window.panel(LiveEquations)
        self.health: HealthPanel = window.panel(HealthPanel)
        self.example_view: ExampleView = window.panel(ExampleView)
        self.gradcheck: GradcheckButton = window.panel(GradcheckButton)
        self.stepper: StepThrough = window.panel(StepThrough)
        self.selected = (-1, -1)  # the unit shown on the canvas, (−1, −1): the output
        self.example_point: tuple[float, float, int] | None = None
        self._posted: dict | None = None
        self._warning = ""
        self._unsaid = ""  # a new warning not yet in the status bar
        self._walk_from: WalkStart | None = None
        self._walk_optimizer = None  # momentum's or Adam's copy the walk updated
        self._walk_ended_in: int | None = None  # a generation whose walk was ended
        self.diagram.unit_selected.connect(self.select_unit)
        self.gradcheck.provider = self.gradcheck_args
        self.stepper.diagram, self.stepper.equations = self.diagram, self.equations
        self.stepper.provider = self.step_args
        self.stepper.left.connect(self.apply_step)
        window.canvas.point_picked.connect(self.inspect_point)
        window.training_panel.config_changed.connect(lambda _: self._update_walk())
        # A ring round the inspected point, so the student sees which it is.
        self.marker = Ring(size=22, pen=pg.mkPen("#111", width=2.5), brush=pg.mkBrush(0, 0, 0, 0))
        self.marker.setZValue(15)
        self.marker.setVisible(False)
        window.canvas.addItem(self.marker)
        window.model.changed.connect(self._forget_point)
        window.model.changed.connect(self._end_walk_on_other_points)
        self._repost = QTimer(self, singleShot=True, interval=0)
        self._repost.timeout.connect(self.post_wishes)
        for panel in (self.diagram, self.equations, self.health, self.example_view, self.stepper):
            panel.installEventFilter(self)
            dock = window.docks.get(dock_name(panel))
            if dock is not None:  # a tab chosen or left: what is on screen changed
                dock.visibilityChanged.connect(lambda _: self._repost.start())
        self._update_walk()

    # -- what the engine computes for the window ----------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Show, QEvent.Hide):
            self._repost.start()  # after the layout settles: one post per change
        return False

    def wishes(self, sizes: tuple[int, ...]) -> dict:
        """``Engine.inspect``'s keys for what the visible panels need, for a
        network of ``sizes`` (n_0, …, n_L)."""
        wishes: dict = {"health": True}  # the status bar's warnings need it always
        if on_screen(self.diagram) or on_screen(self.equations):
            wishes["gradients"] = True
        if on_screen(self.diagram):
            wishes["unit_maps"] = (map_plan(sizes).resolution, MAP_UNITS)
        if self.selected != (-1, -1):
            wishes["unit_map"] = self.selected
        if self.example_point is not None and on_screen(self.example_view):
            wishes["example"] = self.example_point
        if self._optimizer() != "sgd" and on_screen(self.stepper):
            wishes["optimizer"] = True  # a walked step goes on from its state
        return wishes

    def post_wishes(self) -> None:
        """Post the wishes to the worker when they changed. (Called with
        every frame: the network is read from the controls once.)"""
        sizes = self.window.network_spec().layer_sizes()
        layer, unit = self.selected
        if self.selected != (-1, -1) and not (0 <= layer < len(sizes) and 0 <= unit < sizes[layer]):
            # The network changed under the picked unit: back to the output.
            self.selected = (-1, -1)
            self.diagram.selected = (-1, -1)
            self.diagram.canvas.update()
        wishes = self.wishes(sizes)
        self.diagram.set_note(map_plan(sizes).note)
        if wishes != self._posted and hasattr(self.window, "worker"):
            self._posted = wishes
            self.window.worker.post(inspect=wishes)

    # -- frames -----------------------------------------------------------------

    def show_canvas(self, frame) -> None:
        """The canvas: the output's surface, or the picked unit's map."""
        canvas = self.window.canvas
        unit_map = frame.unit_map
        if self.selected != (-1, -1) and unit_map is not None and frame.spec is not None:
            layer, unit = self.selected
            kind = self._kind(frame.spec, layer)
            classes = frame.spec.n_classes
            image, lut, legend = unit_colours(unit_map, kind, canvas.discrete, unit, classes)
            canvas.show_map(unit_map, image, lut, f"{self._caption(layer, unit)}<br>{legend}")
            canvas.show_boundary(frame.boundary)
        else:
            canvas.show_output()
            n_classes = frame.spec.n_classes if frame.spec is not None else None
            canvas.show_surface(frame.surface, frame.boundary, frame.surface_class, n_classes)

    def finish_walk(self) -> None:
        """Leave a walk, applying its step (Train or Step pressed during it)."""
        self.stepper.leave()

    def _walk_ended(self, why: str, said: str = "") -> None:
        """End a walk without applying its step, and say so after ``said``
        (the message of the frame that ended it, which the window shows)."""
        self._cancel_walk()
        self._say_walk_ended(said, why)

    def _cancel_walk(self) -> None:
        """Close the walk without applying its step, and forget where it began."""
        self.stepper.cancel()
        self._walk_from = self._walk_optimizer = None

    def _end_walk_on_other_points(self) -> None:
        """Points drawn, erased or newly held out during a walk: its step was
        on the training points before, and is not applied."""
        walk = self._walk_from
        if not (self.stepper.active and walk is not None):
            return
        self._cancel_walk()

        def say() -> None:
            # New points that are a new run (a preset, a file) post new weights
            # right after: their frame's message comes first, then the walk's.
            if self.window.worker.weights_posted != walk.posted:
                self._walk_ended_in = walk.generation
            else:
                self._say_walk_ended("", "the training points changed")

        QTimer.singleShot(0, self, say)

    def _say_walk_ended(self, said: str, why: str = "") -> None:
        # One line that fits beside the read-outs at 1280 px: what replaced
        # the weights, if said, or why.
        if said:
            text = f"{said} The walk ended without applying its step."
        else:
            text = f"The walk ended without applying its step: {why}."
        bar = self.window.statusBar()
        QTimer.singleShot(0, bar, lambda: bar.showMessage(text, 8000))

    def show_frame(self, frame) -> None:
        """After the panels: the status bar's health warning, and new wishes
        when the network changed (the maps' plan depends on its size); a walk
        whose weights were replaced (new network, reset, new data) ends."""
        walk = self._walk_from
        ended = walk is not None and self.stepper.active and frame.generation != walk.generation
        if ended:
            self._walk_ended("new weights replaced the ones it began from", frame.message)
        elif self._walk_ended_in is not None and frame.generation != self._walk_ended_in:
            # The frame of the weights that ended a walk: its message first.
            self._walk_ended_in = None
            if frame.message:
                ended = True
                self._say_walk_ended(frame.message)
        if frame.health and frame.spec is not None:
            spec = frame.spec
            names = spec.activations
            warning = health_warning(frame.health, names, spec.layer_sizes())
            if warning != self._warning:
                self._warning, self._unsaid = warning, warning
            # Said once per change, when the bar is free: never over another message.
            bar = self.window.statusBar()
            if self._unsaid and not bar.currentMessage() and not ended:
                bar.showMessage(fitted(bar, self._unsaid), 15000)
                self._unsaid = ""
        self.post_wishes()

    @staticmethod
    def _kind(spec, layer: int) -> str:
        L = len(spec.layer_sizes()) - 1
        return "input" if layer == 0 else "output" if layer == L else spec.activation

    def _caption(self, layer: int, unit: int) -> str:
        L = len(self.window.network_spec().layer_sizes()) - 1
        name = "X" if layer == 0 else "Ŷ" if layer == L else f"A[{layer}]"
        sub = str(unit + 1).translate(SUBSCRIPTS)
        return f"Showing <b>{name}{sub}</b> — click the node again for the output"

    def select_unit(self, layer: int, unit: int) -> None:
        self.selected = (layer, unit)
        self.post_wishes()

    # -- the window's training points and weights -----------------------------------

    def training_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The window's training points as the network's inputs (n_x, m) and
        their labels (m,): what the worker trains on."""
        model, window = self.window.model, self.window
        train = ~model.test_mask(window.canvas.test_ratio)
        features = window.network_spec().features
        return transform(model.points[:, train], features), model.labels[train].copy()

    def _penalties(self) -> tuple[float, float]:
        config = self.window.training_panel.config()
        return float(config.get("l1", 0.0) or 0.0), float(config.get("l2", 0.0) or 0.0)

    def current_gradients(self) -> dict[str, np.ndarray]:
        """dW[l], db[l] of J at the weights shown, over the training points."""
        net = self.window.current_network()
        X, Y = self.training_data()
        return inspection.gradients(net, X, Y, *self._penalties())

    def gradcheck_args(self) -> tuple | None:
        if self.window.snapshot is None:
            return None
        X, Y = self.training_data()
        if not Y.size:
            return None
        return (self.window.current_network(), X, Y, *self._penalties())

    # -- inspect a point -------------------------------------------------------------

    def _forget_point(self) -> None:
        """The points changed: the inspected one may be gone."""
        point = self.example_point
        model = self.window.model
        if point is None:
            return
        index = model.nearest(point[0], point[1], 1e-12)
        if index is not None:  # still there: held out or not, as the split is now
            self._follow(index)
            return
        self.example_point = None
        self.marker.setVisible(False)
        self.example_view.clear()
        self.post_wishes()

    def _follow(self, index: int) -> None:
        """Tell One point which point is inspected, and whether it is held out."""
        model = self.window.model
        test = bool(model.test_mask(self.window.canvas.test_ratio)[index])
        self.example_view.follow(model.points[:, index], test)

    def test_share_changed(self) -> None:
        """The split moved: the training points are others."""
        self._forget_point()  # the inspected point may have changed side
        self._end_walk_on_other_points()

    def inspect_point(self, index: int) -> None:
        model = self.window.model
        x1, x2 = (float(v) for v in model.points[:, index])
        self.example_point = (x1, x2, int(model.labels[index]))
        self._follow(index)
        self.marker.setData(x=[x1], y=[x2])
        self.marker.setVisible(True)
        reveal(self.example_view)
        self.post_wishes()

    # -- step through ------------------------------------------------------------------

    def _optimizer(self) -> str:
        return self.window.training_panel.optimizer.currentText()

    def _update_walk(self) -> None:
        config = self.window.training_panel.config()
        button = self.stepper.start_button
        button.setEnabled(not self.stepper.active)
        batch = config.get("batch_size")
        how = (
            f" Training uses mini-batches of {batch}: the walk takes one step on all the "
            "training points (a full batch) and applies that."
            if batch
            else ""
        )
        if config.get("optimizer", "sgd") != "sgd":
            how += (
                f" The update is {config['optimizer']}'s, with the trainer's running "
                "averages at the weights shown."
            )
        button.setToolTip(
            "Pause and walk one training step stage by stage: forward, cost, backward, "
            f"update. → and ← move, Esc leaves and applies the step (F10).{how}"
        )
        self.post_wishes()

    def start_step_through(self) -> None:
        if self.stepper.start_button.isEnabled():
            reveal(self.stepper)
            self.stepper.start_button.click()
        else:
            self.window.statusBar().showMessage(self.stepper.start_button.toolTip(), 8000)

    def step_args(self) -> tuple | None:
        window = self.window
        # The stages are highlighted in both: bring them forward.
        reveal(self.diagram)
        reveal(self.equations)
        frame = window.snapshot
        X, Y = self.training_data()
        if frame is None or not Y.size:
            window.statusBar().showMessage("Add some training points to step through.", 4000)
            return None
        if window.is_training:
            window._set_training(False)
            window._post_training(False)
        config = window.training_panel.config()
        name, lr = config.get("optimizer", "sgd"), float(config["learning_rate"])
        update = None
        self._walk_optimizer = None
        if name != "sgd":
            # The trainer's running state at the weights shown, in a copy.
            state = frame.optimizer
            if frame.config is None or frame.config.optimizer != name or not state:
                window.statusBar().showMessage(
                    f"Waiting for {name}'s running averages from the trainer: "
                    "step through again in a moment.",
                    4000,
                )
                return None
            optimizer = make_optimizer(name, frame.theta.size)
            for key, value in state.items():
                setattr(optimizer, key, value if key == "t" else np.array(value))
            self._walk_optimizer = optimizer

            def update(theta: np.ndarray, grad: np.ndarray) -> None:
                optimizer.update(theta, grad, lr)

        batch = config.get("batch_size")
        full = not batch or batch >= Y.size
        posted = window.worker.weights_posted
        spec = window.network_spec()
        self._walk_from = WalkStart(frame.epoch, frame.steps, full, frame.generation, spec, posted)
        net: MLP = window.current_network()
        return (net, X, Y, lr, *self._penalties(), update, name)

    def apply_step(self, theta: np.ndarray) -> None:
        """Leaving the walk: train on from θ after exactly that step."""
        if self._walk_from is None:
            return
        start, self._walk_from = self._walk_from, None
        # Other weights posted (Reset, a new network, new data, imported
        # weights, a session) whose frame has not come yet: they stay.
        posted = self.window.worker.weights_posted
        if start.spec != self.window.network_spec() or start.posted != posted:
            self._walk_ended("new weights were set while it was open")
            self._walk_ended_in = start.generation  # said again after their frame's message
            return
        # The run goes on from the walked step only if nothing moved it since
        # the walk began (the trainer ran ahead of the frame, or Train was
        # pressed during the walk): else the step starts a new run, and the
        # curve is not left holding costs of weights that were dropped.
        now = self.window.snapshot
        began = (start.generation, start.steps)
        same_run = now is not None and (now.generation, now.steps) == began
        optimizer, self._walk_optimizer = self._walk_optimizer, None
        more = {}
        # Its state after the step goes with θ, unless another optimizer was
        # chosen meanwhile (that one starts afresh, as after any change).
        if optimizer is not None and optimizer.name == self._optimizer():
            names = optimizer.state_names
            more["optimizer_state"] = {key: getattr(optimizer, key) for key in names}
        self.window.worker.post(
            theta=(self.window.network_spec(), theta),
            resume=(start.epoch + int(start.full), start.steps + 1),
            same_run=same_run,
            **more,
        )
        self.window.statusBar().showMessage("Applied the step you walked through.", 4000)
        self._update_walk()
