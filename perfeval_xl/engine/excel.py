"""The engine's rules rendered as native spreadsheet formulas.

Every formula a generated workbook holds is rendered here, from the same resolved
indicator and profile the Python rules use, with only functions every target
application knows (REFERENCE §6): IF, AND, OR, MIN, MAX, ROUND, SUM, SUMPRODUCT,
ISNUMBER, ISBLANK. The LibreOffice parity test holds the two renderings together.

Conventions that mirror engine.indicator: a blank or non-numeric input gives "",
a negative input gives "", a score is ROUND(..., places) of the unrounded rule, the
completion rate is unrounded and "" where not defined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.resolve import ResolvedIndicator
from perfeval_xl.engine.targets import Interval
from perfeval_xl.model import IndicatorKind

# Scores are snapped to 10 decimals before the 2-decimal ROUND: a subtraction such as
# 10-19.91*0.5 leaves 0.04499999999999993 in binary, which ROUND alone takes to 0.04
# where the exact 0.045 gives 0.05 (tests/test_round_fixture.py). No exact result of
# our rules lies within 1e-10 of a rounding boundary without sitting on it.
SNAP_PLACES = 10

ALLOWED_FUNCTIONS = frozenset({
    "IF", "AND", "OR", "MIN", "MAX", "ROUND", "IFERROR", "SUM", "SUMPRODUCT", "COUNTIF", "LOOKUP", "INDEX",
    "MATCH", "ISNUMBER", "ISBLANK",
})
BLANK = '""'


def num(value: Decimal | int) -> str:
    """A constant as formula text: plain digits, no exponent, no trailing zeros."""
    d = Decimal(value)
    text = format(d.normalize(), "f") if d != 0 else "0"
    return text


def text(value: str) -> str:
    """A string literal (quotes doubled)."""
    return '"' + value.replace('"', '""') + '"'


def _literal(expr: str) -> Decimal | None:
    """The value of a numeric literal, or None for anything else."""
    try:
        return Decimal(expr)
    except ArithmeticError:
        return None


@dataclass(frozen=True)
class RowRefs:
    """The cells of one indicator row a formula reads (A1 refs, sheet-qualified when elsewhere)."""

    actual: str  # 实际完成值 (B); the tier for qualitative rows
    weight: str  # 分值 (w)
    score_input: str | None = None  # the entered score (qualitative, direct)
    not_applicable: str | None = None  # the 不适用 choice, when the profile allows it


class FormulaBuilder:
    """Renders the formulas of one profile."""

    def __init__(self, profile: ScoringProfile) -> None:
        self.profile = profile

    # --- pieces ------------------------------------------------------------------------------

    def _round_score(self, expr: str) -> str:
        return f"ROUND(ROUND({expr},{SNAP_PLACES}),{self.profile.score_places})"

    def _rate_for_score(self, rate: str) -> str:
        p = self.profile
        return f"ROUND(ROUND({rate},{SNAP_PLACES}),{p.rate_places})" if p.round_rate_first else rate

    def _capped(self, rate: str, weight: str, may_be_negative: bool = False) -> str:
        """min(rate, 1) × w (floored at 0 where the rate can go negative), rounded."""
        capped = f"MIN({self._rate_for_score(rate)},1)"
        if may_be_negative:
            capped = f"MAX({capped},0)"
        return self._round_score(f"{capped}*{weight}")

    def _guard(self, b: str, body: str) -> str:
        """"" unless B is a non-negative number."""
        return f'IF(ISNUMBER({b}),IF({b}<0,{BLANK},{body}),{BLANK})'

    def _na(self, refs: RowRefs, body: str) -> str:
        if refs.not_applicable is None:
            return body
        return f"IF({refs.not_applicable}={text(self.profile.not_applicable_label)},{BLANK},{body})"

    def not_applicable(self, na_cell: str | None, formula: str) -> str:
        """`formula` showing "" while its row is marked 不适用 (unchanged where there is no such choice)."""
        if na_cell is None:
            return formula
        return f"=IF({na_cell}={text(self.profile.not_applicable_label)},{BLANK},{formula.removeprefix('=')})"

    # --- indicator rows ----------------------------------------------------------------------

    def rate(self, ind: ResolvedIndicator, refs: RowRefs) -> str | None:
        """The 完成率 formula, or None where the kind defines no completion rate."""
        kind, a, b = ind.kind, ind.target_value, refs.actual
        if a is None or not ind.scorable:
            return None
        if kind in (IndicatorKind.POSITIVE, IndicatorKind.EQUAL) and a > 0:
            body = f"{b}/{num(a)}"
        elif kind is IndicatorKind.REVERSE and ind.reverse_variant == "linear" and a > 0:
            body = f"IF({b}>0,1-({b}-{num(a)})/{num(a)},{BLANK})"
        elif kind is IndicatorKind.REVERSE and a > 0:
            body = f"IF({b}>0,{num(a)}/{b},{BLANK})"
        else:
            return None
        return "=" + self._na(refs, self._guard(b, body))

    def score(self, ind: ResolvedIndicator, refs: RowRefs) -> str | None:
        """The 得分 formula; None where the score is typed in (qualitative, direct) or cannot be scored."""
        if not ind.scorable:
            return None
        kind, w, b = ind.kind, refs.weight, refs.actual
        a = ind.target_value
        full = self._round_score(w)  # full marks, rounded like every score (a weight may carry 3 decimals)
        if kind in (IndicatorKind.QUALITATIVE, IndicatorKind.DIRECT, IndicatorKind.BUDGET):
            return None
        if kind is IndicatorKind.BANDED:
            body = self._banded(ind, b, w)
        elif kind is IndicatorKind.DEDUCTION:
            rule = ind.deduction
            assert rule is not None and a is not None
            gap = f"{num(a)}-{b}" if rule.shortfall else f"{b}-{num(a)}"
            body = self._round_score(f"MAX({w}-MAX({gap},0)/{num(rule.step)}*{num(rule.points)},0)")
        elif kind is IndicatorKind.REVERSE:
            assert a is not None
            if ind.reverse_variant == "linear":
                if a > 0:
                    rate = f"1-({b}-{num(a)})/{num(a)}"
                    body = f"IF({b}<={num(a)},{full},{self._capped(rate, w, may_be_negative=True)})"
                else:
                    body = f"IF({b}<=0,{full},0)"
            else:
                body = f"IF({b}<={num(a)},{full},{self._capped(f'{num(a)}/{b}', w)})"
        elif kind is IndicatorKind.EQUAL and a == 0:
            body = f"IF({b}<=0,{full},0)"
        else:  # positive, and equal with a positive target
            assert a is not None
            body = full if a == 0 else self._capped(f"{b}/{num(a)}", w)
        return "=" + self._na(refs, self._guard(b, body))

    def _banded(self, ind: ResolvedIndicator, b: str, w: str) -> str:
        expr = BLANK
        for band in reversed(ind.bands):
            assert band.interval is not None
            cond = self._interval(band.interval, b)
            expr = f"IF({cond},{self._round_score(f'{num(band.fraction)}*{w}')},{expr})"
        return expr

    @staticmethod
    def _interval(interval: Interval, b: str) -> str:
        parts = []
        if interval.low is not None:
            parts.append(f"{b}{'>=' if interval.low_inclusive else '>'}{num(interval.low)}")
        if interval.high is not None:
            parts.append(f"{b}{'<=' if interval.high_inclusive else '<'}{num(interval.high)}")
        if not parts:
            return "TRUE"
        return parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"

    def effective(self, ind: ResolvedIndicator, refs: RowRefs, score_cell: str | None) -> str:
        """The score that counts (hidden helper column): the formula score, or an entered score
        when it is valid (direct: 0 ≤ s ≤ w; qualitative: inside the chosen tier), else ""."""
        kind, w = ind.kind, refs.weight
        if kind is IndicatorKind.QUALITATIVE:
            s, tier = refs.score_input, refs.actual
            assert s is not None
            cond = self.tier_condition(tier, s, w)
            body = f"IF(ISNUMBER({s}),IF({s}<0,{BLANK},IF({cond},{self._round_score(s)},{BLANK})),{BLANK})"
        elif kind is IndicatorKind.DIRECT:
            s = refs.score_input
            assert s is not None
            body = f"IF(ISNUMBER({s}),IF(AND({s}>=0,{s}<={w}),{self._round_score(s)},{BLANK}),{BLANK})"
        elif score_cell is not None:
            return f"={score_cell}"
        else:
            return f"={BLANK}"
        return "=" + self._na(refs, body)

    def tier_condition(self, tier: str, s: str, w: str) -> str:
        """Whether score `s` lies inside the tier chosen in `tier` (the 得分 rule and its validation).

        s/w is compared with the tier's fractions after the same 10-decimal snap as scores:
        in binary 2.4/3 is 0.7999999999999999, yet 2.4 is exactly 80% of 3 (LibreOffice
        compares approximately and hides this; an exact comparison would reject the score).
        """
        ratio = f"ROUND({s}/{w},{SNAP_PLACES})"
        cond = "FALSE"
        for t in reversed(self.profile.qualitative_tiers):
            high_op = "<=" if t.high_inclusive else "<"
            inside = f"AND({ratio}>={num(t.low)},{ratio}{high_op}{num(t.high)})"
            cond = f"IF({tier}={text(t.name)},{inside},{cond})"
        return cond

    # --- budget ------------------------------------------------------------------------------

    def budget_rate(self, executed: str, annual: str) -> str:
        return f"=IF(AND(ISNUMBER({executed}),ISNUMBER({annual})),IF({annual}>0,{executed}/{annual},{BLANK}),{BLANK})"

    def budget_score(self, rate_cell: str, weight: str) -> str:
        return f"=IF(ISNUMBER({rate_cell}),{self._capped(rate_cell, weight)},{BLANK})"

    @staticmethod
    def amount_total(cells: Sequence[str], required: Sequence[bool]) -> str:
        """Σ of the source amounts; "" while a budgeted source is blank or any amount is invalid."""
        checks = []
        for cell, needed in zip(cells, required):
            valid = f"AND(ISNUMBER({cell}),{cell}>=0)"
            checks.append(valid if needed else f"OR(ISBLANK({cell}),{valid})")
        cond = checks[0] if len(checks) == 1 else f"AND({','.join(checks)})"
        return f"=IF({cond},SUM({','.join(cells)}),{BLANK})"

    @staticmethod
    def valid_amount(cell: str) -> str:
        """A source's amount as the engine reads it: itself when a non-negative number, else ""."""
        return f"AND(ISNUMBER({cell}),{cell}>=0)"

    def difference(self, a: str, b: str) -> str:
        return f"=IF(AND({self.valid_amount(a)},{self.valid_amount(b)}),{a}-{b},{BLANK})"

    def ratio(self, numerator: str, denominator: str) -> str:
        return f"=IF(AND({self.valid_amount(numerator)},ISNUMBER({denominator})),IF({denominator}>0,{numerator}/{denominator},{BLANK}),{BLANK})"

    @staticmethod
    def sum_plain(cells: Sequence[str]) -> str:
        """Σ of locked amounts; "" when none is given (the engine's None, not 0)."""
        given = ",".join(f"ISNUMBER({c})" for c in cells)
        return f"=IF(OR({given}),SUM({','.join(cells)}),{BLANK})"

    # --- aggregates --------------------------------------------------------------------------

    @staticmethod
    def count_numbers(ranges: Sequence[str]) -> str:
        return "+".join(f"SUMPRODUCT(ISNUMBER({r})*1)" for r in ranges)

    def group_score(self, ranges: Sequence[str], needed: str) -> str:
        """Σ effective scores; "" while fewer than `needed` of them are numbers."""
        return f"=IF({self.count_numbers(ranges)}<{needed},{BLANK},SUM({','.join(ranges)}))"

    @staticmethod
    def group_rate(score_cell: str, weight_sum: str) -> str:
        """得分率 = Σ得分 / Σ分值 of the applicable leaves (a constant unless N/A is allowed)."""
        constant = _literal(weight_sum)
        if constant is not None:
            if constant <= 0:
                return f"={BLANK}"
            return f"=IF(ISNUMBER({score_cell}),{score_cell}/{weight_sum},{BLANK})"
        return f'=IF(ISNUMBER({score_cell}),IF({weight_sum}>0,{score_cell}/{weight_sum},{BLANK}),{BLANK})'

    def total(self, ranges: Sequence[str], needed: str, weight_sum: str) -> str:
        """Σ of all effective scores; with N/A allowed, rescaled once to the total points."""
        p = self.profile
        count = self.count_numbers(ranges)
        total = f"SUM({','.join(ranges)})"
        if not p.allow_not_applicable:
            if _literal(needed) == 0:
                return f"={BLANK}"
            # Σ of 2-decimal scores, rounded so binary noise (89.99999999999999) never meets a grade bound.
            return f"=IF({count}<{needed},{BLANK},ROUND({total},{p.score_places}))"
        rescaled = self._round_score(f"{total}*{num(p.total_points)}/{weight_sum}")
        return f"=IF(OR({needed}=0,{count}<{needed}),{BLANK},IF({weight_sum}>0,{rescaled},{BLANK}))"

    def grade(self, total_cell: str) -> str | None:
        p = self.profile
        if not p.grading:
            return None
        expr = text(p.grades[-1].name)
        for band in reversed(p.grades[:-1]):
            expr = f"IF({total_cell}>={num(band.minimum)},{text(band.name)},{expr})"
        return f"=IF(ISNUMBER({total_cell}),{expr},{BLANK})"

    @staticmethod
    def applicable(na_cell: str, label: str, value: str) -> str:
        """Helper: `value` when the row is applicable, 0 when marked not applicable."""
        return f'=IF({na_cell}={text(label)},0,{value})'

    @staticmethod
    def unfilled(cells: Sequence[tuple[str, str | None]], label: str) -> str:
        """How many required inputs are still blank; (cell, not-applicable cell or None)."""
        terms = []
        for cell, na in cells:
            term = f"ISBLANK({cell})*1"
            if na is not None:
                term = f"ISBLANK({cell})*({na}<>{text(label)})"
            terms.append(term)
        return "=" + ("+".join(terms) if terms else "0")

    # --- evaluators --------------------------------------------------------------------------

    @staticmethod
    def evaluator_count(score_range: str) -> str:
        return f"=SUMPRODUCT(ISNUMBER({score_range})*({score_range}>=0)*({score_range}<=100))"

    @staticmethod
    def evaluator_spread(cells: Sequence[str], count_cell: str) -> str:
        """Highest minus lowest valid score (0 ≤ s ≤ 100); an invalid entry never counts."""
        valid = "AND(ISNUMBER({0}),{0}>=0,{0}<=100)"
        high = ",".join(f"IF({valid.format(c)},{c},-1)" for c in cells)
        low = ",".join(f"IF({valid.format(c)},{c},101)" for c in cells)
        return f"=IF({count_cell}>0,MAX({high})-MIN({low}),{BLANK})"

    @staticmethod
    def evaluator_mean(score_range: str, count_cell: str) -> str:
        return f'=IF({count_cell}>0,SUMPRODUCT(ISNUMBER({score_range})*({score_range}>=0)*({score_range}<=100),{score_range})/{count_cell},{BLANK})'


class ConditionFormulas:
    """Conditional-formatting rules: the engine's findings rendered as cell highlights."""

    def __init__(self, profile: ScoringProfile) -> None:
        self.profile = profile

    @staticmethod
    def worse_than_target(ind: ResolvedIndicator, actual: str) -> str | None:
        """Direction-aware: below target for ≥/=, above for ≤."""
        a = ind.target_value
        if a is None or not ind.scorable:
            return None
        if ind.kind in (IndicatorKind.POSITIVE, IndicatorKind.EQUAL, IndicatorKind.DEDUCTION):
            if ind.kind is IndicatorKind.DEDUCTION and ind.deduction and not ind.deduction.shortfall:
                return f"AND(ISNUMBER({actual}),{actual}>{num(a)})"
            return f"AND(ISNUMBER({actual}),{actual}<{num(a)})"
        if ind.kind is IndicatorKind.REVERSE:
            return f"AND(ISNUMBER({actual}),{actual}>{num(a)})"
        return None

    def over_achievement(self, ind: ResolvedIndicator, actual: str, reason: str) -> str | None:
        """B ≥ t·A (reverse: B ≤ A/t) with the explanation left blank."""
        a, t = ind.target_value, self.profile.over_threshold
        if a is None or a <= 0 or not ind.scorable:
            return None
        if ind.kind in (IndicatorKind.POSITIVE, IndicatorKind.EQUAL):
            return f"AND(ISNUMBER({actual}),{actual}>={num(t)}*{num(a)},ISBLANK({reason}))"
        if ind.kind is IndicatorKind.REVERSE:
            return f"AND(ISNUMBER({actual}),{actual}<={num(a)}/{num(t)},ISBLANK({reason}))"
        return None

    @staticmethod
    def reason_missing(effective: str, weight: str, reason: str) -> str:
        return f"AND(ISNUMBER({effective}),{effective}<{weight},ISBLANK({reason}))"

    @staticmethod
    def invalid_entry(entry: str, effective: str) -> str:
        """An entered score that does not count (outside its tier or its points)."""
        return f"AND(ISBLANK({entry})=FALSE,ISNUMBER({effective})=FALSE)"

    @staticmethod
    def blank(cell: str) -> str:
        return f"ISBLANK({cell})"
