"""The live app, offscreen: the real MainWindow, driven as a user would.

The window is opened and driven by ``window.AppSession`` (offscreen
without a display), the event loop timed by ``probe.Probe``; Qt is imported
only when the app is measured.

What is measured, in alternating rounds (an app round, then a headless round
on the same network, weights and points), with the app's default network
on its default circle preset:

- training steps per second in the app (from the frames the window
  shows) against the same ``Trainer`` run headless in a plain loop, with
  and without recording every step's cost; and against the trainer
  process's ``Engine`` alone, making the frames the app received (read from
  them: ``window.frame_work``) as often, which leaves out what the window,
  the pipe and the worker's requests cost;
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

The headless rounds run in this process while the window is open, whose
worker holds OpenBLAS to one thread (``session.blas``): one thread, as in the
app's trainer process (started with OPENBLAS_NUM_THREADS=1).
"""

from __future__ import annotations

import gc
import io
import itertools
import math
import os
import statistics
import time
from array import array
from collections.abc import Callable

from backprop_gui.core import Trainer

from .engine import summary
from .probe import PROBE_MS, Probe, Tick, lateness_summary, rss_bytes, steal_seconds
from .window import AppSession

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


def _making_frames_rate(engine, work: list, per_second: float, seconds: float) -> float:
    """Steps per second of the trainer's own work in the app, without the
    window: ``engine`` makes the frames the app received (``work``, in turn
    from the round's first, as many as ``seconds`` take), ``per_second`` of
    them, each sent into a buffer as the trainer process sends it, and trains
    up to the next one in one call, as the trainer process does at "max".
    A frame's surface is made only where the trainer made it: a trainer
    process sends θ and the app's worker makes the surface meanwhile.
    Left out with the window and the pipe: the worker's requests between
    frames (extra chunks of steps), each a round trip."""
    from backprop_gui.session.wire import send

    if not work or per_second <= 0:
        return math.nan
    sink = io.BytesIO()
    period = 1.0 / per_second
    rate, steps = 1000.0, 0
    start = time.perf_counter()
    end = start + seconds
    for k in itertools.count():
        if (made := time.perf_counter()) >= end:
            break
        job = work[k % len(work)]
        frame = engine.frame(
            job.evaluate, job.exact, inspect=job.inspect or None, surface=job.surface
        )
        sink.seek(0)
        send(sink, ("ok", frame, (engine.trainer.step_count, 0, 0)))
        # The next frame a period after this one began, never sooner: a late
        # one is not caught up with a burst, as in the app.
        before = time.perf_counter()
        chunk = max(1, int(rate * (made + period - before)))
        engine.run(chunk)
        steps += chunk
        rate = chunk / max(time.perf_counter() - before, 1e-9)
    return steps / (time.perf_counter() - start)


def measure_app(
    rounds: int,
    app_seconds: float,
    headless_seconds: float,
    progress: Callable[[str], None] = lambda _: None,
    trainer: str = "process",
    time_to_learn: bool = True,
    inspector: bool = False,
) -> dict:
    """The default network on the default circle preset, in the running app,
    training in a process of its own (``trainer="process"``, the app's
    default) or in the worker thread (``"thread"``). ``inspector``: with the
    network diagram (every unit's map) and the gradient-health panel visible
    (issue #14's speed case)."""
    session = AppSession(trainer)
    probe = Probe()
    try:
        w = session.window
        views = session.show_inspector() if inspector else None
        progress(
            f"app ({trainer}{', inspector' if inspector else ''}): "
            "the default network on the circle preset"
        )
        design = trainer
        app_rates, headless_rates, surface_rates, taken_rates = [], [], [], []
        recording_rates: list[float] = []
        making_frames_rates: list[float] = []
        lateness = array("d")
        ticks: list[Tick] = []  # each round's worst
        rss: list[tuple[float, int]] = []
        rss_start = None
        probe.start()
        t_first = None
        stolen, recorded = 0.0, 0.0
        for k in range(rounds):
            frames_per_second = 0.0
            session.snapshots.clear()
            session.recorder.work.clear()
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
                frames_per_second = (len(training) - 1) / (t1 - t0)
            lateness.extend(probe.lateness_ms)
            ticks.extend(probe.worst_ticks())
            probe.clear()
            session.set_training(False)
            rate = app_rates[-1] if app_rates else 0.0
            progress(f"app round {k + 1}/{rounds}: {rate:,.0f} steps/s")
            trainer = session.headless_trainer()
            gc.collect()
            headless_rates.append(_headless_rate(trainer, headless_seconds))
            # The same, recording every step's cost as the app does (the work
            # the app's curve needs), to say where the difference goes.
            trainer = session.headless_trainer(record_steps=True)
            gc.collect()
            recording_rates.append(_headless_rate(trainer, headless_seconds))
            # Its step log (MiB) must not count as the app's memory growth.
            del trainer
            # The trainer process's own share: the same frames made and sent
            # as often as the window received them, with no window reading.
            engine = session.headless_engine()
            gc.collect()
            rate = _making_frames_rate(
                engine, session.recorder.work, frames_per_second, headless_seconds
            )
            if math.isfinite(rate):  # a round with frames to replay
                making_frames_rates.append(rate)
            del engine
            gc.collect()
        training_seconds = rounds * app_seconds
        end_rss = rss[-1] if rss else None
        growth = None
        if rss_start is not None and end_rss is not None:
            growth = (end_rss[1] - rss_start[1]) / 2**20
        spec = w.snapshot.spec
        result = {
            "trainer": "thread" if w.trainer_pid is None else "process",
            "inspector": views,
            "network": [len(spec.features), *spec.hidden, 1],
            "activation": spec.activation,
            "config": _config(w.snapshot.config),
            "n_train": int(w.snapshot.n_train),
            "n_points": len(w.model),
            "rounds": rounds,
            "app_seconds_per_round": app_seconds,
            "headless_seconds_per_round": headless_seconds,
            "steps_per_second": {
                "app": summary(app_rates),
                "headless": summary(headless_rates),
                "headless_recording": summary(recording_rates),
                "headless_making_frames": summary(making_frames_rates),
            },
            "app_over_headless": _ratio(app_rates, headless_rates),
            "app_over_headless_recording": _ratio(app_rates, recording_rates),
            "app_over_headless_making_frames": _ratio(app_rates, making_frames_rates),
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


def _time_to_learn(session: AppSession, timeout: float = 60.0, runs: int = 3) -> dict:
    """Seconds from pressing Train to a shown train accuracy ≥ 95 % on the
    spiral preset, for ``runs`` fresh weight seeds; the same network headless."""
    w = session.window
    net = SPIRAL_NETWORK
    session.widget("presetCombo").setCurrentText("spiral")
    session.widget("regenerateButton").click()
    for name, box in w.network_panel.features.items():
        box.setChecked(name in net["features"])
    w.network_panel.set_hidden(net["hidden"])
    session.widget("activation").setCurrentText(net["activation"])
    session.widget("optimizer").setCurrentText(net["optimizer"])
    w.training_panel.set_learning_rate(net["learning_rate"])
    seconds, steps, headless = [], [], []
    for run in range(runs):
        session.widget("seed").setValue(run)
        session.wait(
            lambda run=run: (
                _is_spiral_network(w.snapshot, run)
                and w.snapshot.steps == 0
                and not w.snapshot.training
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
    spec = w.snapshot.spec
    return {
        "network": [len(spec.features), *spec.hidden, 1],
        "features": list(spec.features),
        "activation": spec.activation,
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


def _is_spiral_network(frame, seed: int) -> bool:
    """The frame shows ``SPIRAL_NETWORK`` with this weight seed."""
    net, spec, config = SPIRAL_NETWORK, frame.spec, frame.config
    return (
        spec.hidden == net["hidden"]
        and spec.activation == net["activation"]
        and set(spec.features) == set(net["features"])
        and spec.seed == seed
        and config.optimizer == net["optimizer"]
        and math.isclose(config.learning_rate, net["learning_rate"])
    )


def _config(config) -> dict:
    """How the app trains, as the result shows it."""
    return {
        "learning_rate": config.learning_rate,
        "optimizer": config.optimizer,
        "batch_size": config.batch_size,
        "l1": config.l1,
        "l2": config.l2,
    }


def _headless_time_to_learn(session: AppSession, seed: int, limit: float = 60.0):
    """The same seed and points without the app: (seconds, steps), checking
    the train accuracy every 20 steps."""
    trainer = session.headless_trainer()
    # From the start, like Reset: the seed's initial weights.
    trainer.net.theta[:] = session.window.snapshot.spec.build().theta
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        trainer.run(20)
        if trainer.evaluate().train_accuracy >= LEARN_TARGET:
            return time.perf_counter() - start, trainer.step_count
    return math.inf, trainer.step_count
