"""The NumPy backpropagation engine: no Qt, no plotting, usable from scripts.

from backprop_gui.core import MLP, Trainer, TrainConfig, make_dataset
"""

from .activations import ACTIVATIONS, get_activation
from .atomic import atomic_write
from .datasets import DATASETS, DOMAIN, make_dataset, train_test_split
from .errors import BadFileError, DataFileError, WeightsFileError
from .features import DEFAULT_FEATURES, FEATURE_LABELS, FEATURES, transform
from .gradcheck import TOLERANCE, check_gradients, gradient_check_suite, numeric_gradient
from .network import MLP, Cache
from .optimizers import OPTIMIZERS
from .pointsfile import read_points_csv, write_points_csv
from .trainer import DivergenceError, Evaluation, History, TrainConfig, Trainer
from .weightsfile import FORMAT_NAME, FORMAT_VERSION, load_weights, save_weights, weights_meta

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "DEFAULT_FEATURES",
    "DOMAIN",
    "FEATURES",
    "FEATURE_LABELS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MLP",
    "OPTIMIZERS",
    "TOLERANCE",
    "BadFileError",
    "Cache",
    "DataFileError",
    "DivergenceError",
    "Evaluation",
    "History",
    "TrainConfig",
    "Trainer",
    "WeightsFileError",
    "atomic_write",
    "check_gradients",
    "get_activation",
    "gradient_check_suite",
    "load_weights",
    "make_dataset",
    "numeric_gradient",
    "read_points_csv",
    "save_weights",
    "train_test_split",
    "transform",
    "weights_meta",
    "write_points_csv",
]
