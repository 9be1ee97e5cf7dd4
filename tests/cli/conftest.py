"""A network trained once for the whole CLI suite."""

from __future__ import annotations

import pytest

from .helpers import last_json, run_cli

XOR_ADAM = ["--dataset", "xor", "--layers", "8,8", "--optimizer", "adam", "--lr", "0.03"]
XOR_ADAM += ["--epochs", "400", "--seed", "0"]


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One xor network saved as .npz and as .json (the same seed gives the
    same weights), plus the JSON results of both runs."""
    folder = tmp_path_factory.mktemp("trained")
    npz, jsn = folder / "w.npz", folder / "w.json"
    runs = {}
    for path in (npz, jsn):
        result = run_cli("train", *XOR_ADAM, "--json", "--out", str(path))
        assert result.returncode == 0, result.stderr
        runs[path.suffix] = (result, last_json(result))
    return {"folder": folder, "npz": npz, "json": jsn, "runs": runs}
