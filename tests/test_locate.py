"""Engine findings placed on the form through the layout's keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfeval_xl.api import load_batch
from perfeval_xl.findings import Location, finding
from perfeval_xl.layout.build import build_layout
from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.layout.locate import finding_cell, locate_findings
from perfeval_xl.manifest.library import load_framework

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def layout() -> WorkbookLayout:
    batch = load_batch(ROOT / "samples" / "manifest.yaml")
    project = batch.manifest.project("P004")
    return build_layout(batch.manifest.batch, project, batch.profile, load_framework(project.framework))


def _key(layout: WorkbookLayout, key: str) -> tuple[str, str]:
    sheet, cell = layout.locate(key)
    return sheet, cell.ref


@pytest.mark.parametrize(("indicator", "field", "key"), [
    ("P004-01", "actual", "ind:P004-01:actual"),
    ("P004-01", "reason", "ind:P004-01:reason"),
    ("P004-01", "stated:0", "ind:P004-01:actual"),  # a figure stated in a report: its indicator's input
    ("P004-01", "target", "ind:P004-01:actual"),
    (None, "executed:省财政", "fund:省财政:executed"),
    (None, "executed", "budget:executed"),
    (None, "annual_budget", "budget:annual"),
    (None, "evaluator:1", "evaluator:1:score"),
    (None, "evaluators", "evaluators:mean"),
])
def test_field_to_cell(layout: WorkbookLayout, indicator: str | None, field: str, key: str) -> None:
    f = finding("INPUT_MISSING", Location(project_id="P004", indicator_id=indicator, field=field),
                indicator="x", field="y")
    assert finding_cell(layout, f) == _key(layout, key)


def test_own_location_wins_and_unknown_fields_stay_unplaced(layout: WorkbookLayout) -> None:
    placed = finding("SIGNATURE_INVALID", Location(sheet="预算执行", cell="C7"))
    nowhere = finding("EVALUATOR_MEAN_DIFFERS", Location(project_id="P004", field="something"))
    assert finding_cell(layout, placed) == ("预算执行", "C7") and finding_cell(layout, nowhere) is None
    located = locate_findings(layout, [placed, nowhere])
    assert located[0] is placed and located[1] is nowhere
