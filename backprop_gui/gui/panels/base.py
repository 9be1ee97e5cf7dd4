"""What every panel of the window is: a widget that shows frames.

A panel class lists ``Panel`` first among its bases, then the Qt widget it is
(``class CostPanel(Panel, QWidget)``). The window makes one of each class in
``panels.PANELS``, puts it where ``area`` says, and gives it every frame the
worker sends through ``show(frame)``, in the GUI thread. A panel keeps what it
needs from a frame: frames are immutable and their arrays read-only.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QWidget

from ...session import Frame

SIDE, RIGHT = "side", "right"


class Panel:
    """The mixin every panel starts with.

    ``area``: ``SIDE`` (the scrolling column of controls left of the canvas) or
    ``RIGHT`` (the column right of it), in the order of ``PANELS``.
    ``stretch``: the panel's share of the column's spare height (0: its own).
    """

    area: ClassVar[str] = RIGHT
    stretch: ClassVar[int] = 0

    def show(self, frame: Frame | None = None) -> None:
        """Show ``frame``. Without one this is Qt's ``QWidget.show``, so code
        (and Qt's habits) that shows a widget still can."""
        if frame is None:
            super().show()
        else:
            self.show_frame(frame)

    def show_frame(self, frame: Frame) -> None:
        """Draw what this panel takes from ``frame``; the controls take nothing."""

    def status_widgets(self) -> list[QWidget]:
        """Read-outs the window puts at the right of its status bar, in order."""
        return []


def form_layout() -> QFormLayout:
    """The controls' form: labels right-aligned, fields as wide as the panel."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
    return form
