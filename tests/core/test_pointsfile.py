"""Points CSV files: exact round trips, tolerant of harmless variations, and
every bad file refused with the file name, the line and the problem."""

import pickle
import string

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from backprop_gui.core import (
    BadFileError,
    DataFileError,
    pointsfile,
    read_points_csv,
    write_points_csv,
)
from backprop_gui.core import errors as errors_module
from backprop_gui.core.pointsfile import MAX_CSV_BYTES

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def csv_file(tmp_path, content, name="points.csv"):
    """A file holding ``content`` (str: written as UTF-8 without newline
    translation; bytes: as is)."""
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def read_error(path, **kwargs) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        read_points_csv(path, **kwargs)
    return info.value


# -- round trips --------------------------------------------------------------


def test_round_trip_is_bit_for_bit(tmp_path):
    rng = np.random.default_rng(0)
    points = rng.normal(0.0, 3.0, size=(2, 200))
    # Values whose shortest decimal form is awkward, and the sign of zero.
    points[:, :6] = [[0.1, -0.0, 5e-324, 1.7976931348623157e308, 1 / 3, -2.5e-310], [0.0] * 6]
    labels = rng.integers(0, 2, size=200)
    write_points_csv(tmp_path / "p.csv", points, labels)
    read_points, read_labels = read_points_csv(tmp_path / "p.csv")
    assert read_points.tobytes() == points.tobytes()
    np.testing.assert_array_equal(read_labels, labels)


def test_read_gives_column_points_and_int64_labels(tmp_path):
    path = csv_file(tmp_path, "x1,x2,label\n1,2,0\n3,4,1\n5,6,1\n")
    points, labels = read_points_csv(path)
    assert points.shape == (2, 3) and points.dtype == np.float64
    assert labels.shape == (3,) and labels.dtype == np.int64
    np.testing.assert_array_equal(points, [[1, 3, 5], [2, 4, 6]])
    np.testing.assert_array_equal(labels, [0, 1, 1])


@given(
    points=hnp.arrays(
        np.float64,
        st.tuples(st.just(2), st.integers(0, 30)),
        elements=st.floats(allow_nan=False, allow_infinity=False),
    ),
    data=st.data(),
)
@FUZZ
def test_any_finite_points_round_trip_exactly(tmp_path, points, data):
    m = points.shape[1]
    labels = data.draw(hnp.arrays(np.int64, (m,), elements=st.integers(0, 4)))
    write_points_csv(tmp_path / "p.csv", points, labels)
    read_points, read_labels = read_points_csv(tmp_path / "p.csv", n_classes=5)
    assert read_points.tobytes() == points.tobytes()
    np.testing.assert_array_equal(read_labels, labels)


def test_round_trip_of_100000_points(tmp_path):
    rng = np.random.default_rng(1)
    points = rng.uniform(-6, 6, size=(2, 100_000))
    labels = rng.integers(0, 3, size=100_000)
    write_points_csv(tmp_path / "big.csv", points, labels)
    read_points, read_labels = read_points_csv(tmp_path / "big.csv", n_classes=3)
    assert np.array_equal(read_points, points)
    assert np.array_equal(read_labels, labels)


def test_a_bad_line_deep_in_a_large_file_is_named(tmp_path):
    rows = ["x1,x2,label"] + ["0.5,-0.25,1"] * 100_000
    rows[99_990] = "0.5,oops,1"
    path = csv_file(tmp_path, "\n".join(rows) + "\n")
    error = read_error(path)
    assert error.line == 99_991
    assert "'oops'" in error.problem


def test_zero_points_round_trip(tmp_path):
    write_points_csv(tmp_path / "p.csv", np.empty((2, 0)), np.empty(0, dtype=np.int64))
    points, labels = read_points_csv(tmp_path / "p.csv")
    assert points.shape == (2, 0) and points.dtype == np.float64
    assert labels.shape == (0,) and labels.dtype == np.int64


def test_unlabelled_points_round_trip(tmp_path):
    points = np.array([[1.5, -2.0], [0.25, 3.0]])
    write_points_csv(tmp_path / "p.csv", points, None)
    read_points, labels = read_points_csv(tmp_path / "p.csv", allow_unlabelled=True)
    assert labels is None
    np.testing.assert_array_equal(read_points, points)


def test_written_file_is_a_header_and_one_row_per_point(tmp_path):
    write_points_csv(tmp_path / "p.csv", np.array([[0.1, -1.0], [2.0, 3.5]]), np.array([1, 0]))
    assert (tmp_path / "p.csv").read_bytes() == b"x1,x2,label\n0.1,2.0,1\n-1.0,3.5,0\n"


# -- harmless variations that are accepted -----------------------------------


def test_a_header_without_rows_is_zero_points(tmp_path):
    points, labels = read_points_csv(csv_file(tmp_path, "x1,x2,label\n"))
    assert points.shape == (2, 0) and labels.shape == (0,)


def test_a_utf8_byte_order_mark_is_ignored(tmp_path):
    points, _ = read_points_csv(csv_file(tmp_path, b"\xef\xbb\xbfx1,x2,label\n1,2,0\n"))
    np.testing.assert_array_equal(points, [[1.0], [2.0]])


def test_crlf_line_endings_are_accepted(tmp_path):
    points, labels = read_points_csv(csv_file(tmp_path, "x1,x2,label\r\n1,2,0\r\n3,4,1\r\n"))
    np.testing.assert_array_equal(points, [[1, 3], [2, 4]])
    np.testing.assert_array_equal(labels, [0, 1])


def test_blank_lines_anywhere_are_skipped(tmp_path):
    text = "\n  \nx1,x2,label\n\n1,2,0\n \t \n3,4,1\n\n\n"
    points, labels = read_points_csv(csv_file(tmp_path, text))
    np.testing.assert_array_equal(points, [[1, 3], [2, 4]])
    np.testing.assert_array_equal(labels, [0, 1])


def test_spaces_around_fields_and_header_names_are_accepted(tmp_path):
    points, labels = read_points_csv(csv_file(tmp_path, " x1 , x2 ,label \n 1 ,\t2, 1 \n"))
    np.testing.assert_array_equal(points, [[1.0], [2.0]])
    np.testing.assert_array_equal(labels, [1])


def test_a_last_line_without_newline_is_read(tmp_path):
    points, _ = read_points_csv(csv_file(tmp_path, "x1,x2,label\n1,2,0"))
    assert points.shape == (2, 1)


@pytest.mark.parametrize("text", ["1.0", "1.", "1e0", "+1", " 1.000 "])
def test_a_whole_number_label_written_as_a_float_is_accepted(tmp_path, text):
    _, labels = read_points_csv(csv_file(tmp_path, f"x1,x2,label\n0,0,{text}\n"))
    np.testing.assert_array_equal(labels, [1])


def test_coordinates_outside_the_drawing_area_are_accepted(tmp_path):
    points, _ = read_points_csv(csv_file(tmp_path, "x1,x2,label\n-1e6,250.5,0\n"))
    np.testing.assert_array_equal(points, [[-1e6], [250.5]])


def test_labels_up_to_n_classes_minus_one_are_accepted(tmp_path):
    _, labels = read_points_csv(csv_file(tmp_path, "x1,x2,label\n0,0,4\n"), n_classes=5)
    np.testing.assert_array_equal(labels, [4])


def test_a_labelled_file_is_read_with_labels_even_when_unlabelled_is_allowed(tmp_path):
    _, labels = read_points_csv(csv_file(tmp_path, "x1,x2,label\n0,0,1\n"), allow_unlabelled=True)
    np.testing.assert_array_equal(labels, [1])


# -- rejected files ------------------------------------------------------------

BAD_ROWS = [
    # (data line, words the problem must contain)
    ("1,2", ["expected 3", "found 2"]),
    ("1,2,0,4", ["expected 3", "found 4"]),
    ("1;2;0", ["expected 3", "found 1"]),
    ("abc,2,0", ["x1", "'abc'", "not a number"]),
    ("1,0x10,0", ["x2", "not a number"]),
    ("1,,0", ["x2", "empty"]),
    ("nan,2,0", ["x1", "finite"]),
    ("1,inf,0", ["x2", "finite"]),
    ("1,-Infinity,0", ["x2", "finite"]),
    ("1,1e999,0", ["x2", "finite"]),
    ("1,2,1.5", ["label", "'1.5'", "whole number"]),
    ("1,2,one", ["label", "not a number"]),
    # Only ASCII decimal notation is a number (Python's float reads all of these).
    ("1_000,2,0", ["x1", "'1_000'", "not a number"]),
    ("\uff11,2,0", ["x1", "not a number"]),  # full-width 1
    ("1,\u0663,0", ["x2", "not a number"]),  # Arabic-Indic 3
    ("1,2,\uff11", ["label", "not a number"]),
    ("1,2,1_0", ["label", "not a number"]),
    ("1,2, 0 0", ["label", "not a number"]),
    ("1,2,nan", ["label", "whole number"]),
    ("1,2,", ["label", "empty"]),
    ("1,2,2", ["label", "'2'", "out of range", "0..1"]),
    ("1,2,-1", ["label", "out of range"]),
    ("1,2,1e300", ["label", "out of range"]),
]


@pytest.mark.parametrize(("row", "words"), BAD_ROWS, ids=[row for row, _ in BAD_ROWS])
def test_a_bad_row_is_refused_naming_file_line_and_problem(tmp_path, row, words):
    path = csv_file(tmp_path, f"x1,x2,label\n0.5,0.5,0\n{row}\n0.5,0.5,1\n")
    error = read_error(path)
    assert error.line == 3
    assert str(error).startswith(f"{path}: line 3: ")
    for word in words:
        assert word in error.problem


def test_the_first_bad_line_is_reported(tmp_path):
    path = csv_file(tmp_path, "x1,x2,label\n0,0,0\n0,0,7\nx,0,0\n")
    assert read_error(path).line == 3


def test_line_numbers_count_blank_lines_bom_and_crlf(tmp_path):
    path = csv_file(tmp_path, b"\xef\xbb\xbf\r\n\r\nx1,x2,label\r\n\r\n1,2,0\r\n1,x,0\r\n")
    assert read_error(path).line == 6


@pytest.mark.parametrize("header", ["x,y,label", "x1,x2,class", "x1,x2,label,extra", "X1,X2,LABEL"])
def test_a_wrong_header_is_refused_on_its_line(tmp_path, header):
    path = csv_file(tmp_path, f"\n{header}\n1,2,0\n")
    error = read_error(path)
    assert error.line == 2
    assert "header must be x1,x2,label" in error.problem


def test_a_file_without_header_is_refused(tmp_path):
    error = read_error(csv_file(tmp_path, "1,2,0\n3,4,1\n"))
    assert error.line == 1
    assert "header" in error.problem


def test_an_unlabelled_file_is_refused_unless_allowed(tmp_path):
    error = read_error(csv_file(tmp_path, "x1,x2\n1,2\n"))
    assert error.line == 1
    assert "no label column" in error.problem


def test_an_unlabelled_file_with_three_values_in_a_row_is_refused(tmp_path):
    error = read_error(csv_file(tmp_path, "x1,x2\n1,2,0\n"), allow_unlabelled=True)
    assert error.line == 2
    assert "expected 2" in error.problem


@pytest.mark.parametrize("content", ["", "\n\n  \r\n"], ids=["empty", "blank-lines"])
def test_an_empty_file_is_refused(tmp_path, content):
    path = csv_file(tmp_path, content)
    error = read_error(path)
    assert error.line is None
    assert str(error) == f"{path}: {error.problem}"
    assert "empty" in error.problem


def test_a_missing_file_is_refused(tmp_path):
    error = read_error(tmp_path / "missing.csv")
    assert str(error) == f"{tmp_path / 'missing.csv'}: file not found"


def test_a_directory_is_refused(tmp_path):
    error = read_error(tmp_path)
    assert error.path == str(tmp_path)
    assert "directory" in error.problem


def test_text_that_is_not_utf8_is_refused_naming_the_line(tmp_path):
    path = csv_file(tmp_path, b"x1,x2,label\n1,2,0\n" + b"\xff\xfe,1,0\n")
    error = read_error(path)
    assert error.line == 3
    assert "not UTF-8" in error.problem


def test_utf16_text_is_refused_with_advice(tmp_path):
    error = read_error(csv_file(tmp_path, "x1,x2,label\n1,2,0\n".encode("utf-16")))
    assert "UTF-16" in error.problem and "UTF-8" in error.problem


def test_binary_garbage_is_refused(tmp_path):
    path = csv_file(tmp_path, bytes(range(256)) * 4)
    assert "binary" in read_error(path).problem


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(MAX_CSV_BYTES + 1)  # sparse: costs no disk space

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(errors_module, "open", no_reading, raising=False)
    error = read_error(path)
    assert f"{MAX_CSV_BYTES + 1:,} bytes" in error.problem
    assert f"{MAX_CSV_BYTES:,} bytes (64 MiB)" in error.problem


def test_a_file_exactly_at_the_size_limit_is_read(tmp_path, monkeypatch):
    content = b"x1,x2,label\n1,2,0\n"
    monkeypatch.setattr(pointsfile, "MAX_CSV_BYTES", len(content))
    points, _ = read_points_csv(csv_file(tmp_path, content))
    assert points.shape == (2, 1)


def test_a_file_one_byte_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    content = b"x1,x2,label\n1,2,0\n"
    monkeypatch.setattr(pointsfile, "MAX_CSV_BYTES", len(content) - 1)
    assert "too large" in read_error(csv_file(tmp_path, content)).problem


def test_errors_are_value_errors_carrying_path_line_and_problem(tmp_path):
    path = csv_file(tmp_path, "x1,x2,label\n1,2,x\n")
    error = read_error(path)
    assert isinstance(error, BadFileError) and isinstance(error, ValueError)
    assert (error.path, error.line) == (str(path), 2)
    assert str(error) == f"{path}: line 2: {error.problem}"


def test_errors_survive_pickling(tmp_path):
    error = read_error(csv_file(tmp_path, "x1,x2,label\n1,2,x\n"))
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), copy.path, copy.line, copy.problem) == (
        DataFileError,
        error.path,
        error.line,
        error.problem,
    )


def test_long_bad_values_are_cut_short_in_the_message(tmp_path):
    error = read_error(csv_file(tmp_path, "x1,x2,label\n" + "9" * 5000 + "z,1,0\n"))
    assert len(str(error)) < 200 + len(error.path)


# -- writing -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "labels", "words"),
    [
        (np.zeros((3, 4)), np.zeros(4, dtype=int), "shape (2, m)"),
        (np.zeros(4), np.zeros(4, dtype=int), "shape (2, m)"),
        (np.array([["a", "b"], ["c", "d"]]), np.zeros(2, dtype=int), "real numbers"),
        (np.array([[np.nan, 1.0], [0.0, 0.0]]), np.zeros(2, dtype=int), "finite"),
        (np.array([[np.inf, 1.0], [0.0, 0.0]]), np.zeros(2, dtype=int), "finite"),
        (np.zeros((2, 4)), np.zeros(3, dtype=int), "shape (4,)"),
        (np.zeros((2, 2)), np.array([0.0, 0.5]), "whole numbers"),
        (np.zeros((2, 2)), np.array([0, -1]), "≥ 0"),
        (np.zeros((2, 2)), np.array(["0", "1"]), "integer"),
    ],
)
def test_writing_bad_arrays_raises_value_error_and_writes_nothing(tmp_path, points, labels, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        write_points_csv(tmp_path / "p.csv", points, labels)
    assert list(tmp_path.iterdir()) == []


def test_writing_whole_number_float_labels_writes_integers(tmp_path):
    write_points_csv(tmp_path / "p.csv", np.zeros((2, 2)), np.array([1.0, 0.0]))
    assert (tmp_path / "p.csv").read_text().splitlines()[1:] == ["0.0,0.0,1", "0.0,0.0,0"]


def test_a_refused_write_leaves_the_old_file(tmp_path):
    path = csv_file(tmp_path, "x1,x2,label\n1,2,0\n")
    with pytest.raises(ValueError):
        write_points_csv(path, np.full((2, 1), np.nan), np.zeros(1, dtype=int))
    assert path.read_text() == "x1,x2,label\n1,2,0\n"


def test_writing_accepts_a_str_path(tmp_path):
    write_points_csv(str(tmp_path / "p.csv"), np.zeros((2, 1)), np.zeros(1, dtype=int))
    points, _ = read_points_csv(str(tmp_path / "p.csv"))
    assert points.shape == (2, 1)


# -- any bytes: a result or a DataFileError, nothing else ------------------------


def read_or_refuse(path, **kwargs):
    try:
        points, labels = read_points_csv(path, **kwargs)
    except DataFileError as error:
        assert str(error).startswith(str(path))
        return
    assert points.dtype == np.float64 and points.ndim == 2 and points.shape[0] == 2
    assert np.isfinite(points).all()
    if labels is not None:
        assert labels.dtype == np.int64 and labels.shape == (points.shape[1],)
        assert labels.size == 0 or (labels.min() >= 0 and labels.max() < kwargs["n_classes"])


@given(st.binary(max_size=300))
@FUZZ
def test_random_bytes_are_read_or_refused_with_a_data_file_error(tmp_path, content):
    read_or_refuse(csv_file(tmp_path, b"x1,x2,label\n" + content), n_classes=3)
    read_or_refuse(csv_file(tmp_path, content), n_classes=3, allow_unlabelled=True)


CSV_ALPHABET = string.digits + ".,-+eEinfaINFA_ x\r\n\t" + "\u00a0\u2028\u0661\x00\ufeff"


@given(st.text(alphabet=CSV_ALPHABET, max_size=120))
@FUZZ
def test_csv_like_text_is_read_or_refused_with_a_data_file_error(tmp_path, body):
    read_or_refuse(csv_file(tmp_path, "x1,x2,label\n" + body), n_classes=2)


@given(st.text(alphabet=CSV_ALPHABET, max_size=120))
@FUZZ
def test_the_fast_parser_agrees_with_the_line_by_line_parser(tmp_path, body):
    # The fast path may only decline a file, never read it differently.
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")
    fast = pointsfile._parse_fast(body, 3, 2)
    try:
        slow = pointsfile._parse_lines("f.csv", body, 2, pointsfile.HEADER, 2)
    except DataFileError:
        assert fast is None
    else:
        assert fast is None or fast.tobytes() == slow.tobytes()


VALID = b"x1,x2,label\n0.5,-1.25,0\n3.0,2.75,1\n-0.0,1e-300,1\n"


@given(st.data())
@FUZZ
def test_a_valid_file_mangled_is_read_or_refused_with_a_data_file_error(tmp_path, data):
    content = bytearray(VALID)
    how = data.draw(st.sampled_from(["truncate", "flip", "splice"]))
    if how == "truncate":
        content = content[: data.draw(st.integers(0, len(content)))]
    elif how == "flip":
        for _ in range(data.draw(st.integers(1, 5))):
            content[data.draw(st.integers(0, len(content) - 1))] = data.draw(st.integers(0, 255))
    else:
        at = data.draw(st.integers(0, len(content)))
        content[at:at] = data.draw(st.binary(min_size=1, max_size=20))
    read_or_refuse(csv_file(tmp_path, bytes(content)), n_classes=2)
