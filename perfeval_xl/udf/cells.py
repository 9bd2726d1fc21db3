"""Cell values in, cell values out.

xlwings hands a UDF what a cell holds: a float (numbers, percentages, dates are not
used), a str, a bool or None for a blank cell. The engine wants Decimals and text; a
UDF answers with a float, a text, or "" where the engine leaves a figure blank (a
blank input, an input error), which is what the native formulas show as well.
Definition problems (no target, no points, an unknown kind) raise `UdfError`, which
becomes #VALUE! in the cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.manifest.library import LibraryError, load_profile
from perfeval_xl.model.inputs import Entry

CellValue = float | int | str | bool | Decimal | None
Result = float | str
BLANK = ""


class UdfError(ValueError):
    """A function called with a definition it cannot score (shown as #VALUE! in Excel)."""


def entry(value: CellValue) -> Entry:
    """A typed input as the engine reads it: a Decimal, raw text, or None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return str(value).upper()  # TRUE/FALSE typed into a number cell is not a number
    if isinstance(value, str):
        return value
    number = to_decimal(value)
    return number if number is not None else str(value)


def number(value: CellValue, what: str, *, required: bool = True) -> Decimal | None:
    """A number that defines the indicator (its points, its target); anything else is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise UdfError(f"缺少{what}")
        return None
    number_ = None if isinstance(value, (bool, str)) else to_decimal(value)
    if number_ is None:
        raise UdfError(f"{what}必须是数字：{value!r}")
    return number_


def weight(value: CellValue) -> Decimal:
    """The indicator's points (分值): a non-negative number."""
    points = number(value, "分值")
    assert points is not None
    if points < 0:
        raise UdfError(f"分值不能为负数：{value!r}")
    return points


def text(value: CellValue) -> str | None:
    """Optional text; a whole number typed where text is expected reads as its digits."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    stripped = str(value).strip()
    return stripped or None


def result(value: Decimal | None) -> Result:
    return BLANK if value is None else float(value)


def text_result(value: str | None) -> str:
    return BLANK if value is None else value


def column(values: Iterable[Result]) -> list[list[Result]]:
    """A list of results as one column (xlwings writes a list of one-item rows downwards)."""
    return [[value] for value in values]


def flat(values: CellValue | Iterable[CellValue]) -> list[CellValue]:
    """A range argument as a flat list: one cell, a row, a column, or rows of one column."""
    if values is None or isinstance(values, (str, bool, int, float, Decimal)):
        return [values]
    out: list[CellValue] = []
    for item in values:
        if isinstance(item, (list, tuple)):
            out.extend(item)
        else:
            out.append(item)
    return out


def profile(value: CellValue) -> ScoringProfile:
    """The scoring profile named by a UDF's `profile` argument.

    Blank: the national default. Text starting with "{": a profile as JSON (the generated
    workbooks keep theirs in the hidden xlwings.conf sheet, see layout.flavour.profile_json;
    options left out take their defaults). Other text: a profile shipped with the package
    ("provincial") or a YAML path.
    """
    key = text(value)
    return _profile(key or "")


@lru_cache(maxsize=64)
def _profile(key: str) -> ScoringProfile:
    # Each cell passes the same few profile texts; parse each once per process.
    if not key:
        return ScoringProfile()
    if key.startswith("{"):
        try:
            return ScoringProfile.model_validate_json(key)
        except ValueError as exc:
            raise UdfError(f"计分规则（JSON）无效：{exc}") from exc
    try:
        return load_profile(key)
    except LibraryError as exc:
        raise UdfError(f"未知的计分规则：{key}") from exc

