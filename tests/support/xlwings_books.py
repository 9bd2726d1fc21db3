"""Filled workbooks for the xlwings-flavour tests: the sample batch's seed projects and one
project with every indicator kind (tests/fixtures/xlwings_kinds.yaml), under the shipped
scoring profiles and several input scenarios (filled, partly blank, invalid, not applicable)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from perfeval_xl.engine import ScoringProfile, evaluate
from perfeval_xl.layout.build import build_layout
from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.layout.flavour import XLWINGS, Flavour
from perfeval_xl.layout.mapping import Value, expected_values
from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.build import LoadedManifest
from perfeval_xl.manifest.inputs_reader import read_inputs
from perfeval_xl.manifest.library import load_profile
from perfeval_xl.model import FundInput, IndicatorInput, ProjectInputs
from perfeval_xl.writer.generate import workbook_name
from perfeval_xl.writer.workbook import write_project

ROOT = Path(__file__).resolve().parents[2]
KINDS_MANIFEST = ROOT / "tests" / "fixtures" / "xlwings_kinds.yaml"
REASON = "已说明原因"


@dataclass(frozen=True)
class Book:
    name: str
    loaded: LoadedManifest
    project_id: str
    profile: ScoringProfile
    inputs: ProjectInputs

    @property
    def project(self):
        project = self.loaded.manifest.project(self.project_id)
        assert project is not None
        return project

    def layout(self, flavour: Flavour = XLWINGS) -> WorkbookLayout:
        return build_layout(self.loaded.manifest.batch, self.project, self.profile,
                            self.loaded.frameworks[self.project.framework], flavour=flavour)

    def write(self, folder: Path, flavour: Flavour = XLWINGS) -> tuple[Path, WorkbookLayout]:
        path = folder / f"{self.name}_{workbook_name(self.project, flavour.suffix)}"
        write_project(path, self.loaded.manifest.batch, self.project, self.profile,
                      self.loaded.frameworks[self.project.framework], self.inputs, flavour=flavour)
        return path, self.layout(flavour)

    def expected(self, layout: WorkbookLayout) -> dict[str, Value]:
        """What every keyed formula cell must show: the engine's results."""
        return expected_values(layout, self.project, evaluate(self.project, self.inputs, self.profile))


def _filled() -> ProjectInputs:
    def given(actual: object) -> IndicatorInput:
        return IndicatorInput(actual=actual if isinstance(actual, str) else Decimal(str(actual)), reason=REASON)

    return ProjectInputs(
        project_id="K001",
        indicators={
            "K01": given(45), "K02": given(20), "K03": given(0.97), "K04": given(1), "K05": given(0.98),
            "K06": given(6), "K07": given(100), "K08": given(20),
            "K09": IndicatorInput(tier="部分达成年度指标并具有一定效果", score=Decimal("6.5"), reason=REASON),
            "K10": given(3), "K11": IndicatorInput(score=Decimal("8.5"), reason=REASON), "K12": given(0.925),
            "BUDGET": IndicatorInput(reason=REASON),
        },
        funds=(FundInput(source="本级财政", received=Decimal(200), executed=Decimal("188.69")),
               FundInput(source="上级补助", received=Decimal(50), executed=Decimal(40))),
    )


def _changed(base: ProjectInputs, funds: tuple[FundInput, ...] | None = None, **indicators: IndicatorInput) -> ProjectInputs:
    return base.model_copy(update={"indicators": {**base.indicators, **indicators}, "funds": funds or base.funds})


def _kinds_scenarios() -> dict[str, ProjectInputs]:
    filled = _filled()
    partial = _changed(
        filled,
        (filled.funds[0], FundInput(source="上级补助", received=Decimal(50))),
        K03=IndicatorInput(reason=REASON),
        K09=IndicatorInput(tier="达成年度指标", reason=REASON),
    )
    invalid = _changed(
        filled,
        (FundInput(source="本级财政", received=Decimal(200), executed=Decimal(-1)), filled.funds[1]),
        K01=IndicatorInput(actual=Decimal(-5), reason=REASON),
        K02=IndicatorInput(actual="二十", reason=REASON),
        K09=IndicatorInput(tier="达成年度指标", score=Decimal(6), reason=REASON),
        K11=IndicatorInput(score=Decimal(12), reason=REASON),
    )
    not_applicable = _changed(
        filled,
        K05=IndicatorInput(not_applicable=True),
        K11=IndicatorInput(not_applicable=True),
    )
    return {"filled": filled, "partial": partial, "invalid": invalid, "na": not_applicable}


@cache
def books() -> tuple[Book, ...]:
    samples = read_manifest(ROOT / "samples" / "manifest.yaml")
    sample_inputs, problems = read_inputs(ROOT / "samples" / "inputs.yaml", samples.manifest)
    assert samples.ok and not problems
    kinds = read_manifest(KINDS_MANIFEST)
    assert kinds.ok, [f.message() for f in kinds.findings]
    default, provincial, na = (load_profile(n) for n in ("default", "provincial", "no_grading_na"))
    scenarios = _kinds_scenarios()
    out = [Book(f"seed_{pid}", samples, pid, default, sample_inputs[pid]) for pid in ("S000", "S001", "S002")]
    out += [
        Book("kinds_filled_default", kinds, "K001", default, scenarios["filled"]),
        Book("kinds_filled_provincial", kinds, "K001", provincial, scenarios["filled"]),
        Book("kinds_filled_na", kinds, "K001", na, scenarios["filled"]),
        Book("kinds_partial_default", kinds, "K001", default, scenarios["partial"]),
        Book("kinds_invalid_provincial", kinds, "K001", provincial, scenarios["invalid"]),
        Book("kinds_na_na", kinds, "K001", na, scenarios["na"]),
    ]
    return tuple(out)
