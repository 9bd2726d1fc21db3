"""Writing a row of cells: one object per row on the summary's long sheets.

XlsxWriter in memory mode keeps an object per cell until the workbook closes (about
150 bytes a cell, and 2.5 million cells on the 指标明细 sheet of a 10,000-project batch),
then writes each cell out through one general routine. A RowSheet renders a data row's
XML as the row is written, the XML XlsxWriter writes for the same cells, and keeps only
that text, in a temporary file (100 MB on that sheet), so the workbook's bytes do not
change (tests compare). What XlsxWriter reads back of a row (its table: the cells of each
row, for spans and for writing out) is made when asked for from two numbers a row, not
held as a dict a row (60 MB on that sheet).

XlsxWriter numbers shared strings as cells are written, and formats as cells are
written out, sheet by sheet, row by row, left to right. Rendering a row numbers its
formats earlier, so write_cells numbers the formats of every sheet as it writes: the
same order, provided rows are written top to bottom (they are). This leans on XlsxWriter
internals (Worksheet._write_cell, table, str_table, Format._get_xf_index), hence its
pinned version range. A RowSheet takes rows through write_cells only.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from array import array
from collections.abc import Sequence

from xlsxwriter.format import Format
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

CellValue = str | float | dt.datetime | None  # None: a blank cell that still carries its format
Cell = tuple[CellValue, Format]


class _RowXml:
    """A row's cells: the length of their XML, the next that far in the sheet's spool."""

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        self.size = size


_LAST = object()  # marks a row's last column, so XlsxWriter's spans see the whole row


class _Rows:
    """A RowSheet's table as XlsxWriter reads it: row -> {0: _RowXml, last column: _LAST}, for rows
    written top to bottom from 0, each once."""

    def __init__(self) -> None:
        self._sizes = array("q")  # each row's XML length
        self._lasts = array("q")  # each row's last column
        self._row = -1
        self._cells: dict[int, object] = {}  # the row last asked for: XlsxWriter asks a few times a row

    def append(self, row: int, size: int, last: int) -> None:
        if row != len(self._sizes):
            raise ValueError(f"row {row} written out of order: rows go top to bottom from 0, each once")
        self._sizes.append(size)
        self._lasts.append(last)

    def __contains__(self, row: object) -> bool:
        return isinstance(row, int) and 0 <= row < len(self._sizes)

    def __getitem__(self, row: int) -> dict[int, object]:
        if row != self._row:
            self._row = row
            self._cells = {}
            if row in self:
                self._cells[0] = _RowXml(self._sizes[row])
                if self._lasts[row]:
                    self._cells[self._lasts[row]] = _LAST
        return self._cells

    def get(self, row: int, default: object = None) -> object:
        return self[row] if row in self else default


class RowSheet(Worksheet):
    """A worksheet whose rows written by write_cells are kept as XML, in order, in a temporary file."""

    def __init__(self) -> None:
        super().__init__()
        self._columns: list[str] = []
        self._styles: dict[Format, str] = {}  # ' s="7"'
        self._spool = tempfile.TemporaryFile()  # the rows' XML (ASCII: texts are shared strings)
        self._reading = False
        self.table = _Rows()

    def write_cells(self, row: int, cells: Sequence[Cell]) -> None:
        """Write `cells` into `row` from column A (as Worksheet._write_cell would write them out)."""
        last = len(cells) - 1
        if last < 0 or self._check_dimensions(row, 0) or self._check_dimensions(row, last):
            return
        while len(self._columns) <= last:
            self._columns.append(xl_col_to_name(len(self._columns)))
        number = str(row + 1)
        shared = self.str_table._get_shared_string_index
        styles = self._styles
        out = []
        for name, (value, fmt) in zip(self._columns, cells):
            style = styles.get(fmt)
            if style is None:
                style = styles[fmt] = f' s="{fmt._get_xf_index()}"'
            if value is None:
                out.append(f'<c r="{name}{number}"{style}/>')
            elif value.__class__ is str:
                if len(value) > self.xls_strmax // 2 and _utf16_len(value) > self.xls_strmax:
                    value = _utf16_truncate(value, self.xls_strmax)
                out.append(f'<c r="{name}{number}"{style} t="s"><v>{shared(value)}</v></c>')
            else:
                if isinstance(value, dt.datetime):
                    value = self._convert_date_time(value)
                out.append(f'<c r="{name}{number}"{style}><v>{float(value):.16G}</v></c>')
        xml = "".join(out).encode("ascii")
        self._spool.write(xml)
        self.table.append(row, len(xml), last)

    def _write_cell(self, row: int, col: int, cell: object) -> None:
        if cell.__class__ is _RowXml:
            if not self._reading:  # the workbook closes: rows are written out once, top to bottom
                self._spool.seek(0)
                self._reading = True
            self.fh.write(self._spool.read(cell.size).decode("ascii"))  # type: ignore[attr-defined]
        elif cell is not _LAST:
            super()._write_cell(row, col, cell)

    def _assemble_xml_file(self) -> None:
        super()._assemble_xml_file()
        self._spool.close()


def write_cells(ws: Worksheet, row: int, cells: Sequence[Cell]) -> None:
    """Write `cells` into `row` from column A: whole on a RowSheet, else cell by cell (a sheet whose
    cells a chart reads back)."""
    if isinstance(ws, RowSheet):
        ws.write_cells(row, cells)
        return
    for col, (value, fmt) in enumerate(cells):
        fmt._get_xf_index()  # numbered now, in the order rows are written (see above)
        if value is None:
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            ws.write_string(row, col, value, fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, fmt)
        else:
            ws.write_number(row, col, value, fmt)
