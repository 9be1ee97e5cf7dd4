"""The user's points, and the undoable edits that change them.

``PointSet`` is the model: points (2, m), labels (m,) and a stable random key
per point that decides train/test membership (``session.test_mask``: the
round(ratio·m) points with the smallest keys are the test set, the rule the
command line uses too), so adding or removing a point moves at most one other
between the sets. The view never
edits it directly: every change is a QUndoCommand on the window's stack,
in the spirit of Orange's Paint Data widget.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from ..core import DOMAIN
from ..session import test_mask


class PointSet(QObject):
    changed = Signal()
    new_problem = Signal()  # after ``changed``: a preset or a file replaced the points

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.points = np.zeros((2, 0))
        self.labels = np.zeros(0, np.int64)
        self.keys = np.zeros(0)
        self._rng = np.random.default_rng()
        # (keys, ratio, mask): every edit makes a new keys array, so holding
        # the array and comparing identity tells whether the mask still holds.
        self._mask: tuple[np.ndarray, float, np.ndarray] | None = None

    def __len__(self) -> int:
        return self.labels.size

    def new_keys(self, n: int) -> np.ndarray:
        return self._rng.random(n)

    def counts(self) -> tuple[int, ...]:
        """Points per label 0..K−1, K = max(2, largest label + 1)."""
        return tuple(int(n) for n in np.bincount(self.labels, minlength=2))

    def outside_view(self) -> int:
        """Points outside the canvas's domain: trained on, but not on screen."""
        low, high = DOMAIN
        return int(((self.points < low) | (self.points > high)).any(axis=0).sum())

    def n_classes(self) -> int:
        """The classes the points need: largest label + 1, at least 2."""
        return max(2, int(self.labels.max()) + 1) if self.labels.size else 2

    def test_mask(self, test_ratio: float) -> np.ndarray:
        """(m,) bool, True for the test points at ``test_ratio`` in [0, 1)."""
        # The window and the canvas both ask after every edit; one sort serves both.
        cached = self._mask
        if cached is None or cached[0] is not self.keys or cached[1] != test_ratio:
            cached = self._mask = (self.keys, test_ratio, test_mask(self.keys, test_ratio))
        return cached[2].copy()

    def append(self, points: np.ndarray, labels: np.ndarray, keys: np.ndarray) -> None:
        self.points = np.hstack([self.points, points])
        self.labels = np.concatenate([self.labels, labels])
        self.keys = np.concatenate([self.keys, keys])
        self.changed.emit()

    def truncate(self, n: int) -> None:
        """Keep only the first ``n`` points (undoes an append)."""
        self.points, self.labels, self.keys = self.points[:, :n], self.labels[:n], self.keys[:n]
        self.changed.emit()

    def take(self, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Remove the points at ``indices``; returns what was removed."""
        removed = (self.points[:, indices], self.labels[indices], self.keys[indices])
        keep = np.ones(len(self), bool)
        keep[indices] = False
        self.points, self.labels, self.keys = (
            self.points[:, keep],
            self.labels[keep],
            self.keys[keep],
        )
        self.changed.emit()
        return removed

    def put_back(
        self, indices: np.ndarray, points: np.ndarray, labels: np.ndarray, keys: np.ndarray
    ) -> None:
        """Reinsert points removed by ``take`` at their former (sorted) indices."""
        at = indices - np.arange(indices.size)
        self.points = np.insert(self.points, at, points, axis=1)
        self.labels = np.insert(self.labels, at, labels)
        self.keys = np.insert(self.keys, at, keys)
        self.changed.emit()

    def replace(
        self, points: np.ndarray, labels: np.ndarray, keys: np.ndarray, new_problem: bool = False
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        old = (self.points, self.labels, self.keys)
        self.points = np.asarray(points, np.float64).reshape(2, -1)
        self.labels = np.asarray(labels, np.int64)
        self.keys = np.asarray(keys, np.float64)
        self.changed.emit()
        if new_problem:
            self.new_problem.emit()
        return old

    def nearest(self, x: float, y: float, within: float) -> int | None:
        if not len(self):
            return None
        d2 = (self.points[0] - x) ** 2 + (self.points[1] - y) ** 2
        i = int(d2.argmin())
        return i if d2[i] <= within * within else None

    def within(self, x: float, y: float, radius: float) -> np.ndarray:
        d2 = (self.points[0] - x) ** 2 + (self.points[1] - y) ** 2
        return np.flatnonzero(d2 <= radius * radius)


class AddPoints(QUndoCommand):
    """Append points; consecutive adds of one stroke merge into one undo step."""

    ID = 1

    def __init__(self, model: PointSet, points, labels, stroke: int | None = None) -> None:
        super().__init__("Add points" if stroke is not None else "Add point")
        self.model, self.stroke = model, stroke
        self.points = np.asarray(points, np.float64).reshape(2, -1)
        self.labels = np.asarray(labels, np.int64).reshape(-1)
        self.keys = model.new_keys(self.labels.size)
        self.start = len(model)

    def redo(self) -> None:
        self.model.append(self.points, self.labels, self.keys)

    def undo(self) -> None:
        self.model.truncate(self.start)

    def id(self) -> int:
        return self.ID if self.stroke is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, AddPoints) or other.stroke != self.stroke:
            return False
        self.points = np.hstack([self.points, other.points])
        self.labels = np.concatenate([self.labels, other.labels])
        self.keys = np.concatenate([self.keys, other.keys])
        return True


class RemovePoints(QUndoCommand):
    """Remove points by index; one erase stroke merges into one undo step."""

    ID = 2

    def __init__(self, model: PointSet, indices, stroke: int | None = None) -> None:
        super().__init__("Erase points")
        self.model, self.stroke = model, stroke
        self.batches = [np.sort(np.asarray(indices, np.int64))]
        self.removed: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def redo(self) -> None:
        self.removed = [self.model.take(batch) for batch in self.batches]

    def undo(self) -> None:
        for batch, removed in zip(reversed(self.batches), reversed(self.removed), strict=True):
            self.model.put_back(batch, *removed)

    def id(self) -> int:
        return self.ID if self.stroke is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, RemovePoints) or other.stroke != self.stroke:
            return False
        self.batches += other.batches
        self.removed += other.removed
        return True


# (show, before, after): what shows a recipe, and the recipes of the points
# before and after a replacement (None: points no preset made).
Recipes = tuple[Callable[[dict | None], None], dict | None, dict | None]


class ReplacePoints(QUndoCommand):
    """Swap in a whole new point set: clear, a preset, or an opened file.
    ``new_problem`` (a preset, a file): doing it, undoing it and redoing it each
    start a new run (``PointSet.new_problem``). ``recipes``: (show, before,
    after) for a preset: ``show(before)`` as it is undone, ``show(after)`` as
    it is redone, so the controls name the points on screen. ``keys``: the
    points' split keys (``session.split_keys``), else new random ones."""

    def __init__(
        self,
        model: PointSet,
        points,
        labels,
        text: str,
        new_problem: bool = False,
        recipes: Recipes | None = None,
        keys: np.ndarray | None = None,
    ) -> None:
        super().__init__(text)
        self.model = model
        self.new_problem = new_problem
        self.recipes = recipes
        labels = np.asarray(labels, np.int64).reshape(-1)
        self.new = (
            np.asarray(points, np.float64).reshape(2, -1),
            labels,
            model.new_keys(labels.size) if keys is None else np.asarray(keys, np.float64),
        )
        self.old: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def redo(self) -> None:
        if self.recipes and self.old is not None:  # a redo: the first do shows it already
            self.recipes[0](self.recipes[2])
        self.old = self.model.replace(*self.new, new_problem=self.new_problem)

    def undo(self) -> None:
        if self.recipes:
            self.recipes[0](self.recipes[1])
        self.model.replace(*self.old, new_problem=self.new_problem)
