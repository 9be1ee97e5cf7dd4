"""A whole set goes through the network a chunk at a time: bounded memory,
the same numbers, and a small set takes the single pass it always did."""

import tracemalloc

import numpy as np
import pytest

from backprop_gui.core import MLP, TrainConfig, Trainer
from backprop_gui.core import network as network_module
from backprop_gui.core.features import transform
from backprop_gui.core.surface import SurfaceEvaluator, grid_points

MiB = 1024 * 1024


def data(n_x: int, m: int, n_classes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.uniform(-6, 6, (n_x, m)), rng.integers(0, n_classes, m)


def one_pass(net: MLP, X: np.ndarray):
    """What the network computed before chunks: one forward pass of all of X."""
    return net.forward(X)


def test_the_chunk_keeps_a_forward_pass_buffers_within_the_budget():
    for sizes in ([2, 8, 8, 1], [2, 256, 256, 1], [2] + [256] * 8 + [1], [2, 4096, 4096, 3]):
        net = MLP(sizes, seed=0)
        chunk = net.chunk_columns()
        # Z[l] and A[l] of every layer, float64.
        assert chunk * 2 * 8 * sum(sizes[1:]) <= network_module.CHUNK_BYTES
        assert chunk >= network_module.MIN_CHUNK
    # The default network takes any set the app makes in one pass.
    assert MLP([2, 8, 8, 1]).chunk_columns() > 200_000


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of a few hundred columns, so that small networks use them too."""
    monkeypatch.setattr(network_module, "CHUNK_BYTES", 2 * 8 * 17 * 300)
    assert MLP([2, 8, 8, 1]).chunk_columns() == 300


@pytest.mark.parametrize("sizes", [[2, 8, 8, 1], [2, 8, 8, 3]], ids=["sigmoid", "softmax"])
def test_chunked_results_equal_one_pass(small_chunks, sizes):
    net = MLP(sizes, activation=["relu", "tanh"], seed=1)
    X, labels = data(2, 1000, sizes[-1] if sizes[-1] > 1 else 2)
    cache = one_pass(net, X)
    A, Y = cache.output, net.targets(labels)
    losses = net.output_kind.losses(cache.Z[net.L], Y)
    np.testing.assert_allclose(net.predict_proba(X), A, rtol=1e-12, atol=0)
    np.testing.assert_allclose(
        net.class_probabilities(X), net.output_kind.class_probabilities(A), rtol=1e-12, atol=1e-300
    )
    assert np.array_equal(net.predict(X), net.output_kind.labels(A))
    np.testing.assert_allclose(net.losses(X, labels), losses, rtol=1e-12)
    assert net.cost(X, labels, l1=0.01, l2=0.02) == pytest.approx(
        losses.mean() + net.regularization(0.01, 0.02), rel=1e-12
    )


def test_chunked_evaluation_equals_one_pass_on_train_and_test(small_chunks):
    net = MLP([2, 8, 8, 3], seed=2)
    X, labels = data(2, 1000, 3, seed=3)
    X_test, labels_test = data(2, 701, 3, seed=4)
    trainer = Trainer(net, X, labels, TrainConfig(l2=0.05), X_test, labels_test)
    evaluation = trainer.evaluate()
    for cost, accuracy, (Xs, ys) in (
        (evaluation.train_cost, evaluation.train_accuracy, (X, labels)),
        (evaluation.test_cost, evaluation.test_accuracy, (X_test, labels_test)),
    ):
        A = one_pass(net, Xs).output
        expected = net.output_kind.losses(one_pass(net, Xs).Z[net.L], net.targets(ys)).mean()
        assert cost == pytest.approx(expected + net.regularization(0, 0.05), rel=1e-12)
        assert accuracy == np.mean(net.output_kind.labels(A) == ys)
    # A sample smaller than a chunk takes the single pass.
    sampled = trainer.evaluate(max_examples=200)
    assert np.isfinite(sampled.train_cost)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_chunked_surface_is_the_same_surface(small_chunks, monkeypatch, dtype):
    net = MLP([2, 8, 8, 3], activation="sigmoid", seed=5)
    chunked = SurfaceEvaluator(40, dtype=dtype)(net)  # 1600 points, 6 chunks
    assert chunked.shape == (40, 40) and chunked.dtype == np.float32
    if dtype == np.float64:
        expected = one_pass(net, transform(grid_points(40))).output[1]
        assert np.array_equal(chunked.ravel(), expected.astype(np.float32))
    else:
        # float32 rounding differs in the last bits with the chunk's width.
        monkeypatch.setattr(network_module, "CHUNK_BYTES", 2**40)
        np.testing.assert_allclose(chunked, SurfaceEvaluator(40, dtype=dtype)(net), rtol=1e-6)
    # Kept buffers: a second call gives the same surface.
    evaluator = SurfaceEvaluator(40, dtype=dtype)
    assert np.array_equal(evaluator(net), evaluator(net))


def peak_bytes(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


WIDE = MLP([2, 256, 256, 1], seed=0)
BIG_X, BIG_LABELS = data(2, 40_000, 2)


def evaluate_big(net, X, labels):
    return Trainer(net, X, labels, TrainConfig(record_every=0), X, labels).evaluate()


@pytest.mark.parametrize(
    "work",
    [
        lambda net, X, y: net.predict_proba(X),
        lambda net, X, y: net.predict(X),
        lambda net, X, y: net.class_probabilities(X),
        lambda net, X, y: net.cost(X, y),
        evaluate_big,
        lambda net, X, y: SurfaceEvaluator(200)(net),  # 40,000 grid points
    ],
    ids=["predict_proba", "predict", "class_probabilities", "cost", "evaluate", "surface"],
)
def test_memory_stays_bounded_on_a_big_set_through_a_wide_network(work):
    # Scaled down from 1.5 million points: one pass over these 40,000 would
    # hold Z and A of both hidden layers, 40,000 × 513 × 2 × 8 B = 328 MB.
    ceiling = 100 * MiB  # a 64 MiB chunk, the inputs and the results
    assert peak_bytes(lambda: work(WIDE, BIG_X, BIG_LABELS)) < ceiling


def test_evaluating_again_reuses_the_chunks_buffers():
    # A window evaluates at every frame: the 64 MiB of a chunk's Z and A are
    # allocated once, then only the losses (m,) and small temporaries.
    trainer = Trainer(WIDE, BIG_X, BIG_LABELS, TrainConfig(record_every=0), BIG_X, BIG_LABELS)
    first = trainer.evaluate()
    assert peak_bytes(trainer.evaluate) < 16 * MiB
    assert trainer.evaluate() == first
