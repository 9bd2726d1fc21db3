"""Engine findings to cells, and cells to what they mean."""

from __future__ import annotations

import pytest

from perfeval_xl.findings import Location
from perfeval_xl.intake.cellnames import describe_key
from perfeval_xl.intake.locate import cell_of, keys_for
from tests.support.returns import Sample


@pytest.mark.parametrize(("location", "first"), [
    (Location(indicator_id="X-01", field="actual"), "ind:X-01:actual"),
    (Location(indicator_id="X-01", field="score"), "ind:X-01:score_input"),
    (Location(indicator_id="X-01", field="tier"), "ind:X-01:tier"),
    (Location(indicator_id="X-01", field="reason"), "ind:X-01:reason"),
    (Location(indicator_id="X-01", field="not_applicable"), "ind:X-01:na"),
    (Location(indicator_id="X-01", field="target"), "ind:X-01:eff"),
    (Location(field="received:省财政"), "fund:省财政:received"),
    (Location(field="executed:市县财政"), "fund:市县财政:executed"),
    (Location(field="evaluator:2"), "evaluator:2:score"),
    (Location(field="evaluators"), "evaluators:mean"),
    (Location(field="annual_budget"), "budget:annual"),
    (Location(field="executed"), "budget:executed"),
])
def test_keys_for(location: Location, first: str) -> None:
    assert keys_for(location)[0] == first


def test_stated_figures_have_no_cell(sample: Sample) -> None:
    layout = sample.layout("S001")
    assert cell_of(Location(indicator_id="S001-01", field="stated:0"), layout) is None
    assert cell_of(Location(field="stated:1"), layout) is None


def test_every_keyed_cell_has_a_name(sample: Sample) -> None:
    for project_id in ("S000", "S002", "P008"):
        project = sample.project(project_id)
        for _sheet, cell in sample.layout(project_id).keyed():
            if cell.key.startswith(("meta:", "meta_label:")):
                continue
            zh, en = describe_key(cell.key, project)
            assert zh != cell.key and en != cell.key, cell.key
    assert describe_key("ind:S002-01:score", sample.project("S002"))[0].endswith("的得分")
    evaluator = describe_key("evaluator:0:score", sample.project("S002"))
    assert evaluator == ("第1位评价人员的项目评分", "evaluator 1's score")
