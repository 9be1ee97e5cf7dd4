"""The command bar: Train (or Pause), Step, Reset and New seed."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStyle, QWidget

from .base import TOOLBAR, Panel

STEP_TIP = "Train exactly one epoch, then pause (S)"


class CommandBar(Panel, QWidget):
    """The buttons only; the window wires them to its training commands."""

    area = TOOLBAR

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        icon = self.style().standardIcon
        self.train_button = QPushButton("Train", objectName="trainButton")
        self.train_button.setIcon(icon(QStyle.SP_MediaPlay))
        self.train_button.setStyleSheet("QPushButton { font-weight: bold; padding: 0 18px; }")
        self.step_button = QPushButton("Step", objectName="stepButton")
        self.step_button.setIcon(icon(QStyle.SP_MediaSkipForward))
        self.step_button.setToolTip(STEP_TIP)
        self.reset_button = QPushButton("Reset", objectName="resetButton")
        self.reset_button.setIcon(icon(QStyle.SP_BrowserReload))
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
            layout.addWidget(button)

    def set_training(self, on: bool) -> None:
        """Train while paused, Pause while training."""
        self.train_button.setText("Pause" if on else "Train")
        self.train_button.setIcon(
            self.style().standardIcon(QStyle.SP_MediaPause if on else QStyle.SP_MediaPlay)
        )

    def set_trainable(self, why_not: str | None, training: bool) -> None:
        """Enable Train and Step when there is something to train (Train also
        while ``training``, to pause); else say ``why_not`` in their tooltips."""
        self.train_button.setEnabled(why_not is None or training)
        self.step_button.setEnabled(why_not is None or training)
        if why_not is None:
            self.train_button.setToolTip("Start or pause training (Space)")
            self.step_button.setToolTip(STEP_TIP)
        else:
            self.train_button.setToolTip(f"Cannot train: {why_not}.")
            self.step_button.setToolTip(f"Cannot train: {why_not}.")
