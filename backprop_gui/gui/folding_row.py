"""A row that folds in two when its column is too narrow for it.

The cost panel's legend and its log-scale boxes fit side by side in the
default window, which leaves the plot their second row of height; at 1.5×
the font (presentation mode) or in a narrow column they do not, and one
row would scroll sideways. This widget puts the trailing widgets on the
lead's row while they fit, and under it otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget


def _gap(row: QHBoxLayout) -> int:
    """The space between two widgets of ``row``: its spacing, which is −1
    where the style spaces widgets by their kinds (macOS's); then the
    style's spacing for two widgets of no particular kind, or 6 px."""
    gap = row.spacing()
    if gap < 0:
        widget = row.parentWidget()
        style = widget.style() if widget is not None else QApplication.style()
        kind = QSizePolicy.DefaultType
        gap = style.layoutSpacing(kind, kind, Qt.Horizontal)
    return gap if gap >= 0 else 6


class FoldingRow(QWidget):
    """``lead`` (stretched), then ``trailing`` on the same row while the whole
    row's size hint fits the width it is given; else ``trailing`` on a second
    row, left-aligned. Its minimum width is that of the folded form, so a
    column narrower than one row never scrolls sideways."""

    def __init__(
        self, lead: QWidget, trailing: Sequence[QWidget], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.lead, self.trailing = lead, list(trailing)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self._first, self._second = QHBoxLayout(), QHBoxLayout()
        self._first.addWidget(lead, 1)
        self._second.addStretch(1)
        column.addLayout(self._first)
        column.addLayout(self._second)
        self._one_row: bool | None = None
        self._arrange(one_row=True)

    @property
    def one_row(self) -> bool:
        """Whether the trailing widgets sit on the lead's row."""
        return bool(self._one_row)

    def one_row_width(self) -> int:
        """The width the single row asks for."""
        widgets = [self.lead, *self.trailing]
        return sum(w.sizeHint().width() for w in widgets) + _gap(self._first) * len(self.trailing)

    def minimumSizeHint(self) -> QSize:
        trailing = sum(w.sizeHint().width() for w in self.trailing)
        trailing += _gap(self._second) * (len(self.trailing) - 1)
        width = max(self.lead.minimumSizeHint().width(), trailing)
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._refit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            # The children take the new font after this widget: measure then.
            QTimer.singleShot(0, self, self._refit)

    def _refit(self) -> None:
        self._arrange(self.width() >= self.one_row_width())

    def _arrange(self, one_row: bool) -> None:
        if one_row == self._one_row:
            return
        self._one_row = one_row
        source, target = (self._second, self._first) if one_row else (self._first, self._second)
        for widget in self.trailing:
            source.removeWidget(widget)
        for i, widget in enumerate(self.trailing):
            if one_row:
                target.addWidget(widget)
            else:
                target.insertWidget(i, widget)  # before the row's stretch
        self.updateGeometry()
