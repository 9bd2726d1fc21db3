"""Definition checks of a project (no inputs needed): weights, dimensions, band ladders.

Pure functions returning findings; the manifest validator runs them with locations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from perfeval_xl.engine.resolve import ResolvedIndicator
from perfeval_xl.engine.targets import Interval
from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.model import Project
from perfeval_xl.model.framework import Framework

ZERO = Decimal(0)
MONEY_UNITS = ("元", "万元", "亿元", "千元")

Locator = Callable[[tuple[str, ...]], Location]


def weight_findings(project: Project, total: Decimal, locate: Locator) -> list[Finding]:
    """Declared group points must equal the sum of their children; first level must sum to the total."""
    out: list[Finding] = []
    declared = {g.path: g.weight for g in project.groups if g.weight is not None}

    def node_weight(path: tuple[str, ...]) -> Decimal:
        if path in declared:
            return declared[path]
        return children_sum(path)

    def children_sum(path: tuple[str, ...]) -> Decimal:
        depth = len(path)
        total_ = ZERO
        seen: set[tuple[str, ...]] = set()
        for ind in project.indicators:
            if ind.path[:depth] != path:
                continue
            if len(ind.path) == depth:
                total_ += ind.weight or ZERO
            else:
                child = ind.path[: depth + 1]
                if child not in seen:
                    seen.add(child)
                    total_ += node_weight(child)
        return total_

    for path, weight in declared.items():
        if not any(ind.path[: len(path)] == path for ind in project.indicators):
            continue  # an empty category is reported as a missing dimension, not a sum
        got = children_sum(path)
        if got != weight:
            out.append(finding("WEIGHTS_NOT_SUM_PARENT", locate(path), parent="/".join(path), sum=got, weight=weight))
    first = children_sum(())
    if first != total:
        out.append(finding("WEIGHTS_NOT_SUM_TOTAL", locate(()), sum=first, total=total))
    return out


def framework_findings(project: Project, framework: Framework, locate: Locator) -> list[Finding]:
    """Required first-level dimensions present; minimum points for named dimensions."""
    out: list[Finding] = []
    firsts = {ind.path[0] if ind.path else ind.name for ind in project.indicators}
    for name in framework.required_dimensions:
        if name not in firsts:
            out.append(finding("DIMENSION_MISSING", locate(()), dimension=name, framework=framework.name))
    declared = {g.path: g.weight for g in project.groups if g.weight is not None}
    for rule in framework.minimums:
        got = ZERO
        for name in rule.groups:
            if (name,) in declared:
                got += declared[(name,)]
            else:
                got += sum((i.weight or ZERO for i in project.indicators if i.path[:1] == (name,)), ZERO)
        if got < rule.minimum:
            out.append(finding("OUTPUT_BENEFIT_UNDER_MINIMUM", locate(()), sum=got, minimum=rule.minimum))
    return out


def band_findings(ind: ResolvedIndicator, location: Location) -> list[Finding]:
    """Overlaps (a value in two bands) and gaps (a value in none) in an 优/良/中/差 ladder."""
    bands = [b for b in ind.bands if b.interval is not None]
    out: list[Finding] = []
    label = ind.indicator.label
    integer = _integer_domain(ind)
    for i, first in enumerate(bands):
        for second in bands[i + 1:]:
            shared = _overlap(first.interval, second.interval, integer)
            if shared is not None:
                out.append(finding("BAND_OVERLAP", location, indicator=label, first=f"{first.label} {first.text}",
                                   second=f"{second.label} {second.text}", value=shared))
    ordered = sorted(bands, key=lambda b: _low_key(b.interval))
    for lower, upper in zip(ordered, ordered[1:]):
        gap = _gap(lower.interval, upper.interval, integer)
        if gap is not None:
            out.append(finding("BAND_GAP", location, indicator=label, first=f"{lower.label} {lower.text}",
                               second=f"{upper.label} {upper.text}", low=gap[0], high=gap[1]))
    return out


def _integer_domain(ind: ResolvedIndicator) -> bool:
    """Counts (次, 个, 条 ...) take whole values: 16~23 and 24 leave no gap between them."""
    if ind.target.is_percent or (ind.indicator.unit or "") in MONEY_UNITS:
        return False
    bounds = [v for b in ind.bands if b.interval for v in (b.interval.low, b.interval.high) if v is not None]
    return all(v == v.to_integral_value() for v in bounds)


def _low_key(interval: Interval) -> tuple[int, Decimal]:
    return (0, ZERO) if interval.low is None else (1, interval.low)


def _overlap(a: Interval, b: Interval, integer: bool) -> Decimal | None:
    """A value both intervals contain, or None."""
    lows = [x for x in (a.low, b.low) if x is not None]
    highs = [x for x in (a.high, b.high) if x is not None]
    low = max(lows) if lows else None
    high = min(highs) if highs else None
    if low is not None and high is not None and low > high:
        return None
    candidates = [v for v in (low, high) if v is not None]
    if integer and low is not None and high is not None:
        candidates.append(low.to_integral_value() if low == low.to_integral_value() else low.to_integral_value() + 1)
    for value in candidates:
        if a.contains(value) and b.contains(value):
            return value
    if low is not None and high is not None and low < high and not integer:
        middle = (low + high) / 2
        return middle if a.contains(middle) and b.contains(middle) else None
    return None


def _gap(lower: Interval, upper: Interval, integer: bool) -> tuple[Decimal, Decimal] | None:
    """The values between `lower`'s top and `upper`'s bottom that neither contains."""
    if lower.high is None or upper.low is None:
        return None
    top, bottom = lower.high, upper.low
    if top > bottom:
        return None
    if top == bottom:
        return None if (lower.high_inclusive or upper.low_inclusive) else (top, bottom)
    if integer:
        first_missing = top if not lower.high_inclusive else top + 1
        last_missing = bottom if not upper.low_inclusive else bottom - 1
        return (first_missing, last_missing) if first_missing <= last_missing else None
    return (top, bottom)


def indicator_findings(resolved: Sequence[ResolvedIndicator], locate: Callable[[str], Location]) -> list[Finding]:
    """Per-indicator definition findings: target problems from resolution, band ladders."""
    out: list[Finding] = []
    for ind in resolved:
        loc = locate(ind.id)
        out.extend(f.at(**loc.model_dump(exclude_none=True)) for f in ind.problems)
        out.extend(band_findings(ind, loc))
    return out
