"""export_weights chooses the format by the suffix; EXPORT_FORMATS lists
them for the window's Export dialog and the export command."""

import numpy as np
import pytest

from backprop_gui.core import load_weights
from backprop_gui.interop import (
    EXPORT_FORMATS,
    EXPORT_SUFFIXES,
    dialog_filters,
    export_format,
    export_weights,
    to_onnx,
    to_script,
)

from .examples import NETWORKS


def test_the_formats_are_the_apps_own_then_onnx_and_the_script():
    assert EXPORT_SUFFIXES == (".npz", ".json", ".onnx", ".py")
    for chosen in EXPORT_FORMATS:
        assert chosen.dialog_filter.endswith(f"(*{chosen.suffix})")
        assert chosen.description and "\n" not in chosen.description
        assert chosen.reopens == (chosen.suffix in (".npz", ".json"))
    assert dialog_filters().split(";;") == [f.dialog_filter for f in EXPORT_FORMATS]
    assert "backprop-gui[onnx]" in export_format("m.onnx").description


@pytest.mark.parametrize("suffix", [".npz", ".json", ".NPZ", ".Json"])
def test_weights_files_reopen_as_the_same_network(suffix, tmp_path):
    net = NETWORKS["squares and sigmoid then linear, five classes"]()
    assert export_weights(net, tmp_path / f"net{suffix}").suffix == suffix.lower()
    back = load_weights(tmp_path / f"net{suffix}")
    np.testing.assert_array_equal(back.theta, net.theta)
    assert back.features == net.features


def test_py_and_onnx_files_hold_what_to_script_and_to_onnx_give(tmp_path):
    pytest.importorskip("onnx")
    net = NETWORKS["tanh, two classes"]()
    assert export_weights(net, tmp_path / "net.py").suffix == ".py"
    assert (tmp_path / "net.py").read_text() == to_script(net, "net.py")
    assert export_weights(net, tmp_path / "Net.ONNX").suffix == ".onnx"
    assert (tmp_path / "Net.ONNX").read_bytes() == to_onnx(net)


def test_an_unknown_suffix_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(ValueError, match=r"must end in .npz, .json, .onnx, .py; got .*net.txt"):
        export_weights(NETWORKS["tanh, two classes"](), tmp_path / "net.txt")
    assert list(tmp_path.iterdir()) == []
