"""The summary workbook the bureau reads (Chinese), written with XlsxWriter.

Byte-identical for the same data: rows are sorted by the tables, the document date
is the latest receipt (or 1 January after the batch year), and XlsxWriter fixes the
zip timestamps. Zipped straight into a temporary file that then atomically takes the
place of the target; long sheets keep each row as XML on disk (rowsheet.py) and the parts
wait on disk as UTF-8 (package.py), so the workbook of 10,000 projects is never whole
in memory. Every text value is written as a string cell (never write()),
so a returned text such as "=1+1" stays text; text that looks like a formula also gets
Excel's quote prefix.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from perfeval_xl.atomic import atomic_writer
from perfeval_xl.summary.charts import CHART_SOURCES, add_charts
from perfeval_xl.summary.package import Utf8Workbook
from perfeval_xl.summary.parts import EXCEL_MAX_ROWS, SheetPart, split
from perfeval_xl.summary.records import SummaryRecords
from perfeval_xl.summary.rowsheet import Cell, RowSheet, write_cells
from perfeval_xl.summary.tables import Kind, Value, summary_tables
from perfeval_xl.writer.styles import FONT

if TYPE_CHECKING:
    from perfeval_xl.summary.data import SummaryData

A4 = 9
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {Kind.TEXT: "@", Kind.MONEY: "#,##0.00", Kind.RATE: "0.00%", Kind.SCORE: "0.00",
                  Kind.NUMBER: "General", Kind.COUNT: "0", Kind.DATETIME: "yyyy-mm-dd hh:mm", Kind.FLAG: "@"}
WRAP_FROM_WIDTH = 30  # text columns at least this wide wrap


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[object, ...], Format] = {}

    def get(self, kind: Kind | None, *, wrap: bool = False, quote: bool = False) -> Format:
        key = (kind, wrap, quote)
        if key not in self.cache:
            props: dict[str, object] = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "border": 1,
                                        "border_color": "#BFBFBF"}
            if kind is None:  # header
                props.update({"bold": True, "bg_color": "#D9D9D9", "align": "center", "text_wrap": True})
            else:
                props["num_format"] = NUMBER_FORMATS[kind]
                props.update({"text_wrap": wrap, "quote_prefix": quote})
                if kind is Kind.FLAG:
                    props["align"] = "center"
            self.cache[key] = self.workbook.add_format(props)
        return self.cache[key]


def document_date(data: SummaryData | SummaryRecords) -> dt.datetime:
    return data.as_of or dt.datetime(data.meta.year + 1, 1, 1)


def summary_bytes(data: SummaryData | SummaryRecords, *, max_rows: int = EXCEL_MAX_ROWS) -> bytes:
    """The workbook as bytes (sheets: 汇总, 按部门, 等级分布, 指标明细…, 问题清单…, 未报送清单, 提交历史)."""
    buffer = io.BytesIO()
    write_workbook(data, buffer, max_rows=max_rows)
    return buffer.getvalue()


def write_summary(data: SummaryData | SummaryRecords, path: str | os.PathLike[str], *, max_rows: int = EXCEL_MAX_ROWS) -> Path:
    """Write the summary workbook to `path` atomically; the same data always gives the same bytes."""
    with atomic_writer(path) as fh:
        write_workbook(data, fh, max_rows=max_rows)
    return Path(path)


def write_workbook(data: SummaryData | SummaryRecords, out: BinaryIO, *, max_rows: int = EXCEL_MAX_ROWS) -> None:
    """Zip the workbook into `out` (seekable, empty): the bytes summary_bytes gives."""
    data = data.records()
    workbook = Utf8Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False, "remove_timezone": True})
    title = f"{data.meta.year}年度项目支出绩效自评汇总"
    workbook.set_properties({"title": title, "author": data.meta.bureau, "company": data.meta.bureau,
                             "created": document_date(data), "comments": f"perfeval_xl {data.meta.batch_id}"})
    formats = _Formats(workbook)
    charted: dict[str, list[SheetPart]] = {}  # what the charts read; the other tables go once written
    sheets: dict[str, Worksheet] = {}
    for table in summary_tables(data):
        parts = split(table, max_rows)
        for part in parts:
            ws = workbook.add_worksheet(part.name, None if table.key in CHART_SOURCES else RowSheet)
            write_part(ws, part, formats, title)
            sheets[part.name] = ws
        if table.key in CHART_SOURCES:
            charted[table.key] = parts
    add_charts(workbook, sheets[charted["grades"][0].name], charted)
    workbook.close()


def write_part(ws: Worksheet, part: SheetPart, formats: _Formats, title: str) -> None:
    columns = part.table.columns
    cell_makers = [_column_cells(col.kind, formats, wrap=col.width >= WRAP_FROM_WIDTH) for col in columns]
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width)
    write_cells(ws, 0, [(col.header, formats.get(None)) for col in columns])
    ws.set_row(0, 30)
    for r, row in enumerate(part.rows, start=1):
        write_cells(ws, r, [make(value) for make, value in zip(cell_makers, row)])
    last_row = max(len(part.rows), 1)
    ws.autofilter(0, 0, last_row, len(columns) - 1)
    ws.freeze_panes(1, part.table.freeze_cols)
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    # The space after "&9" ends the font size code: "&92024年" would ask for size 92024.
    ws.set_header(f"&L&\"{FONT}\"&9 {title}&R&\"{FONT}\"&9 {part.name}")
    ws.set_footer(f"&C&\"{FONT}\"&9 第 &P 页，共 &N 页")


def _column_cells(kind: Kind, formats: _Formats, *, wrap: bool) -> Callable[[Value], Cell]:
    """How one column's values become cells (formats chosen once per column: this is the hot loop).

    Text is always a string cell, never write(); text that looks like a formula also
    gets the quote prefix. Numbers go as numbers, 是/否 for flags, blanks keep the format."""
    fmt = formats.get(kind, wrap=wrap)
    blank: Cell = (None, fmt)
    if kind is Kind.TEXT:
        quoted = formats.get(kind, wrap=wrap, quote=True)

        def text(value: Value) -> Cell:
            if value is None:
                return blank
            value = str(value)
            return value, quoted if value.startswith(FORMULA_START) else fmt
        return text
    if kind is Kind.FLAG:
        yes, no = ("是", fmt), ("否", fmt)
        return lambda value: blank if value is None else yes if value else no
    if kind is Kind.DATETIME:
        return lambda value: (value, fmt) if isinstance(value, dt.datetime) else blank

    def number(value: Value) -> Cell:
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return float(value), fmt
        return blank
    return number
