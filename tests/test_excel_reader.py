"""The Excel manifest reader: headers by alias in any order, header row found under a
title, blank rows skipped, values typed as calamine returns them, every cell located."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.findings import Severity
from perfeval_xl.manifest import read_manifest
from perfeval_xl.model import IndicatorKind
from tests.support.xlsx import write_sheets

BATCH_ROWS = [
    ["批次信息"],
    ["信息项", "内容"],
    ["评价年度", 2024],
    ["批次编号", "2024-ZP-T"],
    ["组织单位", "示例市财政局"],
]
# Headers in a shuffled order, with aliases: 项目代码, 实施单位, 预期指标值, 指标名称, 本年预算数, 当年指标值 ...
PROJECT_ROWS = [
    ["项目清单（每行一个项目）"],
    ["填写说明：带*的列必填"],
    ["*项目名称", "主管部门名称", "项目代码", "实施单位", "邮政编码", "指标框架"],
    ["财政网络运维", "示例市财政局", "00123", "示例市信息中心", "070100", "national"],
    [None, None, None, None, None, None],
    ["档案数字化", "示例市档案局", 4567, "示例市档案馆", None, None],
]
FUND_ROWS = [
    ["资金"],
    ["本年预算数", "资金来源", "项目编号", "年初预算"],
    [147, "本级财政", "00123", 147],
    [30.5, "本级财政", "4567", None],
]
INDICATOR_HEADERS = ["预期指标值", "指标名称", "项目编号", "分值", "二级指标", "一级指标", "计量单位"]


def indicator_rows(project_id: str, first_target: str = "≥15个") -> list[list[object]]:
    return [
        [first_target, "运维系统数量", project_id, 30, "数量指标", "产出指标", "个"],
        ["≤147万元", "运维成本", project_id, 20, "成本指标", "产出指标", "万元"],
        ["效果明显", "安全性改善", project_id, 30, "社会效益", "效益指标", None],
        ["≥90%", "用户满意度", project_id, 10, "服务对象满意度", "满意度指标", "%"],
    ]


def workbook(tmp_path: Path, first_target: str = "≥15个", **replace: list[list[object]]) -> Path:
    sheets = {
        "批次信息": BATCH_ROWS,
        "项目清单": PROJECT_ROWS,
        "资金": FUND_ROWS,
        "指标": [["指标"], INDICATOR_HEADERS, *indicator_rows("00123", first_target), *indicator_rows("4567")],
    }
    sheets.update({name.replace("_", ""): rows for name, rows in replace.items()})
    return write_sheets(tmp_path / "manifest.xlsx", {k: v for k, v in sheets.items() if v})


def test_alias_headers_in_any_order_build_the_model(tmp_path: Path) -> None:
    loaded = read_manifest(workbook(tmp_path))
    assert loaded.ok, [f.message("en") for f in loaded.findings]
    first, second = loaded.manifest.projects
    assert (first.id, first.unit, first.department, first.postcode) == ("00123", "示例市信息中心", "示例市财政局", "070100")
    assert second.id == "4567"  # typed as a number: whole floats come back as whole numbers
    assert first.annual_budget == Decimal("147") and second.annual_budget == Decimal("30.5")
    assert first.initial_budget == Decimal("147")
    own = [ind for ind in first.indicators if ind.kind is not IndicatorKind.BUDGET]
    assert [(ind.name, ind.path, ind.weight, ind.target_text) for ind in own] == [
        ("运维系统数量", ("产出指标", "数量指标"), Decimal(30), "≥15个"),
        ("运维成本", ("产出指标", "成本指标"), Decimal(20), "≤147万元"),
        ("安全性改善", ("效益指标", "社会效益指标"), Decimal(30), "效果明显"),
        ("用户满意度", ("满意度指标", "服务对象满意度指标"), Decimal(10), "≥90%"),
    ]
    assert format(own[0].weight, "f") == "30"  # not "30.0"


def test_same_model_whatever_the_column_order(tmp_path: Path) -> None:
    straight = read_manifest(workbook(tmp_path))
    reversed_rows = [row[::-1] for row in [["指标"], INDICATOR_HEADERS, *indicator_rows("00123"), *indicator_rows("4567")]]
    other = tmp_path / "other"
    other.mkdir()
    turned = read_manifest(workbook(other, 指标=reversed_rows))
    assert turned.ok and turned.manifest == straight.manifest


@pytest.mark.parametrize("header", ["年度指标值", "预期指标值", "本年指标值", "当年指标值", "年度指标值\n(A)"])
def test_target_header_aliases(tmp_path: Path, header: str) -> None:
    headers = [header, *INDICATOR_HEADERS[1:]]
    loaded = read_manifest(workbook(tmp_path, 指标=[headers, *indicator_rows("00123"), *indicator_rows("4567")]))
    assert loaded.ok
    assert loaded.manifest.projects[0].indicators[1].target_text == "≥15个"


@pytest.mark.parametrize("header", ["全年预算数", "本年预算数", "当年预算数", "调整后预算数", "全年预算数（万元）"])
def test_budget_header_aliases(tmp_path: Path, header: str) -> None:
    funds = [["资金"], [header, "资金来源", "项目编号"], [147, "本级财政", "00123"], [30.5, "本级财政", "4567"]]
    loaded = read_manifest(workbook(tmp_path, 资金=funds))
    assert loaded.manifest.projects[0].annual_budget == Decimal("147")


def test_findings_name_sheet_row_and_column_as_written(tmp_path: Path) -> None:
    loaded = read_manifest(workbook(tmp_path, first_target="—"))
    placeholder = [f for f in loaded.findings if f.code == "TARGET_PLACEHOLDER"]
    assert len(placeholder) == 1
    loc = placeholder[0].location
    assert (loc.sheet, loc.row, loc.column, loc.project_id) == ("指标", 3, "A 预期指标值", "00123")
    assert loc.file == str(tmp_path / "manifest.xlsx")


def test_unknown_column_is_reported_and_ignored(tmp_path: Path) -> None:
    headers = [*INDICATOR_HEADERS, "备注"]
    rows = [[*row, "随便写"] for row in indicator_rows("00123") + indicator_rows("4567")]
    loaded = read_manifest(workbook(tmp_path, 指标=[["指标"], headers, *rows]))
    assert loaded.ok
    unknown = [f for f in loaded.findings if f.code == "MANIFEST_UNKNOWN_COLUMN"]
    assert [(f.severity, f.location.sheet, f.location.row, f.location.column) for f in unknown] == [
        (Severity.INFO, "指标", 2, "H 备注")]


def test_missing_required_header_is_reported_at_the_header_row(tmp_path: Path) -> None:
    headers = [h if h != "分值" else "权重说明" for h in INDICATOR_HEADERS]
    loaded = read_manifest(workbook(tmp_path, 指标=[["指标"], headers, *indicator_rows("00123")]))
    missing = [f for f in loaded.findings if f.code == "MANIFEST_HEADER_MISSING"]
    assert [(f.location.sheet, f.location.row, f.params["header"]) for f in missing] == [("指标", 2, "分值")]
    assert not loaded.ok


def test_duplicate_column_is_an_error(tmp_path: Path) -> None:
    headers = [*INDICATOR_HEADERS, "权重"]  # 权重 is another name of 分值
    rows = [[*row, 5] for row in indicator_rows("00123") + indicator_rows("4567")]
    loaded = read_manifest(workbook(tmp_path, 指标=[headers, *rows]))
    dup = [f for f in loaded.findings if f.code == "MANIFEST_DUPLICATE_COLUMN"]
    assert [(f.location.row, f.location.column) for f in dup] == [(1, "H 权重")]
    assert not loaded.ok


def test_missing_sheets(tmp_path: Path) -> None:
    loaded = read_manifest(workbook(tmp_path, 资金=[], 批次信息=[]))
    missing = sorted(f.params["sheet"] for f in loaded.findings if f.code == "MANIFEST_SHEET_MISSING")
    assert missing == ["批次信息", "资金"]
    assert loaded.manifest is None


def test_batch_sheet_reads_labels_in_column_a(tmp_path: Path) -> None:
    batch = [*BATCH_ROWS, ["报送截止时间", "2025-02-30"], ["评分口径", "default"], ["另一个信息", "x"]]
    loaded = read_manifest(workbook(tmp_path, 批次信息=batch))
    invalid = [f for f in loaded.findings if f.code == "MANIFEST_FIELD_INVALID"]
    assert [(f.location.sheet, f.location.row, f.location.column) for f in invalid] == [("批次信息", 6, "B 报送截止时间")]
    unknown = [f for f in loaded.findings if f.code == "MANIFEST_UNKNOWN_COLUMN"]
    assert [(f.location.row, f.params["header"]) for f in unknown] == [(8, "另一个信息")]


@pytest.mark.parametrize("cell", [None, "   ", "#DIV/0!"])  # calamine reads error cells as ""
def test_blank_required_cell_is_located(tmp_path: Path, cell: object) -> None:
    projects = [row[:] for row in PROJECT_ROWS]
    projects[3][0] = cell
    loaded = read_manifest(workbook(tmp_path, 项目清单=projects))
    missing = [f for f in loaded.findings if f.code == "MANIFEST_FIELD_MISSING"]
    assert [(f.location.sheet, f.location.row, f.location.column) for f in missing] == [("项目清单", 4, "A 项目名称")]


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_unreadable_files_are_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    loaded = read_manifest(path)
    assert [(f.code, f.severity) for f in loaded.findings] == [("MANIFEST_UNREADABLE", Severity.REJECT)]
    assert loaded.manifest is None
