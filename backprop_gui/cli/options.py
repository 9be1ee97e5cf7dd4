"""Reading option values: numbers in ASCII decimal notation only (see
``core.numbers``), ranges from the one limits table ``session.LIMITS``, and
the lists of layer sizes, activations and features."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..core import ACTIVATIONS
from ..core.atomic import NotRegularFileError, check_replaceable
from ..core.features import check_feature_names
from ..core.numbers import parse_float, parse_int
from ..session import LIMITS
from .base import UsageError, check

STDOUT = "-"  # --out - writes to standard output


def integer(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: a decimal integer in low..high (no upper bound
    when high is None), else a one-line error."""
    span = f"{low}..{high:,}" if high is not None else f">= {low}"

    def read(text: str) -> int:
        try:
            value = parse_int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a decimal integer ({span}); got {_show(text)}"
            ) from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be in {span}; got {_show(text)}")
        return value

    read.__name__ = "integer"
    return read


def real(text: str) -> float:
    """An argparse ``type``: a number in ASCII decimal notation. Its range,
    and that it is finite, each command checks with a message of its own."""
    try:
        return parse_float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a decimal number like 0.03 or 1e-3; got {_show(text)}"
        ) from None


def finite(value: float) -> bool:
    return math.isfinite(value)


def parse_names(text: str, option: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(","))
    check(all(names), f"{option}: empty name in {text!r}")
    return names


def parse_layers(text: str) -> tuple[int, ...]:
    """Hidden sizes from text: "8,8" → (8, 8), "" → () (no hidden layer).

    Raises UsageError for anything else or sizes beyond ``LIMITS``."""
    if not text.strip():
        return ()
    sizes = []
    for part in text.split(","):
        try:
            sizes.append(parse_int(part.strip()))
        except ValueError:
            raise UsageError(
                f'--layers must be comma-separated decimal integers like 8,8 (or ""); got {text!r}'
            ) from None
    reason = LIMITS.check_hidden(sizes)
    check(reason is None, f"--layers: {reason}")
    return tuple(sizes)


def check_activations(names: Sequence[str]) -> None:
    for name in names:
        check(
            name in ACTIVATIONS,
            f"--activation: unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}",
        )


def parse_activations(text: str, n_hidden: int) -> tuple[str, ...]:
    """One name for every hidden layer, or one per hidden layer."""
    names = parse_names(text, "--activation")
    check_activations(names)
    if len(names) == 1:
        return names * n_hidden
    check(
        len(names) == n_hidden,
        f"--activation: {len(names)} names given for {n_hidden} hidden layers "
        "(give one name, or one per hidden layer)",
    )
    return names


def parse_features(text: str) -> tuple[str, ...]:
    try:
        return check_feature_names(parse_names(text, "--features"))
    except ValueError as exc:
        raise UsageError(f"--features: {exc}") from None


def check_output_path(path: str, option: str, suffixes: Sequence[str] | None = None) -> Path | None:
    """Reject an output path before any work: wrong suffix, missing or
    unwritable directory, or something other than a regular file in place of
    the file (a directory, a device, a FIFO). None for "-" (standard output)
    when there is no suffix rule."""
    if path == STDOUT and suffixes is None:
        return None
    out = Path(path)
    if suffixes is not None:
        check(
            out.suffix.lower() in suffixes,
            f"{option} must end in {' or '.join(suffixes)}; got {path!r}",
        )
    try:
        check_replaceable(out)
    except NotRegularFileError as exc:
        hint = f" (use {option} - for standard output)" if suffixes is None else ""
        raise UsageError(f"{option}: {path!r}: {exc.strerror}{hint}") from None
    parent = out.parent if str(out.parent) else Path(".")
    check(parent.is_dir(), f"{option}: directory {str(parent)!r} does not exist")
    check(os.access(parent, os.W_OK), f"{option}: directory {str(parent)!r} is not writable")
    return out


def _show(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")
