"""The window's panels, one widget per module, and the one list that makes them.

The window makes one panel of each class in ``PANELS``, in this order, puts it
where it declares (``Panel.area``: a dock left, right or below the canvas, the
strip above it, or the commands' toolbar; see ``gui/docks.py``) and calls
``panel.show(frame)`` with every frame the worker sends.
Adding a panel that shows frames is one new module here and one line below.
"""

from .banner import BannerPanel
from .base import AREAS, BOTTOM, LEFT, RIGHT, SIDE, STRIP, TOOLBAR, Panel
from .commands import CommandBar
from .cost import CostPanel
from .cost_plot import CostPlot
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
    # Docked left, stacked as tabs.
    DataPanel,
    NetworkPanel,
    TrainingPanel,
    # The toolbar, the strip above the canvas, and docks right of it, top to bottom.
    CommandBar,
    MetricsPanel,
    BannerPanel,
    CostPanel,
    # The inspector: the step-through bar, then one group of tabs (the
    # panels of one ``dock_group`` share a place; the first is shown).
    StepThrough,
    NetworkDiagram,
    LiveEquations,
    HealthPanel,
    ExampleView,
    MathsPanel,
    GradcheckButton,
)

__all__ = [
    "AREAS",
    "BOTTOM",
    "LEFT",
    "PANELS",
    "RIGHT",
    "SIDE",
    "STRIP",
    "TOOLBAR",
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
