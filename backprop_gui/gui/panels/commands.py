"""The command bar: Train (or Pause), Step, Step epoch, the speed, Reset and
New seed."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from ...session.pacing import DEFAULT_SPEED, SPEEDS, speed_text
from .base import TOOLBAR, ChoiceBox, Panel

STEP_TIP = "Train exactly one step (one update on one mini-batch), then pause (S)"
STEP_EPOCH_TIP = "Train exactly one epoch, then pause (Shift+S, or Shift+click Step)"
SPEED_TIP = (
    "Training speed in epochs per second ([ slower, ] faster); "
    "max trains as fast as the machine can. Applies at once."
)


class CommandBar(Panel, QWidget):
    """The buttons and the speed; the window wires them to its training
    commands. ``speed_changed`` carries epochs per second (None: max)."""

    speed_changed = Signal(object)

    area = TOOLBAR

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        icon = self.style().standardIcon
        self.train_button = QPushButton("Train", objectName="trainButton")
        self.train_button.setIcon(icon(QStyle.SP_MediaPlay))
        # Bold through its font, and no style sheet: with one (it set the
        # weight and padding) the text kept its size in presentation mode.
        bold = QFont()  # bold alone: the size still follows the application's
        bold.setBold(True)
        self.train_button.setFont(bold)
        self.step_button = QPushButton("Step", objectName="stepButton")
        self.step_button.setIcon(icon(QStyle.SP_MediaSkipForward))
        self.step_button.setToolTip(STEP_TIP)
        self.step_epoch_button = QPushButton("Epoch", objectName="stepEpochButton")
        self.step_epoch_button.setIcon(icon(QStyle.SP_MediaSeekForward))
        self.step_epoch_button.setToolTip(STEP_EPOCH_TIP)
        self.speed = ChoiceBox(objectName="speedControl")
        self.speed.addItems([speed_text(rate) for rate in SPEEDS])
        self.speed.setCurrentIndex(SPEEDS.index(DEFAULT_SPEED))
        self.speed.setToolTip(SPEED_TIP)
        self.speed.currentIndexChanged.connect(lambda i: self.speed_changed.emit(SPEEDS[i]))
        self.reset_button = QPushButton("Reset", objectName="resetButton")
        self.reset_button.setIcon(icon(QStyle.SP_BrowserReload))
        self.reset_button.setToolTip(
            "Re-initialise the weights with the same seed, to compare runs (R)"
        )
        self.new_seed_button = QPushButton("New seed", objectName="newSeedButton")
        self.new_seed_button.setToolTip("Pick a random seed and re-initialise the weights (N)")
        buttons = QHBoxLayout()
        for widget in (
            self.train_button,
            self.step_button,
            self.step_epoch_button,
            self.reset_button,
            self.new_seed_button,
        ):
            widget.setMinimumHeight(36)
            buttons.addWidget(widget)
        layout.addLayout(buttons)
        speed = QHBoxLayout()
        speed.addWidget(QLabel("Speed"))
        speed.addWidget(self.speed)
        speed.addStretch(1)
        layout.addLayout(speed)
        self._fit_train_button()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:  # the children take it after this bar
            QTimer.singleShot(0, self, self._fit_train_button)

    def _fit_train_button(self) -> None:
        """As wide as its wider text: Train turning into Pause moves nothing."""
        button, text = self.train_button, self.train_button.text()
        button.setMinimumWidth(0)
        widths = []
        for label in ("Train", "Pause"):
            button.setText(label)
            widths.append(button.sizeHint().width())
        button.setText(text)
        button.setMinimumWidth(max(widths))

    def speed_value(self) -> float | None:
        """Epochs per second (None: max)."""
        return SPEEDS[self.speed.currentIndex()]

    def slower(self) -> None:
        self.speed.setCurrentIndex(max(self.speed.currentIndex() - 1, 0))

    def faster(self) -> None:
        self.speed.setCurrentIndex(min(self.speed.currentIndex() + 1, self.speed.count() - 1))

    def state(self) -> dict:
        return {"speed": self.speed.currentText()}

    def restore(self, state: dict) -> None:
        index = self.speed.findText(str(state.get("speed", "")))
        if index >= 0:
            self.speed.setCurrentIndex(index)

    def set_training(self, on: bool) -> None:
        """Train while paused, Pause while training."""
        self.train_button.setText("Pause" if on else "Train")
        self.train_button.setIcon(
            self.style().standardIcon(QStyle.SP_MediaPause if on else QStyle.SP_MediaPlay)
        )

    def set_trainable(self, why_not: str | None, training: bool) -> None:
        """Enable Train and Step when there is something to train (Train also
        while ``training``, to pause); else say ``why_not`` in their tooltips."""
        steps = (self.step_button, self.step_epoch_button)
        self.train_button.setEnabled(why_not is None or training)
        for button in steps:
            button.setEnabled(why_not is None or training)
        if why_not is None:
            self.train_button.setToolTip("Start or pause training (Space)")
            self.step_button.setToolTip(STEP_TIP)
            self.step_epoch_button.setToolTip(STEP_EPOCH_TIP)
        else:
            for button in (self.train_button, *steps):
                button.setToolTip(f"Cannot train: {why_not}.")
