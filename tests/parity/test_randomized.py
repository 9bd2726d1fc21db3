"""The parity corpus itself (no LibreOffice): deterministic, valid, and covering what the
parity test promises."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from perfeval_xl.engine import evaluate, resolve_project
from perfeval_xl.engine.checks import framework_findings, indicator_findings, weight_findings
from perfeval_xl.findings import Location, Severity
from perfeval_xl.model import IndicatorKind
from tests.parity.randomized import COUNT, SEED, ParityCase, corpus
from tests.parity.situations import DEFINED, NO_RULE, classify, coverage, is_half_cent, raw_score

K = IndicatorKind


@pytest.fixture(scope="module")
def cases() -> list[ParityCase]:
    return corpus(SEED, COUNT)


def test_corpus_is_seeded_and_spread_over_frameworks_and_profiles(cases: list[ParityCase]) -> None:
    again = corpus(SEED, COUNT)
    assert [(c.project, c.inputs) for c in cases] == [(c.project, c.inputs) for c in again]
    assert corpus(SEED + 1, 3)[0].project != cases[0].project
    assert len(cases) >= 200
    spread = Counter((c.profile.name, c.framework.id) for c in cases)
    assert len(spread) == 9 and min(spread.values()) >= 20


def test_every_combination_with_a_rule_is_hit_five_times(cases: list[ParityCase]) -> None:
    counts = coverage(row for c in cases for row in classify(c.project, c.inputs, c.profile))
    assert {combo: counts[combo] for combo in DEFINED if counts[combo] < 5} == {}
    assert {combo: counts[combo] for combo in NO_RULE if counts[combo]} == {}
    for kind in (K.POSITIVE, K.REVERSE, K.EQUAL, K.BANDED, K.DEDUCTION, K.DIRECT, K.BUDGET):
        assert counts[(kind, "negative")] >= 5 and counts[(kind, "text")] >= 5


def test_boundary_cases_are_exact_decimal_half_cents(cases: list[ParityCase]) -> None:
    """x.xx5 before rounding, in Decimal; many of them are not x.xx5 in binary floating point."""
    exact, binary_traps = Counter(), 0
    for case in cases:
        boundary = {i for i, _, situation in classify(case.project, case.inputs, case.profile) if situation == "boundary"}
        budget = evaluate(case.project, case.inputs, case.profile).budget
        for ind in resolve_project(case.project, case.profile):
            if ind.id not in boundary:
                continue
            inp = case.inputs.indicator(ind.id)
            if ind.kind is K.BUDGET:
                a, b = budget.annual_budget, budget.executed
            else:
                a, b = None, inp.score if ind.kind in (K.QUALITATIVE, K.DIRECT) else inp.actual
            raw = b if ind.kind is K.QUALITATIVE else raw_score(ind, b, case.profile, a)
            assert is_half_cent(raw), (case.stem, ind.id, raw)
            exact[ind.kind] += 1
            if ind.kind in (K.POSITIVE, K.EQUAL) and not case.profile.round_rate_first:
                binary = float(b) / float(ind.target_value) * float(ind.weight)
                binary_traps += Decimal(binary) != raw
    assert len(exact) == 8 and min(exact.values()) >= 5
    assert binary_traps >= 5


def test_corpus_holds_the_hard_shapes(cases: list[ParityCase]) -> None:
    projects = [c.project for c in cases]
    assert max(len(p.indicators) for p in projects) >= 40
    assert sum(1 for p in projects for i in p.indicators if len(i.name) >= 40) >= 20
    na = [(c.profile.name, i.kind) for c in cases for i in c.project.indicators if c.inputs.indicator(i.id).not_applicable]
    assert {profile for profile, _ in na} == {"no_grading_na"} and len(na) >= 20
    assert K.BUDGET in {kind for _, kind in na}
    resolved = [(c, r) for c in cases for r in resolve_project(c.project, c.profile)]
    assert sum(1 for _, r in resolved if r.target.is_percent and r.kind is not K.BANDED) >= 50
    deductions = [(r.deduction.shortfall, c.inputs.indicator(r.id).actual, r.target_value)
                  for c, r in resolved if r.kind is K.DEDUCTION]
    assert any(short and b is not None and not isinstance(b, str) and 0 <= b < a for short, b, a in deductions)
    assert any(not short and b is not None and not isinstance(b, str) and b > a for short, b, a in deductions)
    edges = [c.inputs.indicator(r.id).actual for c, r in resolved if r.kind is K.BANDED]
    bounds = [{v for band in r.bands for v in (band.interval.low, band.interval.high) if v is not None}
              for c, r in resolved if r.kind is K.BANDED]
    assert sum(1 for b, edge in zip(edges, bounds) if b in edge) >= 20
    assert len({r.reverse_variant for _, r in resolved if r.kind is K.REVERSE}) == 2


def test_every_project_is_a_valid_manifest_project(cases: list[ParityCase]) -> None:
    for case in cases:
        loc = lambda *_: Location(project_id=case.project.id)  # noqa: E731
        resolved = resolve_project(case.project, case.profile)
        findings = (indicator_findings(resolved, loc) + weight_findings(case.project, case.framework.total, loc)
                    + framework_findings(case.project, case.framework, loc))
        errors = [f.code for f in findings if f.severity in (Severity.ERROR, Severity.REJECT)]
        assert errors == [], case.stem
        for ind, r in zip(case.project.indicators, resolved):
            assert r.scorable, (case.stem, ind.id)
            assert ind.kind in (None, r.kind), (case.stem, ind.id)
