"""backprop-gui: watch backpropagation learn a two-class problem you draw."""

__version__ = "0.1.0"
