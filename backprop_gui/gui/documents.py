"""The window's files: points (CSV), weights (.npz or .json; exported also as
.onnx or a .py script) and an image of the canvas; and the other ways to a new
set of points, a preset and Clear.

Every file dialog goes through ``Documents.ask`` with a row of ``DIALOGS``;
the work itself is the window's public methods (``load_points``,
``export_weights``, …), which scripts and tests call directly.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..core import ACTIVATIONS, DOMAIN, FEATURES, MLP, atomic_write, make_dataset
from ..core.errors import WeightsFileError
from ..core.features import FEATURE_LABELS, overflow_problem
from ..core.pointsfile import read_points_csv, write_points_csv
from ..core.weightsfile import load_weights
from ..interop import dialog_filters, export_weights
from ..session import LIMITS, NetworkSpec, split_keys
from .points import ReplacePoints

if TYPE_CHECKING:
    from .main_window import MainWindow

IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPG", ".jpeg": "JPG", ".bmp": "BMP"}  # by suffix


@dataclass(frozen=True)
class Dialog:
    """One file dialog: what it asks, and which window method gets the path."""

    title: str
    filters: str
    suffix: str  # added to a saved name that has none
    save: bool
    verb: str  # "Could not {verb}" when the method fails
    method: str  # the MainWindow method called with the path


DIALOGS = {
    "open_points": Dialog(
        "Open points", "CSV points (*.csv);;All files (*)", ".csv", False,
        "open the points", "load_points",
    ),
    "save_points": Dialog(
        "Save points", "CSV points (*.csv)", ".csv", True, "save the points", "save_points"
    ),
    "export_weights": Dialog(
        "Export weights", dialog_filters(), ".npz", True, "export the weights", "export_weights",
    ),
    "import_weights": Dialog(
        "Import weights", "Weights (*.npz *.json);;All files (*)", ".npz", False,
        "import the weights", "import_weights",
    ),
    "save_session": Dialog(
        "Save session", "backprop-gui session (*.bpsession)", ".bpsession", True,
        "save the session", "save_session",
    ),
    "open_session": Dialog(
        "Open session", "backprop-gui session (*.bpsession);;All files (*)", ".bpsession",
        False, "open the session", "open_session",
    ),
    "export_image": Dialog(
        "Export image",
        "PNG image (*.png);;JPEG image (*.jpg *.jpeg);;BMP image (*.bmp)",
        ".png",
        True,
        "export the image",
        "export_image",
    ),
}  # fmt: skip


def show_error(parent: QWidget, title: str, text: str) -> QMessageBox:
    """A window-modal warning that does not block the caller (or a test)."""
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, parent)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box


class Documents:
    """Reads and writes the window's files; the window's public file methods
    delegate here."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        # Undo or Redo of an Open brings other points: its notes are not news then.
        window.undo_stack.indexChanged.connect(self._forget_news)

    # -- dialogs --------------------------------------------------------------------

    def ask(self, name: str) -> None:
        """Ask for a path with the dialog ``DIALOGS[name]``, then run its method;
        a file that cannot be read or written gets a warning, not a traceback."""
        dialog = DIALOGS[name]
        path = self._ask_path(dialog)
        if not path or (name == "open_session" and not self._may_replace_edits()):
            return
        try:
            getattr(self.window, dialog.method)(path)
        except (ValueError, OSError, RuntimeError) as exc:
            self.window.show_error(f"Could not {dialog.verb}", str(exc))

    def _may_replace_edits(self) -> bool:
        """Opening a session replaces the points with no undo back (it is a
        new document): with edits that Undo could still reach, ask first."""
        if not self.window.undo_stack.count():
            return True
        answer = QMessageBox.question(
            self.window,
            "Open a session?",
            "Opening a session replaces the points, the network and its weights, "
            "and cannot be undone.\n\nOpen it anyway?",
            QMessageBox.Open | QMessageBox.Cancel,
            QMessageBox.Cancel,
        )
        return answer == QMessageBox.Open

    def _ask_path(self, dialog: Dialog) -> str | None:
        settings = self.window.settings
        last_dir = str(settings.value("last_dir", str(Path.home())))
        ask = QFileDialog.getSaveFileName if dialog.save else QFileDialog.getOpenFileName
        path, chosen = ask(self.window, dialog.title, last_dir, dialog.filters)
        if not path:
            return None
        if dialog.save and not Path(path).suffix:  # the chosen type's, else the first
            suffix = re.search(r"\*(\.\w+)", chosen or "")
            path += suffix.group(1) if suffix else dialog.suffix
        settings.setValue("last_dir", str(Path(path).parent))
        return path

    # -- points ---------------------------------------------------------------------

    def _say(self, text: str, ms: int, news: bool = False) -> None:
        """Show ``text``; ``news``: also before the frames' messages it causes
        (``with_news``)."""
        self.window.statusBar().showMessage(text, ms)
        self._news = (text, self.window.last_request) if news else ("", -1)

    _news = ("", -1)

    def _forget_news(self) -> None:
        self._news = ("", -1)

    def with_news(self, message: str) -> str:
        """A frame's ``message``, after what an Open said just before, which
        the frames it caused ("New output layer: …", "New data: …") would
        otherwise replace at once; until Train, Step or Pause is pressed (a
        "Stopped: …" is news of its own) or the Open's message times out."""
        said, request = self._news
        w = self.window
        if said and w.last_request == request and w.statusBar().currentMessage().startswith(said):
            return f"{said}. {message}"
        return message

    def save_points(self, path: str | os.PathLike) -> None:
        model = self.window.model
        write_points_csv(path, model.points, model.labels)
        self._say(f"Saved {len(model):,} points to {path}", 4000)

    def generate_preset(self, name: str, n: int, noise: float, undoable: bool = True) -> None:
        """Replace the points with a new draw of preset ``name`` (``n`` points,
        ``noise`` in [0, 1]): a new problem, undoable unless at start."""
        w = self.window
        classes = w.data_panel.classes_for(name)
        points, labels = make_dataset(name, n, noise, seed=random.randrange(2**31), classes=classes)
        recipes = w.data_panel.made_with({"preset": name, "count": n, "noise": round(100 * noise)})
        command = ReplacePoints(w.model, points, labels, f"Preset {name}", True, recipes)
        if undoable:
            w.undo_stack.push(command)
        else:
            command.redo()

    def clear_points(self) -> None:
        w = self.window
        if len(w.model):
            recipes = w.data_panel.made_with(None)  # no recipe makes these points
            w.undo_stack.push(ReplacePoints(w.model, [[], []], [], "Clear points", False, recipes))

    def load_points(self, path: str | os.PathLike) -> None:
        # Read as the command line reads: a file of more classes than the
        # window draws is not broken, and is told so.
        points, labels = read_points_csv(path, n_classes=LIMITS.classes)
        top = int(labels.max()) if labels.size else 0
        if labels.size > LIMITS.window_points:  # what a session can hold
            problem = (
                f"the window holds at most {LIMITS.window_points:,} points; the file has "
                f"{labels.size:,} (backprop-gui train and predict take more)"
            )
        elif top >= LIMITS.window_classes:
            problem = (
                f"the window draws at most {LIMITS.window_classes} classes (labels "
                f"0..{LIMITS.window_classes - 1}); this file has label {top} "
                f"(backprop-gui train takes up to {LIMITS.classes} classes)"
            )
        else:
            problem = overflow_problem(points, shown=FEATURE_LABELS)
            if problem is not None:
                problem += "; the window checks every input feature it can switch to"
        if problem is not None:
            raise ValueError(f"{path}: {problem}")
        w = self.window
        recipes = w.data_panel.made_with(None)
        keys = split_keys(labels.size, w.training_panel.seed.value())  # train --data's split
        w.undo_stack.push(
            ReplacePoints(w.model, points, labels, f"Open {Path(path).name}", True, recipes, keys)
        )
        low, high = DOMAIN
        outside = w.model.outside_view()  # the data panel's counts keep saying it
        lie, are = ("lies", "is") if outside == 1 else ("lie", "are")
        note = (
            f"; {outside:,} {lie} outside the view [{low:g}, {high:g}]² but {are} trained on"
            if outside
            else ""
        )
        empty = [str(k) for k, n in enumerate(w.model.counts()) if not n]
        if empty and labels.size:  # labels 1 and 2 make three classes, class 0 empty
            which = f"classes {', '.join(empty)} have" if empty[1:] else f"class {empty[0]} has"
            note += f"; {which} no points (classes count from 0)"
        points_ = "point" if labels.size == 1 else "points"
        self._say(f"Opened {labels.size:,} {points_} from {path}{note}", 8000, news=True)

    # -- weights --------------------------------------------------------------------

    def current_network(self) -> MLP:
        frame = self.window.snapshot
        if frame is None:
            raise RuntimeError("the network has not been shown yet")
        net = frame.spec.build()
        net.theta[:] = frame.theta
        return net

    def import_weights(self, path: str | os.PathLike) -> None:
        self.use_network(load_weights(path, check_sizes=LIMITS.check_network), path)
        self._say(f"Imported weights from {path}: press Train to continue from them.", 6000)

    def use_network(
        self, net: MLP, path: str | os.PathLike, resume: tuple[int, int] = (0, 0)
    ) -> None:
        """Set the controls to ``net``'s network and train on from its weights,
        counting epochs and steps on from ``resume``. Raises WeightsFileError
        (naming ``path``) for a network the window cannot show, changing nothing."""
        if net.features is not None:
            # The controls list the features in FEATURES' order: so do W[1]'s
            # columns, or the window would pair them with the wrong inputs.
            net = net.with_features([name for name in FEATURES if name in net.features])
        spec = self.spec_for(net, path)
        self.window.network_panel.set_spec(spec)
        self.window._n_classes = spec.n_classes  # until the points' classes change
        self.window.worker.post(theta=(spec, net.theta.copy()), resume=resume)

    def spec_for(self, net: MLP, path: str | os.PathLike) -> NetworkSpec:
        """The controls' description of ``net``, if the window can show it."""

        def refuse(problem: str) -> WeightsFileError:
            return WeightsFileError(str(path), problem)

        outputs = net.layer_sizes[-1]
        if outputs == 2:
            raise refuse("the app shows two classes with one sigmoid output unit, not two softmax")
        if outputs > LIMITS.window_classes:
            raise refuse(
                f"the app shows at most {LIMITS.window_classes} classes; "
                f"the network has {outputs} outputs"
            )
        n_classes = max(2, outputs)
        needed = self.window.model.n_classes()
        if n_classes < needed:
            raise refuse(f"the points have {needed} classes, the network only {n_classes}")
        hidden = net.layer_sizes[1:-1]
        too_big = LIMITS.check_hidden(hidden)
        if too_big is not None:
            raise refuse(f"the app cannot show this network: {too_big}")
        if net.features is None:
            raise refuse("the file does not say which input features the network uses")
        panel = self.window.network_panel
        # One activation per hidden layer, mixed or not (issue #13).
        # Without hidden layers no activation is used: keep the controls' common
        # one, unless it reads "mixed", which names none.
        common = panel.activation.currentText()
        common = common if common in ACTIVATIONS else "tanh"
        activation = tuple(net.activation_names) if hidden else common
        return NetworkSpec(
            tuple(hidden),
            activation,
            net.features,
            self.window.training_panel.seed.value(),
            n_classes,
        )

    def export_weights(self, path: str | os.PathLike) -> None:
        """The weights shown, in the format the suffix names (.npz, .json,
        .onnx, .py: ``interop.EXPORT_FORMATS``, as ``backprop-gui export``)."""
        chosen = export_weights(self.current_network(), path)
        reopen = "" if chosen.reopens else " (for other tools; the app reopens .npz and .json)"
        self._say(f"Exported weights to {path}{reopen}", 6000)

    # -- images ---------------------------------------------------------------------

    def export_image(self, path: str | os.PathLike) -> None:
        """An image of the canvas in the format its name says (PNG, JPEG or
        BMP), written whole or not at all."""
        kind = IMAGE_FORMATS.get(Path(path).suffix.lower())
        if kind is None:
            raise ValueError(f"{path}: name it .png, .jpg or .bmp (PNG keeps every pixel)")
        buffer = QBuffer()
        buffer.open(QIODevice.WriteOnly)
        if not self.window.canvas.grab().save(buffer, kind):
            raise OSError(f"{path}: could not write the image")
        with atomic_write(path, "wb") as f:
            f.write(bytes(buffer.data()))
        self._say(f"Exported image to {path}", 4000)
