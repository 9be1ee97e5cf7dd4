"""The window's panels, one widget per module, and the one list that makes them.

The window makes one panel of each class in ``PANELS``, in this order, puts it
in its ``area`` (the side column of controls, or the column right of the
canvas) and calls ``panel.show(frame)`` with every frame the worker sends.
Adding a panel that shows frames is one new module here and one line below.
"""

from .banner import BannerPanel
from .base import RIGHT, SIDE, Panel
from .commands import CommandBar
from .cost import CostPanel, CostPlot
from .data import DataPanel
from .diagram import NetworkDiagram
from .equations import LiveEquations
from .example import ExampleView
from .gradcheck import GradcheckButton
from .health import HealthPanel
from .maths import MathsPanel
from .metrics import MetricsPanel
from .network import NetworkPanel
from .step_through import StepThrough
from .training import TrainingPanel

PANELS: tuple[type[Panel], ...] = (
    # The side column, top to bottom.
    DataPanel,
    NetworkPanel,
    TrainingPanel,
    # Right of the canvas, top to bottom.
    CommandBar,
    MetricsPanel,
    BannerPanel,
    CostPanel,
    # The inspector: the step-through bar, then two groups of tabs (the
    # panels of one ``dock_group`` share a place; the first is shown).
    StepThrough,
    NetworkDiagram,
    GradcheckButton,
    LiveEquations,
    HealthPanel,
    MathsPanel,
    ExampleView,
)

__all__ = [
    "PANELS",
    "RIGHT",
    "SIDE",
    "BannerPanel",
    "CommandBar",
    "CostPanel",
    "CostPlot",
    "DataPanel",
    "ExampleView",
    "GradcheckButton",
    "HealthPanel",
    "LiveEquations",
    "MathsPanel",
    "MetricsPanel",
    "NetworkDiagram",
    "NetworkPanel",
    "Panel",
    "StepThrough",
    "TrainingPanel",
]
