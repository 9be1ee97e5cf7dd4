"""What every panel of the window is: a widget that shows frames.

A panel class lists ``Panel`` first among its bases, then the Qt widget it is
(``class CostPanel(Panel, QWidget)``). The window makes one of each class in
``panels.PANELS``, puts it where it declares (``area``, ``dock_title``,
``dock_group``) and gives it every frame the worker sends through
``show(frame)``, in the GUI thread. A panel keeps what it needs from a frame:
frames are immutable and their arrays read-only.
"""

from __future__ import annotations

from typing import ClassVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QWidget

from ...session import Frame

# Where a panel goes. LEFT, RIGHT, BOTTOM: a dock on that side of the canvas.
# STRIP: the fixed strip above the canvas (the banner). TOOLBAR: the training
# commands' toolbar, across the window under the tools.
LEFT, RIGHT, BOTTOM, STRIP, TOOLBAR = "left", "right", "bottom", "strip", "toolbar"
AREAS = (LEFT, RIGHT, BOTTOM, STRIP, TOOLBAR)
SIDE = LEFT  # the older name of the left column


class Panel:
    """The mixin every panel starts with.

    ``area``: ``LEFT``, ``RIGHT`` or ``BOTTOM`` (a dock on that side of the
    canvas, in the order of ``PANELS``) or ``STRIP`` (above the canvas, not
    movable). ``dock_title``: the dock's title and its line in the View menu
    (default: the group box's title, else the class name without "Panel").
    ``dock_group``: docks of one area with the same group are stacked as tabs
    (default: each panel in a dock of its own).
    ``stretch``: the panel's share of its dock column's spare height.
    """

    area: ClassVar[str] = RIGHT
    dock_title: ClassVar[str] = ""
    dock_group: ClassVar[str] = ""
    stretch: ClassVar[int] = 0
    # True: the panel draws only the latest frame, so while its dock is off
    # screen (hidden, or a tab behind another) it skips frames and draws the
    # latest when it comes back; drawing what nobody sees slowed training.
    latest_only: ClassVar[bool] = False
    _on_screen = True
    _held: Frame | None = None

    def show(self, frame: Frame | None = None) -> None:
        """Show ``frame``. Without one this is Qt's ``QWidget.show``, so code
        (and Qt's habits) that shows a widget still can."""
        if frame is None:
            super().show()
        elif self.latest_only and not self._on_screen:
            self._held = frame
        else:
            self._held = None
            self.show_frame(frame)

    @property
    def on_screen(self) -> bool:
        """False while the panel's dock is hidden or a tab behind another."""
        return self._on_screen

    def set_on_screen(self, on: bool) -> None:
        """Called by the panel's dock as it comes into view or leaves it."""
        self._on_screen = bool(on)
        if self._on_screen and self._held is not None:
            frame, self._held = self._held, None
            self.show_frame(frame)

    def show_frame(self, frame: Frame) -> None:
        """Draw what this panel takes from ``frame``; the controls take nothing."""

    def status_widgets(self) -> list[QWidget]:
        """Read-outs the window puts at the right of its status bar, in order."""
        return []


def dock_title(panel: QWidget) -> str:
    """The title of ``panel``'s dock (see ``Panel.dock_title``)."""
    declared = getattr(panel, "dock_title", "")
    if declared:
        return declared
    title = getattr(panel, "title", None)
    if callable(title) and title():
        return title()
    name = type(panel).__name__
    return name.removesuffix("Panel") or name


def dock_name(panel: QWidget) -> str:
    """The dock's objectName: ``dock_`` and the panel's objectName or class."""
    return "dock_" + (panel.objectName() or type(panel).__name__)


def form_layout() -> QFormLayout:
    """The controls' form: labels right-aligned, fields as wide as the panel."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return form


def larger_font(widget: QWidget, points: float = 1.0) -> None:
    """``widget``'s font ``points`` larger than the application's, now and
    whenever the application's changes (presentation mode): a size set once
    would stop the larger font of presentation mode at this widget."""

    def follow(font: QFont) -> None:
        if shiboken6.isValid(widget):
            larger = QFont(font)
            larger.setPointSizeF(font.pointSizeF() + points)
            widget.setFont(larger)

    follow(QApplication.font())
    app = QApplication.instance()
    app.fontChanged.connect(follow)
    widget.destroyed.connect(lambda: app.fontChanged.disconnect(follow))


class ChoiceBox(QComboBox):
    """A drop-down list that leaves a plain Space to the window, where it
    trains: after a choice made with the mouse the list keeps the keyboard
    focus, and Space only opened it again. Alt+↓ or F4 opens a focused list."""

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.modifiers() and not self.isEditable():
            event.ignore()  # on to the parents, up to MainWindow.keyPressEvent
            return
        super().keyPressEvent(event)
