"""Weights files: both formats give back the very same network, and any bad
file, whatever its bytes, is refused with a WeightsFileError naming it."""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from backprop_gui.core import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MLP,
    BadFileError,
    WeightsFileError,
    load_weights,
    save_weights,
    weights_meta,
)
from backprop_gui.core.weightsfile import MAX_WEIGHTS_BYTES

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SUFFIXES = [".npz", ".json"]

NETWORKS = {
    "no-hidden-layer": lambda: MLP([2, 1], [], seed=0),
    "tanh-sigmoid": lambda: MLP([2, 8, 1], "tanh", seed=1),
    "relu-softmax": lambda: MLP([2, 6, 5, 3], ["relu", "leaky_relu"], seed=2),
    "features": lambda: MLP([3, 4, 2], "sigmoid", seed=3, features=["x1", "x2", "x1*x2"]),
    "no-features": lambda: MLP([5, 3, 1], "linear", seed=4),
}


def trained_looking(net: MLP) -> MLP:
    """Non-zero biases and awkward values, so a round trip has work to do."""
    rng = np.random.default_rng(42)
    scale = 10.0 ** rng.integers(-8, 3, net.theta.size)
    net.theta[:] = rng.normal(0.0, 1.0, net.theta.size) * scale
    net.theta[0] = 0.1
    net.theta[-1] = -0.0
    return net


def inputs_for(net: MLP) -> np.ndarray:
    return np.random.default_rng(7).uniform(-6, 6, size=(net.layer_sizes[0], 300))


def document(net: MLP) -> dict:
    """What a .json weights file holds for ``net``, as Python values."""
    doc = {"meta": weights_meta(net)}
    doc.update({name: value.tolist() for name, value in net.params.items()})
    return doc


def write_json(path, doc) -> None:
    path.write_text(json.dumps(doc), encoding="utf-8")


def write_npz(path, meta, arrays) -> None:
    np.savez(path, meta=np.array(json.dumps(meta)), **arrays)


def write_file(path, doc) -> None:
    """Write ``doc`` (as from ``document``) in the format of path's suffix."""
    if path.suffix == ".json":
        write_json(path, doc)
    else:
        arrays = {k: np.asarray(v) for k, v in doc.items() if k != "meta"}
        write_npz(path, doc["meta"], arrays)


def load_error(path) -> WeightsFileError:
    with pytest.raises(WeightsFileError) as info:
        load_weights(path)
    assert str(info.value).startswith(f"{path}: ")
    return info.value


# -- round trips --------------------------------------------------------------


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("make", NETWORKS.values(), ids=NETWORKS.keys())
def test_round_trip_gives_identical_predictions(tmp_path, make, suffix):
    net = trained_looking(make())
    save_weights(net, tmp_path / f"net{suffix}")
    loaded = load_weights(tmp_path / f"net{suffix}")
    X = inputs_for(net)
    assert np.array_equal(loaded.predict_proba(X), net.predict_proba(X))
    assert np.array_equal(loaded.predict(X), net.predict(X))


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("make", NETWORKS.values(), ids=NETWORKS.keys())
def test_round_trip_gives_bit_identical_parameters(tmp_path, make, suffix):
    net = trained_looking(make())
    save_weights(net, tmp_path / f"net{suffix}")
    loaded = load_weights(tmp_path / f"net{suffix}")
    assert loaded.theta.tobytes() == net.theta.tobytes()
    for name, value in net.params.items():
        assert np.array_equal(loaded.params[name], value)


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("make", NETWORKS.values(), ids=NETWORKS.keys())
def test_round_trip_keeps_the_architecture(tmp_path, make, suffix):
    net = make()
    save_weights(net, tmp_path / f"net{suffix}")
    loaded = load_weights(tmp_path / f"net{suffix}")
    assert loaded.layer_sizes == net.layer_sizes
    assert loaded.activation_names == net.activation_names
    assert loaded.output_kind.name == net.output_kind.name
    assert loaded.features == net.features


@pytest.mark.parametrize("name", ["net.NPZ", "net.Json", "net.JSON", "my.model.npz"])
def test_the_suffix_is_matched_without_regard_to_case(tmp_path, name):
    net = trained_looking(MLP([2, 3, 1]))
    save_weights(net, tmp_path / name)
    assert load_weights(str(tmp_path / name)).theta.tobytes() == net.theta.tobytes()


def test_saving_again_replaces_the_file(tmp_path):
    save_weights(MLP([2, 3, 1], seed=0), tmp_path / "net.json")
    second = MLP([2, 5, 4], seed=1)
    save_weights(second, tmp_path / "net.json")
    assert load_weights(tmp_path / "net.json").layer_sizes == (2, 5, 4)


# -- what the files hold -------------------------------------------------------


def test_meta_describes_the_network():
    net = MLP([3, 4, 5, 2], ["relu", "tanh"], features=["x1", "x2", "sin(x1)"])
    assert weights_meta(net) == {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "layer_sizes": [3, 4, 5, 2],
        "activations": ["relu", "tanh"],
        "output": "softmax",
        "features": ["x1", "x2", "sin(x1)"],
    }


def test_meta_features_are_null_for_a_network_without_named_features():
    assert weights_meta(MLP([5, 1]))["features"] is None


def test_meta_is_json_ready():
    meta = weights_meta(MLP([2, 4, 1]))
    assert json.loads(json.dumps(meta)) == meta


def test_npz_holds_float64_parameters_and_meta_as_a_unicode_scalar(tmp_path):
    net = MLP([2, 4, 3], seed=0)
    save_weights(net, tmp_path / "net.npz")
    with np.load(tmp_path / "net.npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == ["W1", "W2", "b1", "b2", "meta"]
        assert npz["meta"].shape == () and npz["meta"].dtype.kind == "U"
        assert json.loads(npz["meta"].item()) == weights_meta(net)
        for name, value in net.params.items():
            assert npz[name].dtype == np.float64
            assert np.array_equal(npz[name], value)


def test_json_holds_meta_and_nested_lists_with_column_biases(tmp_path):
    net = MLP([2, 3, 1], seed=0)
    save_weights(net, tmp_path / "net.json")
    doc = json.loads((tmp_path / "net.json").read_text(encoding="utf-8"))
    assert doc["meta"] == weights_meta(net)
    assert sorted(doc) == ["W1", "W2", "b1", "b2", "meta"]
    assert np.array(doc["W1"]).shape == (3, 2)
    assert doc["b1"] == [[0.0], [0.0], [0.0]]


def test_saving_with_another_suffix_is_refused_and_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match=r"\.npz or \.json"):
        save_weights(MLP([2, 1]), tmp_path / "net.pkl")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_saving_a_network_with_non_finite_parameters_is_refused(tmp_path, bad):
    net = MLP([2, 3, 1], seed=0)
    net.params["b2"][0, 0] = bad
    with pytest.raises(ValueError, match="NaN or infinite"):
        save_weights(net, tmp_path / "net.json")
    assert list(tmp_path.iterdir()) == []


def test_a_refused_save_leaves_the_old_file(tmp_path):
    good = MLP([2, 3, 1], seed=0)
    save_weights(good, tmp_path / "net.npz")
    bad = MLP([2, 3, 1], seed=1)
    bad.theta[0] = np.nan
    with pytest.raises(ValueError):
        save_weights(bad, tmp_path / "net.npz")
    assert load_weights(tmp_path / "net.npz").theta.tobytes() == good.theta.tobytes()


def test_null_features_load_as_the_default_inputs(tmp_path):
    doc = document(MLP([2, 3, 1], seed=0))
    doc["meta"]["features"] = None
    write_json(tmp_path / "net.json", doc)
    assert load_weights(tmp_path / "net.json").features == ("x1", "x2")


def test_integers_in_json_arrays_are_read_as_floats(tmp_path):
    doc = document(MLP([2, 1]))
    doc["W1"] = [[1, -2]]
    write_json(tmp_path / "net.json", doc)
    np.testing.assert_array_equal(load_weights(tmp_path / "net.json").params["W1"], [[1.0, -2.0]])


def test_float32_npz_arrays_are_read_as_float64(tmp_path):
    net = MLP([2, 3, 1], seed=0)
    arrays = {name: value.astype(np.float32) for name, value in net.params.items()}
    write_npz(tmp_path / "net.npz", weights_meta(net), arrays)
    loaded = load_weights(tmp_path / "net.npz")
    assert np.array_equal(loaded.params["W1"], net.params["W1"].astype(np.float32))


# -- files that cannot be read ------------------------------------------------


def test_a_missing_file_is_refused(tmp_path):
    assert load_error(tmp_path / "net.npz").problem == "file not found"


def test_a_directory_is_refused(tmp_path):
    (tmp_path / "net.json").mkdir()
    assert "directory" in load_error(tmp_path / "net.json").problem


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "net.npz"
    with open(path, "wb") as f:
        f.truncate(MAX_WEIGHTS_BYTES + 1)  # sparse: costs no disk space
    problem = load_error(path).problem
    assert f"{MAX_WEIGHTS_BYTES + 1:,} bytes" in problem
    assert "64 MiB" in problem


@pytest.mark.parametrize("name", ["net.pkl", "net.txt", "net", "net.npz.bak"])
def test_an_unknown_suffix_is_refused(tmp_path, name):
    save_weights(MLP([2, 1]), tmp_path / "net.json")
    (tmp_path / "net.json").rename(tmp_path / name)
    assert ".npz or .json" in load_error(tmp_path / name).problem


def test_an_npz_that_is_not_a_zip_archive_is_refused(tmp_path):
    (tmp_path / "net.npz").write_bytes(b"x1,x2,label\n1,2,0\n")
    assert "not a ZIP archive" in load_error(tmp_path / "net.npz").problem


@pytest.mark.parametrize("keep", [0.2, 0.5, 0.9, 0.99])
def test_a_truncated_npz_is_refused(tmp_path, keep):
    save_weights(trained_looking(MLP([2, 8, 8, 1])), tmp_path / "net.npz")
    data = (tmp_path / "net.npz").read_bytes()
    (tmp_path / "net.npz").write_bytes(data[: int(len(data) * keep)])
    assert "damaged" in load_error(tmp_path / "net.npz").problem


def test_an_npz_with_a_corrupted_array_is_refused(tmp_path):
    save_weights(trained_looking(MLP([2, 8, 1])), tmp_path / "net.npz")
    data = bytearray((tmp_path / "net.npz").read_bytes())
    at = data.index(b"W1.npy") + 200  # inside W1's numbers
    data[at] ^= 0xFF
    (tmp_path / "net.npz").write_bytes(bytes(data))
    assert "damaged" in load_error(tmp_path / "net.npz").problem


def test_an_npz_holding_a_pickled_object_array_is_refused(tmp_path):
    net = MLP([2, 1])
    arrays = dict(net.params)
    arrays["W1"] = np.array([[{"evil": True}, 1.0]], dtype=object)
    write_npz(tmp_path / "net.npz", weights_meta(net), arrays)  # np.savez pickles objects
    assert "pickled objects are refused" in load_error(tmp_path / "net.npz").problem


def test_an_npz_with_an_extra_pickled_array_is_refused_as_pickled(tmp_path):
    net = MLP([2, 1])
    arrays = dict(net.params, payload=np.array([print], dtype=object))
    write_npz(tmp_path / "net.npz", weights_meta(net), arrays)
    assert "pickled objects are refused" in load_error(tmp_path / "net.npz").problem


def test_a_pickle_named_npz_is_refused_without_unpickling(tmp_path):
    (tmp_path / "net.npz").write_bytes(pickle.dumps({"W1": [[1.0, 2.0]]}))
    assert "pickled objects are refused" in load_error(tmp_path / "net.npz").problem


def test_a_single_npy_array_named_npz_is_refused(tmp_path):
    np.save(tmp_path / "net.npy", np.zeros(3))
    (tmp_path / "net.npy").rename(tmp_path / "net.npz")
    assert ".npy" in load_error(tmp_path / "net.npz").problem


def test_an_npz_whose_header_claims_a_huge_array_is_refused_without_allocating(tmp_path):
    net = MLP([2, 1])
    npy = io.BytesIO()
    header = {"descr": "<f8", "fortran_order": False, "shape": (10**12, 2)}
    np.lib.format.write_array_header_1_0(npy, header)
    npy.write(np.zeros(2).tobytes())  # the data is far shorter than the header says
    buffer = io.BytesIO()
    write_npz(buffer, weights_meta(net), {"b1": net.params["b1"]})
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("W1.npy", npy.getvalue())
    (tmp_path / "net.npz").write_bytes(buffer.getvalue())
    assert "damaged" in load_error(tmp_path / "net.npz").problem


def test_an_npz_without_meta_is_refused(tmp_path):
    np.savez(tmp_path / "net.npz", **MLP([2, 1]).params)
    assert "no meta" in load_error(tmp_path / "net.npz").problem


def test_an_npz_whose_meta_is_not_text_is_refused(tmp_path):
    np.savez(tmp_path / "net.npz", meta=np.zeros(3), **MLP([2, 1]).params)
    assert "meta entry is not a text string" in load_error(tmp_path / "net.npz").problem


def test_an_npz_whose_meta_is_not_json_is_refused(tmp_path):
    np.savez(tmp_path / "net.npz", meta=np.array("{oops"), **MLP([2, 1]).params)
    assert "not valid JSON" in load_error(tmp_path / "net.npz").problem


def test_an_npz_with_an_entry_that_is_not_an_array_is_refused(tmp_path):
    save_weights(MLP([2, 1]), tmp_path / "net.npz")
    with zipfile.ZipFile(tmp_path / "net.npz", "a") as archive:
        archive.writestr("readme.txt", "hello")
    assert 'unexpected entry "readme.txt"' in load_error(tmp_path / "net.npz").problem


def test_invalid_json_is_refused_naming_the_line(tmp_path):
    (tmp_path / "net.json").write_text('{\n  "meta": {},\n  "W1": [[1, 2]\n}\n')
    error = load_error(tmp_path / "net.json")
    assert error.line == 4
    assert "not valid JSON" in error.problem


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"meta": "cut off', "(Unterminated string starting at column 10)"),
        ('{"meta": }', "(Expecting value at column 10)"),
    ],
)
def test_invalid_json_says_where_in_words(tmp_path, text, said):
    # "(Unterminated string starting at, column 22)" read garbled.
    (tmp_path / "net.json").write_text(text)
    assert load_error(tmp_path / "net.json").problem.endswith(said)


def test_json_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "net.json").write_bytes(b'{"meta": "\xff\xfe"}')
    assert "not UTF-8" in load_error(tmp_path / "net.json").problem


def test_deeply_nested_json_is_refused(tmp_path):
    (tmp_path / "net.json").write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in load_error(tmp_path / "net.json").problem


@pytest.mark.parametrize("top", [[], "weights", 3, None])
def test_json_whose_top_level_is_not_an_object_is_refused(tmp_path, top):
    write_json(tmp_path / "net.json", top)
    assert "one JSON object" in load_error(tmp_path / "net.json").problem


def test_json_without_meta_is_refused(tmp_path):
    doc = document(MLP([2, 1]))
    del doc["meta"]
    write_json(tmp_path / "net.json", doc)
    assert "no meta" in load_error(tmp_path / "net.json").problem


def setting(**values):
    return lambda meta: {**meta, **values}


def without(key):
    return lambda meta: {k: v for k, v in meta.items() if k != key}


# Changes to a valid meta, and words the refusal must contain.
BAD_META = {
    "not-an-object": (lambda meta: ["format"], "meta must be a JSON object"),
    "no-format": (without("format"), f"not a {FORMAT_NAME} file"),
    "wrong-format": (setting(format="keras"), '"keras"'),
    "newer-version": (setting(version=2), "only version 1 is supported"),
    "text-version": (setting(version="1"), "only version 1 is supported"),
    "bool-version": (setting(version=True), "only version 1 is supported"),
    "no-version": (without("version"), "no 'version' entry"),
    "no-layer-sizes": (without("layer_sizes"), "no 'layer_sizes' entry"),
    "no-activations": (without("activations"), "no 'activations' entry"),
    "no-output": (without("output"), "no 'output' entry"),
    "no-features": (without("features"), "no 'features' entry"),
    "sizes-not-list": (setting(layer_sizes="2,3,1"), "layer_sizes must be"),
    "one-size": (setting(layer_sizes=[2]), "at least 2"),
    "zero-size": (setting(layer_sizes=[2, 0, 1]), "from 1 to 4096"),
    "huge-size": (setting(layer_sizes=[2, 4097, 1]), "from 1 to 4096"),
    "float-size": (setting(layer_sizes=[2, 3.0, 1]), "whole numbers"),
    "bool-size": (setting(layer_sizes=[2, True, 1]), "whole numbers"),
    "unknown-activation": (setting(activations=["swish"]), '"swish"'),
    "activation-not-text": (setting(activations=[1]), "unknown activation 1"),
    "activations-not-list": (setting(activations="tanh"), "must be a list"),
    "too-many-activations": (
        setting(activations=["tanh", "tanh"]),
        "2 activations given for 1 hidden layers",
    ),
    "unknown-output": (setting(output="linear"), '"linear"'),
    "output-mismatch": (setting(output="softmax"), "1 output units"),
    "unknown-feature": (setting(features=["x1", "x3"]), "'x3'"),
    "repeated-feature": (setting(features=["x1", "x1"]), "twice"),
    "feature-count": (setting(features=["x1"]), "1 input features"),
    "features-not-list": (setting(features="x1,x2"), "list of names or null"),
}


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize(("change", "words"), BAD_META.values(), ids=BAD_META.keys())
def test_a_bad_meta_is_refused(tmp_path, suffix, change, words):
    doc = document(MLP([2, 3, 1], "tanh"))
    doc["meta"] = change(doc["meta"])
    write_file(tmp_path / f"net{suffix}", doc)
    assert words in load_error(tmp_path / f"net{suffix}").problem


def test_softmax_output_is_required_for_several_output_units(tmp_path):
    doc = document(MLP([2, 3]))
    doc["meta"]["output"] = "sigmoid"
    write_json(tmp_path / "net.json", doc)
    assert "2 or more mean softmax" in load_error(tmp_path / "net.json").problem


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_missing_array_is_refused(tmp_path, suffix):
    doc = document(MLP([2, 3, 1]))
    del doc["b2"]
    write_file(tmp_path / f"net{suffix}", doc)
    assert "has no array b2" in load_error(tmp_path / f"net{suffix}").problem


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_extra_array_is_refused(tmp_path, suffix):
    doc = document(MLP([2, 3, 1]))
    doc["W3"] = [[1.0]]
    write_file(tmp_path / f"net{suffix}", doc)
    assert "unexpected array" in load_error(tmp_path / f"net{suffix}").problem


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_weight_matrix_that_does_not_chain_is_refused(tmp_path, suffix):
    doc = document(MLP([2, 8, 3]))
    doc["W2"] = np.zeros((3, 5)).tolist()
    write_file(tmp_path / f"net{suffix}", doc)
    problem = load_error(tmp_path / f"net{suffix}").problem
    assert problem == "W2 has shape (3, 5) but layers 8 -> 3 need (3, 8)"


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("bias", [[0.0, 0.0, 0.0], [[0.0, 0.0, 0.0]], [[0.0], [0.0]]])
def test_a_bias_of_the_wrong_shape_is_refused(tmp_path, suffix, bias):
    doc = document(MLP([2, 3, 1]))
    doc["b1"] = bias
    write_file(tmp_path / f"net{suffix}", doc)
    problem = load_error(tmp_path / f"net{suffix}").problem
    assert problem.startswith("b1 has shape") and "needs (3, 1)" in problem


@pytest.mark.parametrize(
    "value", [np.array([["a", "b"]]), np.array([[1 + 2j, 0]]), np.array([[True, False]])]
)
def test_npz_arrays_that_are_not_real_numbers_are_refused(tmp_path, value):
    net = MLP([2, 1])
    write_npz(tmp_path / "net.npz", weights_meta(net), dict(net.params, W1=value))
    assert "must be real numbers" in load_error(tmp_path / "net.npz").problem


@pytest.mark.parametrize("item", ["0.5", True, None, {"x": 1}, [1.0]])
def test_json_arrays_holding_something_other_than_numbers_are_refused(tmp_path, item):
    doc = document(MLP([2, 1]))
    doc["W1"] = [[0.5, item]]
    write_json(tmp_path / "net.json", doc)
    assert "not a number" in load_error(tmp_path / "net.json").problem


def test_json_arrays_with_ragged_rows_are_refused(tmp_path):
    doc = document(MLP([2, 2]))
    doc["W1"] = [[1.0, 2.0], [3.0]]
    write_json(tmp_path / "net.json", doc)
    assert "rows of different lengths" in load_error(tmp_path / "net.json").problem


def test_json_numbers_too_large_for_a_float_are_refused(tmp_path):
    doc = document(MLP([2, 1]))
    doc["W1"] = [[10**400, 0]]
    write_json(tmp_path / "net.json", doc)
    assert "too large" in load_error(tmp_path / "net.json").problem


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_parameters_are_refused(tmp_path, suffix, bad):
    doc = document(MLP([2, 3, 1]))
    doc["W2"][0][1] = bad  # json writes NaN / Infinity, which Python reads
    write_file(tmp_path / f"net{suffix}", doc)
    assert "W2 contains NaN or infinite values" in load_error(tmp_path / f"net{suffix}").problem


def test_json_overflowing_to_infinity_is_refused(tmp_path):
    save_weights(MLP([2, 1]), tmp_path / "net.json")
    text = (tmp_path / "net.json").read_text()
    (tmp_path / "net.json").write_text(text.replace('"b1": [\n    [0.0]', '"b1": [\n    [1e999]'))
    assert "b1 contains NaN or infinite values" in load_error(tmp_path / "net.json").problem


def test_a_network_too_large_for_any_file_is_refused_before_allocating(tmp_path):
    doc = document(MLP([2, 1]))
    doc["meta"]["layer_sizes"] = [2] + [4096] * 10 + [1]
    doc["meta"]["activations"] = ["relu"] * 10
    write_json(tmp_path / "net.json", doc)
    assert "parameters" in load_error(tmp_path / "net.json").problem


def test_errors_are_bad_file_errors_without_a_line(tmp_path):
    error = load_error(tmp_path / "net.npz")
    assert isinstance(error, BadFileError) and isinstance(error, ValueError)
    assert error.line is None
    assert str(error) == f"{tmp_path / 'net.npz'}: file not found"


# -- any bytes: a network or a WeightsFileError, nothing else --------------------


@pytest.fixture(scope="module")
def valid_files(tmp_path_factory):
    """Bytes of valid files: {suffix: [bytes, …]}."""
    folder = tmp_path_factory.mktemp("valid")
    files = {suffix: [] for suffix in SUFFIXES}
    for i, make in enumerate(NETWORKS.values()):
        for suffix in SUFFIXES:
            path = folder / f"net{i}{suffix}"
            save_weights(trained_looking(make()), path)
            files[suffix].append(path.read_bytes())
    return files


def load_or_refuse(path) -> None:
    try:
        net = load_weights(path)
    except WeightsFileError as error:
        assert str(error).startswith(f"{path}: ")
        return
    assert isinstance(net, MLP)
    assert np.isfinite(net.theta).all()


@pytest.mark.parametrize("suffix", SUFFIXES)
@given(content=st.binary(max_size=400))
@FUZZ
def test_random_bytes_are_loaded_or_refused_with_a_weights_file_error(tmp_path, suffix, content):
    (tmp_path / f"net{suffix}").write_bytes(content)
    load_or_refuse(tmp_path / f"net{suffix}")


@given(content=st.binary(max_size=300))
@FUZZ
def test_random_bytes_after_a_zip_signature_are_refused_with_a_weights_file_error(
    tmp_path, content
):
    (tmp_path / "net.npz").write_bytes(b"PK\x03\x04" + content)
    load_or_refuse(tmp_path / "net.npz")


@pytest.mark.parametrize("suffix", SUFFIXES)
@given(data=st.data())
@FUZZ
def test_a_valid_file_mangled_is_loaded_or_refused_with_a_weights_file_error(
    tmp_path, valid_files, suffix, data
):
    content = bytearray(data.draw(st.sampled_from(valid_files[suffix])))
    how = data.draw(st.sampled_from(["truncate", "flip", "splice"]))
    if how == "truncate":
        content = content[: data.draw(st.integers(0, len(content)))]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            content[data.draw(st.integers(0, len(content) - 1))] = data.draw(st.integers(0, 255))
    else:
        at = data.draw(st.integers(0, len(content)))
        content[at : at + data.draw(st.integers(0, 30))] = data.draw(st.binary(max_size=30))
    (tmp_path / f"net{suffix}").write_bytes(bytes(content))
    load_or_refuse(tmp_path / f"net{suffix}")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.text(max_size=10)
    | st.sampled_from(["tanh", "relu", "softmax", "sigmoid", "x1", "x2", FORMAT_NAME]),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=20,
)


def json_paths(value, prefix=()):
    """Every place in a JSON value: key/index paths, the value itself first."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_paths(item, (*prefix, index))


def replaced(doc, path, new):
    if not path:
        return new
    container = doc
    for step in path[:-1]:
        container = container[step]
    container[path[-1]] = new
    return doc


@pytest.mark.parametrize("suffix", SUFFIXES)
@given(data=st.data())
@FUZZ
def test_a_valid_document_with_a_value_replaced_is_loaded_or_refused(tmp_path, suffix, data):
    make = data.draw(st.sampled_from(list(NETWORKS.values())))
    doc = document(make())
    places = list(json_paths(doc))
    if suffix == ".npz":
        # The npz keeps arrays as arrays: replace inside meta, or a whole entry.
        places = [p for p in places if len(p) == 1 or (p and p[0] == "meta")]
    place = data.draw(st.sampled_from(places))
    doc = replaced(doc, place, data.draw(JSON_VALUES))
    if suffix == ".json":
        write_json(tmp_path / "net.json", doc)
    else:
        if not isinstance(doc, dict) or "meta" not in doc:
            return
        arrays = {}
        for name, value in doc.items():
            if name != "meta":
                try:
                    arrays[name] = np.array(value)
                except (ValueError, OverflowError):  # ragged, or a huge integer
                    return
                if arrays[name].dtype.hasobject:
                    return  # pickled objects are tested separately
        write_npz(tmp_path / "net.npz", doc["meta"], arrays)
    load_or_refuse(tmp_path / f"net{suffix}")


ANY_ARRAY = hnp.arrays(
    dtype=st.one_of(
        hnp.floating_dtypes(),
        hnp.integer_dtypes(),
        hnp.unsigned_integer_dtypes(),
        hnp.boolean_dtypes(),
        hnp.complex_number_dtypes(),
        hnp.unicode_string_dtypes(max_len=4),
        hnp.byte_string_dtypes(max_len=4),
        hnp.datetime64_dtypes(),
    ),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
)


@given(data=st.data())
@FUZZ
def test_an_npz_with_an_array_replaced_by_any_array_is_loaded_or_refused(tmp_path, data):
    net = MLP([2, 3, 1], seed=0)
    arrays = {"meta": np.array(json.dumps(weights_meta(net))), **net.params}
    name = data.draw(st.sampled_from(sorted(arrays)))
    arrays[name] = data.draw(ANY_ARRAY)
    np.savez(tmp_path / "net.npz", **arrays)
    load_or_refuse(tmp_path / "net.npz")


def test_an_npz_with_a_damaged_central_directory_is_refused(tmp_path):
    save_weights(MLP([2, 3, 1], seed=0), tmp_path / "net.npz")
    data = bytearray((tmp_path / "net.npz").read_bytes())
    end = data.rindex(b"PK\x05\x06")
    data[end + 16 : end + 20] = (2**32 - 1).to_bytes(4, "little")  # central directory offset
    (tmp_path / "net.npz").write_bytes(bytes(data))
    assert "damaged" in load_error(tmp_path / "net.npz").problem
