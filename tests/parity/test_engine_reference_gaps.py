"""Where the engine departs from REFERENCE §3, found while building the parity corpus.

The workbook formulas match the engine here (the parity test passes), so these are
questions about the engine itself, left to its owner: strict xfails that start
failing (and must then be removed) once the engine changes.
"""

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


@pytest.mark.xfail(strict=True, reason="engine: reverse ratio with A = 0 and B = 3 gives rate 0 (A/B), "
                                       "REFERENCE §3 says a zero target's 完成率 is not defined (blank)")
def test_reverse_ratio_zero_target_rate_is_blank() -> None:
    assert rate("≤0次", "3", "ratio") is None
