"""Where a finding is, as a person reads it: sheet cells, YAML key paths, engine inputs."""

from __future__ import annotations

import pytest

from perfeval_xl.commands.render import Lang, describe_location, summary_line
from perfeval_xl.findings import Location, finding


@pytest.mark.parametrize(("loc", "zh", "en"), [
    (Location(sheet="指标", row=12, column="J 年度指标值"), "指标 第12行 列J 年度指标值", "指标, row 12, column J 年度指标值"),
    (Location(sheet="项目", row=9), "项目 第9行", "项目, row 9"),
    (Location(file="r.xlsx", sheet="绩效自评", cell="I7", indicator_id="S002-01", field="reason"),
     "绩效自评 I7", "绩效自评, I7"),
    (Location(file="m.yaml", column="projects[0].indicators[1].target_text"),
     "projects[0].indicators[1].target_text", "projects[0].indicators[1].target_text"),
    (Location(project_id="S002", indicator_id="S002-01", field="actual"),
     "项目 S002 指标 S002-01 实际完成值", "project S002 indicator S002-01 actual"),
    (Location(project_id="S001", field="received:市县财政"), "项目 S001 实际到位资金 市县财政", "project S001 received:市县财政"),
    (Location(project_id="S001", field="stated:1"), "项目 S001 填报数字 第2条", "project S001 stated:1"),
    (Location(file="x.xlsx"), "x.xlsx", "x.xlsx"),
])
def test_describe_location(loc: Location, zh: str, en: str) -> None:
    assert describe_location(loc, Lang.zh) == zh
    assert describe_location(loc, Lang.en) == en


def test_summary_line() -> None:
    findings = [finding("TARGET_PLACEHOLDER", indicator="x", target="—"),
                finding("BAND_GAP", indicator="x", first="a", second="b", low=1, high=2),
                finding("TARGET_DOUBLE", indicator="x", target="a，b")]
    assert summary_line(findings, Lang.zh) == "共 3 条：错误 2, 警告 1"
    assert summary_line(findings, Lang.en) == "3 findings: error 2, warning 1"
