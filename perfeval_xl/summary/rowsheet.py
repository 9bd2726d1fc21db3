"""Writing a row of cells: one object per row on the summary's long sheets.

XlsxWriter in memory mode keeps an object per cell until the workbook closes (about
150 bytes a cell, and 2.5 million cells on the 指标明细 sheet of a 10,000-project batch),
then writes each cell through one general routine. A RowSheet keeps a data row as one
tuple (shared-string indices, numbers, formats) and writes the row's XML in one go: the
XML XlsxWriter writes for the same cells, so the workbook's bytes do not change (tests
compare). Shared strings are still numbered as the row is written and formats as the
row is written out, in the order XlsxWriter numbers them. This leans on XlsxWriter
internals (Worksheet._write_cell, table, str_table), hence its pinned version range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from xlsxwriter.format import Format
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

CellValue = str | float | dt.datetime | None  # None: a blank cell that still carries its format
Cell = tuple[CellValue, Format]


class _Row:
    """A row's cells from column A: shared-string index (int), number (float) or blank (None), then
    the format, for each cell in turn."""

    __slots__ = ("cells",)

    def __init__(self, cells: tuple[object, ...]) -> None:
        self.cells = cells


_LAST = object()  # marks a row's last column, so XlsxWriter's dimensions and spans see the whole row


class RowSheet(Worksheet):
    """A worksheet whose rows written by write_cells are kept and written out whole."""

    def __init__(self) -> None:
        super().__init__()
        self._columns: list[str] = []
        self._styles: dict[Format, str] = {}  # ' s="7"': numbered when first written, as XlsxWriter numbers

    def write_cells(self, row: int, cells: Sequence[Cell]) -> None:
        """Write `cells` into `row` from column A."""
        last = len(cells) - 1
        if last < 0 or self._check_dimensions(row, 0) or self._check_dimensions(row, last):
            return
        shared = self.str_table._get_shared_string_index
        flat: list[object] = []
        for value, fmt in cells:
            if value.__class__ is str:
                if len(value) > self.xls_strmax // 2 and _utf16_len(value) > self.xls_strmax:
                    value = _utf16_truncate(value, self.xls_strmax)
                flat.append(shared(value))
            elif value is None or value.__class__ is float:
                flat.append(value)
            elif isinstance(value, dt.datetime):
                flat.append(self._convert_date_time(value))
            else:
                flat.append(float(value))  # type: ignore[arg-type]
            flat.append(fmt)
        self.table[row][0] = _Row(tuple(flat))
        if last:
            self.table[row][last] = _LAST

    def _write_cell(self, row: int, col: int, cell: object) -> None:
        if cell.__class__ is _Row:
            self.fh.write(self._row_xml(row, cell.cells))  # type: ignore[attr-defined]
            cell.cells = ()  # type: ignore[attr-defined]  # written once, as the workbook closes: let it go
        elif cell is not _LAST:
            super()._write_cell(row, col, cell)

    def _row_xml(self, row: int, cells: tuple[object, ...]) -> str:
        """As Worksheet._write_cell writes each cell (a string, number or blank cell with a format)."""
        n = len(cells) // 2
        while len(self._columns) < n:
            self._columns.append(xl_col_to_name(len(self._columns)))
        number = str(row + 1)
        styles = self._styles
        out = []
        for name, value, fmt in zip(self._columns, cells[::2], cells[1::2]):
            style = styles.get(fmt)  # type: ignore[call-overload]
            if style is None:
                style = styles[fmt] = f' s="{fmt._get_xf_index()}"'  # type: ignore[attr-defined]
            if value is None:
                out.append(f'<c r="{name}{number}"{style}/>')
            elif value.__class__ is int:
                out.append(f'<c r="{name}{number}"{style} t="s"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{name}{number}"{style}><v>{value:.16G}</v></c>')
        return "".join(out)


def write_cells(ws: Worksheet, row: int, cells: Sequence[Cell]) -> None:
    """Write `cells` into `row` from column A: whole on a RowSheet, else cell by cell (a sheet whose
    cells a chart reads back)."""
    if isinstance(ws, RowSheet):
        ws.write_cells(row, cells)
        return
    for col, (value, fmt) in enumerate(cells):
        if value is None:
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            ws.write_string(row, col, value, fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, fmt)
        else:
            ws.write_number(row, col, value, fmt)
