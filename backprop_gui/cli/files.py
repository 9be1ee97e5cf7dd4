"""Reading and writing files for the commands: every problem becomes one
``UsageError`` line (exit status 2) that names the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..core.atomic import atomic_write
from ..core.errors import BadFileError
from .base import UsageError

T = TypeVar("T")


def guarded(function: Callable[..., T], *args: object, what: str = "", **kwargs: object) -> T:
    """Call a file reader or writer; its BadFileError, ValueError or OSError
    becomes a UsageError (one line, exit status 2)."""
    try:
        return function(*args, **kwargs)
    except (BadFileError, ValueError, OSError) as exc:
        detail = str(exc)
        if isinstance(exc, OSError) and exc.strerror:
            # "[Errno 13] Permission denied: 'x'" → "Permission denied" (+ the
            # file name when ``what`` does not already give it).
            name = f": {exc.filename!r}" if exc.filename and not what else ""
            detail = exc.strerror + name
        raise UsageError(what + detail) from None


def write_text(path: Path, text: str) -> None:
    """Write ``text`` atomically; newline="\\n": the same bytes on every platform."""
    with atomic_write(path, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)
