"""``backprop-gui bench``: the engine and the live app, measured side by side.

``run(options)`` measures, in one run:

- engine training steps per second on three networks (full-batch SGD, tanh,
  float64) against a plain textbook NumPy loop, and against PyTorch (one
  thread) and scikit-learn's MLPClassifier when they are installed;
- the decision surface on 100², 200² and 256² grids;
- the live app, offscreen (``bench.app``): training steps per second against
  headless, surface updates per second, event-loop lateness, memory growth,
  and the time to learn the spiral preset.

It returns a JSON-ready dict with a pass/fail flag per target; ``format_table``
turns it into the printed table. Every implementation is timed in
alternating rounds and summarised by its median; the engine's speed-up over a peer
is the median of same-round ratios.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import math
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata

import numpy as np

from ..core.trainer import fastest_tanh
from . import engine

SCHEMA = "backprop-gui-bench/1"


@dataclass(frozen=True)
class Options:
    quick: bool = False
    rounds: int | None = None  # engine and surface rounds
    round_seconds: float | None = None  # target length of one engine round
    app_rounds: int | None = None
    app_seconds: float | None = None  # length of one app round
    headless_seconds: float | None = None
    thread_rounds: int | None = None  # the worker-thread design, for comparison
    thread_seconds: float | None = None
    cases: tuple[str, ...] = ("a", "b", "c")
    peers: tuple[str, ...] | None = None  # None: every installed peer
    app: bool = True

    def resolved(self) -> Options:
        """Defaults filled in: the full run takes minutes, --quick under a minute."""
        q = self.quick
        return Options(
            quick=q,
            rounds=self.rounds or (3 if q else 9),
            round_seconds=self.round_seconds or (0.15 if q else 0.5),
            app_rounds=self.app_rounds or (2 if q else 6),
            # Full: 6 × 50 s = five minutes of training in the app.
            app_seconds=self.app_seconds or (5.0 if q else 50.0),
            headless_seconds=self.headless_seconds or (1.0 if q else 5.0),
            thread_rounds=self.thread_rounds or (1 if q else 3),
            thread_seconds=(5.0 if q else 20.0)
            if self.thread_seconds is None
            else self.thread_seconds,
            cases=self.cases,
            peers=self.peers,
            app=self.app,
        )


# The targets of the issue, as (key, description, comparison, threshold).
TARGETS = (
    ("engine_vs_plain_a", "engine / plain loop on (a), float64", ">=", 2.5),
    ("engine_vs_plain_c", "engine / plain loop on (c)", ">=", 1.5),
    ("engine_vs_torch_a", "engine / PyTorch (1 thread) on (a)", ">=", 6.0),
    ("app_over_headless", "app training steps/s / headless", ">=", 0.6),
    ("surface_updates_per_second", "surface updates per second in the app", ">=", 30.0),
    ("lateness_p99_ms", "event-loop lateness p99 (ms)", "<=", 20.0),
    ("lateness_max_ms", "event-loop lateness max (ms)", "<=", 50.0),
    ("memory_growth_mib_per_5_minutes", "memory growth over 5 minutes (MiB)", "<", 20.0),
)


def machine() -> dict:
    """What the numbers were measured on."""
    info = {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": _blas(),
        # How the engine's training loop computes tanh on this machine.
        "tanh": fastest_tanh(),
        "load_average": _load_average(),
    }
    for name in ("torch", "scikit-learn", "PySide6-Essentials", "pyqtgraph"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            info[name] = metadata.version(name)
    return info


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _blas() -> dict:
    info: dict = {}
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
        info = {"name": blas.get("name"), "version": blas.get("version")}
    except (AttributeError, KeyError, TypeError):
        pass
    info["threads"] = info["kernel"] = None
    try:  # comes with scikit-learn; optional
        from threadpoolctl import threadpool_info

        pools = [p for p in threadpool_info() if p["user_api"] == "blas"]
        if pools:
            info["threads"] = pools[0].get("num_threads")
            info["kernel"] = pools[0].get("architecture")
    except ImportError:
        pass
    info["kernel"] = info["kernel"] or _openblas_kernel()
    # Set in some environments to work around old OpenBLAS builds; it picks the
    # kernel of an older CPU, and small matrix products take up to twice as long.
    info["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE")
    return info


def _openblas_kernel() -> str | None:
    """The CPU kernel OpenBLAS chose (e.g. "SkylakeX"), asked of the OpenBLAS
    library loaded in this process (Linux); None where it cannot be found."""
    try:
        with open("/proc/self/maps") as f:
            # address, permissions, offset, device, inode, then the path (spaces and all)
            mapped = [line.split(maxsplit=5) for line in f if "openblas" in line.lower()]
    except OSError:
        return None
    paths = {fields[5].strip() for fields in mapped if len(fields) == 6}
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", "", "_64"):
                function = getattr(library, f"{prefix}_get_corename{suffix}", None)
                if function is not None:
                    function.restype = ctypes.c_char_p
                    return function().decode(errors="replace").strip()
    return None


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def run(options: Options, progress: Callable[[str], None] = lambda _: None) -> dict:
    """Measure everything; returns the result (JSON-ready, NaN as None)."""
    o = options.resolved()
    started = time.perf_counter()
    result: dict = {"schema": SCHEMA, "mode": "quick" if o.quick else "full"}
    result["options"] = asdict(o)
    load_before = _load_average()

    present, notes = engine.available_peers()
    peers = [p for p in present if o.peers is None or p in o.peers]
    for name in o.peers or ():
        if name not in present and name not in notes:
            notes[name] = f"skipped: unknown peer {name!r}"
    if o.peers is not None:
        for name in present:
            if name not in o.peers:
                notes[name] = "skipped: not requested (--peers)"
    names = ["engine", "plain", *peers]
    cases = [c for c in engine.CASES if c.key in o.cases]
    from .peer import PeerProcess

    processes = {name: PeerProcess(name) for name in peers}
    try:
        result["training"] = engine.measure_training(
            cases, names, o.rounds, o.round_seconds, progress, processes
        )
    finally:
        for process in processes.values():
            process.close()
    result["peer_notes"] = notes

    progress("decision surface")
    networks = [(2, 8, 8, 1)] + ([(2, 64, 64, 64, 1)] if "c" in o.cases else [])
    result["surface"] = engine.measure_surface(networks, engine.SURFACE_GRIDS, o.rounds)

    if o.app:
        try:
            from . import app as app_bench

            result["app"] = app_bench.measure_app(
                o.app_rounds, o.app_seconds, o.headless_seconds, progress
            )
            if o.thread_seconds > 0:
                # The alternative design, shorter: training in the worker
                # thread, sharing the GIL with the GUI.
                result["app_thread"] = app_bench.measure_app(
                    o.thread_rounds,
                    o.thread_seconds,
                    o.headless_seconds,
                    progress,
                    trainer="thread",
                    time_to_learn=False,
                )
        except ImportError as exc:
            result["app"] = {"skipped": f"the app cannot run here: {exc}"}
    else:
        result["app"] = {"skipped": "not requested (--no-app)"}

    result["machine"] = machine()
    result["machine"]["load_average_before"] = load_before
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["targets"] = evaluate_targets(result)
    return _clean(result)


def _ratio(training: dict, case: str, other: str) -> float | None:
    """The engine's speed-up over ``other``: the median of same-round ratios."""
    return training.get(case, {}).get("engine_speedup", {}).get(other)


def evaluate_targets(result: dict) -> list[dict]:
    training, app = result.get("training", {}), result.get("app", {})
    values: dict[str, float | None] = {
        "engine_vs_plain_a": _ratio(training, "a", "plain"),
        "engine_vs_plain_c": _ratio(training, "c", "plain"),
        "engine_vs_torch_a": _ratio(training, "a", "torch"),
    }
    notes: dict[str, str] = {}
    if "skipped" not in app:
        values["app_over_headless"] = app["app_over_headless"]
        values["surface_updates_per_second"] = app["surface_updates_per_second"]["median"]
        values["lateness_p99_ms"] = app["lateness_ms"]["p99"]
        values["lateness_max_ms"] = app["lateness_ms"]["max"]
        worst = app["lateness_ms"].get("worst")
        if worst:
            notes["lateness_max_ms"] = "worst tick " + describe_tick(worst[0])
        memory = app["memory"]
        values["memory_growth_mib_per_5_minutes"] = memory["growth_mib_per_5_minutes"]
        if memory["training_seconds"] < 300:
            notes["memory_growth_mib_per_5_minutes"] = (
                f"extrapolated linearly from {memory['training_seconds']:.0f} s of training"
            )
        else:
            notes["memory_growth_mib_per_5_minutes"] = (
                f"measured over {memory['training_seconds']:.0f} s of training"
            )
    targets = []
    for key, description, comparison, threshold in TARGETS:
        value = values.get(key)
        ok = None
        if value is not None and math.isfinite(value):
            ok = {">=": value >= threshold, "<=": value <= threshold, "<": value < threshold}[
                comparison
            ]
        targets.append(
            {
                "key": key,
                "description": description,
                "target": f"{comparison} {threshold:g}",
                "value": value,
                "pass": ok,  # None: not measured (peer or app missing)
                "note": notes.get(key, ""),
            }
        )
    return targets


def _clean(value):
    """NaN and infinity become None (JSON has neither); tuples become lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        return _clean(value.item())
    return value


def to_json(result: dict) -> str:
    return json.dumps(result, allow_nan=False, separators=(",", ":"))


# -- the table ---------------------------------------------------------------------


def _fmt(value: float | None, spec: str = ",.0f") -> str:
    return "n/a" if value is None else format(value, spec)


def describe_tick(tick: dict) -> str:
    """A late probe tick (a ``bench.app.Tick`` as a dict) in words: how late,
    and where the time went meanwhile."""

    def ms(key: str) -> str:
        value = tick.get(key)
        return "?" if value is None else f"{value:.1f} ms"

    return (
        f"{tick['lateness_ms']:.1f} ms late: host steal {ms('host_steal_ms')} (all CPUs); "
        f"GUI thread ran {ms('gui_ran_ms')}, waited {ms('gui_waited_ms')} for a CPU"
    )


def _rows(rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """Columns padded to their widest cell; ``align`` has "l" or "r" per column."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.rjust(w) if a == "r" else cell.ljust(w)
            for cell, w, a in zip(row, widths, align, strict=True)
        ).rstrip()
        for row in rows
    ]


def _app_rows(app: dict, memory: bool = True) -> list[list[str]]:
    sps, late, mem = app["steps_per_second"], app["lateness_ms"], app["memory"]
    surfaces = app["surface_updates_per_second"]
    rows = [
        ["measure", "value", "detail"],
        [
            "training steps/s, app",
            _fmt(sps["app"]["median"]),
            f"{_fmt(sps['app']['min'])}-{_fmt(sps['app']['max'])}",
        ],
        [
            "training steps/s, headless",
            _fmt(sps["headless"]["median"]),
            f"{_fmt(sps['headless']['min'])}-{_fmt(sps['headless']['max'])}",
        ],
        ["app / headless", _fmt(app["app_over_headless"], ".2f"), ""],
        [
            "surface updates/s (painted)",
            _fmt(surfaces["median"], ".1f"),
            f"{_fmt(surfaces['min'], '.1f')}-{_fmt(surfaces['max'], '.1f')}; "
            f"received {_fmt(app['surfaces_received_per_second']['median'], '.1f')}",
        ],
        [
            "event-loop lateness, ms",
            f"p50 {_fmt(late['p50'], '.1f')}",
            f"p99 {_fmt(late['p99'], '.1f')}, max {_fmt(late['max'], '.1f')} "
            f"({late['samples']} samples of a {late['probe_interval_ms']} ms precise timer)",
        ],
    ]
    for k, tick in enumerate(late.get("worst", [])[:3]):
        late_by, meanwhile = describe_tick(tick).split(": ", 1)
        rows.append(["worst ticks (meanwhile)" if k == 0 else "", late_by, meanwhile])
    steal = app.get("machine_steal_percent")
    if steal is not None:
        rows.append(["CPU taken by the VM's host", f"{steal:.1f} %", "steal, while measured"])
    if memory:
        rows.append(
            [
                "memory (RSS, app + trainer), MiB",
                f"+{_fmt(mem['growth_mib'], '.1f')}",
                f"{_fmt(mem['rss_start_mib'], '.1f')} -> {_fmt(mem['rss_end_mib'], '.1f')} "
                f"over {mem['training_seconds']:g} s of training; "
                f"{_fmt(mem['growth_mib_per_5_minutes'], '.1f')} per 5 minutes",
            ]
        )
    ttl = app.get("time_to_learn")
    if ttl:
        runs = ", ".join(
            f"{_fmt(t, '.3f')} s ({n} steps)"
            for t, n in zip(ttl["app_seconds"], ttl["app_steps"], strict=True)
        )
        rows.append(
            [
                f"time to learn the spiral (>= {ttl['target_accuracy']:.0%})",
                f"{_fmt(ttl['median_app_seconds'], '.3f')} s",
                f"seeds {ttl['seeds']}: {runs}; headless median "
                f"{_fmt(ttl['median_headless_seconds'], '.4f')} s",
            ]
        )
        rows.append(
            [
                "  with the network",
                "-".join(map(str, ttl["network"])),
                f"features {','.join(ttl['features'])}, {ttl['activation']}, "
                f"{ttl['optimizer']} lr {ttl['learning_rate']:g}, {ttl['n_train']} points",
            ]
        )
    return rows


def format_table(result: dict) -> str:
    out: list[str] = []
    m = result["machine"]
    blas = m.get("blas", {})
    out.append(
        f"backprop-gui bench ({result['mode']}, {result['seconds']} s) on {m['cpus']} CPUs, "
        f"{m['cpu_model']}; Python {m['python']}, NumPy {m['numpy']} "
        f"({blas.get('name')} {blas.get('version')}, {blas.get('threads') or '?'} threads, "
        f"{blas.get('kernel') or 'unknown'} kernel); the engine's tanh: {m.get('tanh')}; "
        f"load average before {m.get('load_average_before')}, after {m.get('load_average')}"
    )
    if blas.get("OPENBLAS_CORETYPE"):
        out.append(
            f"OPENBLAS_CORETYPE={blas['OPENBLAS_CORETYPE']} is set: it chooses OpenBLAS's "
            "kernel, not the CPU (for the CPU's own: env -u OPENBLAS_CORETYPE "
            "-u OPENBLAS_L2_SIZE backprop-gui bench)"
        )
    o = result["options"]
    out.append(
        f"engine: {o['rounds']} alternating rounds of ~{o['round_seconds']} s per "
        "implementation; medians (min-max); the engine's speed-up is the median of its "
        "same-round ratios"
    )
    out.append("")
    out.append("Training steps/s: full-batch SGD, lr 0.03, tanh, sigmoid + cross-entropy, float64")
    rows = [["network", "implementation", "steps/s", "min-max", "engine is"]]
    for case in result["training"].values():
        label = f"{'-'.join(map(str, case['network']))} on {case['points']:,}"
        rates, speedup = case["steps_per_second"], case.get("engine_speedup", {})
        for name, r in rates.items():
            ratio = f"{speedup[name]:.2f}x" if name in speedup else ""
            rows.append(
                [
                    label,
                    name,
                    _fmt(r["median"]),
                    f"{_fmt(r['min'])}-{_fmt(r['max'])}",
                    ratio,
                ]
            )
            label = ""
    out += _rows(rows, "llrrr")
    for case in result["training"].values():
        diffs = case.get("max_parameter_difference", {})
        if diffs:
            out.append(
                f"  same start, same steps, {'-'.join(map(str, case['network']))}: "
                "largest |θ - θ_engine| " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items())
            )
    for name, note in result.get("peer_notes", {}).items():
        out.append(f"  {name}: {note}")

    out.append("")
    out.append("Decision surface: ms per evaluation of P(class 1) on the grid (median)")
    rows = [["network", "grid", "engine f64", "engine f32 (app)", "plain f64"]]
    for s in result["surface"].values():
        ms = s["milliseconds"]
        rows.append(
            [
                "-".join(map(str, s["network"])),
                f"{s['resolution']}²",
                _fmt(ms["engine"]["median"], ".2f"),
                _fmt(ms["engine_float32"]["median"], ".2f"),
                _fmt(ms["plain"]["median"], ".2f"),
            ]
        )
    out += _rows(rows, "lrrrr")

    out.append("")
    app = result["app"]
    if "skipped" in app:
        out.append(f"App: {app['skipped']}")
    else:
        out.append(
            f"App, offscreen, training in a process of its own (the app's design): network "
            f"{'-'.join(map(str, app['network']))} {app['activation']}, "
            f"{app['config']['optimizer']} lr {app['config']['learning_rate']:g}, "
            f"{app['n_train']} training points; {app['rounds']} rounds of "
            f"{app['app_seconds_per_round']:g} s in the app, each followed by "
            f"{app['headless_seconds_per_round']:g} s headless"
        )
        out += _rows(_app_rows(app), "lrl")
    alternative = result.get("app_thread")
    if alternative:
        out.append("")
        out.append(
            "The alternative, training in the worker thread (BACKPROP_GUI_TRAINER=thread): "
            f"{alternative['rounds']} round(s) of {alternative['app_seconds_per_round']:g} s"
        )
        out += _rows(_app_rows(alternative, memory=False), "lrl")

    out.append("")
    out.append("Targets")
    rows = [["target", "goal", "measured", "result"]]
    for t in result["targets"]:
        verdict = {True: "PASS", False: "FAIL", None: "not measured"}[t["pass"]]
        value = t["value"]
        rows.append(
            [
                t["description"],
                t["target"],
                _fmt(value, ".2f"),
                verdict + (f" ({t['note']})" if t["note"] else ""),
            ]
        )
    out += _rows(rows, "llrl")
    return "\n".join(out)
