"""Numbers as text: plain ASCII decimal notation, nothing else.

Python's ``float`` and ``int`` also read ``1_000``, full-width ``１`` and
Arabic-Indic ``٣``; a data file or an option written that way is far more
likely a mistake (or an attack on a reader) than a number, so every reader in
the app goes through these two functions instead:

- a float is an optional sign, digits with at most one decimal point (at
  least one digit on either side), and an optional exponent ``e``/``E`` with
  an optional sign and digits: ``-1.5``, ``.5``, ``3.``, ``2e-3``, ``+1E6``.
- an integer is an optional sign and digits: ``8``, ``+3``, ``-1``.
- ``inf``, ``infinity`` and ``nan`` (any case, with a sign) are *read*, so
  that the caller can refuse them with a precise message ("not a finite
  number") instead of "not a number": no file value or option in the app
  accepts an infinite or NaN value. A decimal too large for a float, such as
  ``1e999``, reads as infinity and is refused the same way.

Surrounding whitespace is the caller's business (the CSV reader strips it).
"""

from __future__ import annotations

import re

_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_SPECIAL = re.compile(r"[+-]?(?:inf|infinity|nan)", re.ASCII | re.IGNORECASE)
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
# Python refuses to convert longer digit strings (int_max_str_digits); no
# count in the app comes anywhere near this many digits.
_MAX_INT_DIGITS = 1000


def parse_float(text: str) -> float:
    """The float written in ``text`` (ASCII decimal notation, or inf/nan);
    ValueError for anything else."""
    if _FLOAT.fullmatch(text) or _SPECIAL.fullmatch(text):
        return float(text)
    raise ValueError(f"not a decimal number: {text!r}")


def parse_int(text: str) -> int:
    """The integer written in ``text`` (an optional sign and ASCII digits);
    ValueError for anything else, including "1.0" and "1e3"."""
    if _INTEGER.fullmatch(text) and len(text) <= _MAX_INT_DIGITS:
        return int(text)
    raise ValueError(f"not a decimal integer: {text!r}")


def is_plain_decimal_text(text: str) -> bool:
    """True if ``text`` holds only ASCII digits, signs, points, e/E, commas,
    spaces, tabs and newlines: text in which no other numeral can hide."""
    return _PLAIN.fullmatch(text) is not None


_PLAIN = re.compile(r"[0-9eE+\-., \t\n]*", re.ASCII)
