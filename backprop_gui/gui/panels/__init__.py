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
from .cost import CostPanel, CostPlot
from .data import DataPanel
from .maths import MathsPanel
from .metrics import MetricsPanel
from .network import NetworkPanel
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
    MathsPanel,
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
    "MathsPanel",
    "MetricsPanel",
    "NetworkPanel",
    "Panel",
    "TrainingPanel",
]
