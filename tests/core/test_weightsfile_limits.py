"""load_weights(check_sizes=...): a caller's limits refuse a network before
any of its arrays is read."""

import pytest

from backprop_gui.core import MLP, WeightsFileError, load_weights, save_weights
from backprop_gui.session import LIMITS


def deep(tmp_path, suffix, n_hidden=50):
    path = tmp_path / f"deep{suffix}"
    save_weights(MLP([2, *[1] * n_hidden, 1], "tanh", seed=0), path)
    return path


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_a_refused_network_raises_with_the_reason(tmp_path, suffix):
    path = deep(tmp_path, suffix)
    with pytest.raises(WeightsFileError, match="too large: at most 8 hidden layers; got 50"):
        load_weights(path, check_sizes=LIMITS.check_network)


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_without_a_check_the_core_loads_it(tmp_path, suffix):
    assert load_weights(deep(tmp_path, suffix)).L == 51


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_the_check_sees_the_layer_sizes_once_and_an_accepted_network_loads(tmp_path, suffix):
    path = tmp_path / f"small{suffix}"
    save_weights(MLP([2, 3, 4], "relu", seed=0), path)
    seen = []
    net = load_weights(path, check_sizes=lambda sizes: seen.append(sizes))
    assert seen == [[2, 3, 4]]
    assert list(net.layer_sizes) == [2, 3, 4]


def test_the_npz_check_comes_before_any_array_header_is_read(tmp_path, monkeypatch):
    from backprop_gui.core import weightsfile

    path = deep(tmp_path, ".npz")
    read = []
    real = weightsfile._npy_header
    monkeypatch.setattr(weightsfile, "_npy_header", lambda *a: read.append(a[3]) or real(*a))
    with pytest.raises(WeightsFileError):
        load_weights(path, check_sizes=LIMITS.check_network)
    assert read == ["meta"]


def test_limits_check_network_counts_classes():
    assert LIMITS.check_network([2, 8, 1]) is None
    assert LIMITS.check_network([2, 8, 10]) is None
    assert "at most 10 classes" in LIMITS.check_network([2, 8, 11])
