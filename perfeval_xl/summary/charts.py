"""Charts of the 等级分布 sheet, each over data the workbook's own tables hold.

A chart is drawn only when its range holds at least one number; otherwise the
sheet says so in words, so no chart ever points at an empty range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import xlsxwriter
from xlsxwriter.chart import Chart
from xlsxwriter.worksheet import Worksheet

from perfeval_xl.summary.aggregate import UNGRADED
from perfeval_xl.summary.parts import SheetPart
from perfeval_xl.summary.tables import Table
from perfeval_xl.writer.styles import FONT

NO_DATA = "暂无数据，未绘制此图。"
CHART_SOURCES = frozenset({"grades", "departments", "projects"})  # tables whose cells the charts read back
_SIZE = {"x_scale": 1.1, "y_scale": 1.1}
_TITLE_FONT = {"name": FONT, "size": 11, "bold": True}
_AXIS_FONT = {"name": FONT, "size": 9}


def column(table: Table, name: str) -> int:
    for i, col in enumerate(table.columns):
        if col.name == name:
            return i
    raise KeyError(name)


def _has_number(rows: Sequence[tuple[object, ...]], *cols: int) -> bool:
    """Some row holds a number in every one of `cols`."""
    return any(all(isinstance(row[c], (int, Decimal)) and not isinstance(row[c], bool) for c in cols) for row in rows)


def _chart(workbook: xlsxwriter.Workbook, kind: str, title: str) -> Chart:
    chart = workbook.add_chart({"type": kind})
    chart.set_title({"name": title, "name_font": _TITLE_FONT})
    chart.set_legend({"none": True} if kind != "pie" else {"position": "right", "font": _AXIS_FONT})
    return chart


def add_charts(workbook: xlsxwriter.Workbook, ws: Worksheet, parts: Mapping[str, list[SheetPart]]) -> None:
    """Grade distribution (column and pie), mean score by department (bar), execution rate against
    total (scatter), placed beside the grade table."""
    grades = parts["grades"][0]
    graded = [row for row in grades.rows if row[0] != UNGRADED]
    cats = [grades.name, 1, 0, len(graded), 0]
    vals = [grades.name, 1, 1, len(graded), 1]
    counted = any(row[1] for row in graded)
    _place(ws, "E2", _grade_chart(workbook, "column", "等级分布（项目数）", cats, vals) if counted else None)
    _place(ws, "N2", _grade_chart(workbook, "pie", "等级占比", cats, vals) if counted else None)
    _place(ws, "E21", _department_chart(workbook, parts["departments"][0]))
    _place(ws, "N21", _scatter(workbook, parts["projects"]))


def _place(ws: Worksheet, cell: str, chart: Chart | None) -> None:
    if chart is None:
        ws.write_string(cell, NO_DATA)
    else:
        ws.insert_chart(cell, chart, _SIZE)


def _grade_chart(workbook: xlsxwriter.Workbook, kind: str, title: str, cats: list[object], vals: list[object]) -> Chart:
    chart = _chart(workbook, kind, title)
    chart.add_series({"name": "项目数", "categories": cats, "values": vals,
                      "data_labels": {"value": True, "font": _AXIS_FONT}})
    if kind != "pie":
        chart.set_x_axis({"num_font": _AXIS_FONT})
        chart.set_y_axis({"num_font": _AXIS_FONT, "min": 0, "major_gridlines": {"visible": True}})
    return chart


def _department_chart(workbook: xlsxwriter.Workbook, part: SheetPart) -> Chart | None:
    table = part.table
    rows = list(part.rows[:-1])  # the last row is 合计
    mean = column(table, "mean_score")
    if not _has_number(rows, mean):
        return None
    chart = _chart(workbook, "bar", "各部门平均分")
    chart.add_series({"name": "平均分", "categories": [part.name, 1, 0, len(rows), 0],
                      "values": [part.name, 1, mean, len(rows), mean],
                      "data_labels": {"value": True, "num_format": "0.00", "font": _AXIS_FONT}})
    chart.set_x_axis({"min": 0, "max": 100, "num_font": _AXIS_FONT})
    chart.set_y_axis({"reverse": True, "num_font": _AXIS_FONT})
    return chart


def _scatter(workbook: xlsxwriter.Workbook, parts: Sequence[SheetPart]) -> Chart | None:
    table = parts[0].table
    rate, total = column(table, "execution_rate"), column(table, "total")
    usable = [p for p in parts if _has_number(p.rows, rate, total)]
    if not usable:
        return None
    chart = _chart(workbook, "scatter", "执行率与总分")
    for part in usable:
        n = len(part.rows)
        chart.add_series({"name": part.name, "categories": [part.name, 1, rate, n, rate],
                          "values": [part.name, 1, total, n, total],
                          "marker": {"type": "circle", "size": 6}})
    chart.set_x_axis({"name": "执行率", "num_format": "0%", "name_font": _AXIS_FONT, "num_font": _AXIS_FONT})
    chart.set_y_axis({"name": "总分", "min": 0, "max": 100, "name_font": _AXIS_FONT, "num_font": _AXIS_FONT})
    return chart
