"""The Excel inputs workbook: written from the manifest, read back to the same inputs,
and every row that does not fit the manifest reported at its cell."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from perfeval_xl.engine import evaluate
from perfeval_xl.engine.indicator import number_entry
from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.inputs_excel import write_inputs_workbook
from perfeval_xl.manifest.inputs_fields import INPUT_TABLES
from perfeval_xl.manifest.inputs_reader import read_inputs
from perfeval_xl.model import ProjectInputs
from tests.support.xlsx import write_sheets

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample():
    loaded = read_manifest(ROOT / "samples" / "manifest.yaml")
    inputs, problems = read_inputs(ROOT / "samples" / "inputs.yaml", loaded.manifest)
    assert problems == []
    return loaded, inputs


def canonical(inputs: ProjectInputs) -> ProjectInputs:
    """YAML keeps numbers as text ("0.95") and empty reasons as ""; Excel gives Decimal and blank."""
    def entry(value):
        number, _ = number_entry(value)
        return number if number is not None else value

    def text(value):
        return value or None

    return inputs.model_copy(update={
        "indicators": {k: v.model_copy(update={"actual": entry(v.actual), "score": entry(v.score),
                                               "reason": text(v.reason)})
                       for k, v in inputs.indicators.items()},
        "funds": tuple(f.model_copy(update={"received": entry(f.received), "executed": entry(f.executed)})
                       for f in inputs.funds),
        "evaluators": tuple(e.model_copy(update={"score": entry(e.score)}) for e in inputs.evaluators),
    })


def test_round_trip_gives_the_same_inputs_and_scores(sample, tmp_path: Path) -> None:
    loaded, inputs = sample
    path = tmp_path / "inputs.xlsx"
    write_inputs_workbook(inputs, loaded.manifest, path)
    back, problems = read_inputs(path, loaded.manifest)
    assert problems == []
    assert back == {pid: canonical(value) for pid, value in inputs.items()}
    for pid, value in inputs.items():
        project = loaded.manifest.project(pid)
        assert evaluate(project, back[pid], loaded.profile) == evaluate(project, value, loaded.profile)


def test_written_workbook_layout(sample, tmp_path: Path) -> None:
    loaded, inputs = sample
    path = tmp_path / "inputs.xlsx"
    write_inputs_workbook(inputs, loaded.manifest, path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [t.sheet for t in INPUT_TABLES]
    ws = workbook["指标填报"]
    assert [c.value for c in ws[2]] == ["*项目编号", "*指标编号", "指标名称", "年度指标值", "分值", "实际完成值",
                                       "完成档次", "得分", "偏差原因分析及改进措施", "是否不适用"]
    rows = {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=3)}
    satisfaction = rows[("S002", "S002-07")]
    assert satisfaction[5].value == 0.95
    assert satisfaction[5].number_format == "0.00%"  # a percent target: the cell shows 95.00%
    assert rows[("S000", "A11")][2].value == "目标内容"  # the indicator's name, for orientation
    assert workbook["评价人员"]["E4"].value == 99.5  # a number, though YAML held it as text
    stated = workbook["填报数字"]
    assert [c.value for c in stated[3]][:3] == ["S000", "预算执行率", None]


def test_blank_form_reads_as_no_inputs(sample, tmp_path: Path) -> None:
    loaded, _ = sample
    path = tmp_path / "blank.xlsx"
    write_inputs_workbook({}, loaded.manifest, path)
    assert read_inputs(path, loaded.manifest) == ({}, [])


def test_rows_that_do_not_fit_the_manifest(sample, tmp_path: Path) -> None:
    loaded, _ = sample
    path = write_sheets(tmp_path / "bad.xlsx", {
        "指标填报": [["项目编号", "指标编号", "实际完成值", "得分", "是否不适用"],
                 ["S002", "S002-01", 15, None, None],
                 ["S002", "S002-01", 14, None, None],
                 ["S999", "X", 1, None, None],
                 ["S002", "S002-99", 1, None, None],
                 ["S002", "S002-02", "约98%", None, "也许"]],
        "资金填报": [["项目编号", "资金来源", "本年到位资金", "当年执行数"],
                 ["S002", "本级财政", 147, 121.88],
                 ["S002", "合计", 147, "一百二十"]],
        "目标完成情况": [["项目编号", "序号", "完成情况"], ["S002", 7, "完成"], ["S002", 2, "完成"]],
        "填报数字": [["项目编号", "类别", "填报内容", "指标编号"],
                 ["S002", "total", "96.29分", None],
                 ["S002", "总分", "96.3分", None],
                 ["S002", "平均分", "90", None],
                 ["S002", "指标实际完成值", "6个", "S002-77"]],
    })
    inputs, findings = read_inputs(path, loaded.manifest)
    located = [(f.code, f.location.sheet, f.location.row, f.location.column) for f in findings]
    assert located == [
        ("DUPLICATE_ID", "指标填报", 3, "B 指标编号"),
        ("UNKNOWN_REFERENCE", "指标填报", 4, "A 项目编号"),
        ("UNKNOWN_REFERENCE", "指标填报", 5, "B 指标编号"),
        ("MANIFEST_FIELD_INVALID", "指标填报", 6, "E 是否不适用"),
        ("MANIFEST_FIELD_INVALID", "资金填报", 3, "D 当年执行数"),
        ("MANIFEST_FIELD_INVALID", "填报数字", 4, "B 类别"),
        ("UNKNOWN_REFERENCE", "填报数字", 5, "D 指标编号"),
        ("UNKNOWN_REFERENCE", "目标完成情况", 2, "B 序号"),
    ]
    assert all(f.location.project_id in ("S002", "S999") for f in findings)
    got = inputs["S002"]
    assert got.indicators["S002-01"].actual == Decimal("15")  # the first of the duplicates
    assert got.indicators["S002-02"].actual == "约98%"  # text reaches the engine as text
    assert got.funds[0].executed == Decimal("121.88")
    assert got.stated_totals == {"received": Decimal("147")}
    assert [(s.figure, s.text) for s in got.stated] == [("total", "96.29分"), ("total", "96.3分")]
    assert [c.status for c in got.completion] == [None, "完成"]


def test_missing_required_sheet(sample, tmp_path: Path) -> None:
    loaded, _ = sample
    path = write_sheets(tmp_path / "only.xlsx", {"指标填报": [["项目编号", "指标编号", "实际完成值"]]})
    _, findings = read_inputs(path, loaded.manifest)
    assert [(f.code, f.params["sheet"]) for f in findings] == [("MANIFEST_SHEET_MISSING", "资金填报")]


def test_unreadable_inputs(sample, tmp_path: Path) -> None:
    loaded, _ = sample
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"nope")
    assert [f.code for f in read_inputs(path, loaded.manifest)[1]] == ["MANIFEST_UNREADABLE"]
