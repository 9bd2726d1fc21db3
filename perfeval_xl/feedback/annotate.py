"""The annotated copy of an accepted return: problem cells filled and commented, plus a 问题清单 sheet.

openpyxl rewrites the whole package: it keeps the sheets, data validations,
conditional formats, sheet and workbook protection, defined names, print setup,
custom properties and the veryHidden _meta (tests/feedback check each), and drops
the cached formula values, which every spreadsheet recomputes on opening because
our workbooks set fullCalcOnLoad. The original file is only read.

A copy made from an earlier feedback copy is cleaned first: the old 问题清单 sheet
and our old comments go, and those cells get back the fill the issued form gave them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from perfeval_xl.layout.feedback_sheet import (
    COMMENT_AUTHOR,
    FEEDBACK_PROPERTY,
    FEEDBACK_PROPERTY_VALUE,
    FEEDBACK_SHEET,
    FEEDBACK_TITLE,
    is_feedback_sheet,
)
from perfeval_xl.feedback.package import workbook_bytes
from perfeval_xl.feedback.textwidth import printed_lines
from perfeval_xl.findings import SEVERITY_LABELS, Finding, Severity
from perfeval_xl.intake.bind import definition_from_meta, issued_layout_for
from perfeval_xl.layout import a1
from perfeval_xl.layout.contract import META_SHEET, WorkbookLayout
from perfeval_xl.layout.locate import locate_findings
from perfeval_xl.writer.styles import FONT, STYLES

FILLS = {Severity.REJECT: "FFFFC7CE", Severity.ERROR: "FFFFC7CE", Severity.WARNING: "FFFFEB9C",
         Severity.INFO: "FFDDEBF7"}  # ARGB
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CELL_REF = re.compile(r"^\$?[A-Z]{1,3}\$?[1-9][0-9]{0,6}$")
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADERS = (("序号", 6), ("严重程度", 9), ("工作表", 14), ("单元格", 9), ("问题说明及修改要求", 90))
_MESSAGE_UNITS = 84  # half-width units per line of the message column (width 90, 10 pt)
_COMMENT_UNITS = 60  # ... of a comment box 330 pt wide (9 pt text)


@dataclass(frozen=True)
class Annotated:
    bytes: bytes
    marked: tuple[tuple[str, str], ...]  # (sheet, cell) of every cell highlighted and commented
    listed: int  # findings on the 问题清单 sheet


def put_text(cell: Cell, text: str) -> None:
    """Text that stays text: never a formula or an error value, whatever it starts with."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def read_meta(workbook: Workbook) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        return {}
    return {str(key): "" if value is None else str(value)
            for key, value in workbook[META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True)
            if isinstance(key, str)}


def issued_layout(meta: dict[str, str]) -> WorkbookLayout | None:
    """The layout the workbook was issued with, from its _meta; None when _meta cannot tell."""
    try:
        return issued_layout_for(definition_from_meta(meta), meta)
    except (ValueError, KeyError):
        return None


def annotate(original: Path, findings: Sequence[Finding], name: str | None = None) -> Annotated:
    """The annotated copy's bytes (the original is only read); `name`: the file's name as the unit
    sent it (default: the original's), shown on the 问题清单 sheet."""
    workbook = load_workbook(original, keep_vba=original.suffix.lower() == ".xlsm")
    layout = issued_layout(read_meta(workbook))
    if layout is not None:
        findings = locate_findings(layout, list(findings))
    _clear_previous(workbook, layout)
    marked = _mark_cells(workbook, findings)
    _add_sheet(workbook, findings, name or original.name, layout)
    if FEEDBACK_PROPERTY not in workbook.custom_doc_props.names:
        workbook.custom_doc_props.append(StringProperty(name=FEEDBACK_PROPERTY, value=FEEDBACK_PROPERTY_VALUE))
    return Annotated(workbook_bytes(workbook), tuple(marked), len(findings))


def _clear_previous(workbook: Workbook, layout: WorkbookLayout | None) -> None:
    properties = {p.name: str(p.value) for p in workbook.custom_doc_props}
    if FEEDBACK_SHEET in workbook.sheetnames:
        sheet = workbook[FEEDBACK_SHEET]
        if is_feedback_sheet(sheet.title, sheet["A1"].value, properties):
            workbook.remove(sheet)
    styles = {(s.name, c.ref): c.style for s in layout.sheets for c in s.cells} if layout else {}
    ours = [(ws.title, cell) for ws in workbook.worksheets for row in ws.iter_rows() for cell in row
            if cell.comment is not None and cell.comment.author == COMMENT_AUTHOR]
    for sheet, cell in ours:
        cell.comment = None
        style = styles.get((sheet, cell.coordinate))
        if style is not None:
            cell.fill = _issued_fill(style)


def _issued_fill(style: str) -> PatternFill:
    """The fill the generator gave a cell of this style (writer.styles)."""
    color = STYLES[style].get("bg_color")
    return PatternFill("solid", fgColor="FF" + str(color).lstrip("#")) if color else PatternFill()


def _target(ws: Worksheet, ref: str) -> str:
    """A merged area's comment and fill go on its top-left cell."""
    for area in ws.merged_cells.ranges:
        if ref in area:
            return area.start_cell.coordinate
    return ref


def _mark_cells(workbook: Workbook, findings: Iterable[Finding]) -> list[tuple[str, str]]:
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        sheet, ref = f.location.sheet, (f.location.cell or "").replace("$", "").upper()
        if sheet in workbook.sheetnames and _CELL_REF.match(ref) and sheet != FEEDBACK_SHEET:
            ws = workbook[sheet]
            if ws.sheet_state == "visible":
                by_cell.setdefault((sheet, _target(ws, ref)), []).append(f)
    for (sheet, ref), found in by_cell.items():
        cell = workbook[sheet][ref]
        worst = max(found, key=lambda f: f.severity.rank).severity
        cell.fill = PatternFill("solid", fgColor=FILLS[worst])
        lines = [f"{i}. 【{SEVERITY_LABELS[f.severity]}】{f.message('zh')}" for i, f in enumerate(found, start=1)]
        text = ILLEGAL_CHARACTERS_RE.sub("", "\n".join(lines))
        height = 20 + 16 * sum(printed_lines(line, _COMMENT_UNITS) for line in lines)
        cell.comment = Comment(text, COMMENT_AUTHOR, height=min(height, 600), width=330)
    return list(by_cell)


def _add_sheet(workbook: Workbook, findings: Sequence[Finding], file_name: str,
               layout: WorkbookLayout | None) -> None:
    ws = workbook.create_sheet(FEEDBACK_SHEET)
    last = a1.col_letter(len(_HEADERS))
    put_text(ws["A1"], FEEDBACK_TITLE)
    ws["A1"].font = Font(name=FONT, size=14, bold=True)
    ws.merge_cells(f"A1:{last}1")
    project = layout.project_id if layout else ""
    put_text(ws["A2"], f"文件：{file_name}" + (f"　项目编号：{project}" if project else ""))
    put_text(ws["A3"], "表中标红（错误）或标黄（警告）的单元格有问题，鼠标移到单元格上可看批注；点击“单元格”一栏可跳转。"
                       "请逐项修改后保存，按原方式重新报送。本表由财政局生成，不必填写，也无需删除。")
    for row in (2, 3):
        ws.merge_cells(f"A{row}:{last}{row}")
        ws.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="center")
        ws.cell(row, 1).font = Font(name=FONT, size=10)
    ws.row_dimensions[3].height = 32
    for col, (header, width) in enumerate(_HEADERS, start=1):
        cell = ws.cell(4, col)
        put_text(cell, header)
        cell.font = Font(name=FONT, size=10, bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[a1.col_letter(col)].width = width
    ordered = sorted(findings, key=lambda f: -f.severity.rank)
    for i, f in enumerate(ordered, start=1):
        _finding_row(ws, 4 + i, i, f, workbook.sheetnames)
    _finish(ws, workbook)


def _finding_row(ws: Worksheet, row: int, number: int, f: Finding, sheets: list[str]) -> None:
    message = f.message("zh")
    ref = (f.location.cell or "").replace("$", "")
    ws.cell(row, 1, number)
    for col, text in ((2, SEVERITY_LABELS[f.severity]), (3, f.location.sheet or ""), (4, ref), (5, message)):
        put_text(ws.cell(row, col), text)
    for col in range(1, len(_HEADERS) + 1):
        cell = ws.cell(row, col)
        cell.border = _BORDER
        cell.font = Font(name=FONT, size=10)
        cell.alignment = Alignment(wrap_text=col == 5, vertical="center", horizontal="center" if col < 5 else None)
    if f.location.sheet in sheets and _CELL_REF.match(ref):
        link = ws.cell(row, 4)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=a1.qualified(f.location.sheet, ref))
        link.font = Font(name=FONT, size=10, color="0563C1", underline="single")
    ws.row_dimensions[row].height = 15 * printed_lines(message, _MESSAGE_UNITS)


def _finish(ws: Worksheet, workbook: Workbook) -> None:
    ws.freeze_panes = "A5"
    ws.print_title_rows = "4:4"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.sheet_properties.tabColor = "C00000"
    protected = next((s for s in workbook.worksheets if s.protection.sheet and s is not ws), None)
    if protected is not None:  # same (legacy) password as the form's sheets, so nobody types here by mistake
        ws.protection = copy(protected.protection)
    for sheet in workbook.worksheets:
        sheet.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    workbook.active = workbook.worksheets.index(ws)
