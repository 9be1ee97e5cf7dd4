"""ASCII decimal notation is the only way to write a number in a file or an option."""

import math

import pytest

from backprop_gui.core.numbers import is_plain_decimal_text, parse_float, parse_int


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0.0), ("-1.5", -1.5), (".5", 0.5), ("3.", 3.0), ("+2e-3", 0.002), ("1E6", 1e6)],
)
def test_decimal_floats_read_as_float_does(text, value):
    assert parse_float(text) == value


@pytest.mark.parametrize("text", ["inf", "-Infinity", "NaN", "1e999"])
def test_infinity_and_nan_are_read_so_that_callers_can_refuse_them_precisely(text):
    assert not math.isfinite(parse_float(text))


@pytest.mark.parametrize(
    "text",
    [
        "1_000",
        "\uff11",
        "\u0663",
        "1\u0663",
        " 1",
        "1 ",
        "",
        ".",
        "e5",
        "1e",
        "0x10",
        "--1",
        "1.2.3",
    ],
)
def test_anything_else_is_not_a_float(text):
    with pytest.raises(ValueError):
        parse_float(text)


@pytest.mark.parametrize(("text", "value"), [("8", 8), ("+3", 3), ("-1", -1), ("007", 7)])
def test_decimal_integers(text, value):
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["1_6", "\uff18", "\u0668", "1.0", "1e3", "", "+", "9" * 1001])
def test_anything_else_is_not_an_integer(text):
    with pytest.raises(ValueError):
        parse_int(text)


def test_plain_decimal_text_admits_no_other_numeral():
    assert is_plain_decimal_text("1.5,-2e3,0\n+.5, 3 ,1\n")
    assert not is_plain_decimal_text("1_0,2,0\n")
    assert not is_plain_decimal_text("\uff11,2,0\n")
    assert not is_plain_decimal_text("nan,2,0\n")
