"""Compare a figure stated as text ("59.1%", "平均分 88", "99.5分") with the computed value
at the stated precision: 12.84/21.76 = 59.007% is 59.0% at one decimal, not 59.1%.
A fixed tolerance such as ±0.1 would miss that.
"""

from __future__ import annotations

import re
from decimal import Decimal

from perfeval_xl.engine.numbers import decimal_places, round_half_up
from perfeval_xl.engine.targets import normalise_text
from perfeval_xl.findings import Finding, Location, finding

_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")

FIGURE_LABELS = {
    "total": "总分",
    "evaluator_mean": "评价人员平均分",
    "budget_rate": "预算执行率",
    "arrival_rate": "资金到位率",
    "indicator_score": "指标得分",
    "indicator_rate": "指标完成率",
    "indicator_actual": "指标实际完成值",
    "group_score": "分类得分",
    "group_rate": "分类得分率",
    "executed": "全年执行数",
    "received": "实际到位资金",
    "balance": "资金结余",
    "grade": "评价等次",
}
RATE_FIGURES = frozenset({"budget_rate", "arrival_rate", "indicator_rate", "group_rate"})


def parse_stated(text: str) -> tuple[Decimal, int, bool] | None:
    """(number, decimals written, written as percent) or None when there is no single number."""
    norm = normalise_text(text)
    numbers = _NUMBER_RE.findall(norm)
    if len(numbers) != 1:
        return None
    raw = numbers[0]
    return Decimal(raw), decimal_places(raw), "%" in norm or "百分" in norm


def check_stated(
    figure: str,
    text: str,
    computed: Decimal | None,
    location: Location,
    label: str | None = None,
) -> list[Finding]:
    """Findings for one stated figure against its computed value (rates as fractions)."""
    name = label or FIGURE_LABELS.get(figure, figure)
    if computed is None:
        return []
    parsed = parse_stated(text)
    if parsed is None:
        return [finding("STATED_FIGURE_UNPARSEABLE", location, figure=name, stated=text)]
    stated, places, percent = parsed
    value = computed * 100 if (figure in RATE_FIGURES and percent) else computed
    at_precision = round_half_up(value, places)
    if at_precision == stated:
        return []
    shown = format(at_precision, "f") + ("%" if percent else "")
    return [finding("STATED_FIGURE_MISMATCH", location, figure=name, stated=text, computed=shown)]


def check_stated_grade(text: str, computed: str | None, location: Location) -> list[Finding]:
    if computed is None or computed in normalise_text(text):
        return []
    return [finding("STATED_FIGURE_MISMATCH", location, figure=FIGURE_LABELS["grade"], stated=text, computed=computed)]
