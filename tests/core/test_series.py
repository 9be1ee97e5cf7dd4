"""A decimating series keeps memory flat, its shape, and the newest point."""

import numpy as np

from backprop_gui.core.series import DecimatingSeries


def test_short_series_keeps_every_point():
    s = DecimatingSeries(capacity=10)
    for i in range(7):
        s.append(i, i * 2.0, -i)
    assert s.x.tolist() == list(range(7))
    assert s.y(1).tolist() == [-i for i in range(7)]


def test_long_series_stays_within_capacity_and_spans_the_whole_run():
    s = DecimatingSeries(capacity=100)
    for i in range(100_000):
        s.append(float(i), np.exp(-i / 10_000))
    assert len(s) <= 101
    assert s.x[0] == 0.0 and s.x[-1] == 99_999.0
    assert np.all(np.diff(s.x) > 0)
    # Decimation keeps the curve: every kept y is the value at its x.
    np.testing.assert_allclose(s.y(), np.exp(-s.x / 10_000))


def test_clear_empties_it():
    s = DecimatingSeries(capacity=10)
    s.append(1.0, 2.0)
    s.clear()
    assert len(s) == 0
