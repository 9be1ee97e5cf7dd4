"""Write a file so that it is either completely new or untouched.

A crash, a full disk or an exception half-way through a save must never leave
a truncated data or weights file behind: the new contents go to a temporary
file beside the target, are flushed to disk, and only then renamed over it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from typing import IO, Any

_MODES = ("w", "wt", "wb")


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """Yield a file open for writing; on a clean exit it replaces ``path``.

    ``mode`` is "w" (text, ``encoding`` and ``newline`` as for ``open``) or
    "wb". If the ``with`` body or the final flush raises, the temporary file
    is removed, the exception propagates and ``path`` keeps its old contents
    (or still does not exist). A symlink at ``path`` is kept: the file it
    points to is replaced.
    """
    if mode not in _MODES:
        raise ValueError(f"atomic_write mode must be one of {', '.join(_MODES)}; got {mode!r}")
    target = os.path.realpath(os.fspath(path))
    directory, name = os.path.split(target)
    fd, temp = _create_temp(directory, name)
    try:
        if mode == "wb":
            f = os.fdopen(fd, "wb")
        else:
            f = os.fdopen(fd, "w", encoding=encoding, newline=newline)
    except BaseException:
        # fdopen may already have closed fd while failing.
        with contextlib.suppress(OSError):
            os.close(fd)
        _remove(temp)
        raise
    try:
        with f:
            yield f
            f.flush()
            # Without fsync a crash after the rename can leave an empty file.
            os.fsync(f.fileno())
        _copy_permissions(target, temp)
        os.replace(temp, target)
    except BaseException:
        _remove(temp)
        raise
    _sync_directory(directory)


def _create_temp(directory: str, name: str) -> tuple[int, str]:
    """A new, empty, uniquely named file in ``directory``: (fd, path).

    Created with mode 0o666 so the kernel applies the umask, as ``open`` would
    (``tempfile.mkstemp`` would make it 0o600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    # Keep the name short enough for every file system's 255-character limit.
    stem = name[:100]
    for _ in range(100):
        temp = os.path.join(directory, f".{stem}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file in {directory}")


def _copy_permissions(target: str, temp: str) -> None:
    """Give the new file the old file's permission bits, when there is one."""
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        os.chmod(temp, mode)
    except OSError:
        pass


def _remove(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX only; best effort)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
