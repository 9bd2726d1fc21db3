"""Render a WorkbookLayout as an .xlsx file with XlsxWriter.

The writer knows nothing about forms: it places the layout's cells, styles,
validations, conditional formats, protection and print settings. Output is
byte-identical for the same input (fixed document dates; XlsxWriter fixes the zip
timestamps).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from perfeval_xl.layout import a1
from perfeval_xl.layout.contract import Cell, InputType, Role, SheetSpec, Validation, WorkbookLayout
from perfeval_xl.writer.styles import FONT, STYLES
from perfeval_xl.writer.xlwings_template import SHEET_CODE_NAME, WORKBOOK_CODE_NAME

A4 = 9
VALIDATION_TITLE = "填写提示"


def legacy_password_hash(password: str) -> str:
    """The 16-bit hash Excel stores for sheet/workbook protection (a guard, not security)."""
    value = 0
    for position, char in enumerate(password, start=1):
        shifted = ord(char) << position
        value ^= (shifted & 0x7FFF) | (shifted >> 15)
    value ^= len(password)
    value ^= 0xCE4B
    return f"{value:04X}"


class _Worksheet(Worksheet):
    """Our formulas use only the REFERENCE §6 functions (checked by the formula builder's
    tests), so XlsxWriter's ~30 regex rewrites for newer functions per formula are skipped."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


class _Workbook(xlsxwriter.Workbook):
    """XlsxWriter has no workbook structure protection; add <workbookProtection>."""

    worksheet_class = _Worksheet
    structure_password: str | None = None

    def _write_workbook_pr(self) -> None:
        super()._write_workbook_pr()
        if self.structure_password is not None:
            self._xml_empty_tag("workbookProtection", [
                ("workbookPassword", legacy_password_hash(self.structure_password)),
                ("lockStructure", 1),
            ])


class _Formats:
    """Formats de-duplicated by (style, number format, locked)."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.cache: dict[tuple[str, str | None, bool], Format] = {}

    def get(self, style: str, number_format: str | None = None, locked: bool = True) -> Format:
        key = (style, number_format, locked)
        fmt = self.cache.get(key)
        if fmt is None:
            props = {"font_name": FONT, "font_size": 10, **STYLES[style], "locked": locked}
            if number_format:
                props["num_format"] = number_format
            fmt = self.workbook.add_format(props)
            self.cache[key] = fmt
        return fmt


def write_workbook(
    layout: WorkbookLayout,
    path: Path,
    *,
    password: str,
    created: dt.datetime,
    title: str,
    author: str,
    inputs: dict[str, object] | None = None,
    cached: dict[str, object] | None = None,
    vba_project: bytes | None = None,
) -> None:
    """Write `layout` to `path`. `inputs` prefill input cells by key; `cached` gives formula results by key;
    `vba_project` (a vbaProject.bin, written unchanged) makes it a macro-enabled workbook (name it .xlsm)."""
    inputs = inputs or {}
    cached = cached or {}
    # in_memory: XlsxWriter otherwise writes and deletes a temp file per part.
    workbook = _Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False, "in_memory": True})
    workbook.structure_password = password
    workbook.set_properties({"title": title, "author": author, "company": author, "created": created,
                             "comments": f"perfeval_xl {layout.version}"})
    workbook.set_size(1400, 900)
    formats = _Formats(workbook)
    if vba_project is not None:
        workbook.add_vba_project(io.BytesIO(vba_project), is_stream=True)
        workbook.set_vba_name(WORKBOOK_CODE_NAME)
    for number, sheet in enumerate(layout.sheets, start=1):
        ws = workbook.add_worksheet(sheet.name)
        if vba_project is not None:
            ws.set_vba_name(SHEET_CODE_NAME.format(number))
        _sheet(ws, sheet, formats, password, inputs, cached)
    for name, target in layout.names.items():
        workbook.define_name(name, "=" + target)
    for name, value in layout.properties.items():
        workbook.set_custom_property(name, value)
    workbook.close()


def _sheet(ws: Worksheet, sheet: SheetSpec, formats: _Formats, password: str,
           inputs: dict[str, object], cached: dict[str, object]) -> None:
    for col, width in sheet.widths.items():
        hidden = col in sheet.hidden_columns
        ws.set_column(col - 1, col - 1, width, None, {"hidden": True} if hidden else None)
    for row, height in sheet.heights.items():
        ws.set_row(row - 1, height)
    for cell in sheet.cells:
        _cell(ws, cell, formats, inputs, cached)
    for cf in sheet.conditional:
        ws.conditional_format(cf.range, {"type": "formula", "criteria": "=" + cf.formula,
                                         "format": formats.get(cf.style)})
    if sheet.freeze:
        row, col = a1.parse(sheet.freeze)
        ws.freeze_panes(row - 1, col - 1)
    _print(ws, sheet)
    if sheet.very_hidden:
        ws.very_hidden()
    if sheet.protect:
        ws.protect(password, {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                              "select_unlocked_cells": True})


def _cell(ws: Worksheet, cell: Cell, formats: _Formats, inputs: dict[str, object], cached: dict[str, object]) -> None:
    row, col = a1.parse(cell.ref)
    r, c = row - 1, col - 1
    locked = cell.role is not Role.INPUT
    fmt = formats.get(cell.style, cell.number_format, locked)
    if cell.merge_to:
        last_row, last_col = a1.parse(cell.merge_to)
        ws.merge_range(r, c, last_row - 1, last_col - 1, "", fmt)
    if cell.role is Role.FORMULA:
        value = cached.get(cell.key, "") if cell.key else ""
        ws.write_formula(r, c, cell.formula, fmt, _cached(value))
        return
    value = inputs.get(cell.key, cell.value) if cell.role is Role.INPUT and cell.key else cell.value
    _value(ws, r, c, value, fmt)
    if cell.role is Role.INPUT and cell.validation is not None:
        _validation(ws, r, c, cell.validation)


def _value(ws: Worksheet, r: int, c: int, value: object, fmt: Format) -> None:
    if value is None or value == "":
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(r, c, float(value), fmt)
    else:
        # Always text: a returned reason such as "=1+1" must never become a formula.
        ws.write_string(r, c, str(value), fmt)


def _cached(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value)
    return "" if value is None else value


def _validation(ws: Worksheet, r: int, c: int, v: Validation) -> None:
    options: dict[str, object] = {"input_title": VALIDATION_TITLE, "error_title": "输入有误", "error_type": "stop"}
    if v.prompt:
        options["input_message"] = v.prompt[:255]
    if v.type in (InputType.NUMBER, InputType.PERCENT, InputType.MONEY):
        options.update({"validate": "decimal", "criteria": ">=", "value": 0,
                        "error_message": "请输入不小于 0 的数字（不要带单位）。"})
    elif v.type is InputType.SCORE:
        options.update({"validate": "decimal", "criteria": "between", "minimum": 0,
                        "maximum": f"={v.maximum_cell}" if v.maximum_cell else float(v.maximum or 0),
                        "error_message": "得分应在 0 与分值之间。"})
    elif v.type is InputType.EVALUATOR_SCORE:
        options.update({"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
                        "error_message": "评分应在 0～100 之间。"})
    elif v.type is InputType.TIER_SCORE:
        options.update({"validate": "custom", "value": "=" + (v.formula or "TRUE"),
                        "error_message": "得分不在所选完成档次的范围内，或尚未选择档次。"})
    elif v.type is InputType.CHOICE:
        options.update({"validate": "list", "source": list(v.choices), "error_message": "请从下拉列表中选择。"})
    elif v.type is InputType.TEXT:
        options.update({"validate": "length", "criteria": "<=", "value": v.max_length,
                        "error_message": f"文字不超过 {v.max_length} 字。", "ignore_blank": True})
    ws.data_validation(r, c, r, c, options)


def _print(ws: Worksheet, sheet: SheetSpec) -> None:
    p = sheet.print
    ws.set_paper(A4)
    if p.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if p.fit_width:
        ws.fit_to_pages(1, 0)
    if p.area:
        ws.print_area(p.area)
    if p.repeat_rows:
        ws.repeat_rows(p.repeat_rows[0] - 1, p.repeat_rows[1] - 1)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    if p.header:
        ws.set_header(p.header)
    if p.footer:
        ws.set_footer(p.footer)
