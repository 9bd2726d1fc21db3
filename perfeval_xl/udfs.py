"""perfeval_xl's Excel functions (xlwings UDFs): the engine's rates, scores and grades in any cell.

Set `UDF Modules` to `perfeval_xl.udfs` (the generated .xlsm workbooks do so in their
xlwings.conf sheet). Every function delegates to the engine through `perfeval_xl.udf.compute`
and writes no rule of its own.

Conventions (so a cell computes the same with or without Python):
- blank or invalid inputs give "" (blank), as the native formulas do;
- a definition the engine cannot score (no number in the target, no points, an unknown
  kind) raises `UdfError`: #VALUE! in Excel, never a guessed value;
- `profile` (optional, last) names the scoring profile: blank for the national default,
  a shipped profile name, or the JSON text a generated workbook keeps in xlwings.conf.

Docstrings and argument docs are what Excel's function wizard shows, hence Chinese. The
parameters carry no type annotations on purpose: on Windows xlwings turns annotations
into value converters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from perfeval_xl.model import IndicatorInput, IndicatorKind
from perfeval_xl.udf import cells, compute
from perfeval_xl.udf.cells import UdfError
from perfeval_xl.udf.spec import udf

TARGET = "年度指标值：数字（如 0.95、24），或目标文字（如“≥95%”“≤90万元”“24次”）"
ACTUAL = "实际完成值：数字，不带单位；百分比填小数（98% 即 0.98）"
WEIGHT = "分值（该指标的满分）"
PROFILE = "计分规则（可省略）：省略为全国默认；或规则名（如 provincial）；或生成的工作簿中的规则文本"
UNIT = "单位（可省略）：目标文字未写单位时按此理解，如“%”"
METHOD = "反向指标计分方式（可省略）：ratio（比值，A/B×分值）或 linear（线性扣减）；省略按计分规则"


@udf(target="目标文字，如“≥95%”“16~23次”“2000条以上”", unit=UNIT)
def PE_TARGET(target, unit=None):
    """年度指标值中的数值：“≥95%”得 0.95，“16~23次”得 16（区间取下限）。没有数值（定性文字、空白、一格两个目标）时返回 #VALUE!，不作猜测。"""
    return float(compute.target_value(target, unit))


@udf(target="目标文字，如“≥95%”“10次以下”", unit=UNIT)
def PE_TARGET_INFO(target, unit=None):
    """年度指标值的解读结果（文字）：运算符、数值、单位，或无法计分的原因。"""
    return compute.target_info(target, unit)


@udf(target=TARGET, actual=ACTUAL, kind="指标类型（可省略）：positive（正向）、reverse（反向）或 equal（等于）；省略时按目标文字判断",
     method=METHOD, profile=PROFILE)
def PE_RATE(target, actual, kind=None, method=None, profile=None):
    """完成率（不封顶）：正向和等于为 B/A，反向为 A/B 或 1-(B-A)/A；未定义（目标为 0、反向且 B=0）或未填写时为空白。"""
    # The rate does not depend on the points; the engine is asked with 1 point.
    ind = compute.indicator(compute.kind(kind), 1, target, reverse_variant=compute.variant(method))
    return cells.result(compute.score(ind, compute.actual_input(actual), cells.profile(profile)).rate)


@udf(target=TARGET, actual=ACTUAL, weight=WEIGHT, profile=PROFILE)
def PE_SCORE(target, actual, weight, profile=None):
    """定量指标得分，按目标文字判断类型（≥ 正向，≤ 反向，= 等于，只写数字按正向）；四舍五入到分。"""
    return _quantitative(None, target, actual, weight, profile)


@udf(target=TARGET, actual=ACTUAL, weight=WEIGHT, profile=PROFILE)
def PE_SCORE_POSITIVE(target, actual, weight, profile=None):
    """正向指标得分：B≥A 得满分，否则 B/A×分值；四舍五入到分。"""
    return _quantitative(IndicatorKind.POSITIVE, target, actual, weight, profile)


@udf(target=TARGET, actual=ACTUAL, weight=WEIGHT, method=METHOD, profile=PROFILE)
def PE_SCORE_REVERSE(target, actual, weight, method=None, profile=None):
    """反向指标得分：B≤A 得满分，否则 A/B×分值（比值）或 (1-(B-A)/A)×分值（线性，B≥2A 为 0）。"""
    return _quantitative(IndicatorKind.REVERSE, target, actual, weight, profile, reverse_variant=method)


@udf(target=TARGET, actual=ACTUAL, weight=WEIGHT, profile=PROFILE)
def PE_SCORE_EQUAL(target, actual, weight, profile=None):
    """等于指标得分：目标为 0 时 B≤0 得满分否则 0 分；目标大于 0 时按正向计分。"""
    return _quantitative(IndicatorKind.EQUAL, target, actual, weight, profile)


@udf(target=TARGET, actual=ACTUAL, weight=WEIGHT, rule="扣分规则，如“每少1次扣1分”“每降低1个百分点扣0.5分”",
     profile=PROFILE)
def PE_SCORE_DEDUCTION(target, actual, weight, rule, profile=None):
    """扣分指标得分：分值 −（差距÷步长）×每步扣分，按比例计算，扣完为止。"""
    return _quantitative(IndicatorKind.DEDUCTION, target, actual, weight, profile, rule=rule)


@udf(columns=("bands",), bands="评分档次：一格文字（如“优 24次 / 良 16~23次 / 中 10~15 / 差 10次以下”），或依次为优、良、中、差的最多四格",
     actual=ACTUAL, weight=WEIGHT, unit=UNIT, profile=PROFILE)
def PE_SCORE_BANDED(bands, actual, weight, unit=None, profile=None):
    """分档指标得分：从优到差依次判断，落入的第一档按比例得分（默认 优 100%、良 80%、中 60%、差 0）。"""
    ind = compute.indicator(IndicatorKind.BANDED, weight, bands=compute.ladder(cells.flat(bands)), unit=unit)
    return cells.result(compute.score(ind, compute.actual_input(actual), cells.profile(profile)).score)


@udf(tier="完成档次：达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差",
     score="自评得分：须在所选档次的范围内", weight=WEIGHT, profile=PROFILE)
def PE_SCORE_QUALITATIVE(tier, score, weight, profile=None):
    """定性指标得分：所填得分在所选档次范围内时为该得分（四舍五入到分），否则为空白。"""
    ind = compute.indicator(IndicatorKind.QUALITATIVE, weight)
    inputs = IndicatorInput(tier=cells.text(tier), score=cells.entry(score))
    return cells.result(compute.score(ind, inputs, cells.profile(profile)).score)


@udf(score="评价人员直接给出的得分：0 至分值之间", weight=WEIGHT, profile=PROFILE)
def PE_SCORE_DIRECT(score, weight, profile=None):
    """直接打分指标：0≤得分≤分值时为该得分（四舍五入到分），超出范围为空白（不截断）。"""
    ind = compute.indicator(IndicatorKind.DIRECT, weight)
    return cells.result(compute.score(ind, IndicatorInput(score=cells.entry(score)), cells.profile(profile)).score)


@udf(annual="全年预算数（A，万元）", executed="全年执行数（B，万元）")
def PE_EXECUTION_RATE(annual, executed):
    """预算执行率 = 全年执行数 ÷ 全年预算数（不封顶）；未填写或预算数不大于 0 时为空白。"""
    return cells.result(compute.execution(annual, executed, 10, cells.profile(None))[0])


@udf(annual="全年预算数（A，万元）", executed="全年执行数（B，万元）", weight="分值（可省略，默认 10）",
     profile=PROFILE)
def PE_EXECUTION_SCORE(annual, executed, weight=10, profile=None):
    """预算执行率得分 = min(执行率, 100%) × 分值，四舍五入到分。"""
    return cells.result(compute.execution(annual, executed, weight, cells.profile(profile))[1])


@udf(columns=("scores", "weights"), scores="各指标得分（一列）", weights="各指标分值（与得分同行的一列）",
     count="指标个数（可省略，默认为行数）：少于行数时，得分为数字的行才是指标", profile=PROFILE)
def PE_TOTAL_SCORE(scores, weights, count=None, profile=None):
    """总分 = 各指标得分（四舍五入到分）之和；有指标未得分时为空白；计分规则允许“不适用”时按适用分值折算。"""
    return cells.result(compute.total(cells.flat(scores), cells.flat(weights), count, cells.profile(profile)))


@udf(total="总分", profile=PROFILE)
def PE_GRADE_OF(total, profile=None):
    """评价等级：优（≥90）、良（≥80）、中（≥60）、差，按总分原值判断（不先四舍五入）；不评等级或无总分时为空白。"""
    return cells.text_result(compute.grade(total, cells.profile(profile)))


@udf(volatile=True)
def PE_ENGINE():
    """Python 计算引擎可用时返回 1（工作簿用它显示“计算引擎”）。"""
    return 1.0


@udf(columns=("targets",), targets="目标文字（一列）", unit=UNIT)
def PE_TARGETS(targets, unit=None):
    """一列目标文字中的数值（返回一列）；没有数值的行为空白。"""
    return cells.column(_each(lambda t: float(compute.target_value(t, unit)), cells.flat(targets)))


@udf(columns=("targets", "actuals"), targets="年度指标值（一列）", actuals="实际完成值（同行的一列）", profile=PROFILE)
def PE_RATES(targets, actuals, profile=None):
    """一列指标的完成率（返回一列），类型按各行目标文字判断；无法计算的行为空白。"""
    rows = _rows(cells.flat(targets), cells.flat(actuals))
    return cells.column(_each(lambda row: PE_RATE(row[0], row[1], None, None, profile), rows))


@udf(columns=("targets", "actuals", "weights"), targets="年度指标值（一列）", actuals="实际完成值（同行的一列）",
     weights="分值（同行的一列）", profile=PROFILE)
def PE_SCORES(targets, actuals, weights, profile=None):
    """一列定量指标的得分（返回一列），类型按各行目标文字判断；无法计分的行为空白。"""
    rows = _rows(cells.flat(targets), cells.flat(actuals), cells.flat(weights))
    return cells.column(_each(lambda row: PE_SCORE(row[0], row[1], row[2], profile), rows))


@udf(columns=("totals",), totals="总分（一列）", profile=PROFILE)
def PE_GRADES(totals, profile=None):
    """一列总分的评价等级（返回一列）。"""
    return cells.column(PE_GRADE_OF(t, profile) for t in cells.flat(totals))


# --- helpers (not Excel functions, so they may carry annotations) ------------------------

T = TypeVar("T")


def _quantitative(
    kind: IndicatorKind | None,
    target: cells.CellValue,
    actual: cells.CellValue,
    weight: cells.CellValue,
    profile: cells.CellValue,
    *,
    reverse_variant: cells.CellValue = None,
    rule: cells.CellValue = None,
) -> cells.Result:
    ind = compute.indicator(kind, weight, target, reverse_variant=compute.variant(reverse_variant), rule=rule)
    return cells.result(compute.score(ind, compute.actual_input(actual), cells.profile(profile)).score)


def _rows(*columns: list[cells.CellValue]) -> list[tuple[cells.CellValue, ...]]:
    lengths = {len(c) for c in columns}
    if len(lengths) != 1:
        raise UdfError(f"各列行数不同：{sorted(lengths)}")
    return list(zip(*columns))


def _each(fn: Callable[[T], cells.Result], items: Sequence[T]) -> list[cells.Result]:
    """fn per item; a blank item, or one fn refuses (UdfError), gives a blank row."""
    out: list[cells.Result] = []
    for item in items:
        values = item if isinstance(item, tuple) else (item,)
        if all(cells.entry(v) is None for v in values):
            out.append(cells.BLANK)
            continue
        try:
            out.append(fn(item))
        except UdfError:
            out.append(cells.BLANK)
    return out
