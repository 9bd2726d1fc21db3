"""Figures computed over projects: by department, and the grade distribution (Decimal throughout)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from perfeval_xl.engine.numbers import div, round_half_up, to_decimal
from perfeval_xl.summary.records import SummaryRecords

if TYPE_CHECKING:
    from perfeval_xl.summary.data import SummaryData

TOTAL_LABEL = "合计"
UNGRADED = "未评级"


def text(value: object) -> str:
    """A frame's text cell as str: None and NaN (a frame's blank) are ""."""
    if value is None or isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


@dataclass(frozen=True)
class GroupFigures:
    """One 按部门 row (or the 合计 row)."""

    name: str
    projects: int  # with a current result
    missing: int  # 未报送
    annual_budget: Decimal | None  # Σ A over projects stating it
    executed: Decimal | None  # Σ B over projects stating it
    execution_rate: Decimal | None  # Σ B / Σ A over projects stating both (weighted)
    mean_score: Decimal | None  # mean of the totals present, 四舍五入 to 2 decimals
    grades: tuple[int, ...]  # projects per grade, in SummaryMeta.grades order
    ungraded: int


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _figures(name: str, rows: Sequence[Any], missing: int, grades: Sequence[str]) -> GroupFigures:
    a = [to_decimal(r.annual_budget) for r in rows]
    b = [to_decimal(r.executed) for r in rows]
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    sum_a, sum_b = _sum(x for x, _ in pairs), _sum(y for _, y in pairs)
    rate = div(sum_b, sum_a) if sum_a and sum_b is not None else None
    totals = [t for t in (to_decimal(r.total) for r in rows) if t is not None]
    mean = round_half_up(div(sum(totals, Decimal(0)), Decimal(len(totals))), 2) if totals else None
    labels = [text(r.grade) for r in rows]
    counts = tuple(labels.count(g) for g in grades)
    return GroupFigures(name, len(rows), missing, _sum(a), _sum(b), rate, mean, counts, len(rows) - sum(counts))


def by_department(data: SummaryData | SummaryRecords) -> list[GroupFigures]:
    """One row per department (sorted by name), then the 合计 row over all projects."""
    records = data.records()
    projects = records.projects
    missing = Counter(text(r.department) for r in records.missing)
    by_name: defaultdict[str, list[Any]] = defaultdict(list)
    for r in projects:
        by_name[text(r.department)].append(r)
    grades = records.meta.grades
    rows = [_figures(name, by_name[name], missing[name], grades) for name in sorted(by_name.keys() | missing.keys())]
    rows.append(_figures(TOTAL_LABEL, projects, missing.total(), grades))
    return rows


def grade_distribution(data: SummaryData | SummaryRecords) -> list[tuple[str, int]]:
    """(grade, projects) for each grade best first, then 未评级 (no total yet, or grading off)."""
    records = data.records()
    total = _figures(TOTAL_LABEL, records.projects, 0, records.meta.grades)
    return [*zip(data.meta.grades, total.grades), (UNGRADED, total.ungraded)]
