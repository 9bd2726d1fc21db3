"""How many printed lines a wrapped text takes: spreadsheets do not grow a row for wrapped text
on their own when the file sets its height, so the writers set heights from this estimate."""

from __future__ import annotations

import math
import unicodedata


def display_units(text: str) -> int:
    """Width in half-width units: Chinese (wide) characters count 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def printed_lines(text: str, units_per_line: int) -> int:
    return sum(max(math.ceil(display_units(part) / units_per_line), 1) for part in text.split("\n"))
