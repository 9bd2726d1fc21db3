"""Score one indicator from its inputs and report what is wrong with them.

Blanks stay blank (never 0), input errors leave the score blank (never clamped), and
every finding names the indicator and the input field it is about.
"""

from __future__ import annotations

from decimal import Decimal

from perfeval_xl.engine import rules
from perfeval_xl.engine.numbers import div, mul, round_half_up
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.resolve import ResolvedIndicator
from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.model import IndicatorInput, IndicatorKind, IndicatorResult
from perfeval_xl.model.inputs import Entry
from perfeval_xl.model.results import trusted

ZERO = Decimal(0)  # compared with, rather than 0: a Decimal compares faster with a Decimal than with an int
FIELD_LABELS = {
    "actual": "实际完成值",
    "score": "得分",
    "tier": "完成档次",
    "reason": "偏差原因分析及改进措施",
    "executed": "全年执行数",
    "received": "实际到位资金",
}


def number_entry(entry: Entry) -> tuple[Decimal | None, str | None]:
    """(value, None) for a number, (None, raw text) for text, (None, None) if blank.

    Text is never read as a number, as a spreadsheet's ISNUMBER would not: a number
    typed as text is an input error of its own (readers of text files convert).
    """
    if entry is None:
        return None, None
    if isinstance(entry, Decimal):
        return (entry, None) if entry.is_finite() else (None, str(entry))
    text = str(entry).strip()
    return (None, None) if not text else (None, text)


# Members bound once: `IndicatorKind.X` is a class-attribute lookup through the enum's metaclass, slow on every use.
POSITIVE, REVERSE, EQUAL = IndicatorKind.POSITIVE, IndicatorKind.REVERSE, IndicatorKind.EQUAL
QUALITATIVE, BANDED, DEDUCTION, DIRECT = (IndicatorKind.QUALITATIVE, IndicatorKind.BANDED, IndicatorKind.DEDUCTION,
                                          IndicatorKind.DIRECT)
_QUANTITATIVE = frozenset({POSITIVE, REVERSE, EQUAL, DEDUCTION, BANDED})
_result = trusted(IndicatorResult)  # values built here, of the declared types: no validation needed
locate = trusted(Location)  # locations of the engine's findings, from its own strings


class IndicatorScorer:
    """Scores the indicators of one project under one profile."""

    def __init__(self, profile: ScoringProfile, project_id: str | None = None) -> None:
        self.profile = profile
        self.project_id = project_id
        # The members are str, equal and hashed as their values: a set answers `kind in` faster than the tuple.
        self._reason_required = frozenset(profile.reason_required_kinds)
        # Options read for every indicator, bound once: reading a pydantic model's attribute goes through its hook.
        self._places = profile.score_places
        self._percent_slip = profile.percent_slip_threshold
        self._over = profile.over_threshold
        self._strict_operators = profile.strict_operators
        self._equal_flag = profile.equal_flag_mismatch

    def _loc(self, ind: ResolvedIndicator, field: str) -> Location:
        return locate(project_id=self.project_id, indicator_id=ind.id, field=field)

    def _read(self, ind: ResolvedIndicator, entry: Entry, field: str, findings: list[Finding]) -> Decimal | None:
        """The entry as a usable number, else None with the finding about it."""
        value, bad_text = number_entry(entry)
        label = FIELD_LABELS.get(field, field)
        if bad_text is not None:
            findings.append(finding("INPUT_NOT_NUMBER", self._loc(ind, field), indicator=ind.indicator.label,
                                    field=label, value=bad_text))
            return None
        if value is None:
            findings.append(finding("INPUT_MISSING", self._loc(ind, field), indicator=ind.indicator.label, field=label))
            return None
        if value < ZERO:
            findings.append(finding("NEGATIVE_INPUT", self._loc(ind, field), indicator=ind.indicator.label,
                                    field=label, value=value))
            return None
        return value

    def score(
        self, ind: ResolvedIndicator, inp: IndicatorInput, budget: tuple[Decimal | None, Decimal | None] = (None, None)
    ) -> IndicatorResult:
        """Score `ind`. For the budget kind, `budget` is (A, B) from the budget table."""
        findings: list[Finding] = []
        if inp.not_applicable:
            label = ind.indicator.label
            if self.profile.allow_not_applicable:
                findings.append(finding("INDICATOR_NOT_APPLICABLE", self._loc(ind, "not_applicable"), indicator=label))
                return _result(indicator_id=ind.id, kind=ind.kind, weight=ind.weight, not_applicable=True,
                               findings=tuple(findings))
            findings.append(finding("NOT_APPLICABLE_DISABLED", self._loc(ind, "not_applicable"), indicator=label))
        kind = ind.kind
        w = ind.weight
        if not ind.scorable:
            findings.append(finding("TARGET_NOT_SCORABLE", self._loc(ind, "target"), indicator=ind.indicator.label,
                                    target=ind.target.raw))
            return _result(indicator_id=ind.id, kind=kind, weight=w, findings=tuple(findings))

        assert w is not None
        a = ind.target_value
        b: Decimal | None
        scored: rules.Scored | None = None
        band: str | None = None
        if kind in _QUANTITATIVE:
            b = inp.actual
            if not (type(b) is Decimal and b.is_finite() and b >= ZERO):  # the usual entry is taken as it is
                b = self._read(ind, b, "actual", findings)
            if b is not None:
                if kind is BANDED:
                    scored = rules.banded(ind, b, w)
                    if scored.raw_score is None:
                        bands = "；".join(f"{x.label} {x.text}" for x in ind.bands)
                        findings.append(finding("BAND_NO_MATCH", self._loc(ind, "actual"), indicator=ind.indicator.label,
                                                value=b, bands=bands))
                        scored = None
                else:
                    scored = rules.quantitative(ind, b, self.profile)
        elif kind is DIRECT:
            b = inp.score
            if not (type(b) is Decimal and b.is_finite() and b >= ZERO):
                b = self._read(ind, b, "score", findings)
            if b is not None:
                if b > w:
                    findings.append(finding("SCORE_ABOVE_WEIGHT", self._loc(ind, "score"), indicator=ind.indicator.label,
                                            score=b, weight=w))
                else:
                    scored = rules.scored((None, b, b >= w, None))
        elif kind is QUALITATIVE:
            scored, b, band = self._qualitative(ind, inp, w, findings)
        else:  # the budget kind, the one left
            a, b = budget
            if a is not None and b is not None and a > ZERO:
                scored = rules.budget(a, b, w, self.profile)

        if scored is None or scored.raw_score is None:
            return _result(indicator_id=ind.id, kind=kind, weight=w, target=a, actual=b, band=band,
                           findings=tuple(findings))
        rate, raw, met, scored_band = scored
        score = round_half_up(raw, self._places)
        self._after_scoring(ind, inp.reason, a, b, w, score, met, findings)
        return _result(indicator_id=ind.id, kind=kind, weight=w, target=a, actual=b, rate=rate, score=score,
                       met=met, band=scored_band, findings=tuple(findings))

    def _qualitative(
        self, ind: ResolvedIndicator, inp: IndicatorInput, w: Decimal, findings: list[Finding]
    ) -> tuple[rules.Scored | None, Decimal | None, str | None]:
        """(scored or None, the entered score, the chosen tier's name)."""
        profile = self.profile
        tier = profile.tier(inp.tier.strip() if inp.tier else None)
        if tier is None:
            names = "、".join(t.name for t in profile.qualitative_tiers)
            if inp.tier:
                findings.append(finding("QUAL_TIER_MISSING", self._loc(ind, "tier"), indicator=ind.indicator.label,
                                        value=inp.tier, tiers=names))
            else:
                findings.append(finding("INPUT_MISSING", self._loc(ind, "tier"), indicator=ind.indicator.label,
                                        field=FIELD_LABELS["tier"]))
        s = self._read(ind, inp.score, "score", findings)
        if tier is None or s is None:
            return None, s, tier.name if tier else None
        low, high = mul(tier.low, w), mul(tier.high, w)
        inside = low <= s and (s <= high if tier.high_inclusive else s < high)
        if not inside:
            findings.append(finding("QUAL_SCORE_OUT_OF_TIER", self._loc(ind, "score"), indicator=ind.indicator.label,
                                    tier=tier.name, low=low, high=high, score=s))
            return None, s, tier.name
        top = tier.name == profile.qualitative_tiers[0].name
        return rules.scored((None, s, top, tier.name)), s, tier.name

    def _after_scoring(
        self,
        ind: ResolvedIndicator,
        reason: str | None,
        a: Decimal | None,
        b: Decimal | None,
        w: Decimal,
        score: Decimal,
        met: bool,
        out: list[Finding],
    ) -> None:
        """The checks that need a score (reasons, over-achievement, strict bounds, slips), added to `out`."""
        kind = ind.kind
        reason = reason.strip() if reason else ""

        if kind in _QUANTITATIVE and b is not None and ind.target.is_percent and b > self._percent_slip:
            out.append(finding("PERCENT_UNIT_SLIP", self._loc(ind, "actual"), indicator=ind.indicator.label, value=b,
                               percent=f"{format(round_half_up(b * 100, 2), 'f')}%"))
        if ind.strict and a is not None and b == a and (kind is POSITIVE or kind is REVERSE):
            if not self._strict_operators:
                out.append(finding("STRICT_AT_BOUNDARY", self._loc(ind, "actual"), indicator=ind.indicator.label,
                                   target=ind.target.raw))
        if reason:
            if score == w:
                phrase = next((p for p in self.profile.unmet_phrases if p in reason), None)
                if phrase:
                    out.append(finding("FULL_MARKS_REASON_UNMET", self._loc(ind, "reason"),
                                       indicator=ind.indicator.label, phrase=phrase))
        else:
            # Over-achieved: B ≥ t × A where more is better, B ≤ A / t where less is better.
            if a is not None and b is not None and a > ZERO and (
                    (kind is POSITIVE or kind is EQUAL) and b >= mul(self._over, a)
                    or kind is REVERSE and b <= div(a, self._over)):
                out.append(finding("OVER_ACHIEVEMENT", self._loc(ind, "reason"), indicator=ind.indicator.label,
                                   actual=b, target=ind.target.raw or a, threshold=self._over))
            if kind in self._reason_required and (score < w or not met):
                out.append(finding("REASON_MISSING", self._loc(ind, "reason"), indicator=ind.indicator.label,
                                   score=score, weight=w))
        if self._equal_flag and kind is EQUAL and a is not None and b != a:
            out.append(finding("EQUAL_MISMATCH", self._loc(ind, "actual"), indicator=ind.indicator.label, target=a,
                               value=b))
