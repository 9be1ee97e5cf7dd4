"""Write a file so that it is either completely new or untouched.

A crash, a full disk or an exception half-way through a save must never leave
a truncated data or weights file behind: the new contents go to a temporary
file beside the target, are flushed to disk, and only then renamed over it.

Only regular files are replaced: a directory, a device (``/dev/full``), a
FIFO or a socket at the target is refused with ``NotRegularFileError``, since
renaming over it would turn it into a file.

Temporary files are named ``.{name}.bpg-{pid}-{12 hex}.tmp`` (``pid`` is the
writer's process id). A writer killed mid-write (kill -9, a power cut) leaves
its temporary behind, so every write first removes, in the folder it writes
to, the stale temporaries of this pattern: those whose writer process no
longer exists on this machine (POSIX), and any older than
``STALE_SECONDS`` (a reused pid, another machine on a shared folder, or
Windows, where a pid cannot be probed safely). Only our own pattern is ever
removed, only regular files, and only the current user's.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from typing import IO, Any

_MODES = ("w", "wt", "wb")
# A temporary this old is stale whoever wrote it: no save takes 15 minutes.
STALE_SECONDS = 15 * 60
_TEMP_NAME = re.compile(r"\..*\.bpg-([0-9]{1,10})-[0-9a-f]{12}\.tmp", re.ASCII | re.DOTALL)
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegularFileError(FileExistsError):
    """The target exists and is not a regular file, so it is not replaced."""


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
    points to is replaced. Raises ``NotRegularFileError`` (before creating
    anything) when the target exists and is not a regular file.
    """
    if mode not in _MODES:
        raise ValueError(f"atomic_write mode must be one of {', '.join(_MODES)}; got {mode!r}")
    target = os.path.realpath(os.fspath(path))
    check_replaceable(target)
    directory, name = os.path.split(target)
    remove_stale_temporaries(directory)
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


def check_replaceable(path: str | os.PathLike[str]) -> None:
    """Raise ``NotRegularFileError`` if ``path`` (symlinks followed) exists
    and is not a regular file; a missing file or a regular one is fine."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return  # missing (or unreadable): the write itself will say why
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise NotRegularFileError(
        errno.EEXIST, f"it exists and is {kind}, not a regular file; it is not replaced", path
    )


def remove_stale_temporaries(directory: str | os.PathLike[str]) -> list[str]:
    """Remove the stale temporaries of ``atomic_write`` in ``directory`` (see
    the module's docstring for the rule); returns the names removed. Best
    effort: any OS error leaves that file alone."""
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                continue
            old = now - info.st_mtime > STALE_SECONDS
            if old or not _process_exists(int(match.group(1))):
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed


def _process_exists(pid: int) -> bool:
    """Whether a process with this id runs here; True when it cannot be told."""
    if pid == os.getpid():
        return True
    if os.name != "posix" or pid <= 0:
        return True  # os.kill on Windows would terminate the process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process (PermissionError), or unknown
    return True


def _create_temp(directory: str, name: str) -> tuple[int, str]:
    """A new, empty, uniquely named file in ``directory``: (fd, path).

    Created with mode 0o666 so the kernel applies the umask, as ``open`` would
    (``tempfile.mkstemp`` would make it 0o600)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    # Keep the name short enough for every file system's 255-character limit.
    stem = name[:100]
    for _ in range(100):
        temp = os.path.join(directory, f".{stem}.bpg-{os.getpid()}-{secrets.token_hex(6)}.tmp")
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
