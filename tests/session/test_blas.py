"""NumPy's OpenBLAS can be told to use one thread, and back: the app's GUI
process leaves the trainer process its core."""

import numpy as np
import pytest

from backprop_gui.session.blas import blas_threads, one_thread, set_blas_threads


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


def test_nested_holders_give_back_the_count_when_the_last_one_ends():
    before = blas_threads()
    if before is None:
        pytest.skip("NumPy here does not use an OpenBLAS this can reach")
    set_blas_threads(2)
    try:
        first, second = one_thread(), one_thread()  # two windows' workers
        first.__enter__()
        second.__enter__()
        assert blas_threads() == 1
        first.__exit__(None, None, None)  # the first window closes first
        assert blas_threads() == 1  # the second still trains
        second.__exit__(None, None, None)
        assert blas_threads() == 2
    finally:
        set_blas_threads(before)
