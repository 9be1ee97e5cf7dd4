"""The printed table of a benchmark result (``run.run``'s dict)."""

from __future__ import annotations

from collections.abc import Sequence

from .run import describe_tick


def _fmt(value: float | None, spec: str = ",.0f") -> str:
    return "n/a" if value is None else format(value, spec)


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
            "training steps/s, headless recording",
            _fmt(sps["headless_recording"]["median"]),
            f"{_fmt(sps['headless_recording']['min'])}-"
            f"{_fmt(sps['headless_recording']['max'])}; every step's cost, as the app",
        ],
        [
            "app / headless recording",
            _fmt(app["app_over_headless_recording"], ".2f"),
            "the same work",
        ],
        [
            "training steps/s, headless making frames",
            _fmt(sps.get("headless_making_frames", {}).get("median")),
            "the trainer process's work alone: recording, and the frames the app got",
        ],
        [
            "app / headless making frames",
            _fmt(app.get("app_over_headless_making_frames"), ".2f"),
            "what the window, the pipe and the requests cost",
        ],
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
        f"benchmarks ({result['mode']}, {result['seconds']} s) on {m['cpus']} CPUs, "
        f"{m['cpu_model']}; Python {m['python']}, NumPy {m['numpy']} "
        f"({blas.get('name')} {blas.get('version')}, {blas.get('threads') or '?'} threads, "
        f"{blas.get('kernel') or 'unknown'} kernel); the engine's tanh: {m.get('tanh')}; "
        f"load average before {m.get('load_average_before')}, after {m.get('load_average')}"
    )
    if blas.get("OPENBLAS_CORETYPE"):
        out.append(
            f"OPENBLAS_CORETYPE={blas['OPENBLAS_CORETYPE']} is set: it chooses OpenBLAS's "
            "kernel, not the CPU (for the CPU's own: env -u OPENBLAS_CORETYPE "
            "-u OPENBLAS_L2_SIZE python -m benchmarks)"
        )
    o = result["options"]
    turns = next(iter(result["training"].values()), {}).get("turns_per_round", 1)
    out.append(
        f"engine: {o['rounds']} alternating rounds of ~{o['round_seconds']} s per "
        + (f"implementation, in {turns} turns each" if turns > 1 else "implementation")
        + "; medians (min-max); the engine's speed-up is the median of its same-round ratios"
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
        recorded = case.get("recorded_speedup", {})
        if recorded:
            counted = case.get("recorded_accuracy_speedup", {})
            out.append(
                f"  {'-'.join(map(str, case['network']))}: the engine recording every step's "
                "cost (as plain and torch compute it) is "
                + ", ".join(f"{v:.2f}x {k}" for k, v in recorded.items())
                + (
                    "; recording every step's accuracy too, "
                    + ", ".join(f"{v:.2f}x {k}" for k, v in counted.items())
                    if counted
                    else ""
                )
            )
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
    inspector = result.get("app_inspector")
    if inspector and "skipped" not in inspector:
        views = inspector["inspector"]
        out.append("")
        out.append(
            "The same with the inspector (issue #14): the network diagram with the maps of "
            f"{sum(views['unit_maps'])} units at {views['unit_map_resolution']}² and the "
            f"gradient-health panel visible: {inspector['rounds']} round(s) of "
            f"{inspector['app_seconds_per_round']:g} s"
        )
        out += _rows(_app_rows(inspector, memory=False), "lrl")
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
        note = t["note"]
        if t["pass"] is None and note.startswith("not judged: "):
            verdict, note = "not judged", note.removeprefix("not judged: ")
        value = t["value"]
        rows.append(
            [
                t["description"],
                t["target"],
                _fmt(value, ".2f"),
                verdict + (f" ({note})" if note else ""),
            ]
        )
    out += _rows(rows, "llrl")
    return "\n".join(out)
