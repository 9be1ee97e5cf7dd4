"""Regression: PySide6 6.12.0 on CPython 3.11 aborted the process with
"Fatal Python error: bool_dealloc" after ~570 Signal.emit() calls. If the
installed pair is affected, this test kills pytest instead of passing."""

from PySide6.QtCore import QObject, QThread, Signal

N_WORKER, N_MAIN = 5000, 1000


class Emitter(QObject):
    ping = Signal(int, bool, object)
    finished = Signal()

    def storm(self) -> None:
        for i in range(N_WORKER):
            self.ping.emit(i, i % 2 == 0, {"i": i})
        self.finished.emit()


def test_thousands_of_signals_across_a_thread(qtbot):
    received = []
    emitter = Emitter()
    thread = QThread()
    emitter.moveToThread(thread)
    emitter.ping.connect(lambda i, flag, payload: received.append((i, flag, payload["i"])))
    thread.started.connect(emitter.storm)
    try:
        with qtbot.waitSignal(emitter.finished, timeout=30_000):
            thread.start()
        qtbot.waitUntil(lambda: len(received) == N_WORKER, timeout=30_000)
    finally:
        thread.quit()
        thread.wait()
    # Queued across threads, in order, with every argument intact.
    assert received == [(i, i % 2 == 0, i) for i in range(N_WORKER)]


def test_thousands_of_direct_signals_on_the_main_thread(qtbot):
    emitter = Emitter()
    count = []
    emitter.ping.connect(lambda i, flag, payload: count.append(flag))
    for i in range(N_MAIN):
        emitter.ping.emit(i, True, None)
    assert len(count) == N_MAIN
