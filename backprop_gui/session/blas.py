"""How many threads NumPy's BLAS (OpenBLAS) uses in this process.

The app's GUI process makes the decision surface from each frame's θ while
the trainer process trains on the other core (``session.surfaces``). With
OpenBLAS's default of a thread per core, the GUI's matrix products ran on
both cores, and OpenBLAS's threads spin for a while after each product: the
GUI process took 1.35 cores and the trainer lost a third of its speed. One
thread leaves the trainer its core. (The trainer process itself is started
with OPENBLAS_NUM_THREADS=1.)

OpenBLAS reads its environment only as it loads, so this calls its own
``set_num_threads`` in the copy NumPy loaded (a wheel's ``scipy_openblas``).
Where NumPy uses another BLAS, or the library cannot be found, nothing is
changed and the calls say so by returning None.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import threading
from collections.abc import Callable, Iterator
from functools import cache

import numpy as np

# OpenBLAS's symbol names: scipy-openblas wheels prefix them and the 64-bit
# integer builds add a suffix.
_PREFIXES = ("scipy_openblas_", "openblas_")
_SUFFIXES = ("64_", "")


@cache
def _openblas() -> tuple[Callable[[int], None], Callable[[], int]] | None:
    """(set_num_threads, get_num_threads) of NumPy's OpenBLAS, or None."""
    here = os.path.dirname(np.__file__)
    folders = (
        os.path.join(here, "..", "numpy.libs"),  # Linux and Windows wheels
        os.path.join(here, ".dylibs"),  # macOS wheels
        os.path.join(here, ".libs"),
    )
    for folder in folders:
        for path in sorted(glob.glob(os.path.join(folder, "*openblas*"))):
            with contextlib.suppress(OSError):
                lib = ctypes.CDLL(path)  # the copy already loaded: same handle
                for prefix in _PREFIXES:
                    for suffix in _SUFFIXES:
                        setter = getattr(lib, f"{prefix}set_num_threads{suffix}", None)
                        getter = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
                        if setter is not None and getter is not None:
                            setter.argtypes, setter.restype = [ctypes.c_int], None
                            getter.argtypes, getter.restype = [], ctypes.c_int
                            return setter, getter
    return None


def blas_threads() -> int | None:
    """The threads NumPy's OpenBLAS uses now; None when it cannot be told."""
    found = _openblas()
    return None if found is None else int(found[1]())


def set_blas_threads(threads: int) -> int | None:
    """Let NumPy's OpenBLAS use ``threads`` threads from now on; returns how
    many it used before (None, and nothing changed, where it cannot be set)."""
    found = _openblas()
    if found is None:
        return None
    setter, getter = found
    before = int(getter())
    setter(max(1, int(threads)))
    return before


_lock = threading.Lock()
_holders = 0  # how many ``one_thread`` blocks are open
_before: int | None = None  # the count to go back to when the last one ends


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """One BLAS thread while any such block is open, in any thread of this
    process (several windows may each have a worker); the count before the
    first block comes back when the last one ends. Another thread's product
    running meanwhile is not disturbed: OpenBLAS reads the count as each
    product starts, and lowering it then raising it back to what it was
    keeps the threads it started at load."""
    global _holders, _before
    with _lock:
        if _holders == 0:
            _before = set_blas_threads(1)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _before is not None:
                set_blas_threads(_before)
                _before = None
