"""The seed reports typed as they state themselves reproduce their published figures,
and their inconsistencies come out as findings."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.engine import evaluate, round_half_up
from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.inputs_reader import read_inputs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def results():
    loaded = read_manifest(ROOT / "samples" / "manifest.yaml")
    assert loaded.ok, [f.message("en") for f in loaded.findings]
    inputs, problems = read_inputs(ROOT / "samples" / "inputs.yaml", loaded.manifest)
    assert problems == []
    return {p.id: evaluate(p, inputs[p.id], loaded.profile) for p in loaded.manifest.projects if p.id.startswith("S")}


def _codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_seed_000(results) -> None:
    r = results["S000"]
    assert r.total == Decimal("99.50")
    assert r.grade == "优"
    assert round_half_up(r.budget.execution_rate * 100, 2) == Decimal("94.12")
    assert [g.score for g in r.groups if g.level == 1] == [Decimal("20"), Decimal("24.50"), Decimal("55")]
    assert "STATED_FIGURE_MISMATCH" not in _codes(r)  # 94.12%, 99.5, 优 are all right
    assert r.evaluators.mean == Decimal("99.375")


def test_seed_001(results) -> None:
    r = results["S001"]
    assert r.total == Decimal("88.00")
    assert r.grade == "良"
    mismatches = [f for f in r.findings if f.code == "STATED_FIGURE_MISMATCH"]
    assert {f.params["stated"] for f in mismatches} == {"平均分 88", "完成占59.1%"}
    assert {f.params["computed"] for f in mismatches} == {"90", "59.0%"}
    assert round_half_up(r.evaluators.mean, 2) == Decimal("90.33")
    assert r.budget.balance == Decimal("8.92")


def test_seed_002(results) -> None:
    r = results["S002"]
    budget = r.indicator("BUDGET")
    assert budget.score == Decimal("8.29")
    assert round_half_up(budget.rate * 100, 2) == Decimal("82.91")
    drift = [f for f in r.findings if f.code == "STATED_FIGURE_MISMATCH"]
    assert [f.params["computed"] for f in drift] == ["15"]  # "6个系统" in the report vs 15 in the list


def test_seed_002_unsplit_double_target() -> None:
    loaded = read_manifest(ROOT / "tests" / "fixtures" / "seed002_unsplit.yaml")
    doubles = [f for f in loaded.findings if f.code == "TARGET_DOUBLE"]
    assert len(doubles) == 1
    assert doubles[0].location.indicator_id == "S002-02"
    assert doubles[0].location.column == "projects[0].indicators[1].target_text"
    assert not loaded.ok and loaded.manifest is None
