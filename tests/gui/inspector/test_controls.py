"""Every control of the inspector has an objectName and a tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QTableWidget, QWidget

from backprop_gui.gui.panels.diagram import NetworkDiagram
from backprop_gui.gui.panels.equations import LiveEquations
from backprop_gui.gui.panels.example import ExampleView
from backprop_gui.gui.panels.gradcheck import GradcheckButton
from backprop_gui.gui.panels.health import HealthPanel
from backprop_gui.gui.step_through import StepThrough

from .handworked import X, tiny
from .reference import blobs, example_pass, frame_for


@pytest.mark.parametrize(
    "make, name",
    [
        (NetworkDiagram, "networkDiagram"),
        (LiveEquations, "liveEquations"),
        (HealthPanel, "healthPanel"),
        (ExampleView, "exampleView"),
        (GradcheckButton, "gradcheckPanel"),
        (StepThrough, "stepThroughBar"),
    ],
)
def test_controls_are_named_and_explained(qtbot, make, name):
    import numpy as np

    from backprop_gui.session import NetworkSpec

    widget = make()
    qtbot.addWidget(widget)
    spec = NetworkSpec(hidden=(3,))
    if hasattr(widget, "show_frame"):
        widget.show(frame_for(spec, spec.build(), *blobs(10)))
    if isinstance(widget, ExampleView):
        widget.set_example(example_pass(tiny(), np.array([X]), 1), ("sigmoid",), ("x1",))
    if isinstance(widget, StepThrough):
        widget.begin(tiny(), np.array([[X]]), np.array([1]), 0.5)
    assert widget.objectName() == name and widget.toolTip()
    controls = widget.findChildren(QAbstractButton) + widget.findChildren(QTableWidget)
    for control in controls:
        if control.objectName().startswith("qt_"):
            continue  # Qt's own parts, e.g. a table's corner button
        assert control.objectName() and control.toolTip(), control
    for child in widget.findChildren(QWidget):
        if type(child).__name__ == "MatrixView":
            assert child.objectName() and child.toolTip()
