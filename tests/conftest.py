"""Test-wide setup: Qt runs offscreen on a 1600×1000 virtual screen (as big
as the Xvfb screen used for screenshots) and pyqtgraph uses PySide6, so the
suite passes without a display and with PyQt installed.

The suite runs in parallel (pytest-xdist, ``-n auto`` in pyproject.toml);
``-n 0`` runs it in this one process."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_SCREEN = Path(__file__).with_name("offscreen-screen.json")
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

# The app's default folders (its settings, the autosaved session and its
# lock) in a folder of this test process's own, inherited by the apps it
# starts: never the user's, and never another worker's, whose windows would
# see this one's lock as a second instance of the app. (Qt's test mode would
# put them all in one ~/.qttest, whatever these say.)
_FOLDERS = tempfile.mkdtemp(prefix="backprop-gui-tests-")
atexit.register(shutil.rmtree, _FOLDERS, ignore_errors=True)
for _name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
    os.environ[_name] = os.path.join(_FOLDERS, _name.lower())
