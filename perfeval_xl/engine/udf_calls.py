"""The engine's rules rendered as calls to the `perfeval_xl.udfs` functions.

The xlwings flavour of a workbook puts each call beside the native formula of
`engine.excel` (the call first, the native formula as the fallback). A call reads the
same cells as the native formula and passes the resolved indicator's constants (target
A, kind, reverse variant, deduction rule, band ladder) as literals, so Python and the
native formula score the same definition. The scoring profile reaches every call
through the defined name PROFILE_NAME.
"""

from __future__ import annotations

from perfeval_xl.engine.excel import BLANK, RowRefs, num, text
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.engine.resolve import BAND_ORDER, ResolvedIndicator
from perfeval_xl.model import IndicatorKind

PROFILE_NAME = "PE_PROFILE"


def _call(name: str, *args: str) -> str:
    return f"{name}({','.join(args)})"


class UdfCalls:
    """Renders the UDF calls of one profile (formula text without the leading "=")."""

    def __init__(self, profile: ScoringProfile) -> None:
        self.profile = profile

    def _na(self, refs: RowRefs, call: str) -> str:
        """Blank when the row is marked not applicable, as the native formula is."""
        if refs.not_applicable is None:
            return call
        return f"IF({refs.not_applicable}={text(self.profile.not_applicable_label)},{BLANK},{call})"

    def rate(self, ind: ResolvedIndicator, refs: RowRefs) -> str:
        """PE_RATE for the kinds with a completion rate (positive, reverse, equal)."""
        a = ind.target_value
        assert a is not None
        call = _call("PE_RATE", num(a), refs.actual, text(ind.kind.value), text(ind.reverse_variant), PROFILE_NAME)
        return self._na(refs, call)

    def score(self, ind: ResolvedIndicator, refs: RowRefs) -> str:
        """The per-kind score function of a formula-scored indicator."""
        kind, b, w = ind.kind, refs.actual, refs.weight
        if kind is IndicatorKind.BANDED:
            texts = {band.label: band.text for band in ind.bands}
            ladder = "{" + ",".join(text(texts.get(label, "")) for label in BAND_ORDER) + "}"
            unit = text(ind.indicator.unit or "")
            call = _call("PE_SCORE_BANDED", ladder, b, w, unit, PROFILE_NAME)
        else:
            a = ind.target_value
            assert a is not None
            if kind is IndicatorKind.POSITIVE:
                call = _call("PE_SCORE_POSITIVE", num(a), b, w, PROFILE_NAME)
            elif kind is IndicatorKind.REVERSE:
                call = _call("PE_SCORE_REVERSE", num(a), b, w, text(ind.reverse_variant), PROFILE_NAME)
            elif kind is IndicatorKind.EQUAL:
                call = _call("PE_SCORE_EQUAL", num(a), b, w, PROFILE_NAME)
            elif kind is IndicatorKind.DEDUCTION:
                assert ind.deduction is not None
                call = _call("PE_SCORE_DEDUCTION", num(a), b, w, text(ind.deduction.raw), PROFILE_NAME)
            else:
                raise ValueError(f"{kind} has no score formula")
        return self._na(refs, call)

    def entered(self, ind: ResolvedIndicator, refs: RowRefs) -> str:
        """The validated entered score of a qualitative (tier + score) or direct indicator."""
        assert refs.score_input is not None
        if ind.kind is IndicatorKind.QUALITATIVE:
            call = _call("PE_SCORE_QUALITATIVE", refs.actual, refs.score_input, refs.weight, PROFILE_NAME)
        elif ind.kind is IndicatorKind.DIRECT:
            call = _call("PE_SCORE_DIRECT", refs.score_input, refs.weight, PROFILE_NAME)
        else:
            raise ValueError(f"{ind.kind} has no entered score")
        return self._na(refs, call)

    @staticmethod
    def execution_rate(annual: str, executed: str) -> str:
        return _call("PE_EXECUTION_RATE", annual, executed)

    @staticmethod
    def execution_score(annual: str, executed: str, weight: str) -> str:
        return _call("PE_EXECUTION_SCORE", annual, executed, weight, PROFILE_NAME)

    @staticmethod
    def total(scores: str, weights: str, count: str) -> str:
        return _call("PE_TOTAL_SCORE", scores, weights, count, PROFILE_NAME)

    @staticmethod
    def grade(total: str) -> str:
        return _call("PE_GRADE_OF", total, PROFILE_NAME)

    @staticmethod
    def engine() -> str:
        return _call("PE_ENGINE")
