"""Completion rates REFERENCE §3 leaves undefined, found while building the parity corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from perfeval_xl.engine import ScoringProfile, evaluate
from perfeval_xl.model import Indicator, IndicatorInput, Project, ProjectInputs


def rate(target_text: str, actual: str, variant: str | None = None) -> Decimal | None:
    indicator = Indicator(id="X", name="指标", weight=Decimal(10), target_text=target_text, reverse_variant=variant)
    project = Project(id="P", name="项目", unit="单位", department="部门", indicators=(indicator,))
    inputs = ProjectInputs(project_id="P", indicators={"X": IndicatorInput(actual=Decimal(actual), reason="说明")})
    return evaluate(project, inputs, ScoringProfile()).indicator("X").rate


def test_zero_target_rates_are_blank_elsewhere() -> None:
    assert rate("≥0个", "3") is None
    assert rate("=0次", "3") is None
    assert rate("≤0次", "3", "linear") is None


def test_reverse_ratio_zero_target_rate_is_blank() -> None:
    assert rate("≤0次", "3", "ratio") is None


def test_reverse_rate_is_blank_when_nothing_happened() -> None:
    assert rate("≤5次", "0", "ratio") is None
    assert rate("≤5次", "0", "linear") is None
