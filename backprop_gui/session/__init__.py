"""The session layer: everything between the maths and the window, with no Qt.

- ``specs``: what the user chose (``NetworkSpec``, ``DataSpec``) and the
  one train/test split rule;
- ``limits``: one table of what every entry point accepts;
- ``frame``: ``Frame``, the typed, immutable picture of one moment of training;
- ``engine``: ``Engine``, which trains and makes frames;
- ``transport`` and ``wire``: the same engine in a child process, spoken to
  in JSON and .npy, never pickle.
"""

from .engine import EVALUATION_SAMPLE, Engine
from .frame import Frame
from .limits import LIMITS, Limits
from .specs import DataSpec, NetworkSpec, split_keys, test_count, test_mask
from .transport import RemoteEngine, RemoteError

__all__ = [
    "EVALUATION_SAMPLE",
    "LIMITS",
    "DataSpec",
    "Engine",
    "Frame",
    "Limits",
    "NetworkSpec",
    "RemoteEngine",
    "RemoteError",
    "split_keys",
    "test_count",
    "test_mask",
]
