"""The engine's fast paths give exactly what the plain paths give.

- `resolve`'s cached fast path (indicators that raise no problem) equals the full resolution;
- `resolve_project` remembers a resolution per project object, and forgets it with the object;
- `evaluate_many` (the collector's full passes held back) equals `evaluate`, and the engine makes no
  reference cycles, which is what makes holding them back safe;
- results built without validation equal validated ones; budget rows keep the table order.
"""

from __future__ import annotations

import gc
import itertools
from decimal import Decimal

import pytest

from perfeval_xl.api import load_batch
from perfeval_xl.engine import ScoringProfile, evaluate, evaluate_many, resolve_project
from perfeval_xl.engine import memo
from perfeval_xl.engine.evaluate import budget_figures
from perfeval_xl.engine.resolve import _resolve_full, resolve
from perfeval_xl.model import (
    Band, FundInput, FundLine, Indicator, IndicatorKind, IndicatorResult, Project, ProjectInputs, ProjectResult,
)
from perfeval_xl.model.results import trusted
from tests.support.scoring_cases import build, load_cases

BATCH = load_batch("samples/manifest.yaml", "samples/inputs.yaml")
PROFILES = (ScoringProfile(), ScoringProfile(reverse_variant="linear", strict_operators=True))

TARGETS = ("≥95%", "＞90%", "≤5天", "＜2%", "=0起", "=100%", "100%", "120%", "≥120%", "12600人", "≥12600人",
           "90%-95%", "3~5次", "≥95百分比", "不低于90%", "2小时内", "1天内", "逐步提高", "效果明显", "", "—", "无",
           "≥1,200户", "≤1000元/人", "≥15个", "≥5且≤10", "≥0.58", "12月底前完成", "≥98%（不低于98%）")
UNITS = (None, "%", "人", "天", "元", "百分比", "个")
KINDS = (None, IndicatorKind.POSITIVE, IndicatorKind.REVERSE, IndicatorKind.EQUAL, IndicatorKind.QUALITATIVE,
         IndicatorKind.DEDUCTION, IndicatorKind.DIRECT, IndicatorKind.BUDGET)


def _synthetic() -> list[Indicator]:
    out = []
    for n, (text, unit, kind) in enumerate(itertools.product(TARGETS, UNITS, KINDS)):
        out.append(Indicator(id=f"T{n}", name="单位成本" if n % 5 == 0 else "完成数量", path=("产出指标", "成本指标" if n % 7 == 0 else "数量指标"),
                             weight=None if n % 11 == 0 else Decimal(10), kind=kind, target_text=text, unit=unit,
                             target_value=Decimal("0.9") if n % 13 == 0 else None,
                             deduction_rule=("每少1次扣2分" if n % 3 == 0 else "乱写的规则") if kind is IndicatorKind.DEDUCTION else None,
                             reverse_variant="linear" if n % 17 == 0 else None))
    out.append(Indicator(id="B1", name="达标率", weight=Decimal(10), target_text="≥95%", unit="%",
                         bands=(Band(label="优", text="≥95%"), Band(label="良", text="90%-94%"))))
    return out


def _all_indicators() -> list[Indicator]:
    cases = [ind for case in load_cases() for ind in build(case)[0].indicators]
    samples = [ind for p in BATCH.manifest.projects for ind in p.indicators]
    return samples + cases + _synthetic()


@pytest.mark.parametrize("profile", PROFILES, ids=["default", "linear-strict"])
def test_fast_resolution_equals_full_resolution(profile: ScoringProfile) -> None:
    indicators = _all_indicators()
    fast_paths = 0
    for ind in indicators:
        for default_kind in (None, IndicatorKind.QUALITATIVE):
            full = _resolve_full(ind, profile, default_kind, None, "P1")
            assert resolve(ind, profile, default_kind, project_id="P1") == full, ind
            assert resolve(ind, profile, default_kind) == _resolve_full(ind, profile, default_kind, None, None)
            fast_paths += not full.problems and not ind.bands
    assert fast_paths > 100 and len(indicators) > 1000


def test_project_resolution_is_remembered_while_the_project_lives() -> None:
    project = BATCH.manifest.projects[3].model_copy(deep=True)
    first = resolve_project(project, BATCH.profile)
    again = resolve_project(project, BATCH.profile)
    assert first == again and all(a is b for a, b in zip(first, again))
    assert first == [resolve(ind, BATCH.profile, project_id=project.id) for ind in project.indicators]
    other = resolve_project(project, PROFILES[1])
    assert other == [resolve(ind, PROFILES[1], project_id=project.id) for ind in project.indicators]
    before = len(memo._ENTRIES)
    del project, first, again, other
    gc.collect()
    assert len(memo._ENTRIES) == before - 1


def test_evaluate_many_equals_evaluate() -> None:
    pairs = [(p, BATCH.inputs.get(p.id)) for p in BATCH.manifest.projects]
    assert evaluate_many(pairs, BATCH.profile) == [evaluate(p, i, BATCH.profile) for p, i in pairs]
    assert gc.isenabled()


def test_evaluate_many_holds_back_full_collections_only() -> None:
    """Young passes run during the call; full ones are held back, and the thresholds restored after it."""
    pairs = [(p, BATCH.inputs.get(p.id)) for p in BATCH.manifest.projects]
    during: list[tuple[int, tuple[int, int, int]]] = []

    def note(phase: str, info: dict) -> None:
        if phase == "start":
            during.append((info["generation"], gc.get_threshold()))

    gc.collect()
    threshold = gc.get_threshold()
    gc.set_threshold(10, 1, 1)  # every few allocations of tracked objects start a collection
    gc.callbacks.append(note)
    try:
        results = evaluate_many(pairs, BATCH.profile)
        after = gc.get_threshold()
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*threshold)
    assert during and {generation for generation, _ in during} <= {0, 1}
    assert {held[:2] for _, held in during} == {(10, 1)} and all(held[2] > 10**9 for _, held in during)
    assert after == (10, 1, 1) and len(results) == len(pairs)


def test_engine_makes_no_reference_cycles() -> None:
    pairs = [(p, BATCH.inputs.get(p.id)) for p in BATCH.manifest.projects]
    cases = [build(case) for case in load_cases()]
    gc.collect()
    gc.disable()
    try:
        for _ in range(2):
            results = [evaluate(p, i, BATCH.profile) for p, i in pairs]
            results += [evaluate(p, i, ScoringProfile()) for p, i in cases]
            del results
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_equal_decimals_keep_their_own_representation() -> None:
    profile = ScoringProfile()
    for text in ("0.9", "0.90", "0.900"):
        ind = Indicator(id="V", name="达标率", weight=Decimal(10), target_text="≥90%", unit="%", target_value=Decimal(text))
        assert str(resolve(ind, profile).target_value) == text


def test_results_built_without_validation_equal_validated_ones() -> None:
    """The engine builds its results with `trusted` constructors: revalidating changes nothing."""
    pairs = [(p, BATCH.inputs.get(p.id)) for p in BATCH.manifest.projects] + [build(case) for case in load_cases()]
    for project, inputs in pairs:
        for profile in PROFILES + (ScoringProfile(allow_not_applicable=True),):
            result = evaluate(project, inputs, profile)
            again = ProjectResult.model_validate(result.model_dump())
            assert again == result and again.model_dump_json() == result.model_dump_json()
            assert list(again.model_dump()) == list(result.model_dump())
            for mine, checked in zip(result.indicators + result.groups, again.indicators + again.groups):
                assert list(mine.__dict__) == list(checked.__dict__)


def test_trusted_constructor_fills_defaults_in_declaration_order() -> None:
    made = trusted(IndicatorResult)(findings=(), weight=Decimal(5), kind=None, indicator_id="X")
    validated = IndicatorResult(indicator_id="X", kind=None, weight=Decimal(5))
    assert made == validated and list(made.__dict__) == list(validated.__dict__)
    with pytest.raises(TypeError):
        trusted(IndicatorResult)(indicator_id="X", kind=None)  # weight is required
    with pytest.raises(TypeError):
        trusted(ScoringProfile)  # has validators


def test_budget_sources_the_project_does_not_list_come_after_its_own() -> None:
    project = Project(id="F", name="f", unit="u", department="d",
                      funds=(FundLine(source="省级", annual_budget=Decimal(10)), FundLine(source="市级", annual_budget=Decimal(5))))
    amounts = {"received": Decimal(1), "executed": Decimal(1)}
    given = ProjectInputs(project_id="F", funds=tuple(FundInput(source=s, **amounts) for s in ("其他", "市级", "中央", "省级")))
    budget, _ = budget_figures(project, given, ScoringProfile())
    assert [row.source for row in budget.sources] == ["省级", "市级", "中央", "其他"]
    only_own = ProjectInputs(project_id="F", funds=(FundInput(source="市级", **amounts),))
    budget, findings = budget_figures(project, only_own, ScoringProfile())
    assert [row.source for row in budget.sources] == ["省级", "市级"]
    assert [f.code for f in findings] == ["INPUT_MISSING", "INPUT_MISSING"]
    assert evaluate(project, only_own, ScoringProfile()).unfilled == 2
