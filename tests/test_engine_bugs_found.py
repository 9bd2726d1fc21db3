"""Target texts and rules found while writing the sample batch that the parser once
misread; each test pins the behaviour REFERENCE.md asks for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfeval_xl.engine import ScoringProfile, evaluate, parse_deduction, parse_target, resolve
from perfeval_xl.engine.checks import band_findings
from perfeval_xl.engine.targets import Operator, TargetStatus
from perfeval_xl.findings import Location
from perfeval_xl.model import Band, FundLine, Indicator, IndicatorInput, IndicatorKind, Project, ProjectInputs

PROFILE = ScoringProfile()


@pytest.mark.parametrize("text, value, unit", [("3个工作日内", "3", "个工作日"), ("1个工作日内", "1", "个工作日")])
def test_within_working_days_is_an_upper_bound(text: str, value: str, unit: str) -> None:
    target = parse_target(text)
    assert target.status is TargetStatus.OK
    assert target.operator is Operator.LE
    assert target.value == Decimal(value)
    assert target.unit == unit


def test_within_working_days_met_scores_full_marks() -> None:
    ind = Indicator(id="T1", name="办结时限", weight=Decimal(10), target_text="3个工作日内", unit="个工作日")
    project = Project(id="X", name="x", unit="u", department="d", indicators=(ind,))
    result = evaluate(project, ProjectInputs(project_id="X", indicators={"T1": IndicatorInput(actual=Decimal("1"))}), PROFILE)
    assert result.indicator("T1").score == Decimal(10)
    assert resolve(ind, PROFILE).kind is IndicatorKind.REVERSE


def test_exclusive_mark_on_range_end() -> None:
    interval = parse_target("90%（含）-95%（不含）").interval()
    assert interval is not None
    assert interval.low == Decimal("0.9") and interval.low_inclusive
    assert interval.high == Decimal("0.95") and not interval.high_inclusive


def test_half_open_percent_ladder_has_no_overlap() -> None:
    bands = (Band(label="优", text="≥95%"), Band(label="良", text="90%（含）-95%（不含）"),
             Band(label="中", text="80%（含）-90%（不含）"), Band(label="差", text="低于80%"))
    ind = resolve(Indicator(id="T2", name="达标率", weight=Decimal(10), target_text="≥95%", unit="%", bands=bands),
                  PROFILE)
    assert band_findings(ind, Location()) == []


def test_per_mille_is_not_percent() -> None:
    # Decided: per-mille targets stay in ‰ units (a unit types 3 for 3‰); they are never read as percent.
    target = parse_target("≤5‰")
    assert target.status is TargetStatus.OK
    assert target.value == Decimal("5")
    assert target.unit == "‰"
    assert not target.is_percent


def test_thousands_separator() -> None:
    target = parse_target("≥1,200户")
    assert target.status is TargetStatus.OK
    assert target.value == Decimal(1200)
    assert target.unit == "户"


@pytest.mark.parametrize("text, value", [("≤2500元/㎡", "2500"), ("≥3.5万㎡", "3.5")])
def test_square_metre_sign(text: str, value: str) -> None:
    target = parse_target(text)
    assert target.status is TargetStatus.OK
    assert target.value == Decimal(value)


@pytest.mark.parametrize("text", ["2024年底前完成", "12月底前完成"])
def test_deadline_is_not_a_quantity(text: str) -> None:
    target = parse_target(text)
    assert not (target.status is TargetStatus.OK and target.operator is Operator.GE)


@pytest.mark.parametrize("text, points", [("每发生1起扣3分，扣完为止", "3"), ("每出现1次有效投诉扣1分", "1"),
                                          ("每发现1处扣0.5分", "0.5")])
def test_deduction_for_each_occurrence(text: str, points: str) -> None:
    rule = parse_deduction(text)
    assert rule is not None
    assert rule.shortfall is False  # deducted for each occurrence above the target
    assert rule.step == Decimal(1)
    assert rule.points == Decimal(points)


def test_over_achievement_message_with_zero_actual() -> None:
    ind = Indicator(id="T3", name="有效投诉件数", weight=Decimal(5), target_text="≤5件", unit="件")
    project = Project(id="X", name="x", unit="u", department="d", indicators=(ind,),
                      funds=(FundLine(source="本级财政", annual_budget=Decimal(1)),))
    result = evaluate(project, ProjectInputs(project_id="X", indicators={"T3": IndicatorInput(actual=Decimal("0"))}), PROFILE)
    over = [f for f in result.findings if f.code == "OVER_ACHIEVEMENT"]
    assert over, "zero complaints against ≤5 is flagged by the rule B ≤ A/1.2"
    assert over[0].params["actual"] == "0"
    assert "实际完成值 0，目标 ≤5件" in over[0].message()
