"""Big data in the live app: ``python -m benchmarks.scale [SECONDS]``.

100,000 points (the spiral preset, noise 0.3) and an 8 × 256 tanh network,
trained with mini-batches of 256 in the real window, offscreen. It reports
the event-loop lateness (a 5 ms precise-timer probe), how many new surfaces
the window received and how many it painted, how long closing the window
takes while training, and whether the trainer process is gone afterwards.
Numbers, not assertions.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from backprop_gui.core import make_dataset, write_points_csv

from .probe import Probe, lateness_summary
from .tool import EXIT_OK, Parser, positive_seconds
from .window import AppSession

POINTS, HIDDEN, BATCH = 100_000, (256,) * 8, 256


def measure(seconds: float = 20.0) -> dict:
    session = AppSession("process")
    window = session.window
    folder = tempfile.mkdtemp(prefix="backprop-gui-scale-")
    try:
        points, labels = make_dataset("spiral", POINTS, 0.3, seed=0)
        write_points_csv(os.path.join(folder, "big.csv"), points, labels)
        window.load_points(os.path.join(folder, "big.csv"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    window.network_panel.set_hidden(HIDDEN)
    window.network_panel.changed.emit()
    session.widget("batchSize").setValue(BATCH)
    session.wait(
        lambda: (
            window.snapshot.spec.hidden == HIDDEN and window.snapshot.config.batch_size == BATCH
        ),
        120,
    )
    probe = Probe()
    probe.start()
    session.recording = True
    session.set_training(True)
    probe.recording = True
    session.pump(seconds)
    probe.recording = False
    session.recording = False
    frames = [s for s in session.snapshots if s[3]]
    pid = window.trainer_pid
    start = time.perf_counter()
    window.close()
    close_seconds = time.perf_counter() - start
    result = {
        "points": POINTS,
        "network": "-".join(map(str, [2, *HIDDEN, 1])),
        "batch_size": BATCH,
        "seconds": seconds,
        "steps": window.snapshot.steps,
        "new_surfaces_received": sum(1 for s in frames if s[2]),
        "new_surfaces_painted": len(session.painted.times),
        "lateness_ms": lateness_summary(probe.lateness_ms, probe.worst_ticks()),
        "close_seconds": close_seconds,
        "worker_thread_running": window.thread.isRunning(),
        "trainer_process_left": _alive(pid),
    }
    session.tmp.cleanup()
    return result


def _alive(pid: int | None) -> bool:
    """The process is there and not a zombie (Linux's /proc)."""
    if pid is None:
        return False
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


DESCRIPTION = f"""\
Big data in the live app, offscreen: {POINTS:,} points (the spiral preset,
noise 0.3) and an {len(HIDDEN)} x {HIDDEN[0]} tanh network, trained with mini-batches of
{BATCH} in the real window for SECONDS. It reports the event-loop lateness (a
5 ms precise-timer probe), how many new surfaces the window received and how
many it painted, how long closing the window takes while training, and
whether the trainer process is gone afterwards. Numbers, not targets: the
exit status is 0 unless the arguments are bad (2)."""


def main(argv: list[str] | None = None) -> int:
    parser = Parser("python -m benchmarks.scale", DESCRIPTION)
    parser.add_argument(
        "seconds",
        nargs="?",
        metavar="SECONDS",
        type=positive_seconds,
        default=20.0,
        help="seconds of training in the app (default: %(default)g)",
    )
    args = parser.parse_args(argv)
    result = measure(args.seconds)
    lat = result["lateness_ms"]
    print(
        f"{result['points']:,} points, network {result['network']}, batch {result['batch_size']}: "
        f"{result['steps']} steps in {result['seconds']:g} s; new surfaces: "
        f"{result['new_surfaces_received']} received, {result['new_surfaces_painted']} painted\n"
        f"event-loop lateness p50 {lat['p50']:.1f} ms, "
        f"p99 {lat['p99']:.1f} ms, max {lat['max']:.1f} ms ({lat['samples']} samples)\n"
        f"closing while training took {result['close_seconds']:.2f} s; worker thread running: "
        f"{result['worker_thread_running']}; trainer process left: {result['trainer_process_left']}"
    )
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
