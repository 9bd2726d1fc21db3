"""Resolve an indicator once: its kind, parsed target, band ladder and deduction rule.

Scoring, formula rendering and manifest validation all start from this, so a target
text is interpreted in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.targets import (
    DeductionRule,
    Interval,
    Operator,
    ParsedTarget,
    TargetStatus,
    parse_deduction,
    parse_target,
)
from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.model import KIND_LABELS, Indicator, IndicatorKind

BAND_ORDER = ("优", "良", "中", "差")


@dataclass(frozen=True, slots=True)
class ResolvedBand:
    label: str
    text: str
    interval: Interval | None  # None when the text could not be read
    fraction: Decimal


@dataclass(frozen=True, slots=True)
class ResolvedIndicator:
    indicator: Indicator
    kind: IndicatorKind
    target: ParsedTarget
    target_value: Decimal | None  # A as scored
    bands: tuple[ResolvedBand, ...]
    deduction: DeductionRule | None
    reverse_variant: str
    strict: bool  # the target's operator is strict (＞, ＜, 超过, 低于, 不满)
    problems: tuple[Finding, ...]  # manifest-level findings about this indicator

    @property
    def id(self) -> str:
        return self.indicator.id

    @property
    def weight(self) -> Decimal | None:
        return self.indicator.weight

    @property
    def scorable(self) -> bool:
        """Whether the definition allows scoring at all (inputs aside)."""
        if self.weight is None:
            return False
        if self.kind in (IndicatorKind.QUALITATIVE, IndicatorKind.DIRECT, IndicatorKind.BUDGET):
            return True
        if self.kind is IndicatorKind.BANDED:
            return bool(self.bands) and all(b.interval is not None for b in self.bands)
        if self.kind is IndicatorKind.DEDUCTION and self.deduction is None:
            return False
        return self.target_value is not None


@lru_cache(maxsize=4096)
def _parse(text: str, unit: str | None) -> ParsedTarget:
    # Batches repeat the same few target texts thousands of times.
    return parse_target(text, unit)


def infer_kind(target: ParsedTarget, has_bands: bool, has_deduction: bool, default: IndicatorKind | None) -> IndicatorKind:
    if has_bands:
        return IndicatorKind.BANDED
    if has_deduction:
        return IndicatorKind.DEDUCTION
    if target.status is TargetStatus.OK:
        op = target.operator
        if op is not None and op.downward:
            return IndicatorKind.REVERSE
        if op is Operator.EQ:
            return IndicatorKind.EQUAL
        return IndicatorKind.POSITIVE
    if target.status is TargetStatus.TEXT:
        return IndicatorKind.QUALITATIVE
    return default or IndicatorKind.POSITIVE


def resolve(
    indicator: Indicator,
    profile: ScoringProfile,
    default_kind: IndicatorKind | None = None,
    location: Location | None = None,
) -> ResolvedIndicator:
    loc = location or Location(indicator_id=indicator.id)
    label = indicator.label
    target = _parse(indicator.target_text or "", indicator.unit)
    deduction = parse_deduction(indicator.deduction_rule) if indicator.deduction_rule else None
    kind = indicator.kind or infer_kind(target, bool(indicator.bands), bool(indicator.deduction_rule), default_kind)
    problems: list[Finding] = []

    if indicator.weight is None:
        problems.append(finding("KIND_NEEDS_WEIGHT", loc, indicator=label))

    value = indicator.target_value
    if value is None and target.status is TargetStatus.OK:
        value = target.value
    needs_number = kind in (IndicatorKind.POSITIVE, IndicatorKind.REVERSE, IndicatorKind.EQUAL, IndicatorKind.DEDUCTION)
    if needs_number and indicator.target_value is None:
        problems.extend(_target_problems(target, kind, label, loc))
    if target.status is TargetStatus.DOUBLE and not needs_number:
        problems.append(finding("TARGET_DOUBLE", loc, indicator=label, target=target.raw))
    if needs_number and target.status is TargetStatus.OK and target.operator is Operator.RANGE:
        value = target.low if kind is not IndicatorKind.REVERSE else target.high
    if target.status is TargetStatus.OK and target.operator is not None:
        problems.extend(_direction_problems(indicator, kind, target, label, loc))
    if target.is_percent and value is not None and value > 1 and kind is not IndicatorKind.REVERSE:
        problems.append(finding("TARGET_PERCENT_OVER_100", loc, indicator=label, target=target.raw))
    if (
        indicator.unit
        and target.status is TargetStatus.OK
        and target.unit
        and not _same_unit(indicator.unit, target.unit)
    ):
        problems.append(
            finding("UNIT_MISMATCH", loc, indicator=label, unit=indicator.unit, target=target.raw, target_unit=target.unit)
        )

    if indicator.deduction_rule and deduction is None:
        problems.append(finding("DEDUCTION_UNPARSEABLE", loc, indicator=label, rule=indicator.deduction_rule))

    bands = _resolve_bands(indicator, profile, label, loc, problems)
    variant = indicator.reverse_variant or profile.reverse_variant
    return ResolvedIndicator(
        indicator=indicator,
        kind=kind,
        target=target,
        target_value=value,
        bands=bands,
        deduction=deduction,
        reverse_variant=variant,
        strict=target.status is TargetStatus.OK and target.strict,
        problems=tuple(problems),
    )


def _target_problems(target: ParsedTarget, kind: IndicatorKind, label: str, loc: Location) -> list[Finding]:
    if target.status is TargetStatus.MISSING:
        return [finding("TARGET_PLACEHOLDER", loc, indicator=label, target=target.raw)]
    if target.status is TargetStatus.DOUBLE:
        return [finding("TARGET_DOUBLE", loc, indicator=label, target=target.raw)]
    if target.status in (TargetStatus.TEXT, TargetStatus.AMBIGUOUS):
        return [finding("TARGET_UNPARSEABLE", loc, indicator=label, target=target.raw, kind=KIND_LABELS[kind])]
    return []


def _direction_problems(
    indicator: Indicator, kind: IndicatorKind, target: ParsedTarget, label: str, loc: Location
) -> list[Finding]:
    op = target.operator
    out: list[Finding] = []
    explicit = indicator.kind is not None and not target.implied and op is not Operator.RANGE
    if explicit and (
        (kind is IndicatorKind.POSITIVE and op.downward)
        or (kind is IndicatorKind.REVERSE and op.upward)
        or (kind is IndicatorKind.EQUAL and op is not Operator.EQ)
    ):
        out.append(finding("TARGET_KIND_CONFLICT", loc, indicator=label, kind=KIND_LABELS[kind], target=target.raw, operator=op.value))
    is_cost = any("成本" in part for part in indicator.path) or "成本" in indicator.name
    if is_cost and kind is IndicatorKind.POSITIVE and not target.implied and op.upward:
        out.append(finding("COST_INDICATOR_POSITIVE", loc, indicator=label, target=target.raw))
    return out


def _same_unit(a: str, b: str) -> bool:
    percent = {"%", "百分比", "％"}
    return a.strip() == b.strip() or (a.strip() in percent and b.strip() in percent)


def _resolve_bands(
    indicator: Indicator, profile: ScoringProfile, label: str, loc: Location, problems: list[Finding]
) -> tuple[ResolvedBand, ...]:
    if not indicator.bands:
        return ()
    ordered = sorted(indicator.bands, key=lambda b: BAND_ORDER.index(b.label) if b.label in BAND_ORDER else 99)
    parsed = [(b, _parse(b.text, indicator.unit)) for b in ordered]
    upward = _ladder_upward([p for _, p in parsed])
    out = []
    for band, target in parsed:
        interval = target.interval(bare_upward=upward)
        if interval is None:
            problems.append(finding("BAND_UNPARSEABLE", loc, indicator=label, band=f"{band.label} {band.text}"))
        fraction = profile.band_fractions.get(band.label)
        if fraction is None:
            problems.append(finding("BAND_UNPARSEABLE", loc, indicator=label, band=f"{band.label} {band.text}"))
            fraction = Decimal(0)
        out.append(ResolvedBand(band.label, band.text, interval, fraction))
    return tuple(out)


def _ladder_upward(targets: list[ParsedTarget]) -> bool:
    """A ladder is upward (more is better) unless its best band sits below its worst."""
    values = [t.value for t in targets if t.status is TargetStatus.OK and t.value is not None]
    return len(values) < 2 or values[0] >= values[-1]
