"""The trainer process's message format, with no pickle: a message is a
length-prefixed JSON header followed by the .npy bytes of its arrays, read
back with allow_pickle=False. So the pipe, like every file the app reads,
carries data only, never code.

Values may be None, bool, int, float (NaN and ±inf included), str, lists,
tuples, dicts with str keys, NumPy arrays of numbers, and the records
TrainConfig, Evaluation, NetworkSpec, Frame, StepCosts, and the inspector's
LayerHealth and ExamplePass.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import fields
from typing import IO, Any

import numpy as np

from ..core import Evaluation, TrainConfig
from ..core.inspect import ExamplePass, LayerHealth
from .frame import Frame
from .specs import NetworkSpec
from .stepcosts import StepCosts

_RECORDS = {
    kind.__name__: kind
    for kind in (TrainConfig, Evaluation, NetworkSpec, Frame, LayerHealth, ExamplePass, StepCosts)
}
_LENGTH = struct.Struct("<Q")


def _encode(value: Any, arrays: list[np.ndarray]) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        arrays.append(value)
        return {"$array": len(arrays) - 1}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, arrays) for v in value]}
    if isinstance(value, list):
        return [_encode(v, arrays) for v in value]
    if isinstance(value, dict):
        return {"$dict": {str(k): _encode(v, arrays) for k, v in value.items()}}
    for name, kind in _RECORDS.items():
        if type(value) is kind:
            # Field by field, one level: a record inside keeps its own type.
            inner = {f.name: _encode(getattr(value, f.name), arrays) for f in fields(value)}
            return {"$" + name: inner}
    raise TypeError(f"cannot send a {type(value).__name__}")


def _decode(value: Any, arrays: list[np.ndarray]) -> Any:
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    if not isinstance(value, dict):
        return value
    ((tag, inner),) = value.items()
    if tag == "$array":
        return arrays[inner]
    if tag == "$tuple":
        return tuple(_decode(v, arrays) for v in inner)
    if tag == "$dict":
        return {k: _decode(v, arrays) for k, v in inner.items()}
    record = _RECORDS[tag[1:]]
    return record(**{k: _decode(v, arrays) for k, v in inner.items()})


def send(stream: IO[bytes], value: Any) -> None:
    arrays: list[np.ndarray] = []
    header = json.dumps({"value": _encode(value, arrays), "arrays": len(arrays)}).encode()
    body = io.BytesIO()
    for array in arrays:
        np.lib.format.write_array(body, np.ascontiguousarray(array), allow_pickle=False)
    stream.write(_LENGTH.pack(len(header)) + header + _LENGTH.pack(body.tell()))
    stream.write(body.getbuffer())
    stream.flush()


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise EOFError("the other side closed the pipe")
    return data


def receive(stream: IO[bytes]) -> Any:
    """The next value; EOFError when the stream has ended."""
    (length,) = _LENGTH.unpack(_read_exactly(stream, _LENGTH.size))
    header = json.loads(_read_exactly(stream, length))
    (size,) = _LENGTH.unpack(_read_exactly(stream, _LENGTH.size))
    # Parsed from memory: on a pipe, read_array would ask for a file position.
    body = io.BytesIO(_read_exactly(stream, size))
    arrays = [np.lib.format.read_array(body, allow_pickle=False) for _ in range(header["arrays"])]
    return _decode(header["value"], arrays)
