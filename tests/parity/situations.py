"""Which situation each indicator input of a generated return is in, and the
combinations of indicator kind × situation that have no scoring rule.

A = the target (年度指标值; the 优 band's bound for a ladder; 全年预算数 for the budget
row; the weight w for a directly entered score), B = what the unit entered (实际完成值;
全年执行数; the entered score for qualitative and direct rows).

| situation   | meaning                                                                         |
|-------------|---------------------------------------------------------------------------------|
| below       | B < A (qualitative: a lower tier, score inside it)                              |
| at          | B = A (qualitative: the top tier, score inside it)                              |
| above       | B > A (qualitative: score above its tier; direct: above w: an input error)      |
| blank       | the input that scores the row is blank                                          |
| zero_target | A = 0                                                                           |
| over        | over-achievement as the engine flags it: B ≥ t·A (reverse: B ≤ A/t), A > 0      |
| boundary    | the exact decimal score before rounding ends in 5 at the 3rd decimal (x.xx5)    |

Extra columns (reported, not required): negative input, text in a number cell, row
marked 不适用 under a profile that allows it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from perfeval_xl.engine import rules
from perfeval_xl.engine.evaluate import budget_figures, resolve_project
from perfeval_xl.engine.indicator import number_entry
from perfeval_xl.engine.numbers import div, mul
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.resolve import ResolvedIndicator
from perfeval_xl.model import IndicatorInput, IndicatorKind, Project, ProjectInputs

K = IndicatorKind
KINDS = (K.POSITIVE, K.REVERSE, K.EQUAL, K.QUALITATIVE, K.BANDED, K.DEDUCTION, K.DIRECT, K.BUDGET)
SITUATIONS = ("below", "at", "above", "blank", "zero_target", "over", "boundary")
EXTRAS = ("negative", "text", "not_applicable")

# The combinations with no rule: never generated, never counted, listed here once.
NO_RULE: dict[tuple[IndicatorKind, str], str] = {
    (K.QUALITATIVE, "zero_target"): "a qualitative target has no number",
    (K.QUALITATIVE, "over"): "tiers have no over-achievement",
    (K.BANDED, "zero_target"): "a ladder has bands, not one target value",
    (K.BANDED, "over"): "over-achievement is not defined for ladders",
    (K.DEDUCTION, "over"): "over-achievement is not defined for deduction rules",
    (K.DIRECT, "zero_target"): "a direct score has no target",
    (K.DIRECT, "over"): "a direct score has no target",
    (K.BUDGET, "zero_target"): "a 预算执行率 row needs 全年预算数 > 0 (validate-manifest error)",
    (K.BUDGET, "over"): "execution above 100% is capped, never flagged",
}
DEFINED = tuple((k, s) for k in KINDS for s in SITUATIONS if (k, s) not in NO_RULE)
EXTRA_COMBOS = tuple((k, s) for k in KINDS for s in ("negative", "text"))


def is_half_cent(value: Decimal | None) -> bool:
    """True when `value` is exactly x.xx5 in decimal."""
    if value is None:
        return False
    thousandths = value * 1000
    return thousandths == thousandths.to_integral_value() and int(thousandths) % 10 == 5


def band_target(ind: ResolvedIndicator) -> Decimal:
    """The 优 band's bound: its low end on an upward ladder, its high end on a downward one."""
    best = ind.bands[0].interval
    assert best is not None
    return best.low if best.low is not None else best.high


def raw_score(ind: ResolvedIndicator, b: Decimal, profile: ScoringProfile, a: Decimal | None = None) -> Decimal | None:
    """The engine's unrounded score for B (the budget row takes A), None for an input error."""
    kind, w = ind.kind, ind.weight
    if kind is K.BANDED:
        return rules.banded(ind, b, w).raw_score
    if kind is K.BUDGET:
        return rules.budget(a, b, w, profile).raw_score if a else None
    if kind is K.DIRECT:
        return b if b <= w else None
    return rules.quantitative(ind, b, profile).raw_score


def _qualitative(ind: ResolvedIndicator, inp: IndicatorInput, s: Decimal, profile: ScoringProfile) -> list[str]:
    tier = profile.tier(inp.tier)
    w = ind.weight
    low, high = mul(tier.low, w), mul(tier.high, w)
    if s > high or (s == high and not tier.high_inclusive):
        return ["above"]
    if s < low:
        return ["below"]
    found = ["at" if tier.name == profile.qualitative_tiers[0].name else "below"]
    return found + (["boundary"] if is_half_cent(s) else [])


def _numeric(ind: ResolvedIndicator, b: Decimal, profile: ScoringProfile, a: Decimal | None) -> list[str]:
    kind = ind.kind
    if kind is K.DIRECT:
        a = ind.weight
    elif kind is K.BANDED:
        a = band_target(ind)
    elif kind is not K.BUDGET:
        a = ind.target_value
    found: list[str] = []
    if a == 0 and kind is not K.BUDGET:
        found.append("zero_target")
    else:
        found.append("below" if b < a else "at" if b == a else "above")
    t = profile.over_threshold
    if a > 0 and kind in (K.POSITIVE, K.EQUAL) and b >= mul(t, a):
        found.append("over")
    if a > 0 and kind is K.REVERSE and b <= div(a, t):
        found.append("over")
    if is_half_cent(raw_score(ind, b, profile, a)):
        found.append("boundary")
    return found


def _entry_situations(entry: object) -> tuple[Decimal | None, list[str]]:
    value, text = number_entry(entry)
    if text is not None:
        return None, ["text"]
    if value is None:
        return None, ["blank"]
    if value < 0:
        return None, ["negative"]
    return value, []


def classify(project: Project, inputs: ProjectInputs, profile: ScoringProfile) -> list[tuple[str, IndicatorKind, str]]:
    """(indicator id, kind, situation) for every row of the return; a row can be in several situations."""
    out: list[tuple[str, IndicatorKind, str]] = []
    budget, _ = budget_figures(project, inputs, profile)
    for ind in resolve_project(project, profile):
        inp = inputs.indicator(ind.id)
        if inp.not_applicable and profile.allow_not_applicable:
            out.append((ind.id, ind.kind, "not_applicable"))
            continue
        if ind.kind is K.BUDGET:
            found = _budget(project, inputs, budget.annual_budget, budget.executed, ind, profile)
        elif ind.kind is K.QUALITATIVE:
            tier_blank = not (inp.tier or "").strip()
            s, found = _entry_situations(inp.score)
            if tier_blank:
                found = ["blank"]
            elif s is not None:
                found = _qualitative(ind, inp, s, profile)
        else:
            b, found = _entry_situations(inp.score if ind.kind is K.DIRECT else inp.actual)
            if b is not None:
                found = _numeric(ind, b, profile, None)
        out.extend((ind.id, ind.kind, s) for s in found)
    return out


def _budget(project: Project, inputs: ProjectInputs, a: Decimal | None, b: Decimal | None,
            ind: ResolvedIndicator, profile: ScoringProfile) -> list[str]:
    if b is not None and a is not None:
        return _numeric(ind, b, profile, a)
    budgeted = {line.source for line in project.funds if line.annual_budget}
    found: list[str] = []
    for fund in inputs.funds:
        _, reasons = _entry_situations(fund.executed)
        if fund.source in budgeted or reasons != ["blank"]:
            found.extend(reasons)
    for source in budgeted - {f.source for f in inputs.funds}:
        found.append("blank")
    return sorted(set(found)) or ["blank"]


def coverage(rows: Iterable[tuple[str, IndicatorKind, str]]) -> Counter[tuple[IndicatorKind, str]]:
    """Counts per (kind, situation) of classify()'s rows."""
    return Counter((kind, situation) for _, kind, situation in rows)


def coverage_table(counts: Counter[tuple[IndicatorKind, str]]) -> str:
    """Kind × situation counts as a text table ("—": no rule), then the no-rule table."""
    columns = SITUATIONS + EXTRAS
    lines = ["kind".ljust(12) + "".join(c.rjust(len(c) + 2) for c in columns)]
    for kind in KINDS:
        cells = ["—" if (kind, s) in NO_RULE else str(counts.get((kind, s), 0)) for s in columns]
        lines.append(kind.value.ljust(12) + "".join(v.rjust(len(c) + 2) for v, c in zip(cells, columns)))
    lines.append("no rule, left out:")
    lines += [f"  {k.value:<12}{s:<13}{why}" for (k, s), why in NO_RULE.items()]
    return "\n".join(lines)
