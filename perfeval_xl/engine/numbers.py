"""Decimal helpers: the one place numbers are normalised and rounded.

Spreadsheets round half away from zero (四舍五入); Python's round() rounds half to
even. Every rounding in the product goes through `round_half_up`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

# 28 significant digits is more than any input carries; division results are exact
# to far below the 2-decimal rounding unit.
CONTEXT = Context(prec=34)

_QUANTS = {places: Decimal(1).scaleb(-places) for places in range(0, 11)}


def to_decimal(value: object) -> Decimal | None:
    """Normalise a cell or file value to Decimal; None for blanks and non-numbers.

    Floats go through str() (shortest repr), so 0.1 becomes Decimal("0.1"), not
    0.1000000000000000055...
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """四舍五入 to `places` decimals, as spreadsheet ROUND does."""
    return value.quantize(_QUANTS[places], ROUND_HALF_UP, CONTEXT)  # positional: no keyword dict per call


# div(a, b) and mul(a, b) in CONTEXT; bound methods rather than wrappers, as scoring calls them for every indicator.
div: Callable[[Decimal, Decimal], Decimal] = CONTEXT.divide
mul: Callable[[Decimal, Decimal], Decimal] = CONTEXT.multiply


def decimal_places(text: str) -> int:
    """Digits after the decimal point in a number written as text ("59.1" -> 1)."""
    if "." not in text:
        return 0
    return len(text.split(".", 1)[1])
