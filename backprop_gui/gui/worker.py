"""The training worker: drives the network from its own QThread.

Design (after Qt's mandelbrot RenderThread):
- The GUI never calls into the worker's objects while it runs. It posts
  changes into a lock-protected mailbox (``post``); the loop applies them
  between chunks of training. Queued slots could not work here: they never
  run while the worker's slot is looping.
- The loop trains in chunks (a few milliseconds in this thread, up to the
  next frame in the trainer process) and checks the stop flag between them.
- It emits immutable ``Frame``s (copies), at most ``MAX_FPS`` per second,
  and only once the GUI has acknowledged the previous one, so the GUI's
  event queue never floods. After a change of network, data or weights it
  shows the result before training on.
- One shutdown path: the window calls ``stop()``, then the thread's
  ``quit()`` and ``wait()``; the loop's end closes the trainer process.
- A trainer process that dies is replaced: ``restart.TrainerRestarts``.

Where training runs (measured with ``python -m benchmarks``, which times both):
the trainer (``session.Engine``: a Trainer and its network) lives in a
child process of its own (``session.RemoteEngine``), and
this thread sends it requests: train up to the next frame (at most
``PROCESS_CHUNK_SECONDS``; when a big network's frames are slower than
``MAX_FPS``, as long as a frame takes, at most ``MAX_SLOW_FRAME_CHUNK``),
compute a frame (evaluation, θ, inspections), and so on; this thread makes
the frame's surface from θ meanwhile (``FrameMaking._with_surface``). At "max"
each frame request also asks for the steps up to the next frame
(``then_run``, see ``_ahead``): the process trains them while this thread
reads the frame and the GUI draws it, and the next loop collects them. Both
threads of the app run Python, and a thread that wants the GIL waits up to
the switch interval for the other to let go: training in this thread made
every one of the many Python calls of a repaint wait, repaints took several
times their own cost, and the app reached about half of the headless
training speed at 30 frames per second, with lateness peaks of 50-80 ms.
In its own process the trainer has a GIL and a core of its own; this thread
holds the GIL only to pass a request or a reply on.

``BACKPROP_GUI_TRAINER=thread`` trains in this thread instead (and so does
the app when the process cannot start). The loop then defers to the GUI: a
``GuiPulse`` in the GUI thread stamps the time every ``PULSE_MS`` while
training; while a snapshot is on its way to the screen or the stamp is
stale (the GUI's event loop is busy), the loop sleeps, the GIL free, for at
most ``MAX_BACKOFF_SECONDS`` at a time.

Speed: at a chosen rate (``post(speed=epochs_per_second)``; None is "max")
the loop trains what ``session.pacing.Pacer`` says is due, whole epochs (or
single steps when an epoch has many steps and the rate is low), and only once
the previous result has been sent, so that at watchable speeds every epoch
(or step) is a frame. Between them it waits on its wake event, which a post,
an acknowledgement or ``stop()`` sets: nothing the GUI needs is held. "max"
trains as described above. Stop conditions (``session.stopping``) end a run
by themselves; they are checked as each frame is made (``frames``).

In both: the switch interval is ``SWITCH_INTERVAL`` (1 ms, not 5) while the
loop runs, so neither thread waits long for the other. While training, the
surface is computed in float32 (three times faster; a still surface is the
exact float64 one), and cost and accuracy are evaluated when the step count
has doubled since the last evaluation (every frame at first, when they change
fast) and otherwise every ``EVALUATION_INTERVAL`` seconds, growing to
``MAX_EVALUATION_INTERVAL`` after 20 s of training; snapshots in
between repeat the last evaluation (its own ``step`` says which). A new
evaluation redraws the cost plot, the costliest thing the window draws.
Paused, or after any change, every snapshot carries a fresh evaluation.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

import numpy as np
from PySide6.QtCore import QObject, Signal

from ..core import DivergenceError, Evaluation, TrainConfig
from ..session import DataSpec, Engine, NetworkSpec, RemoteEngine, RemoteError, blas
from ..session.pacing import DEFAULT_SPEED, Pacer
from ..session.stopping import StopWatch
from ..session.surfaces import SurfaceMaker
from .frames import SURFACE_RESOLUTION, FrameMaking
from .inspect_plan import InspectSchedule
from .paced import (
    MAX_FPS,
    MIN_CHUNK_SECONDS,
    MIN_PROCESS_CHUNK_SECONDS,
    PacedTraining,
)
from .pulse import GuiPulse
from .restart import REPLACES_WEIGHTS, TrainerRestarts

CHUNK_SECONDS = 0.003  # training between looks at the stop flag, mailbox and GUI
# Per request to the trainer process, at most: in practice up to the next frame.
# Each request costs a round trip of about 1 ms; 8 ms chunks lost ~10 % of the speed.
PROCESS_CHUNK_SECONDS = 0.03
MAX_SLOW_FRAME_CHUNK = 0.25  # caps the training after a slow frame (pause waits for it)
IDLE_WAIT = 0.05
PULSE_MS = 2
GUI_BUSY_SECONDS = 0.004  # a pulse older than this: the GUI is busy
GUI_SETTLE_SECONDS = 0.001  # a pulse this long after an acknowledgement: drawn
BACKOFF_SECONDS = 0.001
MAX_BACKOFF_SECONDS = 0.05  # then train anyway: a blocked GUI must not stop training
SWITCH_INTERVAL = 0.001
# A frame this close to due is made now: waiting for it with a chunk of
# training made the frames that much late (30 a second instead of 33).
FRAME_SLACK = 0.002
TRAINER_ENV = "BACKPROP_GUI_TRAINER"  # "thread": train in the worker thread itself


class TrainingWorker(TrainerRestarts, FrameMaking, PacedTraining, QObject):
    snapshot = Signal(object)
    _pulse_wanted = Signal(bool)

    def __init__(self, spec: NetworkSpec | None = None, config: TrainConfig | None = None) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pending: dict[str, object] = {}
        # Posts that replace the weights, counted in the GUI thread: a walk
        # begun before one of them must not apply its step after it.
        self.weights_posted = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._acknowledged = threading.Event()
        self._acknowledged.set()
        self._acknowledged_at = 0.0
        self._spec = spec or NetworkSpec()
        self._config = config or TrainConfig(record_every=0)
        self._data = DataSpec()
        self._training = False
        self._request = 0
        self._generation = 0
        self._message = ""
        self._diverged = False
        self._error = ""
        self._last_good: np.ndarray | None = None
        self._best_cost = np.inf
        self._last_snapshot = None  # the last Frame sent
        self._pacer = Pacer(DEFAULT_SPEED)
        self._stops = StopWatch()
        self._evaluation: Evaluation | None = None
        self._evaluated_at = 0.0
        self._evaluated_steps = 0
        self._training_since = 0.0
        self._stale = True  # something changed since the last evaluation
        self._resumed_at = (0, 0)  # (epoch, steps) the trainer's counters go on from
        self._restarts_unseen = 0  # trainer processes started since the last frame
        self._inspect = InspectSchedule()  # what the inspector's panels want
        # Created here, in the GUI thread, and not a child: it stays there
        # when the worker moves to its own thread.
        self._gui_pulse = GuiPulse(self._wake, PULSE_MS)
        self._pulse_wanted.connect(self._gui_pulse.set_running)
        self._pulse_on = False
        self._rate = 0.0  # training steps per second, as last measured
        self._frame_seconds = (0.0, 0.0)  # how long the last two frames took to make
        self._trainer_frame_seconds = 0.0  # of the last, the trainer's part
        self._surfaces: SurfaceMaker | None = None  # made here, for a trainer process
        self._built: NetworkSpec | None = None
        self._slow_step_said = False
        self._ran_ahead = 0  # steps asked to run after the last frame (``_ahead``)
        # Stamped at every turn of the loop: how long the worker has been in one
        # computation (a big step, a rebuild) is what the window says it is busy.
        self.heartbeat = time.perf_counter()
        # Where training runs: a process of its own unless BACKPROP_GUI_TRAINER
        # says "thread". The process starts now; the network is built by the
        # loop, in the worker thread, so the GUI never waits for it.
        self.in_process = os.environ.get(TRAINER_ENV, "process").strip().lower() == "thread"
        self._trainer: Engine | RemoteEngine = Engine() if self.in_process else RemoteEngine()
        self._show_now = True
        self._generation += 1

    # -- called from the GUI thread ------------------------------------------

    def post(self, **changes: object) -> None:
        """Queue changes for the loop: spec=NetworkSpec, data=DataSpec,
        config=dict of TrainConfig fields, training=bool with request=int
        (echoed in snapshots), step_epochs=int, step_steps=int, reset=True,
        new_run=True (new data: new weights from the seed, counters at 0),
        theta=(NetworkSpec, flat array) with resume=(epoch, steps) to count on
        from and optimizer_state=dict (``Trainer.optimizer_state``'s) to go on
        with, and same_run=True when the run goes on from it (its curve kept),
        restore=True (the last good weights), speed=epochs per second or None
        (max), stop=StopConditions, inspect=dict of ``Engine.inspect`` wishes
        for every frame from now on."""
        if "theta" in changes:  # a θ says itself whether it goes on a run
            changes.setdefault("same_run", False)
        if not changes.get("config", True):
            del changes["config"]  # no fields: nothing to change
        if REPLACES_WEIGHTS & changes.keys():
            self.weights_posted += 1
        with self._lock:
            self._pending = self._merged(self._pending, changes)
        self._wake.set()

    @property
    def trainer_pid(self) -> int | None:
        """The trainer process's id; None when training runs in this thread."""
        return self._trainer.pid

    def acknowledge(self) -> None:
        """The GUI has shown the last snapshot; the next may be sent."""
        self._acknowledged_at = time.perf_counter()
        self._acknowledged.set()
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        # A big network's step can take seconds in the trainer process; the
        # app quits now rather than waiting for it.
        kill = getattr(self._trainer, "kill", None)
        if kill is not None:
            kill()

    # -- the loop, in the worker thread -----------------------------------------

    def run(self) -> None:
        previous = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL)
        try:
            self._start()
            # With a trainer process: one core for the surfaces, one for it.
            with contextlib.nullcontext() if self.in_process else blas.one_thread():
                self._loop()
        finally:
            sys.setswitchinterval(previous)
            self._set_pulse(False)
            self._trainer.close()

    def _start(self) -> None:
        """Build the first network; fall back to training in this thread if the
        trainer process cannot."""
        try:
            self._build(self._spec, new_generation=False)
        except Exception:
            if self.in_process:
                raise
            self._trainer.close()
            self.in_process, self._trainer = True, Engine()
            self._build(self._spec, new_generation=False)
            self._message = "Training in the app's own process: the trainer process did not start."

    def _loop(self) -> None:
        dirty = True
        last_emit = 0.0
        backoff_since: float | None = None
        rate_steps, rate_time = 0, time.perf_counter()
        steps_per_second = 0.0
        while not self._stop.is_set():
            self.heartbeat = time.perf_counter()
            try:
                # The steps the trainer ran after the last frame (``_ahead``).
                dirty |= self._collect_ahead()
                dirty |= self._apply_pending()
                self._set_pulse(self._training and self.in_process)
                if self._training and self._show_now:
                    # Show the change before training on: wait for the GUI.
                    if not self._acknowledged.is_set():
                        self._wake.clear()
                        self._wake.wait(BACKOFF_SECONDS)
                elif self._training and self._pacer.rate is not None:
                    if not dirty:  # the last result is on screen: what is due now?
                        waited = self._train_paced()
                        dirty = waited is None
                        if waited:
                            self._wake.clear()
                            self._wake.wait(min(waited, IDLE_WAIT))
                            continue
                elif self._training:
                    now = time.perf_counter()
                    if (
                        self.in_process
                        and not self._gui_ready(now)
                        and (backoff_since is None or now - backoff_since < MAX_BACKOFF_SECONDS)
                    ):
                        # The GUI is drawing: leave it the GIL until its next pulse.
                        backoff_since = backoff_since or now
                        self._wake.clear()
                        self._wake.wait(BACKOFF_SECONDS)
                    else:
                        backoff_since = None
                        # Up to the next frame, so that frames keep their pace.
                        until_frame = last_emit + 1.0 / MAX_FPS - now
                        if dirty and until_frame <= FRAME_SLACK and self._acknowledged.is_set():
                            # Trained (the steps after the last frame) and the
                            # next is due: make it now rather than after a chunk.
                            seconds = 0.0
                        else:
                            seconds = self._chunk_seconds(until_frame)
                        if seconds:
                            self._train_for(seconds)
                            dirty = True
                elif not dirty:
                    self._wake.wait(IDLE_WAIT)
                    self._wake.clear()
                    continue
            except DivergenceError as exc:
                self._on_divergence(str(exc), getattr(exc, "reason", "non-finite"))
                dirty = True
            except Exception as exc:  # shown to the user, never swallowed
                if self._stop.is_set():
                    break  # the trainer process was stopped on purpose
                self._recover(exc)
                dirty = True

            now = time.perf_counter()
            if not self._training:
                steps_per_second = 0.0
                rate_steps, rate_time = self._trainer.step_count, now
            elif self._trainer.step_count < rate_steps:  # a new network started at 0
                rate_steps, rate_time = self._trainer.step_count, now
            elif now - rate_time >= 0.5:
                steps_per_second = (self._trainer.step_count - rate_steps) / (now - rate_time)
                rate_steps, rate_time = self._trainer.step_count, now
            due = now - last_emit >= 1.0 / MAX_FPS - FRAME_SLACK or self._show_now
            if dirty and self._acknowledged.is_set() and due:
                try:
                    self._emit(steps_per_second)
                except Exception as exc:
                    if self._stop.is_set():
                        break
                    if self._recover(exc):
                        continue  # the new trainer process's first frame is due now
                    # Report with the last frame shown; never retry in a tight loop.
                    self._emit_error()
                    last_emit = now
                    dirty = False
                    continue
                last_emit = now
                dirty = False
            elif dirty and (not self._training or self._pacer.rate is not None):
                # Waiting for the GUI or the frame clock, with nothing else to do.
                wait = 1.0 / MAX_FPS
                if self._acknowledged.is_set():
                    wait = max(min(wait, last_emit + 1.0 / MAX_FPS - now), 0.0005)
                self._wake.wait(wait)
                self._wake.clear()

    def _chunk_seconds(self, until_frame: float) -> float:
        """How long to train before the next frame, due in ``until_frame`` s."""
        chunk = CHUNK_SECONDS if self.in_process else PROCESS_CHUNK_SECONDS
        shortest = MIN_CHUNK_SECONDS if self.in_process else MIN_PROCESS_CHUNK_SECONDS
        seconds = min(chunk, max(until_frame, shortest))
        slow = min(self._frame_seconds)  # both of the last two frames
        if not self.in_process and slow > 1.0 / MAX_FPS:
            # Frames slower than the frame rate (a big network's surface):
            # train about as long as a frame takes, or the app would train
            # one step per frame.
            seconds = max(seconds, min(slow, MAX_SLOW_FRAME_CHUNK))
        return seconds

    def _gui_ready(self, now: float) -> bool:
        """False while a snapshot is on its way to the screen (sent, not yet
        acknowledged, or acknowledged but not yet followed by a pulse, which
        waits for the repaint) and while the pulse is stale."""
        if not self._acknowledged.is_set():
            return False
        stamp = self._gui_pulse.stamp
        return stamp > self._acknowledged_at + GUI_SETTLE_SECONDS and (
            now - stamp <= GUI_BUSY_SECONDS
        )

    def _set_pulse(self, on: bool) -> None:
        if on != self._pulse_on:
            self._pulse_on = on
            self._pulse_wanted.emit(on)

    def _apply_pending(self) -> bool:
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return False
        self._restart_if_dead()  # died while idle: Train must work (if this fails, they go)
        try:
            self._apply(pending)
        except Exception as exc:
            self._requeue_if_died(exc, pending)
            raise
        return True

    def _apply(self, pending: dict) -> None:
        self._stale = True
        if "speed" in pending:
            self._pacer.set_rate(pending["speed"])
        if "stop" in pending:
            self._stops.set(pending["stop"])
        if "data" in pending:  # first: a new network is built with the new points
            self._data = pending["data"]
        if pending.get("new_run"):
            # New data (a preset, a file): a new run, from the seed's weights,
            # with the network that comes with the data (its class count).
            self._build(pending.get("spec", self._spec))
            self._message = f"New data: a new run from seed {self._spec.seed}."
        if "theta" in pending:
            spec, theta = pending["theta"]
            self._build(spec, new_generation=not pending.get("same_run"))
            self._trainer.set_theta(theta)
            if pending.get("optimizer_state"):  # a step walked with momentum or Adam
                # Another optimizer by now (a live child says so as RemoteError):
                # it starts afresh, as after any change of optimizer.
                with contextlib.suppress(ValueError, KeyError, RemoteError):
                    self._trainer.set_optimizer_state(pending["optimizer_state"])
            self._resumed_at = tuple(pending.get("resume", (0, 0)))
            self._last_good = np.array(theta, dtype=np.float64)
            self._best_cost = np.inf
            self._message = ""  # the window says where they came from
        elif "spec" in pending and pending["spec"] != self._spec:
            k, same = pending["spec"].n_classes, pending["spec"].n_classes == self._spec.n_classes
            self._build(pending["spec"])
            changed = "Network changed" if same else f"{k} classes, new output layer"
            self._message = f"{changed}: weights re-initialised."
        if "data" in pending:
            before = max(self._trainer.m, 1)
            self._data = pending["data"]
            self._set_trainer_data()
            # A step's time grows with the points: 200 -> 100,000 must not make
            # the next chunk hundreds of times too long.
            self._rate *= min(1.0, before / max(self._trainer.m, 1))
            self._best_cost = np.inf  # costs on other points do not compare
            self._show_now = True
        if "config" in pending:
            self._config = self._trainer.configure(**pending["config"])
        if "inspect" in pending:
            self._inspect.set(pending["inspect"])
        if pending.get("restore") and self._last_good is not None:
            # The window posts the new learning rate itself, as a config change.
            self._trainer.restore(self._last_good)
            self._diverged = False
        if pending.get("reset"):
            self._build(self._spec)
            self._message = f"Weights re-initialised with seed {self._spec.seed}."
        if "request" in pending:
            self._request = int(pending["request"])
        if "training" in pending:
            was_training = self._training
            self._training = bool(pending["training"]) and self._trainer.m > 0
            if self._training and not was_training:
                self._training_since = time.perf_counter()
                self._pacer.restart()
                epoch = self._trainer.epoch + self._resumed_at[0]
                self._stops.arm(epoch, self._evaluation)  # the one on screen
            if self._training:
                self._diverged = False
                self._error = ""
        if pending.get("step_epochs") or pending.get("step_steps"):
            self._diverged = False
            if self._trainer.m:
                self._trainer.run_epochs(int(pending.get("step_epochs", 0)))
                self._trainer.run(int(pending.get("step_steps", 0)))

    def _build(self, spec: NetworkSpec, new_generation: bool = True) -> None:
        self._spec = spec
        self._show_now = True  # the new network before any training on it
        self._inspect.forget()
        if not self._trainer.alive:  # the trainer process died: a new one
            self._trainer.close()
            self._trainer = RemoteEngine()
        self._trainer.build(
            spec.layer_sizes(),
            spec.activation,
            spec.features,
            spec.seed,
            self._config,
            SURFACE_RESOLUTION,
        )
        self._built = spec  # the trainer's network (if a build fails, the one before)
        self._set_trainer_data()
        self._rate = 0.0  # unknown for this network: start from one step
        self._slow_step_said = False
        self._resumed_at = (0, 0)
        self._generation += new_generation
        self._pacer.restart()
        self._diverged = False
        self._error = ""
        # Even a divergence before the first frame has weights to go back to.
        self._last_good = self._trainer.theta()
        self._best_cost = np.inf

    def _set_trainer_data(self) -> None:
        d = self._data
        # Raw points: the engine computes the input features, as for the surface.
        self._trainer.set_points(d.train_points, d.train_labels, d.test_points, d.test_labels)

    def _on_divergence(self, message: str, reason: str = "non-finite") -> None:
        """Pause, and go back to the last good weights (those of the lowest cost
        seen): the last finite ones can be ~1e50 and useless to train on. A
        cost that exploded ("exploded") has had the trainer put back the
        parameters of its lowest cost already: those are the good ones."""
        self._training = False
        self._diverged = True
        self._inspect.forget()  # gradients and health were of the weights left behind
        what = message.split(";")[0].split(". ")[0].rstrip(".")
        what = self._renumbered(what)
        self._message = (
            f"{what[:1].upper()}{what[1:]}. Paused, with the weights of the lowest cost "
            "seen; lower the learning rate to go on."
        )
        if reason == "exploded":
            self._last_good = self._trainer.theta()
        elif self._last_good is not None:
            self._trainer.restore(self._last_good)
