"""What a unit provides when it fills in the form, and figures stated elsewhere for checking."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

# Values a unit types: a number, or raw text when the cell held something else
# (kept so the finding can quote it).
Entry = Decimal | str | None


class IndicatorInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    actual: Entry = None  # 实际完成值 (B)
    tier: str | None = None  # qualitative tier
    score: Entry = None  # qualitative or direct score
    reason: str | None = None  # 偏差原因分析及改进措施
    not_applicable: bool = False


BLANK_INPUT = IndicatorInput()  # frozen: one shared instance for "nothing entered"


class FundInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    received: Entry = None  # 实际到位资金
    executed: Entry = None  # 全年执行数 (B)


class CompletionAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: str | None = None  # 绩效目标完成情况
    note: str | None = None  # 备注


class Evaluator(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    title: str | None = None
    unit: str | None = None
    score: Entry = None


StatedKind = Literal[
    "total", "grade", "evaluator_mean", "budget_rate", "arrival_rate", "indicator_score", "indicator_rate",
    "indicator_actual",
    "group_score", "group_rate", "executed", "received", "balance",
]


class StatedFigure(BaseModel):
    """A figure written as text in a report or an old form, checked at its own precision."""

    model_config = ConfigDict(frozen=True)

    figure: StatedKind
    text: str
    indicator_id: str | None = None
    group: str | None = None
    source: str | None = None  # where it was stated ("报告第4页")


class ProjectInputs(BaseModel):
    model_config = ConfigDict(frozen=True)

    project_id: str
    indicators: dict[str, IndicatorInput] = {}
    funds: tuple[FundInput, ...] = ()
    overall_goal_actual: str | None = None  # 年度总体目标 实际完成情况
    completion: tuple[CompletionAnswer, ...] = ()
    evaluators: tuple[Evaluator, ...] = ()
    stated: tuple[StatedFigure, ...] = ()
    stated_totals: dict[str, Decimal] = {}  # "received"/"executed" totals stated beside the sources

    def indicator(self, indicator_id: str) -> IndicatorInput:
        return self.indicators.get(indicator_id) or BLANK_INPUT
