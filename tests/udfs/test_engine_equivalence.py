"""Every UDF equals the engine (`engine.evaluate` on a project holding the same definition and
inputs) on randomized indicators, inputs and profiles; a definition the engine cannot score is a
UdfError (#VALUE!), never a guessed value."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from perfeval_xl import udfs
from perfeval_xl.engine import ScoringProfile, evaluate, parse_target, resolve
from perfeval_xl.layout.flavour import profile_json
from perfeval_xl.model import (
    Band,
    FundInput,
    FundLine,
    Indicator,
    IndicatorInput,
    IndicatorKind,
    Project,
    ProjectInputs,
)
from perfeval_xl.udf.cells import UdfError

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def decimals(low: str, high: str, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(Decimal(low), Decimal(high), places=places, allow_nan=False, allow_infinity=False)


profiles = st.builds(
    lambda variant, first, places, grading: ScoringProfile(
        reverse_variant=variant, round_rate_first=first, score_places=places, grading=grading),
    st.sampled_from(["ratio", "linear"]), st.booleans(), st.integers(0, 4), st.booleans(),
)
weights = decimals("0", "30", 2)
# What a unit may type: a number (incl. negative, 0 and percent-sized), text, or nothing.
actuals = st.one_of(decimals("-5", "2500", 4), st.none(), st.sampled_from(["二十", "n/a", "TRUE"]))
OPERATORS = ["≥", ">=", "＞", ">", "≤", "<=", "＜", "<", "=", "＝", "", "不低于", "不超过", "超过", "低于"]
UNITS = ["", "%", "个", "万元", "天", "百分比", "次以上", "次以下"]
targets = st.one_of(
    st.builds(lambda op, n, unit: f"{op}{format(n, 'f')}{unit}", st.sampled_from(OPERATORS),
              decimals("0", "500", 2), st.sampled_from(UNITS)),
    st.builds(lambda a, b, unit: f"{a}~{b}{unit}", st.integers(0, 50), st.integers(0, 50), st.sampled_from(UNITS)),
    st.sampled_from(["效果明显", "持续", "", "—", "≥95%，各系统事故发生频率＜2%", "1天内", "3（含）-4次", "2与5"]),
)
RULES = ["每少1次扣1分，扣完为止", "每降低1个百分点扣0.5分", "每延迟1天扣2分", "每超支1万元扣0.2分", "无规则"]
LADDERS = [
    ("24次", "16~23次", "10~15", "10次以下"),
    ("5次以上", "3（含）-4次", "2（含）-3次", "2次以下"),
    ("≥95%", "90%~95%", "", "90%以下"),
    ("≤2天", "3~5天", "6~10天", "10天以上"),
]


def cell(value: Decimal | str | None) -> float | str | None:
    """How the value arrives from a cell through xlwings: numbers as floats."""
    return float(value) if isinstance(value, Decimal) else value


def engine_result(indicator: Indicator, inputs: IndicatorInput, profile: ScoringProfile):
    project = Project(id="P", name="P", unit="u", department="d", indicators=(indicator,))
    return evaluate(project, ProjectInputs(project_id="P", indicators={indicator.id: inputs}), profile).indicators[0]


def same(got: object, expected: Decimal | None) -> bool:
    if expected is None:
        return got == ""
    return isinstance(got, float) and got == float(expected)


def scorable(indicator: Indicator, profile: ScoringProfile) -> bool:
    return resolve(indicator, profile).scorable


QUANTITATIVE = {
    IndicatorKind.POSITIVE: lambda t, b, w, p: udfs.PE_SCORE_POSITIVE(t, b, w, p),
    IndicatorKind.REVERSE: lambda t, b, w, p: udfs.PE_SCORE_REVERSE(t, b, w, None, p),
    IndicatorKind.EQUAL: lambda t, b, w, p: udfs.PE_SCORE_EQUAL(t, b, w, p),
    None: lambda t, b, w, p: udfs.PE_SCORE(t, b, w, p),
}


@SETTINGS
@given(st.sampled_from(list(QUANTITATIVE)), targets, actuals, weights, profiles)
def test_quantitative_scores_and_rates(kind, target, actual, weight, profile) -> None:
    indicator = Indicator(id="X", name="x", weight=weight, kind=kind, target_text=target)
    p = profile_json(profile)
    resolved = resolve(indicator, profile)
    inferred_qualitative = kind is None and resolved.kind is IndicatorKind.QUALITATIVE
    event("refused" if not resolved.scorable or inferred_qualitative else "scored")
    if not resolved.scorable or inferred_qualitative:
        with pytest.raises(UdfError):
            QUANTITATIVE[kind](target, cell(actual), float(weight), p)
        return
    expected = engine_result(indicator, IndicatorInput(actual=actual), profile)
    assert same(QUANTITATIVE[kind](target, cell(actual), float(weight), p), expected.score)
    rate_kind = kind.value if kind is not None else None
    assert same(udfs.PE_RATE(target, cell(actual), rate_kind, None, p), expected.rate)


@SETTINGS
@given(st.sampled_from(list(QUANTITATIVE)[:3]), decimals("0", "500", 3), actuals, weights, profiles)
def test_numeric_targets(kind, target, actual, weight, profile) -> None:
    """A number as the target is A itself (as in the generated workbooks, where A is a literal)."""
    indicator = Indicator(id="X", name="x", weight=weight, kind=kind, target_value=target)
    expected = engine_result(indicator, IndicatorInput(actual=actual), profile)
    p = profile_json(profile)
    assert same(QUANTITATIVE[kind](float(target), cell(actual), float(weight), p), expected.score)
    assert same(udfs.PE_RATE(float(target), cell(actual), kind.value, None, p), expected.rate)


@SETTINGS
@given(decimals("0", "100", 2), st.sampled_from(RULES), actuals, weights, profiles)
def test_deduction(target, rule, actual, weight, profile) -> None:
    indicator = Indicator(id="X", name="x", weight=weight, kind=IndicatorKind.DEDUCTION, target_value=target,
                          deduction_rule=rule)
    call = lambda: udfs.PE_SCORE_DEDUCTION(float(target), cell(actual), float(weight), rule, profile_json(profile))  # noqa: E731
    if not scorable(indicator, profile):
        with pytest.raises(UdfError):
            call()
        return
    assert same(call(), engine_result(indicator, IndicatorInput(actual=actual), profile).score)


@SETTINGS
@given(st.sampled_from(LADDERS), actuals, weights, profiles)
def test_banded(ladder, actual, weight, profile) -> None:
    bands = tuple(Band(label=label, text=t) for label, t in zip("优良中差", ladder) if t)
    indicator = Indicator(id="X", name="x", weight=weight, kind=IndicatorKind.BANDED, bands=bands)
    expected = engine_result(indicator, IndicatorInput(actual=actual), profile).score
    assert same(udfs.PE_SCORE_BANDED(list(ladder), cell(actual), float(weight), None, profile_json(profile)), expected)


TIERS = ["达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差", "其他", None]


@SETTINGS
@given(st.sampled_from(TIERS), actuals, weights, profiles)
def test_qualitative_and_direct(tier, score, weight, profile) -> None:
    p = profile_json(profile)
    qualitative = Indicator(id="X", name="x", weight=weight, kind=IndicatorKind.QUALITATIVE)
    expected = engine_result(qualitative, IndicatorInput(tier=tier, score=score), profile).score
    assert same(udfs.PE_SCORE_QUALITATIVE(tier, cell(score), float(weight), p), expected)
    direct = Indicator(id="X", name="x", weight=weight, kind=IndicatorKind.DIRECT)
    expected = engine_result(direct, IndicatorInput(score=score), profile).score
    assert same(udfs.PE_SCORE_DIRECT(cell(score), float(weight), p), expected)


@SETTINGS
@given(st.one_of(decimals("-10", "5000", 2), st.none()), actuals, weights, profiles)
def test_budget_execution(annual, executed, weight, profile) -> None:
    project = Project(
        id="P", name="P", unit="u", department="d", funds=(FundLine(source="本级", annual_budget=annual),),
        indicators=(Indicator(id="B", name="预算执行率", weight=weight, kind=IndicatorKind.BUDGET),),
    )
    inputs = ProjectInputs(project_id="P", funds=(FundInput(source="本级", executed=executed),))
    result = evaluate(project, inputs, profile)
    assert same(udfs.PE_EXECUTION_RATE(cell(annual), cell(executed)), result.budget.execution_rate)
    got = udfs.PE_EXECUTION_SCORE(cell(annual), cell(executed), float(weight), profile_json(profile))
    assert same(got, result.indicators[0].score)


rows = st.lists(
    st.tuples(st.one_of(decimals("0", "10", 2), st.none()), decimals("10", "20", 0), st.booleans()),
    min_size=0, max_size=8,
)


@SETTINGS
@given(rows, st.booleans(), profiles)
def test_total(rows, allow_na, profile) -> None:
    """Rows of (score, points, not applicable); a workbook blanks the score of a row not applicable
    and passes the number of applicable indicators."""
    profile = profile.with_options(allow_not_applicable=allow_na)
    indicators = tuple(Indicator(id=f"I{i}", name="x", weight=w, kind=IndicatorKind.DIRECT)
                       for i, (_, w, _) in enumerate(rows))
    inputs = {f"I{i}": IndicatorInput(score=s, not_applicable=na and allow_na) for i, (s, _, na) in enumerate(rows)}
    project = Project(id="P", name="P", unit="u", department="d", indicators=indicators)
    expected = evaluate(project, ProjectInputs(project_id="P", indicators=inputs), profile).total
    applicable = [not (na and allow_na) for _, _, na in rows]
    scores = [cell(s) if ok else "" for (s, _, _), ok in zip(rows, applicable)]
    weights_ = [float(w) for _, w, _ in rows]
    assert same(udfs.PE_TOTAL_SCORE(scores, weights_, sum(applicable), profile_json(profile)), expected)
    if all(applicable):
        assert same(udfs.PE_TOTAL_SCORE(scores, weights_, None, profile_json(profile)), expected)


@SETTINGS
@given(st.one_of(decimals("-1", "101", 3), st.none(), st.just("良")), profiles)
def test_grade(total, profile) -> None:
    expected = profile.grade(total) if isinstance(total, Decimal) else None
    assert udfs.PE_GRADE_OF(cell(total), profile_json(profile)) == (expected or "")


@SETTINGS
@given(targets, st.sampled_from([None, "%", "个"]))
def test_target(text, unit) -> None:
    parsed = parse_target(text, unit)
    if parsed.scorable:
        assert udfs.PE_TARGET(text, unit) == float(parsed.value)
        assert udfs.PE_TARGETS([text], unit) == [[float(parsed.value)]]
    else:
        with pytest.raises(UdfError):
            udfs.PE_TARGET(text, unit)
        assert udfs.PE_TARGETS([text], unit) == [[""]]
