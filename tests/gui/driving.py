"""Driving the real window: data through its file API, mouse through QTest."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtTest import QTest

from backprop_gui.core import make_dataset, write_points_csv


class EventCounter(QObject):
    """Counts the events of one type that ``widget`` receives."""

    def __init__(self, widget, kind: QEvent.Type) -> None:
        super().__init__()
        self.kind, self.count = kind, 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        self.count += event.type() == self.kind
        return False


def shown(qtbot, widget, width: int | None = None, height: int | None = None):
    """``widget`` on screen on its own (at ``width`` × ``height`` if given),
    closed with the test; returns it."""
    qtbot.addWidget(widget)
    if width is not None:
        widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def load_dataset(window, tmp_path, name="circle", n=200, seed=1):
    """Give the window a known dataset through its public file API."""
    points, labels = make_dataset(name, n, noise=0.0, seed=seed)
    path = tmp_path / f"{name}.csv"
    write_points_csv(path, points, labels)
    window.load_points(path)
    return points, labels


def canvas_pos(window, x: float, y: float) -> QPoint:
    """Viewport pixel of data point (x, y), mapped through the ViewBox."""
    return window.canvas.data_to_widget(x, y)


def click(window, x, y, button=Qt.LeftButton, modifiers=Qt.NoModifier) -> None:
    QTest.mouseClick(window.canvas.viewport(), button, modifiers, canvas_pos(window, x, y))


def drag(window, path, button=Qt.LeftButton, modifiers=Qt.NoModifier) -> None:
    """Press at the first point, move through the others, release at the last."""
    viewport = window.canvas.viewport()
    QTest.mousePress(viewport, button, modifiers, canvas_pos(window, *path[0]))
    for x, y in path[1:]:
        QTest.mouseMove(viewport, canvas_pos(window, x, y), 15)
    QTest.mouseRelease(viewport, button, modifiers, canvas_pos(window, *path[-1]))


def wait_for(qtbot, window, condition, timeout=10_000):
    qtbot.waitUntil(
        lambda: window.snapshot is not None and condition(window.snapshot), timeout=timeout
    )
    return window.snapshot


def diverge(qtbot, window, tmp_path):
    """Train a linear 8-8-8 network at α = 10 until it diverges."""
    load_dataset(window, tmp_path, "circle")
    window.network_panel.activation.setCurrentText("linear")
    window.network_panel.set_hidden((8, 8, 8))
    window.training_panel.set_learning_rate(10.0)
    wait_for(
        qtbot, window, lambda s: s.spec.activation == "linear" and s.config.learning_rate == 10
    )
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    return wait_for(qtbot, window, lambda s: s.diverged)


def train_then_pause(qtbot, window, epochs: int):
    """Train to at least ``epochs`` epochs, pause; the first frame after the pause."""
    qtbot.mouseClick(window.train_button, Qt.LeftButton)
    wait_for(qtbot, window, lambda s: s.epoch >= epochs)
    qtbot.mouseClick(window.train_button, Qt.LeftButton)  # pause
    return wait_for(qtbot, window, lambda s: s.request == window.last_request and not s.training)
