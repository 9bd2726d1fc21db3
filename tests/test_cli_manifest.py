"""The manifest commands through typer's CliRunner: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from perfeval_xl.cli import app
from perfeval_xl.manifest import read_manifest
from perfeval_xl.manifest.inputs_excel import write_inputs_workbook
from perfeval_xl.manifest.inputs_reader import read_inputs

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "samples" / "manifest.yaml"
INPUTS = ROOT / "samples" / "inputs.yaml"
ERRORS = ROOT / "tests" / "fixtures" / "manifest_errors.xlsx"
runner = CliRunner(env={"COLUMNS": "250"})


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_every_command_has_help() -> None:
    for command in ("manifest-template", "validate-manifest", "score", "schema"):
        result = run(command, "--help")
        assert result.exit_code == 0, command
        assert "示例" in result.output or command == "schema"


def test_manifest_template_writes_a_workbook_that_validates_as_blank(tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    result = run("manifest-template", out)
    assert result.exit_code == 0 and out.is_file()
    assert "已生成清单模板" in result.output
    check = run("validate-manifest", out, "--json")
    assert check.exit_code == 1
    assert {f["code"] for f in json.loads(check.output)["findings"]} == {"MANIFEST_FIELD_MISSING"}


def test_manifest_template_exports_an_existing_manifest(tmp_path: Path) -> None:
    out = tmp_path / "manifest.xlsx"
    result = run("manifest-template", out, "--from", MANIFEST)
    assert result.exit_code == 0
    assert read_manifest(out).manifest == read_manifest(MANIFEST).manifest
    assert run("manifest-template", MANIFEST, "--from", MANIFEST).exit_code == 2  # never overwrites its source
    missing = run("manifest-template", tmp_path / "x.xlsx", "--from", tmp_path / "none.yaml")
    assert missing.exit_code == 1 and "MANIFEST_UNREADABLE" in missing.output


def test_validate_manifest_valid_exits_0(tmp_path: Path) -> None:
    result = run("validate-manifest", MANIFEST)
    assert result.exit_code == 0
    assert "清单可以使用" in result.output and "BAND_GAP" in result.output  # P007's deliberate gaps
    clean = run("validate-manifest", ROOT / "tests" / "fixtures" / "seed002_unsplit.yaml")
    assert clean.exit_code == 1


def test_validate_manifest_with_errors_exits_1_and_locates_them() -> None:
    result = run("validate-manifest", ERRORS)
    assert result.exit_code == 1
    assert "指标 第37行 列J 年度指标值" in result.output
    assert "TARGET_PLACEHOLDER" in result.output and "「运维系统数量」的年度指标值为空或占位符" in result.output
    assert "清单有错误" in result.output


def test_validate_manifest_json_in_english() -> None:
    result = run("validate-manifest", ERRORS, "--json", "--lang", "en")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["ok"] is False and "stats" not in document
    placeholder = next(f for f in document["findings"] if f["code"] == "TARGET_PLACEHOLDER")
    assert placeholder["severity"] == "error"
    assert placeholder["where"] == "指标, row 37, column J 年度指标值"
    assert placeholder["location"]["row"] == 37 and placeholder["location"]["project_id"] == "P08"
    assert placeholder["message"].startswith("The target of '运维系统数量' is blank")


def test_validate_manifest_stats() -> None:
    result = run("validate-manifest", MANIFEST, "--stats", "--json")
    assert result.exit_code == 0
    stats = json.loads(result.output)["stats"]
    loaded = read_manifest(MANIFEST)
    texts = [i.target_text for p in loaded.manifest.projects for i in p.indicators if i.target_text]
    assert stats["projects"] == len(loaded.manifest.projects)
    assert stats["indicators"] == sum(len(p.indicators) for p in loaded.manifest.projects)
    assert stats["distinct_target_texts"] == len(set(texts))
    assert sum(stats["target_texts"].values()) == len(texts)
    assert sum(stats["kinds"].values()) == stats["indicators"]
    with_budget_row = ("national", "reference_abcd")  # the A–D framework scores 预算执行率 as B12
    assert stats["kinds"]["budget"] == sum(1 for p in loaded.manifest.projects if p.framework in with_budget_row)
    assert stats["frameworks"]["national"] >= 1 and stats["departments"]["示例市财政局"] >= 1
    table = run("validate-manifest", MANIFEST, "--stats")
    assert "计分方式" in table.output and "直接打分" in table.output and "年度指标值（" in table.output


def test_validate_manifest_stats_on_an_invalid_manifest() -> None:
    result = run("validate-manifest", ERRORS, "--stats")
    assert result.exit_code == 1 and "无法统计" in result.output


def test_score_prints_results_and_exits_1_on_stated_mismatches() -> None:
    result = run("score", MANIFEST, "--inputs", INPUTS)
    assert result.exit_code == 1  # S001 states 平均分 88 and 59.1%
    for text in ("S000", "99.50", "优", "S001", "88.00", "良", "59.01", "STATED_FIGURE_MISMATCH", "预算执行率%"):
        assert text in result.output


def test_score_one_project_as_json(tmp_path: Path) -> None:
    result = run("score", MANIFEST, "--inputs", INPUTS, "--project", "S000", "--json")
    assert result.exit_code == 0  # S000's stated figures are right; only an info note
    document = json.loads(result.output)
    [row] = document["results"]
    assert (row["project_id"], row["total"], row["grade"], row["execution_rate_percent"]) == ("S000", "99.50", "优", "94.12")
    assert row["first_level"] == {"项目决策": "20.00", "项目管理": "24.50", "项目绩效": "55.00"}
    assert [f["code"] for f in document["findings"]] == ["EVALUATOR_MEAN_DIFFERS"]
    assert document["findings"][0]["severity"] == "info"


def test_score_reads_excel_inputs(tmp_path: Path) -> None:
    loaded = read_manifest(MANIFEST)
    inputs, _ = read_inputs(INPUTS, loaded.manifest)
    path = tmp_path / "inputs.xlsx"
    write_inputs_workbook(inputs, loaded.manifest, path)
    from_excel = json.loads(run("score", MANIFEST, "--inputs", path, "--json").output)
    from_yaml = json.loads(run("score", MANIFEST, "--inputs", INPUTS, "--json").output)
    assert from_excel == from_yaml


def test_score_usage_and_manifest_errors() -> None:
    assert run("score", MANIFEST, "--inputs", INPUTS, "--project", "NOPE").exit_code == 2
    result = run("score", ERRORS, "--inputs", INPUTS, "--json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["results"] == []
    assert [f["code"] for f in document["findings"]] == [f.code for f in read_manifest(ERRORS).findings]


@pytest.mark.parametrize(("name", "title", "field"), [
    ("manifest", "Manifest", "projects"), ("inputs", "ProjectInputs", "indicators"), ("results", "ProjectResult", "total"),
])
def test_schema(name: str, title: str, field: str) -> None:
    result = run("schema", name)
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == title and field in schema["properties"]


def test_schema_default_and_unknown() -> None:
    assert json.loads(run("schema").output)["title"] == "Manifest"
    assert run("schema", "nope").exit_code == 2
