"""One table of what the app accepts, for every entry point: the window's
controls, the command line and the weights it loads.

The core has wider limits of its own (what its file formats can describe);
these are the app's, chosen so that every network trains interactively.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    hidden_layers: int = 8  # hidden layers of a network
    hidden_width: int = 256  # units in one hidden layer
    classes: int = 10  # classes in a points file (the window draws up to 6)
    window_classes: int = 6
    window_points: int = 1_000_000  # points the window and its sessions hold (the CLI: any)
    generated_points: int = 100_000  # points a preset may generate (CLI)
    window_preset_points: int = 5_000  # points the window's preset control offers
    epochs: int = 10_000_000  # epochs one command-line run may ask for
    batch_size: int = 1_000_000

    def check_hidden(self, hidden: Sequence[int]) -> str | None:
        """Why these hidden-layer sizes are refused, or None if they are fine."""
        if len(hidden) > self.hidden_layers:
            return f"at most {self.hidden_layers} hidden layers; got {len(hidden)}"
        for size in hidden:
            if not 1 <= size <= self.hidden_width:
                return f"every hidden layer needs 1..{self.hidden_width} units; got {size}"
        return None

    def check_network(self, layer_sizes: Sequence[int]) -> str | None:
        """Why a whole network [n_x, hidden..., n_L] is refused, or None: its
        hidden layers as ``check_hidden``, and at most ``classes`` outputs
        (one sigmoid unit is two classes)."""
        reason = self.check_hidden(layer_sizes[1:-1])
        if reason is None and len(layer_sizes) >= 2 and layer_sizes[-1] > self.classes:
            reason = f"at most {self.classes} classes; the network has {layer_sizes[-1]} outputs"
        return reason


LIMITS = Limits()
