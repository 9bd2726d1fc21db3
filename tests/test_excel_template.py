"""The manifest template and export: everything from fields.py, and a round trip
YAML -> Excel -> read_manifest that gives back the same model."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.excel_template import write_manifest_template, write_manifest_workbook
from perfeval_xl.manifest.fields import INDICATORS, KIND_CHOICES, PROJECTS, TABLES
from perfeval_xl.manifest.library import framework_names
from perfeval_xl.manifest.text_reader import read_text_manifest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "manifest.yaml"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("template") / "清单模板.xlsx"
    write_manifest_template(path)
    return openpyxl.load_workbook(path)


def validations(ws, strict: bool = True) -> dict[str, tuple[str, str | None]]:
    """First cell of each validated range -> (type, formula1); strict: refusing other values."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        if (dv.errorStyle in (None, "stop")) == strict:
            for ref in str(dv.sqref).split():
                out[ref.split(":")[0]] = (dv.type, dv.formula1)
    return out


def test_sheets_and_headers_come_from_fields(template: openpyxl.Workbook) -> None:
    assert template.sheetnames == ["说明", *(t.sheet for t in TABLES)]
    for table in TABLES:
        ws = template[table.sheet]
        if table.key_value:
            labels = [ws.cell(row, 1).value for row in range(3, 3 + len(table.fields))]
            assert labels == [("*" if f.required else "") + f.header for f in table.fields]
        else:
            headers = [c.value for c in ws[2]]
            assert headers == [("*" if f.required else "") + f.header for f in table.fields]
            assert ws.freeze_panes == "A3"


def test_required_headers_are_red_and_commented(template: openpyxl.Workbook) -> None:
    ws = template[INDICATORS.sheet]
    header = {c.value: c for c in ws[2]}
    assert header["*分值"].font.color.rgb.endswith("C00000") and header["*分值"].font.bold
    assert header["年度指标值"].font.color is None or not header["年度指标值"].font.color.rgb.endswith("C00000")
    assert "预期指标值" in header["年度指标值"].comment.text  # aliases are listed
    assert "可选值：正向" in header["计分方式"].comment.text


def test_choice_and_decimal_validation(template: openpyxl.Workbook) -> None:
    projects = validations(template[PROJECTS.sheet])
    assert projects["I3"] == ("list", '"经常性,一次性"')  # 项目类型
    assert projects["J3"] == ("list", '"单位自评,部门评价,财政评价"')  # 评价方式
    # 指标框架 suggests the shipped frameworks; a YAML path is allowed, with a warning
    assert "K3" not in projects
    assert validations(template[PROJECTS.sheet], strict=False)["K3"] == ("list", '"' + ",".join(framework_names()) + '"')
    indicators = validations(template[INDICATORS.sheet])
    assert indicators["I3"] == ("list", '"' + ",".join(KIND_CHOICES) + '"')  # 计分方式
    assert indicators["H3"] == ("decimal", "0")  # 分值 >= 0
    assert validations(template["资金"])["D3"] == ("decimal", "0")  # 全年预算数
    assert validations(template["目标完成清单"])["B3"] == ("list", '"总体目标,年度绩效目标"')


def test_column_widths_fit_chinese_headers(template: openpyxl.Workbook) -> None:
    ws = template[INDICATORS.sheet]
    # R is 反向计分方式: six CJK characters need 12 columns.
    assert ws.column_dimensions["R"].width >= 12
    assert ws.column_dimensions["A"].width >= len("*项目编号") * 2 - 1


def test_instructions_explain_kinds_frameworks_and_targets(template: openpyxl.Workbook) -> None:
    text = "\n".join(str(c.value) for row in template["说明"].iter_rows() for c in row if c.value)
    for kind in KIND_CHOICES:
        assert f"{kind}：" in text
    for name in framework_names():
        assert f"{name}：" in text
    for example in ("≥95%", "≤90万元", "24次", "16~23次", "10次以下", "每少1次扣1分"):
        assert example in text
    for table in TABLES:
        assert f"“{table.sheet}”" in text


def test_blank_template_reads_without_layout_findings(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    write_manifest_template(path)
    codes = [(f.code, f.location.sheet, f.location.row) for f in read_manifest(path).findings]
    assert codes == [
        ("MANIFEST_FIELD_MISSING", "批次信息", 3),
        ("MANIFEST_FIELD_MISSING", "批次信息", 4),
        ("MANIFEST_FIELD_MISSING", "批次信息", 5),
        ("MANIFEST_FIELD_MISSING", "项目", None),
    ]


def test_yaml_round_trip_through_excel(tmp_path: Path) -> None:
    expected = read_manifest(SAMPLE)
    assert expected.ok
    path = tmp_path / "manifest.xlsx"
    write_manifest_workbook(read_text_manifest(SAMPLE), path)
    loaded = read_manifest(path)
    assert [f.code for f in loaded.findings] == [f.code for f in expected.findings]
    assert loaded.manifest == expected.manifest


def test_model_round_trip_through_excel(tmp_path: Path) -> None:
    expected = read_manifest(SAMPLE).manifest
    path = tmp_path / "model.xlsx"
    write_manifest_workbook(expected, path)
    assert read_manifest(path).manifest == expected


def test_text_is_never_written_as_a_formula(tmp_path: Path) -> None:
    raw = read_text_manifest(SAMPLE)
    raw.tables["projects"][0].values["overall_goal"] = "=HYPERLINK(\"http://x\")"
    raw.tables["projects"][0].values["postcode"] = "#N/A"
    path = tmp_path / "formula.xlsx"
    write_manifest_workbook(raw, path)
    ws = openpyxl.load_workbook(path)["项目"]
    assert ws["L3"].data_type == "s" and ws["H3"].data_type == "s"
    project = read_manifest(path).manifest.projects[0]
    assert (project.overall_goal, project.postcode) == ("=HYPERLINK(\"http://x\")", "#N/A")
