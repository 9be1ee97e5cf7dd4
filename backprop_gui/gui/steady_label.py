"""A label for numbers that change every frame.

A QLabel whose text changes asks its parents to lay themselves out again,
unless its size is fixed. For the epoch and cost read-outs that meant a
relayout and a second repaint of the status bar in every frame. This label
keeps a fixed size that only grows, so a new value moves nothing unless it
needs more room.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel


class SteadyLabel(QLabel):
    """A one-line QLabel of fixed size: as tall as its font's line, and at
    least ``min_width`` and as wide as the widest text it has shown since its
    font last changed. Set its text with ``setText`` or ``setNum`` from
    Python: ``QLabel.setText(label, …)`` would skip the measuring."""

    def __init__(self, text: str = "", min_width: int = 0, **kwargs: object) -> None:
        super().__init__(text, **kwargs)
        self._min_width = min_width
        self._width = 0  # what it has grown to
        self._fit()

    def setText(self, text: str) -> None:
        if text != self.text():
            super().setText(text)
            self._fit()

    def setNum(self, number: float) -> None:
        super().setNum(number)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.FontChange, QEvent.StyleChange):
            self._width = 0  # another font: measure afresh
            # QLabel's size hint is at least its minimum size, which the
            # larger font fixed (presentation mode left the read-outs wide),
            # and cached: free the size, and set the indent to measure again.
            self.setMinimumSize(0, 0)
            self.setIndent(self.indent())
            self._fit()

    def _fit(self) -> None:
        hint = self.sizeHint()
        width = max(hint.width(), self._min_width, self._width)
        if (width, hint.height()) != (self._width, self.maximumHeight()):
            self._width = width
            self.setFixedSize(width, hint.height())
