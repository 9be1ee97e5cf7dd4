"""scikit-learn: to_sklearn gives an MLPClassifier with our predict_proba,
from_sklearn reads one back, and the features go in a Pipeline."""

import sys

import numpy as np
import pytest

from backprop_gui.core import MLP, transform
from backprop_gui.interop import (
    MissingExtraError,
    from_sklearn,
    points_to_features,
    to_sklearn,
    to_sklearn_pipeline,
)

from .examples import NETWORKS, SKLEARN_NETWORKS, labels, probabilities, random_points

sklearn = pytest.importorskip("sklearn")
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402


@pytest.mark.parametrize("name", SKLEARN_NETWORKS)
def test_predict_proba_and_predict_are_ours(name):
    net = NETWORKS[name]()
    clf = to_sklearn(net)
    points = random_points(1000, seed=21)
    X = transform(points, net.features).T  # the network's inputs, as rows
    np.testing.assert_allclose(clf.predict_proba(X), probabilities(net, points), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), labels(net, points))
    np.testing.assert_array_equal(clf.classes_, np.arange(net.n_classes))


@pytest.mark.parametrize("name", SKLEARN_NETWORKS)
def test_the_pipeline_takes_raw_points_whatever_the_features(name):
    net = NETWORKS[name]()
    points = random_points(500, seed=22)
    pipeline = to_sklearn_pipeline(net)
    np.testing.assert_allclose(
        pipeline.predict_proba(points.T), probabilities(net, points), rtol=0, atol=1e-12
    )


@pytest.mark.parametrize("name", SKLEARN_NETWORKS)
def test_round_trip_gives_back_the_same_network(name):
    net = NETWORKS[name]()
    back = from_sklearn(to_sklearn_pipeline(net))
    assert back.layer_sizes == net.layer_sizes
    assert back.activation_names == net.activation_names
    assert back.features == net.features
    np.testing.assert_array_equal(back.theta, net.theta)
    plain = from_sklearn(to_sklearn(net), features=net.features)
    np.testing.assert_array_equal(plain.theta, net.theta)


def test_parameters_are_the_transposes_by_hand():
    net = MLP([2, 3, 1], "relu", seed=0)
    net.params["b1"][:] = [[1.0], [2.0], [3.0]]
    clf = to_sklearn(net)
    assert clf.coefs_[0].shape == (2, 3) and clf.coefs_[1].shape == (3, 1)
    np.testing.assert_array_equal(clf.coefs_[0], net.params["W1"].T)
    np.testing.assert_array_equal(clf.intercepts_[0], [1.0, 2.0, 3.0])
    assert (clf.activation, clf.out_activation_, clf.n_layers_, clf.n_outputs_) == (
        "relu",
        "logistic",
        3,
        1,
    )
    assert clf.hidden_layer_sizes == (3,) and clf.n_features_in_ == 2


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("n_classes", [2, 3])
def test_a_classifier_trained_in_sklearn_comes_into_the_app(n_classes):
    points = random_points(300, seed=23)
    angle = np.arctan2(points[1], points[0])
    y = ((angle + np.pi) * n_classes / (2 * np.pi)).astype(int) % n_classes
    clf = MLPClassifier(hidden_layer_sizes=(8, 6), activation="tanh", max_iter=200, random_state=0)
    clf.fit(points.T, y)
    net = from_sklearn(clf)
    assert net.layer_sizes == (2, 8, 6, 1 if n_classes == 2 else n_classes)
    assert net.features == ("x1", "x2")
    test = random_points(400, seed=24)
    np.testing.assert_allclose(probabilities(net, test), clf.predict_proba(test.T), atol=1e-12)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "name", ["tanh, two classes", "products and sines, sigmoid, three classes"]
)
def test_training_can_continue_in_sklearn_from_our_weights(name):
    net = NETWORKS[name]()
    points = random_points(100, seed=27)
    X = transform(points, net.features)
    y = np.arange(100) % net.n_classes  # any labels; every class present
    clf = to_sklearn(net).set_params(
        warm_start=True, solver="sgd", max_iter=1, alpha=0.0, learning_rate_init=1e-12
    )
    clf.fit(X.T, y)  # one full batch: its loss is the cost before the update
    assert clf.loss_ == pytest.approx(net.cost(X, y), rel=1e-9)
    assert clf.n_iter_ == 1


def test_what_sklearn_cannot_express_is_refused_by_name():
    with pytest.raises(ValueError, match="leaky_relu has no scikit-learn equivalent"):
        to_sklearn(MLP([2, 3, 1], "leaky_relu", seed=0))
    with pytest.raises(ValueError, match="one activation for every hidden layer"):
        to_sklearn(MLP([2, 3, 3, 1], ["tanh", "relu"], seed=0))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_what_the_app_cannot_hold_is_refused():
    points = random_points(60, seed=25)
    y = (points[0] > 0).astype(int)
    with pytest.raises(ValueError, match="not a fitted"):
        from_sklearn(MLPClassifier())
    regressor = MLPRegressor(hidden_layer_sizes=(3,), max_iter=5).fit(points.T, y)
    with pytest.raises(ValueError, match="only classifiers"):
        from_sklearn(regressor)
    multilabel = MLPClassifier(hidden_layer_sizes=(3,), max_iter=5)
    multilabel.fit(points.T, np.column_stack([y, 1 - y]))
    with pytest.raises(ValueError, match="multilabel"):
        from_sklearn(multilabel)


def test_points_to_features_is_the_transpose_of_transform():
    points = random_points(5, seed=26)
    names = ["x1*x2", "sin(x2)", "x1^2"]
    np.testing.assert_array_equal(points_to_features(points.T, names), transform(points, names).T)
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        points_to_features(points, names)


def test_without_sklearn_the_error_names_the_install(monkeypatch):
    for module in list(sys.modules):
        if module == "sklearn" or module.startswith("sklearn."):
            monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingExtraError, match=r'pip install "backprop-gui\[sklearn\]"'):
        to_sklearn(MLP([2, 1], [], seed=0))
