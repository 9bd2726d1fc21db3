"""Resolve an indicator once: its kind, parsed target, band ladder and deduction rule.

Scoring, formula rendering and manifest validation all start from this, so a target
text is interpreted in exactly one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
    # Derived once here, read for every score (the indicator's own id and weight, and `_scorable`).
    id: str = field(init=False, repr=False, compare=False)
    weight: Decimal | None = field(init=False, repr=False, compare=False)
    scorable: bool = field(init=False, repr=False, compare=False)  # the definition allows scoring (inputs aside)

    def __post_init__(self) -> None:
        _set = object.__setattr__
        _set(self, "id", self.indicator.id)
        _set(self, "weight", self.indicator.weight)
        _set(self, "scorable", self._scorable())

    def _scorable(self) -> bool:
        if self.weight is None:
            return False
        if self.kind in (IndicatorKind.QUALITATIVE, IndicatorKind.DIRECT, IndicatorKind.BUDGET):
            return True
        if self.kind is IndicatorKind.BANDED:
            return bool(self.bands) and all(b.interval is not None for b in self.bands)
        if self.kind is IndicatorKind.DEDUCTION and self.deduction is None:
            return False
        return self.target_value is not None


@lru_cache(maxsize=16384)
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


_NEEDS_NUMBER = frozenset({IndicatorKind.POSITIVE, IndicatorKind.REVERSE, IndicatorKind.EQUAL, IndicatorKind.DEDUCTION})


@lru_cache(maxsize=1024)
def _parse_deduction(rule: str) -> DeductionRule | None:
    return parse_deduction(rule)


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the target-related fields of an indicator resolve to, and whether that raises no problem."""

    target: ParsedTarget
    deduction: DeductionRule | None
    kind: IndicatorKind
    value: Decimal | None  # the scored A when it comes from the target text; else the indicator's target_value
    value_from_target: bool
    strict: bool
    clean: bool  # none of the target/kind/unit/deduction problems of `resolve` applies
    cost_check: bool  # COST_INDICATOR_POSITIVE applies if the name or path says 成本


@lru_cache(maxsize=16384)
def _shape(
    text: str, unit: str | None, explicit_kind: IndicatorKind | None, has_bands: bool, rule: str | None,
    target_value: Decimal | None, default_kind: IndicatorKind | None,
) -> _Shape:
    """The part of `resolve` that depends only on these fields (the same conditions, in one place)."""
    target = _parse(text, unit)
    deduction = _parse_deduction(rule) if rule else None
    kind = explicit_kind or infer_kind(target, has_bands, bool(rule), default_kind)
    status = target.status
    ok = status is TargetStatus.OK
    op = target.operator
    value = target_value
    if value is None and ok:
        value = target.value
    needs_number = kind in _NEEDS_NUMBER
    range_value = needs_number and ok and op is Operator.RANGE
    if range_value:
        value = target.low if kind is not IndicatorKind.REVERSE else target.high
    conflict = ok and op is not None and explicit_kind is not None and not target.implied \
        and op is not Operator.RANGE and (
            (kind is IndicatorKind.POSITIVE and op.downward)
            or (kind is IndicatorKind.REVERSE and op.upward)
            or (kind is IndicatorKind.EQUAL and op is not Operator.EQ))
    clean = not (
        (needs_number and target_value is None and not ok)
        or (status is TargetStatus.DOUBLE and not needs_number)
        or conflict
        or (target.is_percent and value is not None and value > 1 and kind is not IndicatorKind.REVERSE)
        or (unit and ok and target.unit and not _same_unit(unit, target.unit))
        or (rule and deduction is None)
    )
    cost_check = ok and op is not None and kind is IndicatorKind.POSITIVE and not target.implied and op.upward
    # Equal Decimals share a cache entry ("0.9", "0.90"): the indicator's own object is used then.
    from_target = range_value or target_value is None
    return _Shape(target, deduction, kind, value if from_target else None, from_target, ok and target.strict, clean,
                  cost_check)


def resolve(
    indicator: Indicator,
    profile: ScoringProfile,
    default_kind: IndicatorKind | None = None,
    location: Location | None = None,
    *,
    project_id: str | None = None,
) -> ResolvedIndicator:
    """Resolve `indicator`. Findings point at `location`, else at the indicator (of `project_id`, if given)."""
    # Fast path: most indicators raise no problem and have no band ladder; their resolution
    # depends only on a few fields that repeat across a batch.
    if not indicator.bands and indicator.weight is not None:
        shape = _shape(indicator.target_text or "", indicator.unit, indicator.kind, False, indicator.deduction_rule,
                       indicator.target_value, default_kind)
        if shape.clean and not (shape.cost_check and (
                "成本" in indicator.name or any("成本" in part for part in indicator.path))):
            value = shape.value if shape.value_from_target else indicator.target_value
            return ResolvedIndicator(indicator, shape.kind, shape.target, value, (), shape.deduction,
                                     indicator.reverse_variant or profile.reverse_variant, shape.strict, ())
    return _resolve_full(indicator, profile, default_kind, location, project_id)


def _resolve_full(
    indicator: Indicator,
    profile: ScoringProfile,
    default_kind: IndicatorKind | None,
    location: Location | None,
    project_id: str | None,
) -> ResolvedIndicator:
    # The location is built only when a problem is found: most indicators have none.
    made: list[Location] = []

    def where() -> Location:
        if not made:
            if location is not None:
                made.append(location)
            elif project_id is not None:
                made.append(Location(project_id=project_id, indicator_id=indicator.id))
            else:
                made.append(Location(indicator_id=indicator.id))
        return made[0]

    target = _parse(indicator.target_text or "", indicator.unit)
    rule = indicator.deduction_rule
    deduction = _parse_deduction(rule) if rule else None
    kind = indicator.kind or infer_kind(target, bool(indicator.bands), bool(rule), default_kind)
    problems: list[Finding] = []
    status = target.status
    ok = status is TargetStatus.OK

    if indicator.weight is None:
        problems.append(finding("KIND_NEEDS_WEIGHT", where(), indicator=indicator.label))

    value = indicator.target_value
    if value is None and ok:
        value = target.value
    needs_number = kind in _NEEDS_NUMBER
    if needs_number and indicator.target_value is None and not ok:
        problems.extend(_target_problems(target, kind, indicator.label, where()))
    if status is TargetStatus.DOUBLE and not needs_number:
        problems.append(finding("TARGET_DOUBLE", where(), indicator=indicator.label, target=target.raw))
    if needs_number and ok and target.operator is Operator.RANGE:
        value = target.low if kind is not IndicatorKind.REVERSE else target.high
    if ok and target.operator is not None:
        _direction_problems(indicator, kind, target, where, problems)
    if target.is_percent and value is not None and value > 1 and kind is not IndicatorKind.REVERSE:
        problems.append(finding("TARGET_PERCENT_OVER_100", where(), indicator=indicator.label, target=target.raw))
    if (
        indicator.unit
        and ok
        and target.unit
        and not _same_unit(indicator.unit, target.unit)
    ):
        problems.append(
            finding("UNIT_MISMATCH", where(), indicator=indicator.label, unit=indicator.unit, target=target.raw,
                    target_unit=target.unit)
        )

    if rule and deduction is None:
        problems.append(finding("DEDUCTION_UNPARSEABLE", where(), indicator=indicator.label, rule=rule))

    bands = _resolve_bands(indicator, profile, where, problems) if indicator.bands else ()
    return ResolvedIndicator(
        indicator=indicator,
        kind=kind,
        target=target,
        target_value=value,
        bands=bands,
        deduction=deduction,
        reverse_variant=indicator.reverse_variant or profile.reverse_variant,
        strict=ok and target.strict,
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
    indicator: Indicator, kind: IndicatorKind, target: ParsedTarget, where: Callable[[], Location],
    out: list[Finding],
) -> None:
    op = target.operator
    explicit = indicator.kind is not None and not target.implied and op is not Operator.RANGE
    if explicit and (
        (kind is IndicatorKind.POSITIVE and op.downward)
        or (kind is IndicatorKind.REVERSE and op.upward)
        or (kind is IndicatorKind.EQUAL and op is not Operator.EQ)
    ):
        out.append(finding("TARGET_KIND_CONFLICT", where(), indicator=indicator.label, kind=KIND_LABELS[kind],
                           target=target.raw, operator=op.value))
    if kind is IndicatorKind.POSITIVE and not target.implied and op.upward and (
        "成本" in indicator.name or any("成本" in part for part in indicator.path)
    ):
        out.append(finding("COST_INDICATOR_POSITIVE", where(), indicator=indicator.label, target=target.raw))


@lru_cache(maxsize=1024)
def _same_unit(a: str, b: str) -> bool:
    percent = {"%", "百分比", "％"}
    return a.strip() == b.strip() or (a.strip() in percent and b.strip() in percent)


def _resolve_bands(
    indicator: Indicator, profile: ScoringProfile, where: Callable[[], Location], problems: list[Finding]
) -> tuple[ResolvedBand, ...]:
    if not indicator.bands:
        return ()
    label = indicator.label
    ordered = sorted(indicator.bands, key=lambda b: BAND_ORDER.index(b.label) if b.label in BAND_ORDER else 99)
    parsed = [(b, _parse(b.text, indicator.unit)) for b in ordered]
    upward = _ladder_upward([p for _, p in parsed])
    out = []
    for band, target in parsed:
        interval = target.interval(bare_upward=upward)
        if interval is None:
            problems.append(finding("BAND_UNPARSEABLE", where(), indicator=label, band=f"{band.label} {band.text}"))
        fraction = profile.band_fractions.get(band.label)
        if fraction is None:
            problems.append(finding("BAND_UNPARSEABLE", where(), indicator=label, band=f"{band.label} {band.text}"))
            fraction = Decimal(0)
        out.append(ResolvedBand(band.label, band.text, interval, fraction))
    return tuple(out)


def _ladder_upward(targets: list[ParsedTarget]) -> bool:
    """A ladder is upward (more is better) unless its best band sits below its worst."""
    values = [t.value for t in targets if t.status is TargetStatus.OK and t.value is not None]
    return len(values) < 2 or values[0] >= values[-1]
