"""A small helper to lay out one sheet: place labels, data, inputs and formulas by row/column."""

from __future__ import annotations

import math
import unicodedata

from perfeval_xl.layout import a1
from perfeval_xl.layout.contract import Cell, InputType, Role, SheetSpec, Validation

PERCENT_FORMAT = "0.00%"
MONEY_FORMAT = "#,##0.00"
SCORE_FORMAT = "0.00"
NUMBER_FORMAT = "General"
LINE_HEIGHT = 13.5  # points per wrapped line at 10 pt


class SheetBuilder:
    def __init__(self, spec: SheetSpec) -> None:
        self.spec = spec

    def _merge(self, row: int, col: int, span: int, rows: int) -> str | None:
        if span <= 1 and rows <= 1:
            return None
        return a1.ref(row + rows - 1, col + span - 1)

    def label(self, row: int, col: int, text: str, style: str = "label", span: int = 1, rows: int = 1) -> Cell:
        return self.spec.add(Cell(a1.ref(row, col), Role.LABEL, text, style=style, merge_to=self._merge(row, col, span, rows)))

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
        return self.spec.add(Cell(a1.ref(row, col), Role.DATA, value, key=key, style=style,
                                  merge_to=self._merge(row, col, span, rows), number_format=number_format))

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
        fmt = number_format or _input_format(validation.type)
        return self.spec.add(Cell(a1.ref(row, col), Role.INPUT, value, key=key, style=style, validation=validation,
                                  merge_to=self._merge(row, col, span, 1), number_format=fmt))

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
        return self.spec.add(Cell(a1.ref(row, col), Role.FORMULA, formula=formula, key=key, style=style,
                                  number_format=number_format, merge_to=self._merge(row, col, span, 1)))

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


def _input_format(kind: InputType) -> str | None:
    return _INPUT_FORMATS.get(kind)



def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes in a column `width` characters wide (CJK characters count double)."""
    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return max(1, math.ceil(units / max(width - 1, 1)))
