"""The banner: a divergence or an internal error, said once, with the fix."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ...session import Frame
from .base import STRIP, Panel


class BannerPanel(Panel, QFrame):
    """Hidden until a frame reports trouble. A divergence is announced once:
    Dismiss sticks until the next one. ``restore_button`` ("Restore && halve
    α") is the window's to wire; it shows for a divergence only."""

    area = STRIP

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setStyleSheet(
            "#banner { background: #FFF3CD; border: 1px solid #E0B252; border-radius: 4px; }"
        )
        layout = QHBoxLayout(self)
        self.text = QLabel(wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.restore_button = QPushButton("Restore && halve α", objectName="restoreButton")
        self.restore_button.setToolTip(
            "Go back to the last good weights (lowest cost seen) and at least halve α"
        )
        self.close_button = QPushButton("Dismiss")
        layout.addWidget(self.text, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.close_button)
        self.close_button.clicked.connect(self.hide)
        self.hide()
        self._divergence_shown = False

    def show_frame(self, frame: Frame) -> None:
        if frame.diverged and not self._divergence_shown:
            self._divergence_shown = True
            self.announce(frame.message, restore=True)
        elif not frame.diverged:
            self._divergence_shown = False
        if frame.error:
            self.announce(
                "Training stopped by an internal error:\n" + frame.error.strip().splitlines()[-1],
                restore=False,
            )
            self.text.setToolTip(frame.error)

    def announce(self, text: str, restore: bool) -> None:
        """Show ``text``, with the restore button when ``restore``."""
        self.text.setText(text)
        self.restore_button.setVisible(restore)
        self.setVisible(True)
