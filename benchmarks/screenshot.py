"""Make the README screenshot from the real app, mid-training:

    python -m backprop_gui.gui.screenshot [resources/screenshot.png]

Uses the display if there is one (e.g. Xvfb) and the offscreen platform
otherwise. Settings go to a temporary file, so the user's are untouched.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "resources" / "screenshot.png"


def make_screenshot(path: Path, epochs: int = 1500, timeout_s: float = 60.0) -> Path:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QSettings
    from PySide6.QtWidgets import QApplication

    from ..core import make_dataset, write_points_csv
    from . import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    workdir = Path(tempfile.mkdtemp(prefix="backprop-gui-shot-"))
    window = MainWindow(
        QSettings(str(workdir / "settings.ini"), QSettings.IniFormat), workdir / "session"
    )
    window.resize(1440, 880)
    window.show()

    # Spiral, a deeper network and Adam: a boundary worth looking at.
    points, labels = make_dataset("spiral", 300, noise=0.15, seed=3)
    write_points_csv(workdir / "spiral.csv", points, labels)
    window.load_points(workdir / "spiral.csv")
    window.data_panel.preset.setCurrentText("spiral")
    window.network_panel.set_hidden((12, 12, 8))
    window.training_panel.optimizer.setCurrentText("adam")
    window.log_check.setChecked(True)
    window.train_button.click()

    clock = QElapsedTimer()
    clock.start()
    while clock.elapsed() < timeout_s * 1000:
        app.processEvents()
        time.sleep(0.01)  # a busy loop would starve the training thread of the GIL
        snap = window.snapshot
        if (
            snap is not None
            and snap.training
            and snap.epoch >= epochs
            and snap.spec.hidden == (12, 12, 8)
        ):
            break
    image = window.grab()
    window.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = make_screenshot(Path(args[0]) if args else DEFAULT_PATH)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
