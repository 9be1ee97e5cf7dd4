"""While training, a throttled panel updates a few times a second, always
ending on the latest frame; paused, at once."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QObject

from backprop_gui.gui.panels.throttle import Throttle


def test_training_frames_are_spaced_out_and_the_latest_is_shown(qtbot):
    shown = []
    owner = QObject()
    throttle = Throttle(owner, shown.append, interval=0.05)
    frames = [SimpleNamespace(training=True, n=k) for k in range(5)]
    for f in frames:
        throttle.offer(f)
    assert shown == [frames[0]]  # the first at once, the rest wait
    qtbot.waitUntil(lambda: len(shown) == 2)
    assert shown[-1] is frames[-1]  # the ones in between are skipped


def test_paused_or_urgent_frames_are_shown_at_once(qtbot):
    shown = []
    owner = QObject()
    throttle = Throttle(owner, shown.append, interval=10.0)
    a, b, c = (SimpleNamespace(training=t) for t in (True, False, True))
    throttle.offer(a)
    throttle.offer(b)
    throttle.offer(c, urgent=True)
    assert shown == [a, b, c]
