"""The bundled sample batch (samples/manifest.yaml + samples/inputs.yaml) covers what a
bureau's real batch holds, validates cleanly, and carries exactly the unit-side
problems listed at the top of samples/inputs.yaml."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.engine import evaluate, resolve_project
from perfeval_xl.findings import Severity
from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.inputs_reader import read_inputs
from perfeval_xl.model import IndicatorKind

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")

# The deliberate problems of samples/inputs.yaml: (project, finding code, indicator id).
DELIBERATE = Counter({
    ("P004", "REASON_MISSING", "P004-01"): 1,
    ("P005", "PERCENT_UNIT_SLIP", "P005-03"): 1,
    ("P005", "OVER_ACHIEVEMENT", "P005-03"): 1,
    ("P012", "STATED_FIGURE_MISMATCH", None): 1,
    ("P014", "FULL_MARKS_REASON_UNMET", "P014-04"): 1,
    ("P017", "FUNDS_TOTAL_MISMATCH", None): 1,
    ("P021", "OVER_ACHIEVEMENT", "P021-01"): 1,
})
# The deliberate manifest warnings of samples/manifest.yaml.
MANIFEST_WARNINGS = Counter({("P007", "BAND_GAP", "P007-04"): 2})


@pytest.fixture(scope="module")
def loaded():
    return read_manifest(ROOT / "samples" / "manifest.yaml")


@pytest.fixture(scope="module")
def manifest(loaded):
    assert loaded.manifest is not None
    return loaded.manifest


@pytest.fixture(scope="module")
def inputs(manifest):
    data, problems = read_inputs(ROOT / "samples" / "inputs.yaml", manifest)
    assert problems == []
    return data


@pytest.fixture(scope="module")
def resolved(loaded, manifest):
    return {p.id: resolve_project(p, loaded.profile) for p in manifest.projects}


@pytest.fixture(scope="module")
def results(loaded, manifest, inputs):
    return {p.id: evaluate(p, inputs.get(p.id), loaded.profile) for p in manifest.projects}


def _new(manifest):
    return [p for p in manifest.projects if p.id.startswith("P")]


# --- the manifest validates ---------------------------------------------------------

def test_manifest_validates_without_errors(loaded) -> None:
    assert loaded.ok
    errors = [f for f in loaded.findings if f.severity in (Severity.REJECT, Severity.ERROR)]
    assert errors == []


def test_manifest_warnings_are_the_deliberate_ones(loaded) -> None:
    got = Counter((f.location.project_id, f.code, f.location.indicator_id) for f in loaded.findings)
    assert got == MANIFEST_WARNINGS


def test_every_project_has_inputs(manifest, inputs) -> None:
    assert {p.id for p in manifest.projects} == set(inputs)


# --- coverage -------------------------------------------------------------------------

def test_project_count(manifest) -> None:
    assert len(manifest.projects) >= 25
    assert len(_new(manifest)) >= 22


def test_departments_and_units(manifest) -> None:
    assert len({p.department for p in manifest.projects}) >= 6
    assert len({p.unit for p in manifest.projects}) >= 10


def test_all_frameworks_used_mostly_national(manifest) -> None:
    frameworks = Counter(p.framework for p in manifest.projects)
    assert set(frameworks) == {"national", "decision_management_performance", "reference_abcd"}
    assert frameworks["national"] > len(manifest.projects) / 2


def test_every_kind_present(resolved) -> None:
    kinds = {ind.kind for inds in resolved.values() for ind in inds}
    assert kinds == set(IndicatorKind)


def test_reverse_targets_of_both_sorts(resolved) -> None:
    reverse = [ind for inds in resolved.values() for ind in inds if ind.kind is IndicatorKind.REVERSE]
    cost = [i for i in reverse if any("成本" in part for part in i.indicator.path)]
    incidents = [i for i in reverse if "事故" in i.indicator.name or "投诉" in i.indicator.name]
    assert cost and incidents


def test_zero_equal_target_and_weighted_bands(resolved) -> None:
    inds = [ind for inds in resolved.values() for ind in inds]
    assert any(i.kind is IndicatorKind.EQUAL and i.target_value == 0 for i in inds)
    assert any(i.kind is IndicatorKind.EQUAL and i.target_value and i.target_value > 0 for i in inds)
    assert any(i.kind is IndicatorKind.BANDED and i.weight and len(i.bands) == 4 for i in inds)
    assert any(i.kind is IndicatorKind.DEDUCTION and i.deduction is not None and not i.deduction.shortfall for i in inds)
    assert any(i.kind is IndicatorKind.DEDUCTION and i.deduction is not None and i.deduction.shortfall for i in inds)


def test_distinct_target_texts(manifest) -> None:
    texts = {ind.target_text for p in manifest.projects for ind in p.indicators if ind.target_text}
    assert len(texts) >= 40
    forms = {"≥98%", "≥50个", "≤90万元", "=0次", "=0起", "24次", "2000条以上", "10次以下", "1天内", "≥95百分比",
             "不低于90%", "＜2%", "超过5次", "效果明显", "持续", "逐步提高", "12个月内"}
    assert forms <= texts
    bands = {band.text for p in manifest.projects for ind in p.indicators for band in ind.bands}
    assert "3（含）-4次" in bands


def test_a_long_project_and_long_names(manifest) -> None:
    assert max(len(p.indicators) for p in manifest.projects) >= 40
    assert any(len(CJK.findall(ind.name)) >= 40 for p in manifest.projects for ind in p.indicators)


def test_funds_completion_and_goals(manifest) -> None:
    sources = {f.source for p in manifest.projects for f in p.funds}
    assert {"中央财政", "省财政", "市县财政", "其他", "本级财政", "上级补助"} <= sources
    for p in _new(manifest):
        assert p.overall_goal
        assert p.annual_budget and p.annual_budget > 0
        assert {c.section for c in p.completion_items} == {"overall", "annual"}
    assert sum(1 for p in _new(manifest) if len([f for f in p.funds if f.annual_budget]) >= 2) >= 15


def test_returns_are_complete(manifest, inputs) -> None:
    for p in _new(manifest):
        ret = inputs[p.id]
        assert 3 <= len(ret.evaluators) <= 5, p.id
        assert len(ret.completion) == len(p.completion_items), p.id
        assert all(c.status for c in ret.completion), p.id
        assert ret.overall_goal_actual, p.id
        assert {f.source for f in ret.funds} == {f.source for f in p.funds if f.annual_budget}, p.id


# --- results --------------------------------------------------------------------------

def test_every_project_is_scored(manifest, results) -> None:
    for p in manifest.projects:
        assert results[p.id].total is not None, p.id
        assert results[p.id].unfilled == 0, p.id


def test_grades_and_execution_rates_vary(manifest, results) -> None:
    new = [results[p.id] for p in _new(manifest)]
    assert {r.grade for r in new} == {"优", "良", "中", "差"}
    rates = [r.budget.execution_rate for r in new]
    assert min(rates) <= Decimal("0.56")
    assert max(rates) == 1


def test_deliberate_problems_exactly(manifest, results) -> None:
    got = Counter(
        (p.id, f.code, f.location.indicator_id)
        for p in _new(manifest)
        for f in results[p.id].findings
        if f.severity is not Severity.INFO
    )
    assert got == DELIBERATE


def test_only_expected_info_findings(manifest, results) -> None:
    info = {f.code for p in _new(manifest) for f in results[p.id].findings if f.severity is Severity.INFO}
    assert info <= {"EVALUATOR_MEAN_DIFFERS"}


def test_stated_figures_are_checked(manifest, inputs, results) -> None:
    stated = [p.id for p in _new(manifest) if inputs[p.id].stated]
    assert len(stated) >= 5
    wrong = {p for p in stated if any(f.code == "STATED_FIGURE_MISMATCH" for f in results[p].findings)}
    assert wrong == {"P012"}
