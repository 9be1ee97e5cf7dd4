"""Points as CSV text: a header ``x1,x2,label`` and one point per line.

    x1,x2,label
    -1.25,0.5,0
    3.0,2.75,1

Reading is strict, because a silently misread data set would teach the wrong
lesson: every problem raises ``DataFileError`` naming the file and the line.
Points are (2, m) float64 and labels (m,) int64, as everywhere in the core.
Floats are written with ``repr``, the shortest text that reads back to the
same float, so a written file reads back bit for bit.
"""

from __future__ import annotations

import array
import codecs
import io
import math
import os

import numpy as np

from .atomic import atomic_write
from .errors import DataFileError, read_capped
from .numbers import is_plain_decimal_text, parse_float

MAX_CSV_BYTES = 64 * 1024 * 1024
HEADER: tuple[str, ...] = ("x1", "x2", "label")
UNLABELLED_HEADER: tuple[str, ...] = ("x1", "x2")
# About 25,000 rows: large enough that NumPy does the work, small enough that
# re-reading one chunk line by line to explain an error is quick.
_CHUNK_CHARS = 1 << 20


def read_points_csv(
    path: str | os.PathLike[str], n_classes: int = 2, allow_unlabelled: bool = False
) -> tuple[np.ndarray, np.ndarray | None]:
    """Read points (2, m) float64 and labels (m,) int64 from a CSV file.

    Labels are class indices 0..n_classes−1 ("1.0" counts as 1, "1.5" does
    not). With ``allow_unlabelled`` a file whose header is ``x1,x2`` is also
    accepted, and its labels are None. Blank lines, a UTF-8 BOM, CRLF line
    endings and spaces around values are tolerated; coordinates are not
    range-checked. Numbers must be ASCII decimal notation (see
    ``core.numbers``: no ``1_000``, no full-width or Arabic-Indic digits).
    Anything else wrong raises ``DataFileError``.
    """
    if n_classes < 1:
        raise ValueError(f"n_classes must be at least 1; got {n_classes}")
    text = _decode(path, read_capped(path, MAX_CSV_BYTES, DataFileError, "points files"))
    # The header is the first line that is not blank.
    first_text = len(text) - len(text.lstrip())
    if first_text == len(text):
        raise DataFileError(path, "is empty; the first line must be the header x1,x2,label")
    header_start = text.rfind("\n", 0, first_text) + 1
    header_end = text.find("\n", first_text)
    header_end = len(text) if header_end < 0 else header_end
    header_number = text.count("\n", 0, header_start) + 1
    names = _check_header(path, text[header_start:header_end], header_number, allow_unlabelled)
    table = _parse_body(path, text[header_end + 1 :], header_number + 1, names, n_classes)
    points = np.ascontiguousarray(table[:, :2].T)
    labels = table[:, 2].astype(np.int64) if len(names) == 3 else None
    return points, labels


def write_points_csv(
    path: str | os.PathLike[str], points: np.ndarray, labels: np.ndarray | None
) -> None:
    """Write points (2, m) and labels (m,) (or None: an ``x1,x2`` file) atomically.

    Raises ValueError, before touching the file, for wrong shapes, NaN or
    infinite coordinates, or labels that are not whole numbers ≥ 0.
    """
    points = np.asarray(points)
    if points.ndim != 2 or points.shape[0] != 2:
        raise ValueError(f"points must have shape (2, m); got {points.shape}")
    if points.dtype.kind not in "iuf":
        raise ValueError(f"points must be real numbers; got dtype {points.dtype}")
    points = points.astype(np.float64)
    if not np.isfinite(points).all():
        raise ValueError("points must be finite: NaN or infinity cannot be saved")
    m = points.shape[1]
    xs, ys = points.tolist()
    if labels is None:
        header = ",".join(UNLABELLED_HEADER)
        rows = [f"{x!r},{y!r}\n" for x, y in zip(xs, ys, strict=True)]
    else:
        classes = _check_labels(labels, m).tolist()
        header = ",".join(HEADER)
        rows = [f"{x!r},{y!r},{c}\n" for x, y, c in zip(xs, ys, classes, strict=True)]
    # newline="\n": the same bytes on every platform.
    with atomic_write(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header + "\n")
        f.write("".join(rows))


def _check_labels(labels: np.ndarray, m: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape != (m,):
        raise ValueError(f"labels must have shape ({m},) to match the points; got {labels.shape}")
    if labels.dtype.kind == "f":
        if not (np.isfinite(labels).all() and (labels == np.floor(labels)).all()):
            raise ValueError("labels must be whole numbers (class indices)")
    elif labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be integer class indices; got dtype {labels.dtype}")
    if m and labels.min() < 0:
        raise ValueError("labels must be class indices ≥ 0")
    return labels.astype(np.int64)


def _decode(path: str | os.PathLike[str], data: bytes) -> str:
    """The file's text with every line ending turned into "\\n"."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DataFileError(path, "is UTF-16 text; save it as UTF-8 (CSV UTF-8)")
    # On bytes, so that line numbers in the errors below count the same way.
    # (0x0D and 0x0A never occur inside a multi-byte UTF-8 character.)
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    nul = data.find(b"\0")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DataFileError(path, "contains a NUL byte: this is a binary file, not CSV text", line)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problem = f"is not UTF-8 text (byte 0x{data[exc.start]:02X} cannot be decoded)"
        raise DataFileError(path, problem, line) from None


def _check_header(
    path: str | os.PathLike[str], line: str, number: int, allow_unlabelled: bool
) -> tuple[str, ...]:
    """The column names of a valid header line, else DataFileError."""
    fields = tuple(field.strip() for field in line.split(","))
    if fields == HEADER or (fields == UNLABELLED_HEADER and allow_unlabelled):
        return fields
    if fields == UNLABELLED_HEADER:
        problem = "the points have no label column; the header must be x1,x2,label"
    else:
        wanted = "x1,x2,label"
        if allow_unlabelled:
            wanted += " (or x1,x2 for unlabelled points)"
        problem = f"the header must be {wanted}; found {_show(line.strip())}"
    raise DataFileError(path, problem, number)


def _parse_body(
    path: str | os.PathLike[str],
    body: str,
    first_line: int,
    names: tuple[str, ...],
    n_classes: int,
) -> np.ndarray:
    """The rows after the header as an (m, len(names)) float64 table.

    The body is parsed in chunks of whole lines: each by the fast parser, and
    a chunk it refuses again line by line, which finds the first bad line and
    says what is wrong with it. So even a bad line at the end of a huge file
    is found quickly. ``first_line`` is the line number of the body's first line.
    """
    tables = []
    start, line = 0, first_line
    while start < len(body):
        end = body.find("\n", start + _CHUNK_CHARS)
        end = len(body) if end < 0 else end + 1
        chunk = body[start:end]
        table = _parse_fast(chunk, len(names), n_classes)
        if table is None:
            table = _parse_lines(path, chunk, line, names, n_classes)
        tables.append(table)
        line += chunk.count("\n")
        start = end
    return np.concatenate(tables) if tables else np.empty((0, len(names)))


def _parse_fast(body: str, n_columns: int, n_classes: int) -> np.ndarray | None:
    """All rows as an (m, n_columns) float64 table, or None if any row is bad
    or merely unusual (e.g. a line of spaces), for ``_parse_lines`` to judge.

    NumPy's C parser reads 100,000 rows in a fraction of a second and, like
    ``float``, rounds decimals correctly, so both parsers give the same bits."""
    if not body or body.isspace():
        return np.empty((0, n_columns))
    if not is_plain_decimal_text(body):
        # Letters or other numerals: NumPy's parser is not the judge of what
        # a number is here (older versions read more than ASCII decimals).
        return None
    try:
        table = np.loadtxt(
            io.StringIO(body), delimiter=",", comments=None, dtype=np.float64, ndmin=2
        )
    except Exception:  # whatever the C parser dislikes, _parse_lines explains
        return None
    if table.shape[1] != n_columns or not np.isfinite(table).all():
        return None
    if n_columns == 3:
        labels = table[:, 2]
        if not ((labels == np.floor(labels)) & (labels >= 0) & (labels < n_classes)).all():
            return None
    return table


def _parse_lines(
    path: str | os.PathLike[str],
    body: str,
    first_line: int,
    names: tuple[str, ...],
    n_classes: int,
) -> np.ndarray:
    """Parse row by row; raise DataFileError at the first bad line.
    ``first_line`` is the line number of the body's first line."""
    # Lines one at a time and values packed as doubles: a huge file costs
    # little more memory than its text.
    values = array.array("d")
    for number, line in enumerate(io.StringIO(body, newline="\n"), first_line):
        if not line.isspace():
            values.extend(_parse_row(path, number, line, names, n_classes))
    return np.array(values, dtype=np.float64).reshape(-1, len(names))


def _parse_row(
    path: str | os.PathLike[str], number: int, line: str, names: tuple[str, ...], n_classes: int
) -> list[float]:
    fields = line.split(",")
    if len(fields) != len(names):
        problem = (
            f"expected {len(names)} comma-separated values ({','.join(names)}), found {len(fields)}"
        )
        raise DataFileError(path, problem, number)
    row = []
    for name, field in zip(names, fields, strict=True):
        text = field.strip()
        if not text:
            raise DataFileError(path, f"the {name} value is empty", number)
        try:
            value = parse_float(text)
        except ValueError:
            problem = (
                f"{name} value {_show(text)} is not a number "
                "(write ASCII decimals such as -1.5 or 2e-3)"
            )
            raise DataFileError(path, problem, number) from None
        if name == "label":
            _check_label(path, number, text, value, n_classes)
        elif not math.isfinite(value):
            problem = (
                f"{name} value {_show(text)} is not a finite number "
                "(NaN and infinity are not allowed)"
            )
            raise DataFileError(path, problem, number)
        row.append(value)
    return row


def _check_label(
    path: str | os.PathLike[str], number: int, text: str, value: float, n_classes: int
) -> None:
    classes = f"0..{n_classes - 1}"
    if not (math.isfinite(value) and value.is_integer()):
        problem = f"label {_show(text)} is not a whole number; labels are class indices {classes}"
        raise DataFileError(path, problem, number)
    if not 0 <= value < n_classes:
        problem = f"label {_show(text)} is out of range; labels must be class indices {classes}"
        raise DataFileError(path, problem, number)


def _show(text: str, limit: int = 40) -> str:
    """A value quoted for an error message: escapes shown, long text cut short."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
