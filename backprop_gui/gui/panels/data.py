"""The data panel: preset, point count, noise, test share, brush."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from ...core import DATASETS
from ...core.datasets import MAX_CLASSES, MULTICLASS
from ...session import LIMITS
from ..theme import CLASS_TEXT_COLORS
from .base import LEFT, ChoiceBox, Panel, form_layout


class DataPanel(Panel, QGroupBox):
    """What the points are made of. It describes the user's choice and
    announces changes; the window decides what they mean."""

    area = LEFT
    dock_title = "Data"
    dock_group = "controls"
    preset_requested = Signal(str, int, float)
    test_ratio_changed = Signal(float)
    show_test_changed = Signal(bool)
    brush_changed = Signal(float, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        form = form_layout()

        self.preset = ChoiceBox(objectName="presetCombo")
        self.preset.addItems(list(DATASETS))
        self.preset.setToolTip("Replace the points with a generated dataset (undoable)")
        self.regenerate = QPushButton("Regenerate", objectName="regenerateButton")
        self.regenerate.setToolTip("Generate the chosen preset again with new random points (G)")
        row = QHBoxLayout()
        row.addWidget(self.preset, 1)
        row.addWidget(self.regenerate)
        form.addRow("Preset", row)

        self.class_count = QSpinBox(
            objectName="classCount", minimum=2, maximum=MAX_CLASSES, value=2
        )
        self.class_count.setToolTip(
            "How many classes the preset generates (gaussian blobs and spiral arms)"
        )
        self.class_count_label = QLabel("Classes")
        form.addRow(self.class_count_label, self.class_count)

        self.count = QSpinBox(
            objectName="pointCount", minimum=10, maximum=LIMITS.window_preset_points, value=200
        )
        self.count.setSingleStep(50)
        self.count.setToolTip("How many points a preset generates")
        form.addRow("Points", self.count)

        self.noise = QSlider(Qt.Horizontal, objectName="noiseSlider", minimum=0, maximum=100)
        self.noise.setValue(10)
        self.noise_label = QLabel()
        self.noise.setToolTip("How much the preset's classes overlap (0–100%)")
        row = QHBoxLayout()
        row.addWidget(self.noise, 1)
        row.addWidget(self.noise_label)
        form.addRow("Noise", row)

        self.test_ratio = QSlider(Qt.Horizontal, objectName="testRatio", minimum=0, maximum=90)
        self.test_ratio.setSingleStep(5)
        self.test_ratio.setPageStep(10)
        self.test_ratio.setValue(20)
        self.test_ratio.setToolTip(
            "Share of points held out as test data: not trained on, only evaluated"
        )
        self.test_label = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.test_ratio, 1)
        row.addWidget(self.test_label)
        form.addRow("Test share", row)

        self.show_test = QCheckBox("Show test data", objectName="showTest", checked=True)
        self.show_test.setToolTip("Draw the held-out test points as hollow circles (T)")
        form.addRow("", self.show_test)

        self.brush_radius = QDoubleSpinBox(objectName="brushRadius", minimum=0.1, maximum=3.0)
        self.brush_radius.setSingleStep(0.1)
        self.brush_radius.setValue(0.6)
        self.brush_radius.setToolTip("Radius of the brush and the eraser, in data units")
        self.brush_density = QSpinBox(objectName="brushDensity", minimum=1, maximum=30, value=4)
        self.brush_density.setToolTip("Points the brush sprays per dab")
        row = QHBoxLayout()
        row.addWidget(self.brush_radius)
        row.addWidget(QLabel("density"))
        row.addWidget(self.brush_density)
        form.addRow("Brush", row)

        self.counts = QLabel(objectName="classCounts")
        self.counts.setTextFormat(Qt.RichText)
        self.counts.setWordWrap(True)  # six classes' counts outgrew the column at 1280 px
        self.counts.setToolTip("Points of each class, and how many are held out for testing")
        form.addRow("Points now", self.counts)
        self.setLayout(form)

        self.preset.activated.connect(lambda _: self._request())
        self.preset.currentTextChanged.connect(self._show_class_count)
        self.class_count.valueChanged.connect(lambda _: self._request())
        self._show_class_count(self.preset.currentText())
        self.regenerate.clicked.connect(self._request)
        self.noise.valueChanged.connect(self._update_labels)
        self.test_ratio.valueChanged.connect(self._update_labels)
        self.test_ratio.valueChanged.connect(lambda v: self.test_ratio_changed.emit(v / 100))
        self.show_test.toggled.connect(self.show_test_changed)
        self.brush_radius.valueChanged.connect(self._brush)
        self.brush_density.valueChanged.connect(self._brush)
        self._update_labels()
        self.made = self.recipe()  # what made the points on screen (``made_with``)

    def _request(self) -> None:
        self.preset_requested.emit(
            self.preset.currentText(), self.count.value(), self.noise.value() / 100
        )

    def recipe(self) -> dict:
        """What Regenerate would make now: preset, classes, count and noise."""
        state = self.state()
        return {key: state[key] for key in ("preset", "classes", "count", "noise")}

    def made_with(self, recipe: dict | None) -> tuple:
        """Note that the points are now made by ``recipe`` (preset, count and
        noise; None: a file, Clear); returns (show, before, after) for
        ``points.ReplacePoints``, for an undo and a redo to show the recipe of
        the points they bring back. The class count is the control's: it
        stays what it was through presets that have none."""
        after = None if recipe is None else {**recipe, "classes": self.class_count.value()}
        before, self.made = self.made, after
        return self.show_recipe, before, after

    def show_recipe(self, recipe: dict | None) -> None:
        """Show the recipe of the points now (an undo or redo), generating
        nothing; None (points no preset made) leaves the controls alone."""
        if recipe is not None:
            self.restore(recipe)
        self.made = recipe

    def _show_class_count(self, preset: str) -> None:
        for widget in (self.class_count, self.class_count_label):
            widget.setVisible(preset in MULTICLASS)

    def classes_for(self, preset: str) -> int:
        """The class count a preset is generated with: the control's for the
        presets that take one, else two."""
        return self.class_count.value() if preset in MULTICLASS else 2

    def _brush(self) -> None:
        self.brush_changed.emit(self.brush_radius.value(), self.brush_density.value())

    def _update_labels(self) -> None:
        self.noise_label.setText(f"{self.noise.value():3d}%")
        self.test_label.setText(f"{self.test_ratio.value():3d}%")

    def show_counts(self, counts: tuple[int, ...], n_test: int, outside: int = 0) -> None:
        """Points per class 0..K−1 behind each class's swatch, then the test
        count, and how many lie outside the view (trained on, not seen)."""
        swatches = "".join(
            f"<span style='color:{CLASS_TEXT_COLORS[label % len(CLASS_TEXT_COLORS)]}'>■</span>"
            f"&nbsp;{count:,} &nbsp; "  # a swatch and its count never part at a wrap
            for label, count in enumerate(counts)
        )
        off = f"; {outside:,}&nbsp;outside&nbsp;the&nbsp;view" if outside else ""
        self.counts.setText(f"{swatches}({n_test:,} test{off})")

    def state(self) -> dict:
        return {
            "preset": self.preset.currentText(),
            "classes": self.class_count.value(),
            "count": self.count.value(),
            "noise": self.noise.value(),
            "test_ratio": self.test_ratio.value(),
            "show_test": self.show_test.isChecked(),
            "brush_radius": self.brush_radius.value(),
            "brush_density": self.brush_density.value(),
        }

    def restore(self, state: dict) -> None:
        if state.get("preset") in DATASETS:
            self.preset.setCurrentText(state["preset"])
        self.class_count.blockSignals(True)  # restoring is not a request
        self.class_count.setValue(int(state.get("classes", self.class_count.value())))
        self.class_count.blockSignals(False)
        self.count.setValue(int(state.get("count", self.count.value())))
        self.noise.setValue(int(state.get("noise", self.noise.value())))
        self.test_ratio.setValue(int(state.get("test_ratio", self.test_ratio.value())))
        self.show_test.setChecked(bool(state.get("show_test", self.show_test.isChecked())))
        self.brush_radius.setValue(float(state.get("brush_radius", self.brush_radius.value())))
        self.brush_density.setValue(int(state.get("brush_density", self.brush_density.value())))
        self.made = self.recipe()
