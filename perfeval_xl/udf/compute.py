"""What each UDF asks of the engine.

Every function builds the engine's own objects (an Indicator resolved with
`engine.resolve`, a one-indicator Project for `engine.evaluate`) and reads the
engine's answer; no scoring rule is written here. Arguments arrive as cell values
(see `cells`) and answers leave as Decimals or None.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.engine.indicator import IndicatorScorer
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.resolve import BAND_ORDER, ResolvedIndicator, resolve
from perfeval_xl.engine.targets import ParsedTarget, TargetStatus, parse_target
from perfeval_xl.findings import Severity
from perfeval_xl.model import (
    KIND_LABELS,
    Band,
    FundInput,
    FundLine,
    Indicator,
    IndicatorInput,
    IndicatorKind,
    IndicatorResult,
    Project,
    ProjectInputs,
)
from perfeval_xl.udf.cells import CellValue, UdfError, entry, number, text, weight

NAME = "该指标"  # how findings quoted in an error message name the indicator
RATE_KINDS = (IndicatorKind.POSITIVE, IndicatorKind.REVERSE, IndicatorKind.EQUAL)
VARIANTS = {"ratio": "ratio", "linear": "linear", "比值": "ratio", "线性": "linear"}
_KINDS_BY_NAME = {**{k.value: k for k in IndicatorKind}, **{label: k for k, label in KIND_LABELS.items()}}
_STATUS_TEXT = {
    TargetStatus.MISSING: "没有目标值（空白或占位符）",
    TargetStatus.TEXT: "定性目标，没有数值",
    TargetStatus.DOUBLE: "一格含两个目标，须拆分为两个指标",
    TargetStatus.AMBIGUOUS: "含多个数字且不构成区间，无法判断",
}
_OPERATOR_TEXT = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "=": "＝"}
_LADDER_SEPARATORS = ("/", "／", "；", ";", "|", "\n")
_LABEL_SEPARATORS = " ：:　"


# --- targets -----------------------------------------------------------------------------


def parsed(target: CellValue, unit: CellValue = None) -> ParsedTarget:
    return parse_target(text(target) or "", text(unit))


def target_value(target: CellValue, unit: CellValue = None) -> Decimal:
    """The number a target text states (a range gives its lower end); refused when it states none."""
    result = parsed(target, unit)
    if result.status is not TargetStatus.OK or result.value is None:
        raise UdfError(f"目标值“{result.raw}”：{_STATUS_TEXT[result.status]}")
    return result.value


def target_info(target: CellValue, unit: CellValue = None) -> str:
    """How the parser read a target text, in words, e.g. "≥ 0.95（百分比）"."""
    result = parsed(target, unit)
    if result.status is not TargetStatus.OK:
        return _STATUS_TEXT[result.status]
    unit_text = "（百分比）" if result.is_percent else (f"（{result.unit}）" if result.unit else "")
    if result.low is not None and result.high is not None:
        return f"区间 {_plain(result.low)}～{_plain(result.high)}{unit_text}"
    assert result.operator is not None and result.value is not None
    implied = "，未写运算符，按不低于理解" if result.implied else ""
    strict = "，不含本数" if result.strict else ""
    return f"{_OPERATOR_TEXT[result.operator.value]} {_plain(result.value)}{unit_text}{implied}{strict}"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


# --- indicators --------------------------------------------------------------------------


def kind(value: CellValue) -> IndicatorKind | None:
    """A kind with a completion rate, by its English value or Chinese label (正向/反向/等于); None when blank."""
    name = text(value)
    if name is None:
        return None
    found = _KINDS_BY_NAME.get(name) or _KINDS_BY_NAME.get(name.lower())
    if found is None or found not in RATE_KINDS:
        names = "、".join(f"{k.value}（{KIND_LABELS[k]}）" for k in RATE_KINDS)
        raise UdfError(f"未知的指标类型“{name}”；可用：{names}")
    return found


def variant(value: CellValue) -> str | None:
    """The reverse-scoring variant (ratio/linear, 比值/线性); None: the profile's."""
    name = text(value)
    if name is None:
        return None
    found = VARIANTS.get(name.lower())
    if found is None:
        raise UdfError(f"未知的反向计分方式“{name}”；可用：ratio（比值）、linear（线性）")
    return found


def ladder(values: Sequence[CellValue]) -> tuple[Band, ...]:
    """An 优/良/中/差 ladder: one text ("优 24次 / 良 16~23次 / ...") or up to four cells in that order."""
    texts = [text(v) for v in values]
    filled = [t for t in texts if t]
    if len(filled) == 1 and len(texts) == 1:
        return _ladder_text(filled[0])
    if len(texts) > len(BAND_ORDER):
        raise UdfError(f"分档最多 {len(BAND_ORDER)} 格（优、良、中、差），收到 {len(texts)} 格")
    return tuple(Band(label=label, text=t) for label, t in zip(BAND_ORDER, texts) if t)


def _ladder_text(value: str) -> tuple[Band, ...]:
    for separator in _LADDER_SEPARATORS[1:]:
        value = value.replace(separator, _LADDER_SEPARATORS[0])
    bands = []
    for part in (p.strip() for p in value.split(_LADDER_SEPARATORS[0])):
        if not part:
            continue
        label, body = part[0], part[1:].lstrip(_LABEL_SEPARATORS)
        if label not in BAND_ORDER or not body:
            raise UdfError(f"分档“{part}”应以优、良、中、差开头，后接标准")
        bands.append(Band(label=label, text=body))
    return tuple(bands)


def indicator(
    kind_: IndicatorKind | None,
    points: CellValue,
    target: CellValue = None,
    *,
    reverse_variant: str | None = None,
    rule: CellValue = None,
    bands: tuple[Band, ...] = (),
    unit: CellValue = None,
) -> Indicator:
    """The engine's Indicator for a UDF call; a numeric target is taken as A itself, text is parsed."""
    numeric = isinstance(target, (int, float, Decimal)) and not isinstance(target, bool)
    return Indicator(
        id="UDF",
        name=NAME,
        weight=weight(points),
        kind=kind_,
        target_text="" if numeric else (text(target) or ""),
        target_value=number(target, "年度指标值") if numeric else None,
        unit=text(unit),
        bands=bands,
        deduction_rule=text(rule),
        reverse_variant=reverse_variant,
    )


def resolved(ind: Indicator, profile: ScoringProfile) -> ResolvedIndicator:
    """The engine's resolution; an indicator the engine cannot score is refused with its finding."""
    result = resolve(ind, profile)
    if not result.scorable:
        errors = [f for f in result.problems if f.severity is Severity.ERROR]
        reason = errors[0].message() if errors else f"该指标无法按“{KIND_LABELS[result.kind]}”计分"
        raise UdfError(reason)
    return result


def score(ind: Indicator, inputs: IndicatorInput, profile: ScoringProfile) -> IndicatorResult:
    """The engine's result for one indicator (score and rate stay None for blank or invalid inputs)."""
    res = resolved(ind, profile)
    if res.kind is IndicatorKind.QUALITATIVE and ind.kind is None:
        raise UdfError("目标为定性文字：请用 PE_SCORE_QUALITATIVE（完成档次和得分）")
    return IndicatorScorer(profile).score(res, inputs)


def actual_input(actual: CellValue) -> IndicatorInput:
    return IndicatorInput(actual=entry(actual))


# --- budget, total, grade ----------------------------------------------------------------


def execution(
    annual: CellValue, executed: CellValue, points: CellValue, profile: ScoringProfile
) -> tuple[Decimal | None, Decimal | None]:
    """(预算执行率, its score) from 全年预算数 and 全年执行数, via the engine's budget table."""
    budget = annual if isinstance(annual, (int, float, Decimal)) and not isinstance(annual, bool) else None
    project = Project(
        id="UDF", name=NAME, unit="-", department="-",
        funds=(FundLine(source="-", annual_budget=number(budget, "全年预算数", required=False)),),
        indicators=(Indicator(id="BUDGET", name="预算执行率", weight=weight(points), kind=IndicatorKind.BUDGET),),
    )
    inputs = ProjectInputs(project_id="UDF", funds=(FundInput(source="-", executed=entry(executed)),))
    result = evaluate(project, inputs, profile)
    return result.budget.execution_rate, result.indicators[0].score


def total(
    scores: Sequence[CellValue], weights: Sequence[CellValue], count: CellValue, profile: ScoringProfile
) -> Decimal | None:
    """The engine's total of indicator scores (blank while one is missing; rescaled per profile).

    `count` is how many indicators the rows hold; when it is less than the number of rows
    (a tree form whose category rows sit between the indicators), the rows whose score is a
    number are the indicators, and fewer numbers than `count` leaves the total blank.
    """
    if len(scores) != len(weights):
        raise UdfError(f"得分（{len(scores)} 格）与分值（{len(weights)} 格）的行数不同")
    # A row with neither score nor points is not an indicator (a spacer, the end of the list).
    rows = [(s, w) for s, w in zip(scores, weights) if entry(s) is not None or entry(w) is not None]
    expected = _count(count, len(rows))
    if expected < len(rows):
        rows = [(s, w) for s, w in rows if isinstance(entry(s), Decimal)]
        if len(rows) > expected:
            raise UdfError(f"有 {len(rows)} 个得分，多于指标个数 {expected}")
    indicators = [Indicator(id=f"I{i}", name=NAME, weight=weight(w), kind=IndicatorKind.DIRECT)
                  for i, (_, w) in enumerate(rows)]
    inputs = {f"I{i}": IndicatorInput(score=entry(s)) for i, (s, _) in enumerate(rows)}
    # Indicators not yet scored: present, blank, so the engine leaves the total blank.
    indicators += [Indicator(id=f"M{i}", name=NAME, weight=Decimal(0), kind=IndicatorKind.DIRECT)
                   for i in range(expected - len(rows))]
    project = Project(id="UDF", name=NAME, unit="-", department="-", indicators=tuple(indicators))
    return evaluate(project, ProjectInputs(project_id="UDF", indicators=inputs), profile).total


def _count(value: CellValue, rows: int) -> int:
    given = number(value, "指标个数", required=False)
    if given is None:
        return rows
    if given != given.to_integral_value() or not 0 <= given <= rows:
        raise UdfError(f"指标个数应为 0～{rows} 的整数：{value!r}")
    return int(given)


def grade(total_: CellValue, profile: ScoringProfile) -> str | None:
    """The profile's grade of a total as summed (None without a numeric total or without grading)."""
    value = entry(total_)
    return profile.grade(value) if isinstance(value, Decimal) else None
