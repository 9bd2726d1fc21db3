"""The 评价人员 sheet is built once per process and total address, then shared by the layouts that
need it: each layout still owns its sheet (cells list, widths, heights, print setup)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from perfeval_xl.layout import a1
from perfeval_xl.layout.build import build_layout
from perfeval_xl.layout.context import SHEET_EVALUATORS
from perfeval_xl.layout.contract import SheetSpec, WorkbookLayout
from perfeval_xl.manifest import load_manifest

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "manifest.yaml"


def _layouts() -> list[WorkbookLayout]:
    loaded = load_manifest(SAMPLES)
    assert loaded.manifest is not None and loaded.profile is not None
    return [build_layout(loaded.manifest.batch, project, loaded.profile, loaded.frameworks[project.framework])
            for project in loaded.manifest.projects]


def _evaluators(layout: WorkbookLayout) -> SheetSpec:
    return next(sheet for sheet in layout.sheets if sheet.name == SHEET_EVALUATORS)


def test_each_layout_owns_its_evaluators_sheet() -> None:
    first, second = (_evaluators(layout) for layout in _layouts()[:2])
    before = (list(second.cells), dict(second.widths), dict(second.heights), second.print.header)
    first.cells[0] = replace(first.cells[0], value="changed")
    first.widths[1], first.heights[4], first.print.header = 99.0, 99.0, "changed"
    assert first.print.header != second.print.header
    assert (list(second.cells), dict(second.widths), dict(second.heights), second.print.header) == before
    again = _evaluators(_layouts()[1])
    assert again.cells == before[0] and again.cells[0].value != "changed"


def test_the_total_follows_each_projects_scoring_sheet() -> None:
    totals = {}
    for layout in _layouts():
        sheet, cell = layout.locate("total")  # type: ignore[misc]
        evaluators_total = next(c for c in _evaluators(layout).cells if c.key == "evaluators:total")
        assert evaluators_total.formula == f"={a1.qualified(sheet, cell.ref)}"
        totals[cell.ref] = evaluators_total.formula
    assert len(totals) > 1  # the sample projects differ in size: more than one address was built
