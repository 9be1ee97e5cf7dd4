"""Make the README screenshot from the real app, mid-training:

    python -m benchmarks.screenshot [OUT.png] [--folder DIR]

The picture is written to OUT.png inside DIR (default: screenshot.png in the
current folder), and never outside DIR: an OUT that leads out of it, by
``..``, an absolute path elsewhere or a symlink, is refused before the app starts. The
README's picture is ``python -m benchmarks.screenshot --folder resources``.

Uses the display if there is one (e.g. Xvfb) and the offscreen platform
otherwise. Settings and the session go to a temporary folder, so the user's
are untouched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
import sys
import tempfile
import time
from pathlib import Path

from backprop_gui.core import atomic_write, make_dataset, write_points_csv

from .tool import EXIT_OK, EXIT_USAGE, Parser, positive_seconds

DEFAULT_NAME = "screenshot.png"
HIDDEN = (12, 12, 8)


class OutsideFolder(ValueError):
    """The output path is not a PNG file inside the folder it must stay in."""


def output_path(folder: str | os.PathLike, out: str | os.PathLike) -> Path:
    """Where ``out`` lands inside ``folder``, every symlink resolved; raises
    ``OutsideFolder`` when that is outside ``folder`` or is ``folder`` itself,
    is not a .png, or is something other than a regular file."""
    root = Path(folder).resolve()
    if not root.is_dir():
        raise OutsideFolder(f"the folder {str(folder)!r} does not exist")
    target = (root / out).resolve()
    if target == root:
        raise OutsideFolder(f"{str(out)!r} is the folder itself; give a file name")
    if not target.is_relative_to(root):
        raise OutsideFolder(
            f"{str(out)!r} is outside the folder {str(root)!r}; "
            "give a name inside it, or another --folder"
        )
    if target.suffix.lower() != ".png":
        raise OutsideFolder(f"{str(out)!r} must end in .png")
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise OutsideFolder(f"{str(out)!r} exists and is not a regular file")
    return target


def png_bytes(image) -> bytes:
    """A QImage or QPixmap encoded as PNG."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("could not encode the screenshot as PNG")
    buffer.close()
    return bytes(data.data())


def make_screenshot(path: Path, epochs: int = 1500, timeout_s: float = 60.0) -> Path:
    """The window mid-training on a spiral, written to ``path`` (checked by
    ``output_path`` first)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtCore import QElapsedTimer, QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from backprop_gui.gui import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    workdir = Path(tempfile.mkdtemp(prefix="backprop-gui-shot-"))
    try:
        window = MainWindow(
            QSettings(str(workdir / "settings.ini"), QSettings.IniFormat), workdir / "session"
        )
        window.resize(1440, 880)
        window.show()

        # Spiral, a deeper network and Adam: a boundary worth looking at.
        points, labels = make_dataset("spiral", 300, noise=0.15, seed=3)
        write_points_csv(workdir / "spiral.csv", points, labels)
        window.load_points(workdir / "spiral.csv")
        window.findChild(QWidget, "presetCombo").setCurrentText("spiral")
        window.network_panel.set_hidden(HIDDEN)
        window.findChild(QWidget, "optimizer").setCurrentText("adam")
        window.log_check.setChecked(True)
        window.train_button.click()

        clock = QElapsedTimer()
        clock.start()
        while clock.elapsed() < timeout_s * 1000:
            app.processEvents()
            time.sleep(0.01)  # a busy loop would starve the training thread of the GIL
            frame = window.snapshot
            if (
                frame is not None
                and frame.training
                and frame.epoch >= epochs
                and frame.spec.hidden == HIDDEN
            ):
                break
        image = window.grab()
        window.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    data = png_bytes(image)
    path.parent.mkdir(parents=True, exist_ok=True)  # inside the folder: output_path checked
    with atomic_write(path, "wb") as f:
        f.write(data)
    return path


def _epochs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = Parser(
        "python -m benchmarks.screenshot",
        "Make the README screenshot from the real app, mid-training: a spiral of 300\n"
        "points, a 12-12-8 network, Adam, the cost on a log scale.\n\n"
        "The picture is written to OUT inside --folder and never outside it: an OUT\n"
        "that leads out of the folder (.., an absolute path elsewhere, a symlink) is\n"
        "refused before the app starts. Uses the display if there is one, the offscreen\n"
        "platform otherwise; the user's settings and autosave are untouched.",
        "examples:\n"
        "  python -m benchmarks.screenshot                       ./screenshot.png\n"
        "  python -m benchmarks.screenshot --folder resources    the README's picture\n"
        "  python -m benchmarks.screenshot wide.png --epochs 3000",
    )
    parser.add_argument(
        "out",
        nargs="?",
        default=DEFAULT_NAME,
        metavar="OUT",
        help=f"the PNG file, relative to --folder (default: {DEFAULT_NAME})",
    )
    parser.add_argument(
        "--folder",
        default=".",
        metavar="DIR",
        help="the folder to write into; nothing is written outside it (default: the "
        "current folder)",
    )
    parser.add_argument(
        "--epochs",
        type=_epochs,
        default=1500,
        metavar="N",
        help="train at least this many epochs before the picture (default: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=60.0,
        metavar="S",
        help="take the picture after S seconds at the latest (default: %(default)g)",
    )
    args = parser.parse_args(argv)
    try:
        path = output_path(args.folder, args.out)
    except OutsideFolder as exc:
        parser.exit(EXIT_USAGE, f"{parser.prog}: error: {exc}\n")
    make_screenshot(path, args.epochs, args.timeout)
    print(f"wrote {path}")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
