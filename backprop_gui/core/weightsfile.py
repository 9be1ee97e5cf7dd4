"""Save a trained network and load it back, as .npz or as .json.

Both formats hold the same things: a ``meta`` description of the network
(see ``weights_meta``) and one array per parameter, W1 (n_1, n_0), b1 (n_1, 1),
…, WL, bL, as float64. In .npz, ``meta`` is a 0-d unicode array holding the
meta as JSON text; in .json the file is one object::

    {"meta": {"format": "backprop-gui-weights", "version": 1, ...},
     "W1": [[...], ...], "b1": [[...], ...], ...}

A loaded network predicts bit for bit what the saved one did. Loading treats
the file as untrusted: whatever its bytes, the only exception is
``WeightsFileError``, and pickled objects are never unpickled.
"""

from __future__ import annotations

import codecs
import io
import itertools
import json
import math
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib import format as npy_format

from .activations import ACTIVATIONS
from .atomic import atomic_write
from .errors import WeightsFileError, read_capped
from .features import check_feature_names
from .network import MAX_LAYER_WIDTH, MLP
from .outputs import OUTPUT_KINDS, output_kind_for

FORMAT_NAME = "backprop-gui-weights"
FORMAT_VERSION = 1
MAX_WEIGHTS_BYTES = 64 * 1024 * 1024
# As many float64 parameters as fit in the size limit. A meta describing a
# bigger network is refused before any array is read.
MAX_PARAMETERS = MAX_WEIGHTS_BYTES // 8
SUFFIXES = (".npz", ".json")
# A ZIP archive starts with a local file header, or is empty (end record).
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
META_KEYS = ("format", "version", "layer_sizes", "activations", "output", "features")

PathLike = str | os.PathLike[str]
# Loads one named array from the file, given the shape the meta says it has.
ArrayLoader = Callable[[str, tuple[int, int]], np.ndarray]
# Why a network of these layer sizes is refused, or None.
SizeCheck = Callable[[list[int]], "str | None"]


def weights_meta(net: MLP) -> dict[str, Any]:
    """The description of ``net`` that is saved with its parameters (JSON-ready)."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "layer_sizes": list(net.layer_sizes),
        "activations": list(net.activation_names),
        "output": net.output_kind.name,
        "features": None if net.features is None else list(net.features),
    }


def save_weights(net: MLP, path: PathLike) -> None:
    """Save ``net`` to ``path``: .npz or .json by the suffix (any case).

    Raises ValueError for another suffix or a network with NaN or infinite
    parameters; the write is atomic, so a failed save leaves any old file.
    """
    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"a weights file name must end in .npz or .json; got {os.fspath(path)!r}")
    if not np.isfinite(net.theta).all():
        raise ValueError("the network has NaN or infinite parameters, which cannot be saved")
    meta = weights_meta(net)
    arrays = {name: np.array(net.params[name], dtype=np.float64) for name in _param_order(net.L)}
    if suffix == ".npz":
        buffer = io.BytesIO()
        # meta as a 0-d unicode array: readable with allow_pickle=False.
        np.savez(buffer, meta=np.array(json.dumps(meta)), **arrays)
        with atomic_write(path, "wb") as f:
            f.write(buffer.getvalue())
    else:
        with atomic_write(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(_json_text(meta, arrays))


def load_weights(path: PathLike, check_sizes: SizeCheck | None = None) -> MLP:
    """The network saved in ``path`` (.npz or .json), or WeightsFileError
    saying what is wrong with the file; never any other exception.

    ``check_sizes(layer_sizes)`` is called once the meta is read, before any
    array is: a reason (str) refuses the network as too large for the caller
    (e.g. the app's limits, ``session.LIMITS.check_network``), None accepts it.
    """
    data = read_capped(path, MAX_WEIGHTS_BYTES, WeightsFileError, "weights files")
    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix == ".npz":
        with _open_npz(path, data) as npz:
            meta, names, load = _npz_contents(path, npz, check_sizes)
            return _build(path, meta, names, load, None)  # checked, before the headers
    if suffix == ".json":
        meta, names, load = _json_contents(path, data)
        return _build(path, meta, names, load, check_sizes)
    raise WeightsFileError(path, "is not a weights file: the name must end in .npz or .json")


# -- the network described by meta + arrays ---------------------------------


def _param_order(n_layers: int) -> list[str]:
    return [f"{kind}{l}" for l in range(1, n_layers + 1) for kind in ("W", "b")]


def _build(
    path: PathLike, meta: Any, names: list[str], load: ArrayLoader, check_sizes: SizeCheck | None
) -> MLP:
    """Check meta, then the set of arrays, then each array; make the MLP."""
    sizes, activations, features = _check_meta(path, meta)
    _check_sizes(path, meta, check_sizes)
    n_params = sum(n * (m + 1) for m, n in itertools.pairwise(sizes))
    if n_params > MAX_PARAMETERS:
        raise WeightsFileError(
            path,
            f"describes a network with {n_params:,} parameters; "
            f"a weights file holds at most {MAX_PARAMETERS:,}",
        )
    expected = _param_order(len(sizes) - 1)
    extra = sorted(set(names) - set(expected))
    if extra:
        raise WeightsFileError(
            path,
            f"has an unexpected array {_show(extra[0])}; layers {sizes} need {', '.join(expected)}",
        )
    missing = [name for name in expected if name not in names]
    if missing:
        raise WeightsFileError(
            path, f"has no array {missing[0]}; layers {sizes} need {', '.join(expected)}"
        )
    values = {}
    for name in expected:
        l = int(name[1:])
        shape = (sizes[l], sizes[l - 1]) if name[0] == "W" else (sizes[l], 1)
        array = load(name, shape)
        if not np.isfinite(array).all():
            raise WeightsFileError(path, f"{name} contains NaN or infinite values")
        values[name] = array
    try:
        net = MLP(sizes, activations, features=features)
    except ValueError as exc:  # _check_meta should have caught everything
        raise WeightsFileError(path, f"does not describe a valid network: {exc}") from None
    for name, array in values.items():
        net.params[name][...] = array
    return net


def _check_sizes(path: PathLike, meta: Any, check_sizes: SizeCheck | None) -> None:
    """WeightsFileError if ``check_sizes`` refuses the layer sizes in ``meta``."""
    if check_sizes is None:
        return
    sizes = _check_meta(path, meta)[0]
    reason = check_sizes(list(sizes))
    if reason is not None:
        raise WeightsFileError(path, f"the network is too large: {reason}")


def _shape_problem(name: str, shape: tuple[int, ...], expected: tuple[int, int]) -> str:
    """Say which layers the array's shape fails to connect."""
    if name[0] == "W":
        need = f"layers {expected[1]} -> {expected[0]} need {expected}"
    else:
        need = f"layer {name[1:]} with {expected[0]} units needs {expected}"
    return f"{name} has shape {tuple(shape)} but {need}"


def _check_meta(path: PathLike, meta: Any) -> tuple[list[int], list[str], list[str] | None]:
    """(layer_sizes, activations, features) from a valid meta, else WeightsFileError."""

    def bad(problem: str) -> WeightsFileError:
        return WeightsFileError(path, problem)

    if not isinstance(meta, dict):
        raise bad(f"meta must be a JSON object; found {_json_type(meta)}")
    name = meta.get("format")
    if name != FORMAT_NAME:
        found = "meta has no format name" if name is None else f"its format is {_show(name)}"
        raise bad(f"is not a {FORMAT_NAME} file ({found})")
    for key in META_KEYS:
        if key not in meta:
            raise bad(f"meta has no {key!r} entry")
    version = meta["version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise bad(
            f"has weights format version {_show(version)}; "
            f"only version {FORMAT_VERSION} is supported"
        )

    sizes = meta["layer_sizes"]
    if not (
        isinstance(sizes, list)
        and len(sizes) >= 2
        and all(type(n) is int and 1 <= n <= MAX_LAYER_WIDTH for n in sizes)
    ):
        raise bad(
            "layer_sizes must be a list of at least 2 whole numbers from 1 to "
            f"{MAX_LAYER_WIDTH}; found {_show(sizes)}"
        )

    activations = meta["activations"]
    n_hidden = len(sizes) - 2
    if not isinstance(activations, list):
        raise bad(f"activations must be a list of names; found {_show(activations)}")
    for activation in activations:
        if not (isinstance(activation, str) and activation in ACTIVATIONS):
            raise bad(f"unknown activation {_show(activation)}; known: {', '.join(ACTIVATIONS)}")
    if len(activations) != n_hidden:
        raise bad(f"{len(activations)} activations given for {n_hidden} hidden layers")

    output = meta["output"]
    wanted = output_kind_for(sizes[-1]).name
    if not (isinstance(output, str) and output in OUTPUT_KINDS):
        raise bad(f"unknown output {_show(output)}; known: {', '.join(OUTPUT_KINDS)}")
    if output != wanted:
        raise bad(
            f"output {output!r} does not match {sizes[-1]} output units "
            "(1 unit means sigmoid, 2 or more mean softmax)"
        )

    features = meta["features"]
    if features is not None:
        if not (isinstance(features, list) and all(isinstance(f, str) for f in features)):
            raise bad(f"features must be a list of names or null; found {_show(features)}")
        try:
            check_feature_names(features)
        except ValueError as exc:
            raise bad(str(exc)) from None
        if len(features) != sizes[0]:
            raise bad(f"{len(features)} input features given for an input layer of {sizes[0]}")
    return sizes, activations, features


# -- .npz -------------------------------------------------------------------


def _open_npz(path: PathLike, data: bytes) -> Any:
    """np.load of the bytes, with allow_pickle=False, as a context manager."""
    # np.load itself would take anything else for a pickle and say so.
    if not data.startswith(_ZIP_MAGIC):
        if data.startswith(npy_format.MAGIC_PREFIX):
            problem = "is a single .npy array, not an .npz archive"
        elif data.startswith(b"\x80"):
            problem = "contains pickled data; pickled objects are refused"
        else:
            problem = "is not an .npz file (it is not a ZIP archive)"
        raise WeightsFileError(path, problem)
    try:
        npz = np.load(io.BytesIO(data), allow_pickle=False)
    except Exception as exc:  # any failure on untrusted bytes
        raise WeightsFileError(
            path, f"is a damaged or truncated .npz archive ({_why(exc)})"
        ) from None
    return npz


def _npz_contents(
    path: PathLike, npz: Any, check_sizes: SizeCheck | None
) -> tuple[Any, list[str], ArrayLoader]:
    """(meta, array names, loader) of an open .npz; headers are checked before
    any data is read, so a header claiming a huge array allocates nothing."""
    try:
        infos = npz.zip.infolist()
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_WEIGHTS_BYTES:
            raise WeightsFileError(
                path, f"unpacks to {unpacked:,} bytes, more than the {MAX_WEIGHTS_BYTES:,} allowed"
            )
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if not info.filename.endswith(".npy"):
                raise WeightsFileError(path, f"has an unexpected entry {_show(info.filename)}")
            key = info.filename[: -len(".npy")]
            if key in members:
                raise WeightsFileError(path, f"has two arrays named {_show(key)}")
            members[key] = info
        if "meta" not in members:
            raise WeightsFileError(path, f"has no meta entry; it is not a {FORMAT_NAME} file")
        shape, dtype = _npy_header(path, npz, members.pop("meta"), "meta")
        if dtype.kind != "U" or shape != ():
            raise WeightsFileError(path, "its meta entry is not a text string")
        text = str(_npz_read(path, npz, "meta").item())
        meta = _parse_json(path, text, "meta entry", with_line=False)
        # Before the other headers: a refused network costs no more reading.
        _check_sizes(path, meta, check_sizes)
        headers = {key: _npy_header(path, npz, info, key) for key, info in members.items()}
    except WeightsFileError:
        raise
    except Exception as exc:  # zipfile/numpy failing on bad bytes
        raise WeightsFileError(path, f"is a damaged .npz archive ({_why(exc)})") from None

    def load(name: str, expected: tuple[int, int]) -> np.ndarray:
        shape, dtype = headers[name]
        if dtype.kind not in "iuf":
            raise WeightsFileError(path, f"{name} has dtype {dtype}; weights must be real numbers")
        if shape != expected:
            raise WeightsFileError(path, _shape_problem(name, shape, expected))
        return _npz_read(path, npz, name).astype(np.float64)

    return meta, list(headers), load


def _npy_header(path: PathLike, npz: Any, info: zipfile.ZipInfo, key: str) -> tuple[Any, Any]:
    """(shape, dtype) from the .npy header of one archive member."""
    with npz.zip.open(info) as f:
        version = npy_format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = npy_format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = npy_format.read_array_header_2_0(f)
        else:
            raise WeightsFileError(path, f"{key} uses .npy format version {version}, not 1 or 2")
    if dtype.hasobject:
        raise WeightsFileError(
            path, f"{key} holds pickled Python objects; pickled objects are refused"
        )
    # Checked before reading: numpy allocates what the header claims.
    if math.prod(shape) * dtype.itemsize > info.file_size:
        problem = f"the array {key} is damaged (it is shorter than its header says)"
        raise WeightsFileError(path, problem)
    return tuple(shape), dtype


def _npz_read(path: PathLike, npz: Any, key: str) -> np.ndarray:
    try:
        return npz[key]
    except Exception as exc:  # truncated data, bad CRC, …
        raise WeightsFileError(path, f"the array {key} is damaged ({_why(exc)})") from None


# -- .json ------------------------------------------------------------------


def _json_text(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> str:
    """One JSON object, one matrix row per line so the file is readable.
    json writes floats with repr, which reads back exactly."""
    entries = [f'  "meta": {json.dumps(meta)}']
    for name, array in arrays.items():
        rows = ",\n".join("    " + json.dumps(row, allow_nan=False) for row in array.tolist())
        entries.append(f'  "{name}": [\n{rows}\n  ]')
    return "{\n" + ",\n".join(entries) + "\n}\n"


def _json_contents(path: PathLike, data: bytes) -> tuple[Any, list[str], ArrayLoader]:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise WeightsFileError(path, "is not UTF-8 text, so it cannot be a .json file") from None
    document = _parse_json(path, text, "file")
    if not isinstance(document, dict):
        problem = f"must hold one JSON object with meta and arrays; found {_json_type(document)}"
        raise WeightsFileError(path, problem)
    if "meta" not in document:
        raise WeightsFileError(path, f"has no meta entry; it is not a {FORMAT_NAME} file")
    names = [name for name in document if name != "meta"]

    def load(name: str, expected: tuple[int, int]) -> np.ndarray:
        return _json_array(path, name, document[name], expected)

    return document["meta"], names, load


def _parse_json(path: PathLike, text: str, what: str, with_line: bool = True) -> Any:
    """json.loads, or WeightsFileError; ``with_line``: the text is the whole
    file, so the error can name the line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # json's messages end "… at" or not: "Unterminated string starting at".
        at = "" if exc.msg.endswith(" at") else " at"
        if with_line:
            problem = f"the {what} is not valid JSON ({exc.msg}{at} column {exc.colno})"
            raise WeightsFileError(path, problem, exc.lineno) from None
        where = f"line {exc.lineno} column {exc.colno}"
        problem = f"the {what} is not valid JSON ({exc.msg}{at} {where})"
        raise WeightsFileError(path, problem) from None
    except RecursionError:
        raise WeightsFileError(path, f"the {what} is JSON nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more than 4300 digits
        raise WeightsFileError(path, f"the {what} is not valid JSON ({_why(exc)})") from None


_NUMBER_TYPES = {int, float}


def _json_array(path: PathLike, name: str, value: Any, expected: tuple[int, int]) -> np.ndarray:
    """A JSON list of rows of numbers as a float64 array of the expected shape."""
    if not isinstance(value, list):
        raise WeightsFileError(path, f"{name} must be a list of rows; found {_json_type(value)}")
    nested = [isinstance(row, list) for row in value]
    if value and all(nested):
        widths = {len(row) for row in value}
        if len(widths) > 1:
            raise WeightsFileError(path, f"{name} has rows of different lengths")
        shape: tuple[int, ...] = (len(value), widths.pop())
    elif not any(nested):
        shape = (len(value),)
    else:
        raise WeightsFileError(path, f"{name} mixes numbers and lists; it must be a list of rows")
    if shape != expected:
        raise WeightsFileError(path, _shape_problem(name, shape, expected))
    for row in value:
        # Exact types: bool is a subclass of int, and numpy would read "1.5" as 1.5.
        if not set(map(type, row)) <= _NUMBER_TYPES:
            item = next(item for item in row if type(item) not in _NUMBER_TYPES)
            raise WeightsFileError(path, f"{name} contains {_show(item)}, which is not a number")
    try:
        return np.array(value, dtype=np.float64)
    except OverflowError:
        raise WeightsFileError(path, f"{name} contains a number too large for a float") from None


# -- messages ---------------------------------------------------------------


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _show(value: Any, limit: int = 60) -> str:
    """A value for a message: JSON-like, and cut short when long."""
    try:
        text = json.dumps(value)
    except Exception:  # e.g. RecursionError for JSON nested just deep enough
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _why(exc: BaseException, limit: int = 120) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
