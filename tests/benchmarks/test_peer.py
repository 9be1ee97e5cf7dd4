"""A peer runs in a child process of its own, isolated: it imports the
clone's benchmarks and backprop_gui, and nothing from the folder the run was
started in or from PYTHONPATH."""

import numpy as np

from benchmarks.engine import CASES, RUNNERS
from benchmarks.peer import REPO_ROOT, PeerProcess, peer_command

TRAP = "from pathlib import Path; Path({marker!r}).write_text('imported')\n"


def test_the_peer_command_is_isolated_and_rooted_in_the_clone():
    command = peer_command("torch")
    assert command[1] == "-I"
    assert command[-3:] == [str(REPO_ROOT), "benchmarks.peer", "torch"]
    assert (REPO_ROOT / "benchmarks" / "peer.py").is_file()
    assert (REPO_ROOT / "backprop_gui" / "__init__.py").is_file()


def test_a_peer_imports_nothing_from_the_current_folder_or_pythonpath(tmp_path, monkeypatch):
    # Modules a careless child would import from here instead: its own
    # package's name and a standard module that numpy imports.
    marker = tmp_path / "imported"
    (tmp_path / "benchmarks").mkdir()
    for path in ("benchmarks/__init__.py", "benchmarks/peer.py", "struct.py", "numpy.py"):
        (tmp_path / path).write_text(TRAP.format(marker=str(marker)))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    peer = PeerProcess("plain")
    try:
        peer.setup("a")
        assert peer.timed(3) > 0
        theta = peer.parameters()
    finally:
        peer.close()
    assert not marker.exists()
    # The child trained the clone's textbook loop: the same θ as here.
    here = RUNNERS["plain"](CASES[0])
    here.run(3)
    np.testing.assert_array_equal(theta, here.parameters())
