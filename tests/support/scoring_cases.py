"""The shared worked scoring cases (../shared/scoring-cases.csv, copied to tests/fixtures/)
turned into engine inputs: one small project per row."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from perfeval_xl.engine import ScoringProfile
from perfeval_xl.model import (
    Band,
    Evaluator,
    FundInput,
    FundLine,
    Indicator,
    IndicatorInput,
    IndicatorKind,
    Project,
    ProjectInputs,
    StatedFigure,
)

CASES_CSV = Path(__file__).resolve().parent.parent / "fixtures" / "scoring-cases.csv"
REASON = "已说明原因"


@dataclass(frozen=True)
class Case:
    row: dict[str, str]

    @property
    def id(self) -> str:
        return self.row["case"]

    @property
    def kind(self) -> str:
        return self.row["kind"]

    def dec(self, column: str) -> Decimal | None:
        text = self.row[column].strip()
        return Decimal(text) if text else None

    @property
    def options(self) -> dict[str, object]:
        opts: dict[str, object] = {}
        raw = self.row["options"].strip()
        if not raw:
            return opts
        for part in raw.split(";"):
            if part in ("ratio", "linear"):
                opts["reverse_variant"] = part
            elif part == "round_rate_first":
                opts["round_rate_first"] = True
            elif part == "grading=off":
                opts["grading"] = False
            elif part.startswith("over_threshold="):
                opts["over_threshold"] = Decimal(part.split("=", 1)[1])
            else:
                raise ValueError(f"unknown option {part!r} in case {self.id}")
        return opts

    @property
    def inputs_map(self) -> dict[str, str]:
        raw = self.row["inputs"].strip()
        return dict(part.split("=", 1) for part in raw.split(";")) if raw else {}

    @property
    def reason(self) -> str:
        return REASON if self.row["reason"] == "given" else ""

    def profile(self, base: ScoringProfile | None = None) -> ScoringProfile:
        return (base or ScoringProfile()).with_options(**self.options)


def load_cases() -> list[Case]:
    with CASES_CSV.open(encoding="utf-8", newline="") as fh:
        return [Case(row) for row in csv.DictReader(fh)]


def _bands(text: str) -> tuple[Band, ...]:
    out = []
    for part in text.split("/"):
        label, body = part.strip().split(" ", 1)
        out.append(Band(label=label, text=body.strip()))
    return tuple(out)


def build(case: Case) -> tuple[Project, ProjectInputs]:
    """A one-indicator project (or the budget/evaluator context) reproducing the row."""
    kind = case.kind
    weight = case.dec("weight")
    actual = case.dec("actual") if ";" not in case.row["actual"] else None
    target_text = case.row["target_text"]
    inputs_map = case.inputs_map
    funds: tuple[FundLine, ...] = ()
    fund_inputs: tuple[FundInput, ...] = ()
    indicators: list[Indicator] = []
    ind_inputs: dict[str, IndicatorInput] = {}
    evaluators: tuple[Evaluator, ...] = ()
    stated: tuple[StatedFigure, ...] = ()

    if kind in ("positive", "reverse", "equal"):
        indicators.append(Indicator(id="X", name=case.id, path=("产出指标",), weight=weight,
                                    kind=IndicatorKind(kind), target_text=target_text))
        ind_inputs["X"] = IndicatorInput(actual=actual, reason=case.reason)
    elif kind == "qualitative":
        indicators.append(Indicator(id="X", name=case.id, weight=weight, kind=IndicatorKind.QUALITATIVE,
                                    target_text=target_text))
        ind_inputs["X"] = IndicatorInput(tier=inputs_map["tier"], score=Decimal(inputs_map["score"]),
                                         reason=case.reason)
    elif kind == "banded":
        indicators.append(Indicator(id="X", name=case.id, weight=weight, bands=_bands(target_text),
                                    target_text=case.row["target"]))
        ind_inputs["X"] = IndicatorInput(actual=actual, reason=case.reason)
    elif kind == "direct":
        indicators.append(Indicator(id="X", name=case.id, weight=weight, kind=IndicatorKind.DIRECT))
        ind_inputs["X"] = IndicatorInput(score=actual, reason=case.reason)
    elif kind == "deduction":
        indicators.append(Indicator(id="X", name=case.id, weight=weight, kind=IndicatorKind.DEDUCTION,
                                    target_text=case.row["target"], deduction_rule=target_text))
        ind_inputs["X"] = IndicatorInput(actual=actual, reason=case.reason)
    elif kind in ("budget", "stated") and case.row["target"]:
        funds = (FundLine(source="本级财政", annual_budget=case.dec("target")),)
        fund_inputs = (FundInput(source="本级财政", received=case.dec("target"), executed=actual),)
        indicators.append(Indicator(id="BUDGET", name="预算执行率", weight=weight or Decimal(10),
                                    kind=IndicatorKind.BUDGET))
        ind_inputs["BUDGET"] = IndicatorInput(reason=case.reason)
        if kind == "stated":
            stated = (StatedFigure(figure="budget_rate", text=target_text),)
    elif kind == "stated":
        evaluators = tuple(Evaluator(name=f"评价人{i}", score=Decimal(s))
                           for i, s in enumerate(case.row["actual"].split(";")))
        stated = (StatedFigure(figure="evaluator_mean", text=target_text),)
        indicators.append(Indicator(id="X", name="总分", weight=Decimal(100), kind=IndicatorKind.DIRECT))
    elif kind in ("grade", "rescale"):
        indicators.append(Indicator(id="X", name=case.id, weight=weight, kind=IndicatorKind.DIRECT))
        ind_inputs["X"] = IndicatorInput(score=actual, reason=case.reason)
        if kind == "rescale":
            indicators.append(Indicator(id="NA", name="不适用指标", weight=Decimal(100) - weight,
                                        kind=IndicatorKind.DIRECT))
            ind_inputs["NA"] = IndicatorInput(not_applicable=True)
    else:
        raise ValueError(f"unknown kind {kind!r} in case {case.id}")

    project = Project(id=case.id, name=case.id, unit="测试单位", department="测试部门", funds=funds,
                      indicators=tuple(indicators))
    inputs = ProjectInputs(project_id=case.id, indicators=ind_inputs, funds=fund_inputs, evaluators=evaluators,
                           stated=stated)
    return project, inputs
