"""A small helper to lay out one sheet: place labels, data, inputs and formulas by row/column."""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

from perfeval_xl.layout import a1
from perfeval_xl.layout.contract import Cell, InputType, Role, SheetSpec, Validation

PERCENT_FORMAT = "0.00%"
MONEY_FORMAT = "#,##0.00"
SCORE_FORMAT = "0.00"
NUMBER_FORMAT = "General"
LINE_HEIGHT = 13.5  # points per wrapped line at 10 pt
_WIDE = frozenset({"W", "F"})  # east_asian_width classes that take two columns


# Enum members hoisted: `Role.LABEL` is a Python-level lookup in 3.11, and every cell needs one.
_LABEL, _DATA, _INPUT, _FORMULA = Role.LABEL, Role.DATA, Role.INPUT, Role.FORMULA


class SheetBuilder:
    """Cells are built positionally (ref, role, value, formula, key, style, validation, merge_to,
    number_format): the intake rebuilds every returned file's layout, cell by cell."""

    def __init__(self, spec: SheetSpec) -> None:
        self.spec = spec
        self._add = spec.cells.append

    def label(self, row: int, col: int, text: str, style: str = "label", span: int = 1, rows: int = 1) -> Cell:
        merge_to = a1.ref(row + rows - 1, col + span - 1) if span > 1 or rows > 1 else None
        cell = Cell(a1.ref(row, col), _LABEL, text, None, None, style, None, merge_to)
        self._add(cell)
        return cell

    def data(
        self,
        row: int,
        col: int,
        value: object,
        style: str = "data",
        span: int = 1,
        rows: int = 1,
        number_format: str | None = None,
        key: str | None = None,
    ) -> Cell:
        merge_to = a1.ref(row + rows - 1, col + span - 1) if span > 1 or rows > 1 else None
        cell = Cell(a1.ref(row, col), _DATA, value, None, key, style, None, merge_to, number_format)
        self._add(cell)
        return cell

    def input(
        self,
        row: int,
        col: int,
        key: str,
        validation: Validation,
        value: object = None,
        style: str = "input",
        span: int = 1,
        number_format: str | None = None,
    ) -> Cell:
        fmt = number_format or _INPUT_FORMATS.get(validation.type)
        merge_to = a1.ref(row, col + span - 1) if span > 1 else None
        cell = Cell(a1.ref(row, col), _INPUT, value, None, key, style, validation, merge_to, fmt)
        self._add(cell)
        return cell

    def formula(
        self,
        row: int,
        col: int,
        formula: str,
        key: str | None = None,
        style: str = "formula",
        number_format: str | None = None,
        span: int = 1,
    ) -> Cell:
        merge_to = a1.ref(row, col + span - 1) if span > 1 else None
        cell = Cell(a1.ref(row, col), _FORMULA, None, formula, key, style, None, merge_to, number_format)
        self._add(cell)
        return cell

    def widths(self, *widths: float) -> None:
        for i, width in enumerate(widths, start=1):
            self.spec.widths[i] = width

    def span_width(self, first: int, last: int) -> float:
        return sum(self.spec.widths.get(c, 8.43) for c in range(first, last + 1))

    def fit_rows(self, row: int, texts: list[tuple[object, float]], rows: int = 1) -> None:
        """Make rows row..row+rows-1 tall enough for locked wrapped `texts` (text, width).

        Spreadsheets other than Excel do not grow a row for wrapped text on load, so a
        long name or target would be clipped in print. Rows whose texts fit one line keep
        automatic height (Excel then still grows them for what the unit types).
        """
        lines = max((wrapped_lines(str(text), width) for text, width in texts if text), default=1)
        per_row = math.ceil(lines / rows)
        if per_row > 1:
            for r in range(row, row + rows):
                self.spec.heights[r] = max(self.spec.heights.get(r, 0), per_row * LINE_HEIGHT + 3)


_INPUT_FORMATS = {
    InputType.PERCENT: PERCENT_FORMAT,
    InputType.MONEY: MONEY_FORMAT,
    InputType.SCORE: SCORE_FORMAT,
    InputType.TIER_SCORE: SCORE_FORMAT,
    InputType.EVALUATOR_SCORE: SCORE_FORMAT,
}


@lru_cache(maxsize=4096)  # names, targets and ladders recur across a framework's projects
def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes in a column `width` characters wide (CJK characters count double)."""
    # One unit per character plus one per wide (W) or full-width (F) one, counted by C-level maps.
    units = len(text) + sum(map(_WIDE.__contains__, map(unicodedata.east_asian_width, text)))
    return max(1, math.ceil(units / max(width - 1, 1)))
