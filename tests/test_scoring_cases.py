"""Every row of the shared worked scoring cases, reproduced by the engine."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.engine import ScoringProfile, evaluate, round_half_up
from tests.support.scoring_cases import CASES_CSV, Case, build, load_cases

CASES = load_cases()


def test_fixture_is_the_shared_file() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "scoring-cases.csv"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert CASES_CSV.read_bytes() == shared.read_bytes()


def test_all_rows_loaded() -> None:
    assert len(CASES) == 77


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    profile = case.profile(ScoringProfile(allow_not_applicable=case.kind == "rescale"))
    project, inputs = build(case)
    result = evaluate(project, inputs, profile)
    codes = [f.code for f in result.findings]
    expected_finding = case.row["expected_finding"]
    if expected_finding:
        assert expected_finding in codes
    elif case.kind != "stated":
        assert [f for f in result.findings if f.severity != "info"] == []

    if case.kind in ("grade",):
        assert result.total == case.dec("actual")
        assert (result.grade or "") == case.row["expected_band_or_grade"]
        return
    if case.kind == "rescale":
        assert result.total == case.dec("expected_score")
        return
    if case.kind == "stated":
        if not expected_finding:
            assert "STATED_FIGURE_MISMATCH" not in codes
        return

    ind = result.indicators[0]
    expected_score = case.dec("expected_score")
    assert ind.score == expected_score
    if expected_score is not None:
        assert ind.score.as_tuple().exponent == -2  # always shown to the cent
    expected_rate = case.dec("expected_rate")
    if expected_rate is None:
        assert ind.rate is None
    else:
        assert ind.rate is not None
        assert round_half_up(ind.rate, 4) == expected_rate
    band = case.row["expected_band_or_grade"]
    if band:
        assert ind.band == band
