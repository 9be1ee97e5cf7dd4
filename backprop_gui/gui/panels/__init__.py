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
from .maths import MathsPanel
from .metrics import MetricsPanel
from .network import NetworkPanel
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
    MathsPanel,
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
    "MathsPanel",
    "MetricsPanel",
    "NetworkPanel",
    "Panel",
    "TrainingPanel",
]
