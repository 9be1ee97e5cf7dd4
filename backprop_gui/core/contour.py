"""Marching squares, vectorised: the line where a grid crosses a level.

Used for the decision boundary (the 0.5 isoline for two classes, where the
top two classes tie for more: ``class_boundaries``), so the worker thread can hand the GUI
ready-made line segments instead of the GUI tracing them every frame.
"""

from __future__ import annotations

import numpy as np


def isoline_segments(
    values: np.ndarray, level: float, xs: np.ndarray, ys: np.ndarray
) -> np.ndarray:
    """Segments of the curve values == level, as (2k, 2) float32 endpoint pairs.

    ``values`` is (ny, nx) row-major with rows along y: values[i, j] sits at
    (xs[j], ys[i]). Rows 2s and 2s+1 of the result are one segment's ends,
    ready for a line item drawn with connect="pairs".
    """
    v = np.asarray(values, dtype=np.float64) - level
    above = v > 0
    # Which of each cell's four edges (bottom, top, left, right) the curve crosses.
    h_cross = above[:, :-1] != above[:, 1:]  # (ny, nx-1)
    v_cross = above[:-1, :] != above[1:, :]  # (ny-1, nx)
    crossed = (h_cross[:-1], h_cross[1:], v_cross[:, :-1], v_cross[:, 1:])  # each (ny-1, nx-1)
    rows, cols = np.nonzero(crossed[0] | crossed[1] | crossed[2] | crossed[3])
    if rows.size == 0:
        return np.zeros((0, 2), np.float32)
    # Counted in the crossed cells only: a sum over the whole grid took a third of the time.
    mask = np.stack([edge[rows, cols] for edge in crossed], axis=-1)  # (cells, 4)
    count = mask.sum(axis=-1)

    # Crossing points of those cells' edges, by linear interpolation.
    def cut(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return a / (a - b)

    x0, x1, y0, y1 = xs[cols], xs[cols + 1], ys[rows], ys[rows + 1]
    v00, v01 = v[rows, cols], v[rows, cols + 1]
    v10, v11 = v[rows + 1, cols], v[rows + 1, cols + 1]
    edges = np.empty((rows.size, 4, 2))
    edges[:, 0] = np.stack([x0 + cut(v00, v01) * (x1 - x0), y0], -1)  # bottom
    edges[:, 1] = np.stack([x0 + cut(v10, v11) * (x1 - x0), y1], -1)  # top
    edges[:, 2] = np.stack([x0, y0 + cut(v00, v10) * (y1 - y0)], -1)  # left
    edges[:, 3] = np.stack([x1, y0 + cut(v01, v11) * (y1 - y0)], -1)  # right

    simple = count == 2
    order = np.argsort(~mask[simple], axis=1, kind="stable")[:, :2]
    segments = [np.take_along_axis(edges[simple], order[:, :, None], axis=1)]

    saddle = count == 4
    if saddle.any():
        # Pair the four crossings by the sign at the cell centre.
        four = edges[saddle]
        centre = 0.25 * (v00 + v01 + v10 + v11)[saddle]
        join_bottom_left = (centre > 0) != (v00[saddle] > 0)
        pick = join_bottom_left[:, None, None]
        segments.append(np.where(pick, four[:, [0, 2]], four[:, [0, 3]]))
        segments.append(np.where(pick, four[:, [1, 3]], four[:, [1, 2]]))
    return np.concatenate(segments).reshape(-1, 2).astype(np.float32)


def class_boundaries(probabilities: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Where the top two of K ≥ 2 classes tie, as (2k, 2) float32 segment ends.

    ``probabilities`` is (K, ny, nx), laid out as ``values`` of
    ``isoline_segments``. Class c's margin p_c − max_{j≠c} p_j is positive
    exactly where c wins and crosses 0 where c ties with the runner-up, so
    its 0-isoline is the edge of c's region. Every edge is between two
    classes, at least one of them not the last: the margins of classes
    0..K−2 trace them all (an edge between two of those twice, on top of
    each other).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    k = p.shape[0]
    if k < 2:
        raise ValueError(f"expected at least two classes, got {k}")
    order = np.sort(p, axis=0)
    top, second = order[-1], order[-2]
    segments = []
    for c in range(k - 1):
        # The best of the others: the runner-up where c wins, the top elsewhere.
        others = np.where(p[c] >= top, second, top)
        segments.append(isoline_segments(p[c] - others, 0.0, xs, ys))
    return np.concatenate(segments)
