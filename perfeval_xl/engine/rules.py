"""The scoring rule of each indicator kind (REFERENCE §3), on Decimals, with no rounding
other than the profile's `round_rate_first` option and no hidden clamping.

Each function takes the resolved indicator, its inputs as Decimals and the profile,
and returns the completion rate, the unrounded score and whether the target is met.
The caller (engine.indicator) handles blanks, negatives and findings.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from perfeval_xl.engine.numbers import div, mul, round_half_up
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.resolve import ResolvedIndicator
from perfeval_xl.model import IndicatorKind

ZERO = Decimal(0)
ONE = Decimal(1)


class Scored(NamedTuple):  # a tuple: one is made for every scored indicator
    rate: Decimal | None  # 完成率, uncapped; None where not defined
    raw_score: Decimal | None  # unrounded; None when nothing matches (a band gap)
    met: bool
    band: str | None = None


# scored((rate, raw_score, met, band)): a Scored made in C; the generated constructor is a Python
# function, and with keywords it costs as much as the rule itself.
scored: Callable[[tuple[Decimal | None, Decimal | None, bool, str | None]], Scored] = partial(tuple.__new__, Scored)


def _capped(rate: Decimal, weight: Decimal, profile: ScoringProfile) -> Decimal:
    """min(rate, 1) × w, with 0 as the floor (a linear reverse rate can go negative)."""
    r = round_half_up(rate, profile.rate_places) if profile.round_rate_first else rate
    if r >= ONE:
        return weight
    if r <= ZERO:
        return ZERO
    return mul(r, weight)


def positive(a: Decimal, b: Decimal, w: Decimal, strict_met: bool, profile: ScoringProfile) -> Scored:
    """B ≥ A → w; else B/A × w. A = 0 is met by any non-negative B."""
    met = b > a if strict_met else b >= a
    if a == ZERO:
        return scored((None, w, met, None))
    rate = div(b, a)
    return scored((rate, _capped(rate, w, profile), met, None))


def reverse(a: Decimal, b: Decimal, w: Decimal, strict_met: bool, variant: str, profile: ScoringProfile) -> Scored:
    """B ≤ A → w; else A/B × w (ratio) or (1 − (B−A)/A) × w, 0 once B ≥ 2A (linear).

    The completion rate is not defined for a zero target, nor when B = 0 (REFERENCE §3).
    """
    met = b < a if strict_met else b <= a
    if variant == "linear":
        if a == ZERO:
            return scored((None, w if b <= a else ZERO, met, None))
        rate = ONE - div(b - a, a)
        return scored((rate if b > ZERO else None, _capped(rate, w, profile), met, None))
    if b == ZERO:
        return scored((None, w, met, None))
    rate = div(a, b)
    return scored((rate if a > ZERO else None, _capped(rate, w, profile), met, None))


def equal(a: Decimal, b: Decimal, w: Decimal, profile: ScoringProfile) -> Scored:
    """A = 0: B ≤ 0 → w else 0. A > 0: as positive."""
    if a == ZERO:
        return scored((None, w if b <= ZERO else ZERO, b <= ZERO, None))
    return positive(a, b, w, False, profile)


def deduction(ind: ResolvedIndicator, a: Decimal, b: Decimal, w: Decimal) -> Scored:
    """w − (shortfall / step) × points per step, proportional, never below 0."""
    rule = ind.deduction
    assert rule is not None  # guarded by ResolvedIndicator.scorable
    gap = a - b if rule.shortfall else b - a
    if gap <= ZERO:
        return scored((None, w, True, None))
    lost = mul(div(gap, rule.step), rule.points)
    return scored((None, max(w - lost, ZERO), False, None))


def banded(ind: ResolvedIndicator, b: Decimal, w: Decimal) -> Scored:
    """Bands tried best to worst; the first that contains B gives its fraction of w."""
    for position, band in enumerate(ind.bands):
        if band.interval is not None and band.interval.contains(b):
            return scored((None, mul(band.fraction, w), position == 0, band.label))
    return scored((None, None, False, None))


def budget(a: Decimal, b: Decimal, w: Decimal, profile: ScoringProfile) -> Scored:
    """预算执行率: min(B/A, 1) × w with A = 全年预算数, B = 全年执行数."""
    rate = div(b, a)
    return scored((rate, _capped(rate, w, profile), b >= a, None))


def quantitative(ind: ResolvedIndicator, b: Decimal, profile: ScoringProfile) -> Scored:
    """Dispatch for the kinds scored from a target A and an actual B."""
    a = ind.target_value
    w = ind.weight
    assert a is not None and w is not None
    kind = ind.kind
    if kind is _POSITIVE:
        return positive(a, b, w, ind.strict and profile.strict_operators, profile)
    if kind is _REVERSE:
        return reverse(a, b, w, ind.strict and profile.strict_operators, ind.reverse_variant, profile)
    if kind is _EQUAL:
        return equal(a, b, w, profile)
    if kind is _DEDUCTION:
        return deduction(ind, a, b, w)
    raise ValueError(f"{kind} is not scored from a target and an actual")


# Bound once: an enum member looked up on its class costs a metaclass lookup each time.
_POSITIVE, _REVERSE, _EQUAL, _DEDUCTION = (IndicatorKind.POSITIVE, IndicatorKind.REVERSE, IndicatorKind.EQUAL,
                                           IndicatorKind.DEDUCTION)
