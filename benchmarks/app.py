"""The live app, offscreen: the real MainWindow, driven as a user would.

Qt is imported here only, and only when the app is measured. Without a
display the app runs on Qt's offscreen platform: it still lays out, paints
every surface update into its backing store and runs the same event loop.

What is measured, in alternating rounds (an app round, then a headless round
on the same network, weights and points), with the app's default network
on its default circle preset:

- training steps per second in the app (from the snapshots the window
  shows) against the same ``Trainer`` run headless in a plain loop;
- surface updates per second: new decision surfaces painted on the
  canvas (a surface the window took in but never painted does not count);
- event-loop lateness: a ``Qt.PreciseTimer`` probe re-armed every
  ``PROBE_MS``; lateness = when it fired − when it was due;
- memory: the resident set size of the app and of its trainer process,
  after a short warm-up and then about once a second to the end;
- time to learn: seconds from clicking Train to a shown train accuracy of at
  least 95 % on the spiral preset, with the network in ``SPIRAL_NETWORK``,
  for three weight seeds, and the same training headless.

``measure_app(trainer="thread")`` measures the alternative design, training
in the worker thread (``BACKPROP_GUI_TRAINER=thread``).
"""

from __future__ import annotations

import gc
import heapq
import math
import os
import random
import statistics
import tempfile
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..core import TrainConfig, Trainer, transform
from .engine import summary

PROBE_MS = 5
RSS_SAMPLE_SECONDS = 1.0
# A good network for the spiral preset (200 points, 10 % noise, 20 % test):
# the raw coordinates and their sines, two tanh layers, Adam.
SPIRAL_NETWORK = {
    "hidden": (16, 16),
    "activation": "tanh",
    "features": ("x1", "x2", "sin(x1)", "sin(x2)"),
    "optimizer": "adam",
    "learning_rate": 0.03,
}
LEARN_TARGET = 0.95


def _prepare_qt() -> None:
    """Offscreen unless a display is available or a platform was chosen."""
    if not any(os.environ.get(k) for k in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")


def rss_bytes(pids: tuple = ("self",)) -> int | None:
    """Resident set size of these processes now, summed, from /proc (Linux);
    None where unavailable."""
    total = 0
    try:
        for pid in pids:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return total


def steal_seconds() -> float | None:
    """CPU time the virtual machine's host has taken from this machine so far,
    summed over its CPUs (``steal`` in /proc/stat, Linux); None where unknown.
    A vCPU that the host deschedules freezes every thread on it."""
    try:
        with open("/proc/stat") as f:
            fields = f.readline().split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; NaN if empty."""
    if not values:
        return math.nan
    return float(np.percentile(np.asarray(values), q))


WORST_TICKS = 5  # the probe ticks that came latest, reported one by one


def lateness_summary(lateness_ms: Sequence[float], ticks: list[Tick] | None = None) -> dict:
    """p50, p99, max and count of a probe's lateness samples (NaN if none);
    with ``ticks``, also the ``WORST_TICKS`` of them that came latest."""
    summary = {
        "p50": percentile(lateness_ms, 50),
        "p99": percentile(lateness_ms, 99),
        "max": max(lateness_ms) if lateness_ms else math.nan,
        "samples": len(lateness_ms),
    }
    if ticks is not None:
        worst = sorted(ticks, key=lambda tick: tick.lateness_ms, reverse=True)[:WORST_TICKS]
        summary["worst"] = [asdict(tick) for tick in worst]
    return summary


@dataclass(frozen=True)
class Tick:
    """One probe interval, from one firing to the next: how late the second
    was, and (Linux) where the time went. The interval is the probe's
    interval plus the lateness."""

    lateness_ms: float
    interval_ms: float
    # CPU time the VM's host took from all of this machine's CPUs meanwhile
    # (steal), counted in whole clock ticks (10 ms where USER_HZ is 100).
    host_steal_ms: float | None
    gui_ran_ms: float | None  # the GUI thread on a CPU
    gui_waited_ms: float | None  # the GUI thread ready to run, waiting for a CPU


class _TickClock:
    """Cumulative host steal (all CPUs) and the calling thread's run and wait
    times, in ms, from Linux's /proc; None where unavailable. One reading
    costs about 25 µs. Make it in the thread to be measured."""

    def __init__(self) -> None:
        self._stat = self._open("/proc/stat")
        self._sched = self._open("/proc/thread-self/schedstat")
        try:
            self._clock_tick_ms = 1e3 / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, AttributeError):
            self._stat = None

    @staticmethod
    def _open(path: str):
        try:
            return open(path, "rb", buffering=0)  # kept open: read at every tick
        except OSError:
            return None

    def read(self) -> tuple[float | None, float | None, float | None]:
        steal = ran = waited = None
        try:
            if self._stat is not None:
                self._stat.seek(0)
                steal = int(self._stat.read(256).split(maxsplit=9)[8]) * self._clock_tick_ms
            if self._sched is not None:
                self._sched.seek(0)
                run_ns, wait_ns, _ = self._sched.read(128).split()
                ran, waited = int(run_ns) / 1e6, int(wait_ns) / 1e6
        except (OSError, ValueError, IndexError):
            pass
        return steal, ran, waited

    def close(self) -> None:
        for f in (self._stat, self._sched):
            if f is not None:
                f.close()


class _Probe:
    """Event-loop lateness: a precise single-shot timer, re-armed on every fire.
    Each fire also reads a ``_TickClock``; the ``WORST_TICKS`` ticks that came
    latest are kept with what the host and the GUI thread did meanwhile
    (``worst_ticks``). The samples are kept compactly (8 bytes each, not a
    Python float and a Tick), so that the probe hardly adds to the memory
    growth the bench measures."""

    def __init__(self, interval_ms: int = PROBE_MS) -> None:
        from PySide6.QtCore import QObject, Qt, QTimer

        self.interval = interval_ms / 1e3
        self.owner = QObject()
        self.timer = QTimer(self.owner)
        self.timer.setTimerType(Qt.PreciseTimer)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._fire)
        self.lateness_ms = array("d")
        self._worst: list[tuple[float, int, Tick]] = []  # a min-heap on lateness
        self.recording = False
        self._due = 0.0
        self._clock: _TickClock | None = None
        self._last: tuple[float, tuple] | None = None  # time and clock of the last fire

    def start(self) -> None:
        self._clock = _TickClock()  # in the GUI thread: it reads this thread's times
        self._last = (time.perf_counter(), self._clock.read())
        self._arm()

    def stop(self) -> None:
        self.timer.stop()
        if self._clock is not None:
            self._clock.close()

    def clear(self) -> None:
        del self.lateness_ms[:]
        self._worst.clear()

    def worst_ticks(self) -> list[Tick]:
        """The ``WORST_TICKS`` ticks that came latest since the last clear, latest first."""
        return [tick for *_, tick in sorted(self._worst, reverse=True)]

    def _arm(self) -> None:
        self._due = time.perf_counter() + self.interval
        self.timer.start(round(self.interval * 1e3))

    def _fire(self) -> None:
        now = time.perf_counter()
        reading = self._clock.read()
        if self.recording:
            late = max(0.0, (now - self._due) * 1e3)
            self.lateness_ms.append(late)
            if len(self._worst) < WORST_TICKS or late > self._worst[0][0]:
                then, before = self._last
                change = [
                    None if b is None or a is None else a - b
                    for a, b in zip(reading, before, strict=True)
                ]
                entry = (late, len(self.lateness_ms), Tick(late, (now - then) * 1e3, *change))
                if len(self._worst) < WORST_TICKS:
                    heapq.heappush(self._worst, entry)
                else:
                    heapq.heapreplace(self._worst, entry)
        self._last = (now, reading)
        self._arm()


def _recorder_class():
    from PySide6.QtCore import QObject, Slot

    class Recorder(QObject):
        """(time, steps, surface id, training) of every snapshot the window got."""

        def __init__(self) -> None:
            super().__init__()
            self.snapshots: list[tuple[float, int, bool, bool]] = []
            self.recording = False
            self._last_surface = None

        @Slot(object)
        def record(self, snap) -> None:
            if self.recording:
                # A surface the window has not drawn before (kept, so that its
                # identity cannot be reused by a later one).
                new = snap.surface is not self._last_surface
                self._last_surface = snap.surface
                self.snapshots.append((time.perf_counter(), snap.steps, new, snap.training))

    return Recorder


def _Recorder():
    return _recorder_class()()


def _surface_paints_class():
    from PySide6.QtCore import QEvent, QObject

    class SurfacePaints(QObject):
        """Times of the canvas's paints that showed a surface not painted before."""

        def __init__(self, canvas) -> None:
            super().__init__()
            self.canvas = canvas
            self.times: list[float] = []
            self.recording = False
            self._last = None
            canvas.viewport().installEventFilter(self)

        def eventFilter(self, obj, event) -> bool:
            if event.type() == QEvent.Paint:
                image = self.canvas.surface.image
                if image is not self._last:
                    self._last = image  # kept, so that its identity cannot be reused
                    if self.recording:
                        self.times.append(time.perf_counter())
            return False

    return SurfacePaints


class _Session:
    """One MainWindow with private settings, and what its snapshots say."""

    def __init__(self, trainer: str = "process") -> None:
        _prepare_qt()
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from ..gui import MainWindow
        from ..gui.worker import TRAINER_ENV

        # The worker reads where to train when it is made.
        os.environ[TRAINER_ENV] = trainer

        self.app = QApplication.instance() or QApplication(["backprop-gui-bench"])
        self.tmp = tempfile.TemporaryDirectory(prefix="backprop-gui-bench-")
        settings = QSettings(str(Path(self.tmp.name) / "settings.ini"), QSettings.IniFormat)
        # The presets draw their seed from Python's random module.
        random.seed(1)
        # A private session folder too: the bench must not touch the user's autosave.
        self.window = MainWindow(settings, Path(self.tmp.name) / "session")
        del os.environ[TRAINER_ENV]
        self.window.resize(1440, 860)
        self.window.show()
        from ..gui.app import freeze_startup_objects

        freeze_startup_objects()  # as the app does when it starts
        self.recorder = _Recorder()
        self.painted = _surface_paints_class()(self.window.canvas)
        # Connected after the window's own slot, so it runs right after the
        # window has taken the snapshot in, in the GUI thread.
        self.window.worker.snapshot.connect(self.recorder.record)
        self.wait(lambda: self.window.snapshot is not None, 10.0)

    @property
    def snapshots(self) -> list:
        return self.recorder.snapshots

    @property
    def recording(self) -> bool:
        return self.recorder.recording

    @recording.setter
    def recording(self, on: bool) -> None:
        self.recorder.recording = on
        self.painted.recording = on

    def pump(self, seconds: float) -> None:
        """Run the event loop for ``seconds``."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(max(0, round(seconds * 1e3)), loop.quit)
        loop.exec()

    def wait(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                return False
            self.pump(0.01)
        return True

    def set_training(self, on: bool) -> None:
        if self.window._training != on:
            self.window.train_button.click()
        # The worker has seen the request once a snapshot echoes it.
        request = self.window._request
        self.wait(
            lambda: (
                (s := self.window.snapshot) is not None
                and s.request >= request
                and s.training == on
            ),
            10.0,
        )

    @property
    def pids(self) -> tuple:
        """This process, and the trainer's when it has one."""
        pid = self.window.worker._trainer.pid
        return ("self",) if pid is None else ("self", pid)

    def headless_trainer(self) -> Trainer:
        """A Trainer on what the window trains: its network, config and points."""
        w = self.window
        spec = w._spec()
        net = spec.build()
        net.theta[:] = w.snapshot.theta
        test = w.model.test_mask(w.canvas.test_ratio)
        config = TrainConfig(record_every=0, **w.training_panel.config())
        return Trainer(
            net,
            transform(w.model.points[:, ~test], spec.features),
            w.model.labels[~test],
            config,
            transform(w.model.points[:, test], spec.features),
            w.model.labels[test],
        )

    def close(self) -> None:
        self.window.close()
        self.pump(0.05)
        self.tmp.cleanup()
        gc.unfreeze()  # the next session's window starts as the app's would


def _headless_rate(trainer: Trainer, seconds: float) -> float:
    """Steps per second of a plain loop of ``trainer.run`` (chunks of ~5 ms)."""
    chunk, steps = 1, 0
    start = time.perf_counter()
    end = start + seconds
    while (now := time.perf_counter()) < end:
        trainer.run(chunk)
        steps += chunk
        elapsed = time.perf_counter() - now
        chunk = max(1, min(chunk * 2, int(chunk * 0.005 / max(elapsed, 1e-9))))
    return steps / (time.perf_counter() - start)


def measure_app(
    rounds: int,
    app_seconds: float,
    headless_seconds: float,
    progress: Callable[[str], None] = lambda _: None,
    trainer: str = "process",
    time_to_learn: bool = True,
) -> dict:
    """The default network on the default circle preset, in the running app,
    training in a process of its own (``trainer="process"``, the app's
    default) or in the worker thread (``"thread"``)."""
    session = _Session(trainer)
    probe = _Probe()
    try:
        w = session.window
        progress(f"app ({trainer}): the default network on the circle preset")
        design = trainer
        app_rates, headless_rates, surface_rates, taken_rates = [], [], [], []
        lateness = array("d")
        ticks: list[Tick] = []  # each round's worst
        rss: list[tuple[float, int]] = []
        rss_start = None
        probe.start()
        t_first = None
        stolen, recorded = 0.0, 0.0
        for k in range(rounds):
            session.snapshots.clear()
            session.painted.times.clear()
            session.recording = True
            session.set_training(True)
            probe.recording = True
            steal_start = steal_seconds()
            start = time.perf_counter()
            t_first = t_first if t_first is not None else start
            next_sample = start
            sample_every = min(RSS_SAMPLE_SECONDS, app_seconds / 10)
            while (now := time.perf_counter()) < start + app_seconds:
                if now >= next_sample:
                    value = rss_bytes(session.pids)
                    if value is not None:
                        if rss_start is None and now - t_first >= min(2.0, app_seconds / 4):
                            rss_start = (now - t_first, value)
                        rss.append((now - t_first, value))
                    next_sample += sample_every
                session.pump(0.05)
            probe.recording = False
            session.recording = False
            steal_end = steal_seconds()
            if steal_start is not None and steal_end is not None:
                stolen += steal_end - steal_start
                recorded += time.perf_counter() - start
            training = [s for s in session.snapshots if s[3]]
            if len(training) >= 2:
                (t0, s0, *_), (t1, s1, *_) = training[0], training[-1]
                app_rates.append((s1 - s0) / (t1 - t0))
                painted = sum(1 for t in session.painted.times if t0 < t <= t1)
                surface_rates.append(painted / (t1 - t0))
                taken = sum(1 for s in training[1:] if s[2])
                taken_rates.append(taken / (t1 - t0))
            lateness.extend(probe.lateness_ms)
            ticks.extend(probe.worst_ticks())
            probe.clear()
            session.set_training(False)
            rate = app_rates[-1] if app_rates else 0.0
            progress(f"app round {k + 1}/{rounds}: {rate:,.0f} steps/s")
            trainer = session.headless_trainer()
            gc.collect()
            headless_rates.append(_headless_rate(trainer, headless_seconds))
        training_seconds = rounds * app_seconds
        end_rss = rss[-1] if rss else None
        growth = None
        if rss_start is not None and end_rss is not None:
            growth = (end_rss[1] - rss_start[1]) / 2**20
        spec = w._spec()
        result = {
            "trainer": "process" if not w.worker.in_process else "thread",
            "network": [len(spec.features), *spec.hidden, 1],
            "activation": spec.activation,
            "config": w.training_panel.config(),
            "n_train": int(w.snapshot.n_train),
            "n_points": len(w.model),
            "rounds": rounds,
            "app_seconds_per_round": app_seconds,
            "headless_seconds_per_round": headless_seconds,
            "steps_per_second": {
                "app": summary(app_rates),
                "headless": summary(headless_rates),
            },
            "app_over_headless": _ratio(app_rates, headless_rates),
            "surface_updates_per_second": summary(surface_rates),
            "surfaces_received_per_second": summary(taken_rates),
            "lateness_ms": {**lateness_summary(lateness, ticks), "probe_interval_ms": PROBE_MS},
            # Of all CPUs' time while the app was measured, the share the host took.
            "machine_steal_percent": (
                100.0 * stolen / (recorded * (os.cpu_count() or 1)) if recorded else None
            ),
            "memory": {
                "training_seconds": training_seconds,
                "rss_start_mib": None if rss_start is None else rss_start[1] / 2**20,
                "rss_end_mib": None if end_rss is None else end_rss[1] / 2**20,
                "growth_mib": growth,
                "growth_mib_per_5_minutes": (
                    None
                    if growth is None
                    else growth * 300.0 / max(training_seconds - rss_start[0], 1e-9)
                ),
            },
        }
        if time_to_learn:
            progress(f"app ({design}): time to learn the spiral")
            result["time_to_learn"] = _time_to_learn(session)
        return result
    finally:
        probe.stop()
        session.close()


def _ratio(a: list[float], b: list[float]) -> float:
    if not a or not b:
        return math.nan
    return statistics.median(a) / statistics.median(b)


def _time_to_learn(session: _Session, timeout: float = 60.0, runs: int = 3) -> dict:
    """Seconds from pressing Train to a shown train accuracy ≥ 95 % on the
    spiral preset, for ``runs`` fresh weight seeds; the same network headless."""
    w = session.window
    net = SPIRAL_NETWORK
    w.data_panel.preset.setCurrentText("spiral")
    w.data_panel.regenerate.click()
    for name, box in w.network_panel.features.items():
        box.setChecked(name in net["features"])
    w.network_panel.set_hidden(net["hidden"])
    w.network_panel.activation.setCurrentText(net["activation"])
    w.training_panel.optimizer.setCurrentText(net["optimizer"])
    w.training_panel.set_learning_rate(net["learning_rate"])
    seconds, steps, headless = [], [], []
    for run in range(runs):
        w.training_panel.seed.setValue(run)
        wanted = w._spec()
        session.wait(
            lambda wanted=wanted: (
                w.snapshot.spec == wanted and w.snapshot.steps == 0 and not w.snapshot.training
            ),
            10.0,
        )
        start = time.perf_counter()
        w.train_button.click()
        learned = session.wait(
            lambda: (
                w.snapshot.training
                and w.snapshot.evaluation is not None
                and w.snapshot.evaluation.train_accuracy >= LEARN_TARGET
            ),
            timeout,
        )
        elapsed = time.perf_counter() - start
        seconds.append(elapsed if learned else math.inf)
        steps.append(w.snapshot.steps)
        session.set_training(False)
        headless.append(_headless_time_to_learn(session, run))
        w.reset_button.click()
    return {
        "network": [len(wanted.features), *wanted.hidden, 1],
        "features": list(wanted.features),
        "activation": wanted.activation,
        "optimizer": net["optimizer"],
        "learning_rate": net["learning_rate"],
        "n_train": int(w.snapshot.n_train),
        "target_accuracy": LEARN_TARGET,
        "seeds": list(range(runs)),
        "app_seconds": seconds,
        "app_steps": steps,
        "headless_seconds": [h[0] for h in headless],
        "headless_steps": [h[1] for h in headless],
        "median_app_seconds": statistics.median(seconds),
        "median_headless_seconds": statistics.median(h[0] for h in headless),
    }


def _headless_time_to_learn(session: _Session, seed: int, limit: float = 60.0):
    """The same seed and points without the app: (seconds, steps), checking
    the train accuracy every 20 steps."""
    w = session.window
    spec = w._spec()
    trainer = session.headless_trainer()
    trainer.net.theta[:] = spec.build().theta  # from the start, like Reset
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        trainer.run(20)
        if trainer.evaluate().train_accuracy >= LEARN_TARGET:
            return time.perf_counter() - start, trainer.step_count
    return math.inf, trainer.step_count
