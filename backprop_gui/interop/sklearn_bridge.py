"""A network as a scikit-learn ``MLPClassifier``, and one read back.

scikit-learn puts examples in rows, so its parameters are the transposes of
the app's: for layer l, ``coefs_[l − 1]`` is W[l]ᵀ, (n_{l−1}, n_l), and
``intercepts_[l − 1]`` is b[l] as a vector (n_l,). Its forward pass is then
A[l] = g(A[l−1]·W[l]ᵀ + b[l]ᵀ), the transpose of ours, with the same output:
'logistic' for one sigmoid unit and 'softmax' for K ≥ 2 units.

``MLPClassifier`` takes the network's inputs, not the raw points: for a
network on x1, x2 that is the same thing; for other input features
(x1², sin x1, …) compute them first, which ``to_sklearn_pipeline`` does with
a ``FunctionTransformer`` in a ``Pipeline``::

    pipeline = to_sklearn_pipeline(net)   # points (N, 2) in
    pipeline.predict_proba(points)

scikit-learn is imported only when one of these functions is called
(``pip install "backprop-gui[sklearn]"``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core import DEFAULT_FEATURES, MLP, transform
from .extras import require
from .inputs import input_features

# Our hidden activations by scikit-learn's names; leaky_relu has none.
SKLEARN_ACTIVATIONS = {"tanh": "tanh", "sigmoid": "logistic", "relu": "relu", "linear": "identity"}
OUR_ACTIVATIONS = {theirs: ours for ours, theirs in SKLEARN_ACTIVATIONS.items()}


def to_sklearn(net: MLP) -> Any:
    """A fitted ``sklearn.neural_network.MLPClassifier`` that computes what
    ``net`` does: ``predict_proba(X)`` for X (N, n_x), the network's inputs as
    rows, equals ``net.class_probabilities(X.T).T`` and its classes are
    0..K−1. For input features other than x1, x2, X must hold the features
    (``points_to_features``), or use ``to_sklearn_pipeline``. Training can
    continue in scikit-learn: ``set_params(warm_start=True)`` then ``fit``,
    or ``partial_fit``, start from these weights.

    Raises ValueError when scikit-learn cannot express the network: a
    leaky_relu layer, or different activations in different hidden layers
    (``MLPClassifier`` has one ``activation`` for all of them).
    """
    neural_network = require("sklearn.neural_network", "to_sklearn")
    preprocessing = require("sklearn.preprocessing", "to_sklearn")
    hidden = sorted(set(net.activation_names))
    if "leaky_relu" in hidden:
        raise ValueError(
            "leaky_relu has no scikit-learn equivalent: MLPClassifier offers "
            f"{', '.join(OUR_ACTIVATIONS)} (our {', '.join(SKLEARN_ACTIVATIONS)})"
        )
    if len(hidden) > 1:
        raise ValueError(
            "scikit-learn's MLPClassifier uses one activation for every hidden layer; "
            f"this network has {', '.join(net.activation_names)}"
        )
    activation = SKLEARN_ACTIVATIONS[hidden[0]] if hidden else "identity"
    clf = neural_network.MLPClassifier(
        hidden_layer_sizes=tuple(net.layer_sizes[1:-1]), activation=activation
    )
    # The attributes ``fit`` would set and ``predict``/``predict_proba`` read.
    L = net.L
    clf.coefs_ = [np.array(net.params[f"W{l}"].T, dtype=np.float64) for l in range(1, L + 1)]
    clf.intercepts_ = [
        np.array(net.params[f"b{l}"][:, 0], dtype=np.float64) for l in range(1, L + 1)
    ]
    clf.n_features_in_ = net.layer_sizes[0]
    clf.n_layers_ = len(net.layer_sizes)
    clf.n_outputs_ = net.layer_sizes[-1]
    clf.out_activation_ = "logistic" if net.output_kind.name == "sigmoid" else "softmax"
    clf.classes_ = np.arange(net.n_classes)
    clf._label_binarizer = preprocessing.LabelBinarizer().fit(clf.classes_)
    # What MLPClassifier._initialize sets before training, so that fit with
    # warm_start=True or partial_fit continues from these weights.
    clf.n_iter_ = 0
    clf.t_ = 0
    clf.loss_curve_ = []
    clf._no_improvement_count = 0
    clf.best_loss_ = np.inf
    clf.validation_scores_ = None
    clf.best_validation_score_ = None
    clf._best_coefs = [c.copy() for c in clf.coefs_]
    clf._best_intercepts = [i.copy() for i in clf.intercepts_]
    return clf


def points_to_features(
    points: np.ndarray, features: Sequence[str] = DEFAULT_FEATURES
) -> np.ndarray:
    """Points as rows (N, 2) → the network's inputs as rows (N, n_x): the
    transpose of ``core.transform``, for a scikit-learn ``FunctionTransformer``."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (N, 2); got {points.shape}")
    return np.ascontiguousarray(transform(points.T, features).T)


def to_sklearn_pipeline(net: MLP) -> Any:
    """A ``Pipeline`` of a ``FunctionTransformer`` that computes the input
    features from points (N, 2) and ``to_sklearn(net)``: its
    ``predict_proba(points)`` is the network's, whatever its features."""
    pipeline = require("sklearn.pipeline", "to_sklearn_pipeline")
    preprocessing = require("sklearn.preprocessing", "to_sklearn_pipeline")
    features = preprocessing.FunctionTransformer(
        points_to_features, kw_args={"features": list(input_features(net))}
    )
    # Fitting a FunctionTransformer learns nothing; it marks it as ready.
    features.fit(np.zeros((1, 2)))
    return pipeline.Pipeline([("features", features), ("mlp", to_sklearn(net))])


def from_sklearn(clf: Any, features: Sequence[str] | None = None) -> MLP:
    """The ``MLP`` of a fitted ``MLPClassifier``, or of a ``Pipeline`` made by
    ``to_sklearn_pipeline`` (its features are read from it).

    ``features`` names the network's inputs (see ``core.features``); without
    it they are those of the pipeline, else x1, x2 for two inputs, else
    unnamed. Class k of the network is ``clf.classes_[k]``. Raises ValueError
    for an estimator the app cannot hold: not fitted, not a single-label
    classifier (multilabel, regressor), or an activation it lacks.
    """
    clf, pipeline_features = _unwrap(clf)
    if features is None:
        features = pipeline_features
    if not hasattr(clf, "coefs_") or not hasattr(clf, "out_activation_"):
        raise ValueError(f"{type(clf).__name__} is not a fitted MLPClassifier")
    n_outputs = int(clf.n_outputs_)
    if clf.out_activation_ == "logistic" and n_outputs != 1:
        raise ValueError(
            "a multilabel MLPClassifier (one logistic unit per label) is not supported"
        )
    if clf.out_activation_ not in ("logistic", "softmax"):
        raise ValueError(
            f"output activation {clf.out_activation_!r}: only classifiers "
            "(logistic or softmax output) can be read back"
        )
    if clf.activation not in OUR_ACTIVATIONS:
        raise ValueError(f"activation {clf.activation!r} has no equivalent in backprop-gui")
    sizes = [clf.coefs_[0].shape[0], *(coef.shape[1] for coef in clf.coefs_)]
    net = MLP(sizes, OUR_ACTIVATIONS[clf.activation], features=features)
    for l, (coef, intercept) in enumerate(zip(clf.coefs_, clf.intercepts_, strict=True), 1):
        net.params[f"W{l}"][:] = np.asarray(coef, dtype=np.float64).T
        net.params[f"b{l}"][:, 0] = np.asarray(intercept, dtype=np.float64)
    return net


def _unwrap(estimator: Any) -> tuple[Any, tuple[str, ...] | None]:
    """The classifier of a Pipeline (and the features of its
    ``points_to_features`` step, if it has one) or the estimator itself."""
    steps = getattr(estimator, "steps", None)
    if steps is None:
        return estimator, None
    *before, (_, last) = steps
    if not before:
        return last, None
    if len(before) == 1:
        step = before[0][1]
        if getattr(step, "func", None) is points_to_features:
            return last, tuple((step.kw_args or {}).get("features", DEFAULT_FEATURES))
    raise ValueError(
        "only a Pipeline made by to_sklearn_pipeline (points_to_features, then an "
        "MLPClassifier) can be read back; pass the MLPClassifier and its features instead"
    )
