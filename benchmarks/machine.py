"""What the numbers were measured on: the CPU, Python, NumPy and its BLAS
(with the CPU kernel OpenBLAS chose), the engine's tanh and the load."""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
from importlib import metadata

import numpy as np

from backprop_gui.core.trainer import fastest_tanh


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
        "load_average": load_average(),
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


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None
