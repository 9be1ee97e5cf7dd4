"""NumPy's OpenBLAS can be told to use one thread, and back: the app's GUI
process leaves the trainer process its core."""

import numpy as np
import pytest

from backprop_gui.session.blas import blas_threads, set_blas_threads


def test_one_thread_and_back():
    before = blas_threads()
    if before is None:
        pytest.skip("NumPy here does not use an OpenBLAS this can reach")
    try:
        assert set_blas_threads(1) == before
        assert blas_threads() == 1
        a = np.arange(64.0).reshape(8, 8)
        assert np.array_equal(a @ np.eye(8), a)  # products still work
    finally:
        set_blas_threads(before)
    assert blas_threads() == before
