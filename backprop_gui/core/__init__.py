"""The NumPy backpropagation engine: no Qt, no plotting, usable from scripts.

from backprop_gui.core import MLP, Trainer, TrainConfig, make_dataset
"""

from .activations import ACTIVATIONS, get_activation
from .datasets import DATASETS, DOMAIN, make_dataset, train_test_split
from .features import DEFAULT_FEATURES, FEATURE_LABELS, FEATURES, transform
from .gradcheck import TOLERANCE, check_gradients, gradient_check_suite, numeric_gradient
from .network import MLP, Cache
from .optimizers import OPTIMIZERS
from .trainer import DivergenceError, Evaluation, History, TrainConfig, Trainer

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "DEFAULT_FEATURES",
    "DOMAIN",
    "FEATURES",
    "FEATURE_LABELS",
    "MLP",
    "OPTIMIZERS",
    "TOLERANCE",
    "Cache",
    "DivergenceError",
    "Evaluation",
    "History",
    "TrainConfig",
    "Trainer",
    "check_gradients",
    "get_activation",
    "gradient_check_suite",
    "make_dataset",
    "numeric_gradient",
    "train_test_split",
    "transform",
]
