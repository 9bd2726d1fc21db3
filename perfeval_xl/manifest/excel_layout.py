"""Write spec tables as sheets with openpyxl: title row, marked headers, validation.

The one place that knows how a table sheet looks (row 1 title, row 2 headers, data
from row 3), shared by the manifest template and the inputs workbook. Headers,
choices and help come from the TableSpec; nothing here names a column.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.cell import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from perfeval_xl.manifest.fields import FieldSpec, TableSpec

TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3
VALIDATION_ROWS = 2000  # validation and formats reach this many rows below the headers
REQUIRED_MARK = "*"
KEY_VALUE_HEADERS = ("信息项", "内容", "填写说明")

TITLE_FONT = Font(bold=True, size=13)
HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
REFERENCE_FONT = Font(color="808080", italic=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REFERENCE_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
TYPE_NAMES = {
    "text": "文本", "decimal": "数字（≥0）", "int": "整数", "date": "日期", "datetime": "日期（时间可省略）",
    "bool": "是/否", "choice": "下拉选择", "entry": "数字（或文字）",
}

Choices = Mapping[str, Sequence[str]]


def display_width(text: str) -> int:
    """Columns a text needs: CJK and full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def header_text(spec: FieldSpec) -> str:
    return (REQUIRED_MARK if spec.required else "") + spec.header


def field_choices(spec: FieldSpec, choices: Choices) -> tuple[str, ...]:
    if spec.key in choices:
        return tuple(choices[spec.key])
    if spec.type == "bool":
        return ("是", "否")
    return spec.choices


def field_note(spec: FieldSpec, choices: Choices) -> str:
    """The help shown beside a field: instruction, example, choices, accepted aliases."""
    lines = [spec.help] if spec.help else []
    allowed = field_choices(spec, choices)
    if allowed:
        lines.append("可选值：" + "、".join(allowed))
    if spec.example:
        lines.append(f"示例：{spec.example}")
    if spec.aliases:
        lines.append("表头也可写作：" + "、".join(spec.aliases))
    return "\n".join(lines)


def write_value(cell: Cell, value: object) -> None:
    """Numbers and dates as such; text always as text (never a formula or an error)."""
    if value is None:
        return
    if isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, (int, float, Decimal, dt.date, dt.datetime)):
        cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = DATE_FORMATS["datetime"]
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMATS["date"]
    else:
        cell.value = str(value)
        if cell.data_type != "s":  # openpyxl reads "=..." as a formula and "#N/A" as an error
            cell.data_type = "s"
            cell.quotePrefix = True


def write_table_sheet(
    ws: Worksheet,
    table: TableSpec,
    rows: Sequence[Mapping[str, object]],
    choices: Choices = {},
    reference: frozenset[str] = frozenset(),
) -> None:
    """Title, headers (required ones red with "*", help as comments), rows, validation.

    `reference` names columns written for the reader's orientation and ignored on reading.
    """
    fields = table.fields
    # Not merged: the title runs on over the empty cells to its right.
    ws.cell(TITLE_ROW, 1, f"{table.sheet}：{table.help}带“{REQUIRED_MARK}”的列必填。").font = TITLE_FONT
    last_row = FIRST_DATA_ROW + max(len(rows), VALIDATION_ROWS) - 1
    for col, spec in enumerate(fields, start=1):
        cell = ws.cell(HEADER_ROW, col, header_text(spec))
        cell.font = REQUIRED_FONT if spec.required else HEADER_FONT
        cell.fill = REFERENCE_FILL if spec.key in reference else HEADER_FILL
        cell.alignment = WRAP
        note = ("仅供参考，读取时忽略。\n" if spec.key in reference else "") + field_note(spec, choices)
        if note:
            cell.comment = Comment(note, "perfeval", width=320, height=160)
        for offset, row in enumerate(rows):
            target = ws.cell(FIRST_DATA_ROW + offset, col)
            write_value(target, row.get(spec.key))
            if spec.key in reference:
                target.font = REFERENCE_FONT
        letter = get_column_letter(col)
        _validate(ws, spec, choices, f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        _format_column(ws, spec, col)
        values = [str(row.get(spec.key)) for row in rows if row.get(spec.key) is not None]
        _fit_width(ws, col, [header_text(spec), *values])
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    fit_to_page_width(ws)


def write_key_value_sheet(ws: Worksheet, table: TableSpec, values: Mapping[str, object], choices: Choices = {}) -> None:
    """A 信息项/内容/填写说明 sheet: one row per field, the value in column B."""
    ws.cell(TITLE_ROW, 1, f"{table.sheet}：{table.help}在 B 列填写，带“{REQUIRED_MARK}”的项必填。").font = TITLE_FONT
    for col, text in enumerate(KEY_VALUE_HEADERS, start=1):
        cell = ws.cell(HEADER_ROW, col, text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for offset, spec in enumerate(table.fields):
        row = FIRST_DATA_ROW + offset
        label = ws.cell(row, 1, header_text(spec))
        label.font = REQUIRED_FONT if spec.required else HEADER_FONT
        write_value(ws.cell(row, 2), values.get(spec.key))
        ws.cell(row, 3, field_note(spec, choices) or None).alignment = WRAP
        _validate(ws, spec, choices, f"B{row}")
        if spec.type in DATE_FORMATS:
            ws.cell(row, 2).number_format = DATE_FORMATS[spec.type]
    _fit_width(ws, 1, [header_text(spec) for spec in table.fields])
    _fit_width(ws, 2, [str(v) for v in values.values() if v is not None] + ["示例市财政局预算绩效管理科"])
    ws.column_dimensions["C"].width = 60
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)
    fit_to_page_width(ws)


def fit_to_page_width(ws: Worksheet) -> None:
    """Print on A4 landscape, every column on one page width."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def save_workbook(workbook: Workbook, path: str | Path) -> None:
    """Save through a temporary file in the same folder, then replace: never a torn file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        workbook.save(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _validate(ws: Worksheet, spec: FieldSpec, choices: Choices, ref: str) -> None:
    """Drop-down lists and number checks. Lists given in `choices` (frameworks, profiles)
    are suggestions: a name or a YAML path outside the list is warned about, not refused."""
    allowed = field_choices(spec, choices)
    if allowed:
        rule = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True)
        rule.error = "请从下拉列表中选择：" + "、".join(allowed)
        if spec.key in choices:
            rule.errorStyle = "warning"
    elif spec.type == "decimal":
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        rule.error = "请填写不小于 0 的数字（金额单位：万元）。"
    elif spec.type == "int":
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        rule.error = "请填写整数。"
    else:
        return
    rule.errorTitle = f"“{spec.header}”的值无效"
    rule.showErrorMessage = True
    ws.add_data_validation(rule)
    rule.add(ref)


def _format_column(ws: Worksheet, spec: FieldSpec, col: int) -> None:
    """A column style, applied by spreadsheets to what is typed later: text columns are
    text-formatted, so codes such as "00123" keep their leading zeros."""
    if spec.type in ("text", "choice"):
        number_format = "@"
    elif spec.type in DATE_FORMATS:
        number_format = DATE_FORMATS[spec.type]
    else:
        return
    ws.column_dimensions[get_column_letter(col)].number_format = number_format


def _fit_width(ws: Worksheet, col: int, texts: Sequence[str]) -> None:
    widest = max((display_width(line) for text in texts for line in text.splitlines()), default=8)
    ws.column_dimensions[get_column_letter(col)].width = min(max(widest + 2, 8), 60)
