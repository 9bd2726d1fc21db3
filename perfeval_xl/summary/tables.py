"""The summary's tables, as the workbook, the CSV and the Parquet files all show them.

Each table is typed columns (the kind decides the Excel format and the Parquet type)
and rows in a fixed order, so the same data always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING

from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.findings import SEVERITY_LABELS, Severity
from perfeval_xl.model import KIND_LABELS
from perfeval_xl.summary.aggregate import GroupFigures, by_department, grade_distribution, text
from perfeval_xl.summary.records import ACCEPTED, ACCEPTED_WITH_FINDINGS, REJECTED, Record, SummaryRecords

if TYPE_CHECKING:
    from perfeval_xl.summary.data import SummaryData

STATUS_LABELS = {ACCEPTED: "接收", ACCEPTED_WITH_FINDINGS: "接收（有问题）", REJECTED: "退回"}
_KINDS = {kind.value: label for kind, label in KIND_LABELS.items()}
_SEVERITIES = {severity.value: label for severity, label in SEVERITY_LABELS.items()}
_RANKS = {severity.value: severity.rank for severity in Severity}

Value = str | Decimal | int | bool | dt.datetime | None


class Kind(StrEnum):
    TEXT = "text"  # always written as text, whatever it looks like
    MONEY = "money"  # 万元
    RATE = "rate"  # a fraction shown as a percentage
    SCORE = "score"
    NUMBER = "number"  # targets and actuals in their own units
    COUNT = "count"
    DATETIME = "datetime"
    FLAG = "flag"  # 是/否


@dataclass(frozen=True)
class Column:
    name: str  # stable identifier (Parquet column)
    header: str  # Chinese header (sheet, CSV)
    kind: Kind
    width: float = 12


@dataclass(frozen=True)
class Table:
    key: str  # file stem of the exports
    title: str  # sheet name
    columns: tuple[Column, ...]
    rows: list[tuple[Value, ...]]
    freeze_cols: int = 0  # columns kept in view while scrolling right
    splits: bool = True  # continues on further sheets past the row limit (aggregates never do)


def _text_cell(value: object) -> Value:
    return (value or None) if value.__class__ is str else (text(value) or None)


# pandas' blanks (NA, NaT) and Timestamps come only from a frame: with pandas not loaded there are none.

def _flag_cell(value: object) -> Value:
    if value is None or isinstance(value, float):
        return None
    pd = sys.modules.get("pandas")
    return None if pd is not None and value is pd.NA else bool(value)


def _datetime_cell(value: object) -> Value:
    if not isinstance(value, dt.datetime):
        return None
    pd = sys.modules.get("pandas") if value.__class__ is not dt.datetime else None
    if pd is None:
        return value
    if pd.isna(value):
        return None
    return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value


def _count_cell(value: object) -> Value:
    number = to_decimal(value)
    return None if number is None else int(number)


_CELLS: dict[Kind, Callable[[object], Value]] = {
    Kind.TEXT: _text_cell, Kind.FLAG: _flag_cell, Kind.DATETIME: _datetime_cell, Kind.COUNT: _count_cell,
    Kind.MONEY: to_decimal, Kind.RATE: to_decimal, Kind.SCORE: to_decimal, Kind.NUMBER: to_decimal,
}


def _cell(value: object, kind: Kind) -> Value:
    """A frame's value in the column's type; blanks (None, NaN, "") become None."""
    return _CELLS[kind](value)


def _rows(records: Sequence[Record], columns: Sequence[Column], key: Callable[[Record], object],
          derived: Mapping[str, Callable[[Record], object]] | None = None) -> list[tuple[Value, ...]]:
    """The records sorted by `key`, each column's value typed: the record's field of the column's name,
    or what `derived` makes of the record.

    Built column by column: a row-by-row build costs a dict per row and a call per cell."""
    ordered = sorted(records, key=key)
    derived = derived or {}
    typed = [list(map(_CELLS[col.kind], map(derived.get(col.name) or attrgetter(col.name), ordered)))
             for col in columns]
    return list(zip(*typed))


def _level1_names(records: Sequence[Record]) -> list[str]:
    """First-level categories in order of first appearance (projects sorted): one score column each."""
    names: dict[str, None] = {}
    for r in records:
        for name, _score in r.level1 or ():
            names.setdefault(name)
    return list(names)


_A1 = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})")


def _cell_order(ref: str) -> tuple[int, int, str]:
    """Row, then column, of an A1 reference; anything else sorts first, by its text."""
    found = _A1.fullmatch(ref)
    if not found:
        return 0, 0, ref
    return int(found.group(2)), len(found.group(1)), found.group(1)


def _project_key(r: Record) -> tuple[str, str]:
    return text(r.department), text(r.project_id)


def _status_label(status: object) -> str:
    return STATUS_LABELS.get(text(status), text(status))


def projects_table(data: SummaryRecords) -> Table:
    records = sorted((r._replace(status=_status_label(r.status)) for r in data.projects), key=_project_key)
    names = _level1_names(records)
    head = [Column("department", "主管部门", Kind.TEXT, 20),
            Column("unit", "项目实施单位", Kind.TEXT, 20),
            Column("project_id", "项目编号", Kind.TEXT, 9),
            Column("project_name", "项目名称", Kind.TEXT, 26),
            Column("annual_budget", "全年预算数（万元）", Kind.MONEY, 14),
            Column("executed", "全年执行数（万元）", Kind.MONEY, 14),
            Column("execution_rate", "执行率", Kind.RATE, 10)]
    scores = [Column(f"level1:{name}", f"得分：{name}", Kind.SCORE, 10) for name in names]
    tail = [Column("total", "总分", Kind.SCORE, 9), Column("grade", "等级", Kind.TEXT, 7),
            Column("unfilled", "未填项数", Kind.COUNT, 8),
            Column("findings", "问题数", Kind.COUNT, 8),
            Column("status", "状态", Kind.TEXT, 14),
            Column("version", "报送版本", Kind.COUNT, 8),
            Column("received_at", "收到时间", Kind.DATETIME, 17),
            Column("file", "文件名", Kind.TEXT, 30)]
    rows = []
    for r in records:
        level1 = dict(r.level1 or ())
        rows.append((*(_cell(getattr(r, c.name), c.kind) for c in head),
                     *(_cell(level1.get(n), Kind.SCORE) for n in names),
                     *(_cell(getattr(r, c.name), c.kind) for c in tail)))
    columns = (*head, *scores, *tail)
    return Table("projects", "汇总", columns, rows, freeze_cols=4)


def departments_table(data: SummaryRecords) -> Table:
    grades = data.meta.grades
    columns = (Column("department", "主管部门", Kind.TEXT, 24), Column("projects", "报送项目数", Kind.COUNT, 10),
               Column("missing", "未报送数", Kind.COUNT, 9),
               Column("annual_budget", "全年预算数合计（万元）", Kind.MONEY, 16),
               Column("executed", "全年执行数合计（万元）", Kind.MONEY, 16),
               Column("execution_rate", "加权执行率", Kind.RATE, 11), Column("mean_score", "平均分", Kind.SCORE, 9),
               *(Column(f"grade:{g}", g, Kind.COUNT, 6) for g in grades),
               Column("ungraded", "未评级", Kind.COUNT, 8))

    def row(g: GroupFigures) -> tuple[Value, ...]:
        return (g.name, g.projects, g.missing, g.annual_budget, g.executed, g.execution_rate, g.mean_score,
                *g.grades, g.ungraded)

    return Table("departments", "按部门", columns, [row(g) for g in by_department(data)], freeze_cols=1,
                 splits=False)


def grades_table(data: SummaryRecords) -> Table:
    counts = grade_distribution(data)
    total = sum(n for _, n in counts)
    rows: list[tuple[Value, ...]] = [(g, n, Decimal(n) / Decimal(total) if total else None) for g, n in counts]
    columns = (Column("grade", "等级", Kind.TEXT, 10), Column("projects", "项目数", Kind.COUNT, 10),
               Column("share", "占比", Kind.RATE, 10))
    return Table("grades", "等级分布", columns, rows, splits=False)


def indicators_table(data: SummaryRecords) -> Table:
    ordered = sorted(data.projects, key=_project_key)
    order = {text(r.project_id): i for i, r in enumerate(ordered)}
    names = {text(r.project_id): text(r.project_name) for r in data.projects}
    columns = [Column("project_id", "项目编号", Kind.TEXT, 10),
               Column("project_name", "项目名称", Kind.TEXT, 24),
               Column("indicator_id", "指标编号", Kind.TEXT, 11),
               Column("code", "指标代码", Kind.TEXT, 9),
               Column("level1", "一级指标", Kind.TEXT, 12),
               Column("path", "指标分类", Kind.TEXT, 20),
               Column("name", "指标名称", Kind.TEXT, 24),
               Column("kind", "指标类型", Kind.TEXT, 10),
               Column("target_text", "年度指标值", Kind.TEXT, 16),
               Column("weight", "分值", Kind.SCORE, 8),
               Column("target", "目标值", Kind.NUMBER, 10),
               Column("actual", "实际完成值", Kind.NUMBER, 11),
               Column("rate", "完成率", Kind.RATE, 10),
               Column("score", "得分", Kind.SCORE, 8),
               Column("band", "档次", Kind.TEXT, 14),
               Column("met", "达成目标", Kind.FLAG, 9),
               Column("not_applicable", "不适用", Kind.FLAG, 8),
               Column("reason", "偏差原因分析及改进措施", Kind.TEXT, 40)]

    def key(r: Record) -> tuple[object, ...]:  # then as given (a stable sort): one project's in form order
        pid = text(r.project_id)
        return order.get(pid, len(order)), pid

    derived = {"project_name": lambda r: names.get(text(r.project_id), ""),
               "kind": lambda r: _KINDS.get(text(r.kind), text(r.kind))}
    return Table("indicators", "指标明细", tuple(columns), _rows(data.indicators, columns, key, derived),
                 freeze_cols=3)


def findings_table(data: SummaryRecords) -> Table:
    columns = [Column("file", "文件名", Kind.TEXT, 30),
               Column("project_id", "项目编号", Kind.TEXT, 10),
               Column("severity", "严重程度", Kind.TEXT, 9),
               Column("code", "问题代码", Kind.TEXT, 24),
               Column("sheet", "工作表", Kind.TEXT, 12),
               Column("cell", "单元格", Kind.TEXT, 8),
               Column("message", "问题说明", Kind.TEXT, 70)]

    def key(r: Record) -> tuple[object, ...]:  # worst first, then in the order of the form
        return (text(r.project_id), text(r.file), -_RANKS.get(text(r.severity), 0), text(r.sheet),
                _cell_order(text(r.cell)), text(r.code), text(r.message))

    derived = {"severity": lambda r: _SEVERITIES.get(text(r.severity), text(r.severity))}
    return Table("findings", "问题清单", tuple(columns), _rows(data.findings, columns, key, derived),
                 freeze_cols=2)


def missing_table(data: SummaryRecords) -> Table:
    columns = [Column("project_id", "项目编号", Kind.TEXT, 10),
               Column("project_name", "项目名称", Kind.TEXT, 30),
               Column("unit", "项目实施单位", Kind.TEXT, 24),
               Column("department", "主管部门", Kind.TEXT, 20),
               Column("rejected", "被退回次数", Kind.COUNT, 10)]
    return Table("missing", "未报送清单", tuple(columns), _rows(data.missing, columns, _project_key),
                 freeze_cols=2)


def history_table(data: SummaryRecords) -> Table:
    columns = [Column("project_id", "项目编号", Kind.TEXT, 10),
               Column("version", "报送版本", Kind.COUNT, 8),
               Column("received_at", "收到时间", Kind.DATETIME, 17),
               Column("file", "文件名", Kind.TEXT, 30),
               Column("sha256", "SHA-256", Kind.TEXT, 20),
               Column("status", "处理结果", Kind.TEXT, 14),
               Column("superseded", "已被新版本替代", Kind.FLAG, 12)]

    def key(r: Record) -> tuple[object, ...]:
        received = r.received_at
        when = received.isoformat() if isinstance(received, dt.datetime) else ""
        return text(r.project_id), to_decimal(r.version) or 0, when, text(r.file)

    return Table("history", "提交历史", tuple(columns),
                 _rows(data.history, columns, key, {"status": lambda r: _status_label(r.status)}), freeze_cols=1)


def summary_tables(data: SummaryData | SummaryRecords) -> Iterator[Table]:
    """Every table in sheet order, each built when asked for (a caller done with one lets it go)."""
    records = data.records()
    for build in (projects_table, departments_table, grades_table, indicators_table, findings_table, missing_table,
                  history_table):
        yield build(records)
