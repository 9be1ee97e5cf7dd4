"""Errors for files that cannot be read, and the guarded read they share.

Every reader in the core turns *any* problem with a file's contents into one
of these, so the GUI can catch ``BadFileError`` and show ``str(error)``: one
human line that names the file, the line when there is one, and the problem.
"""

from __future__ import annotations

import os
import stat


class BadFileError(ValueError):
    """A file that cannot be read; ``str()`` is "{path}: line {line}: {problem}",
    or "{path}: {problem}" when the problem is not on one line."""

    def __init__(self, path: str | os.PathLike[str], problem: str, line: int | None = None) -> None:
        self.path = os.fsdecode(os.fspath(path))
        self.problem = problem
        self.line = line
        super().__init__(self._message())

    def _message(self) -> str:
        # One line even if a library's message (quoted in a problem) has several.
        problem = " ".join(self.problem.splitlines())
        if self.line is None:
            return f"{self.path}: {problem}"
        return f"{self.path}: line {self.line}: {problem}"

    def __str__(self) -> str:
        return self._message()

    def __reduce__(self):
        # The default would call cls(message) and lose path, line and problem.
        return (type(self), (self.path, self.problem, self.line))


class DataFileError(BadFileError):
    """A points CSV file that cannot be read."""


class WeightsFileError(BadFileError):
    """A saved-network (weights) file that cannot be read."""


def read_capped(
    path: str | os.PathLike[str], limit: int, error: type[BadFileError], what: str
) -> bytes:
    """The whole file as bytes, or ``error`` for a missing file, a directory,
    anything but a regular file, a file larger than ``limit`` bytes (checked
    before reading) or an OS error. ``what`` names the kind of file, as in
    "the limit for {what} is 64 MiB"."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(path, "file not found") from None
    except OSError as exc:
        raise error(path, f"cannot be opened: {exc.strerror or exc}") from None
    except ValueError:  # e.g. a NUL character in the name
        raise error(path, "is not a valid file name") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(path, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or device could block forever or never end.
        raise error(path, "is not a regular file")
    if info.st_size > limit:
        raise error(path, _too_big(info.st_size, limit, what))
    try:
        with open(path, "rb") as f:
            # Read one byte past the limit: the file may have grown since stat.
            data = f.read(limit + 1)
    except OSError as exc:
        raise error(path, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(path, _too_big(len(data), limit, what))
    return data


def _too_big(size: int, limit: int, what: str) -> str:
    mib = 1024 * 1024
    return (
        f"is too large: {size:,} bytes ({size / mib:.1f} MiB); "
        f"the limit for {what} is {limit:,} bytes ({limit / mib:g} MiB)"
    )
