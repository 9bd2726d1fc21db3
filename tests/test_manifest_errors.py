"""The seeded-error fixture: one read_manifest run reports every seeded error with its
code at its sheet, row and column, and nothing else but the listed follow-ons.

tests/fixtures/manifest_errors.xlsx is built by tests/fixtures/make_manifest_errors.py
(each national project there is one valid indicator set with one change).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfeval_xl.manifest import read_manifest
from tests.fixtures.make_manifest_errors import build

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "manifest_errors.xlsx"

# seeded error -> (code, sheet, 1-based row, column "letter header"; None: the whole row)
SEEDED = {
    "missing required header 指标类型": ("MANIFEST_HEADER_MISSING", "绩效目标", 2, None),
    "unknown extra column 备注": ("MANIFEST_UNKNOWN_COLUMN", "项目", 2, "M 备注"),
    "invalid date in 报送截止时间": ("MANIFEST_FIELD_INVALID", "批次信息", 9, "B 报送截止时间"),
    "duplicate 项目编号 P01": ("DUPLICATE_ID", "项目", 4, "A 项目编号"),
    "blank 项目名称 (P02)": ("MANIFEST_FIELD_MISSING", "项目", 5, "B 项目名称"),
    "unknown framework (P03)": ("FRAMEWORK_UNKNOWN", "项目", 6, "K 指标框架"),
    "invalid 项目类型 (P04)": ("MANIFEST_FIELD_INVALID", "项目", 7, "I 项目类型"),
    "产出指标 weights add up to 45 (P05)": ("WEIGHTS_NOT_SUM_PARENT", "指标", 17, "H 分值"),
    "first-level total 105 (P06)": ("WEIGHTS_NOT_SUM_TOTAL", "项目", 9, None),
    "no 满意度指标 (P07)": ("DIMENSION_MISSING", "项目", 10, None),
    "placeholder target — (P08)": ("TARGET_PLACEHOLDER", "指标", 37, "J 年度指标值"),
    "two targets in one cell (P09)": ("TARGET_DOUBLE", "指标", 45, "J 年度指标值"),
    "bands 中 10~15次 and 差 10次以下 overlap (P10)": ("BAND_OVERLAP", "指标", 51, "P 差"),
    "gap between 良 80%~90% and 优 ≥95% (P11)": ("BAND_GAP", "指标", 59, "M 优"),
    "unparseable deduction rule (P12)": ("DEDUCTION_UNPARSEABLE", "指标", 65, "Q 扣分规则"),
    "计分方式 正向 with ≤90万元 (P13)": ("TARGET_KIND_CONFLICT", "指标", 75, "J 年度指标值"),
    "percent target ≥120% (P14)": ("TARGET_PERCENT_OVER_100", "指标", 80, "J 年度指标值"),
    "cost indicator with ≥ (P15)": ("COST_INDICATOR_POSITIVE", "指标", 89, "J 年度指标值"),
    "non-numeric 分值 二十 (P16)": ("MANIFEST_FIELD_INVALID", "指标", 93, "H 分值"),
    "negative 全年预算数 (P17)": ("MANIFEST_FIELD_INVALID", "资金", 21, "D 全年预算数"),
    "invalid 计分方式 随机 (P18)": ("MANIFEST_FIELD_INVALID", "指标", 107, "I 计分方式"),
    "duplicate 指标编号 (P19)": ("DUPLICATE_ID", "指标", 115, "B 指标编号"),
    "unknown 一级指标 产出效果 (P20)": ("UNKNOWN_REFERENCE", "指标", 123, "C 一级指标"),
    "indicator row for unknown project P99": ("UNKNOWN_REFERENCE", "指标", 128, "A 项目编号"),
}

# Findings that follow from a seeded error, and the error they follow from.
FOLLOW_ONS = {
    ("MANIFEST_FIELD_MISSING", "绩效目标", 3, None): "missing required header 指标类型",
    ("WEIGHTS_NOT_SUM_TOTAL", "项目", 10, None): "no 满意度指标 (P07)",
    ("KIND_NEEDS_WEIGHT", "指标", 93, "H 分值"): "non-numeric 分值 二十 (P16)",
    ("WEIGHTS_NOT_SUM_PARENT", "指标", 93, "H 分值"): "non-numeric 分值 二十 (P16)",
    ("WEIGHTS_NOT_SUM_PARENT", "指标", 114, "H 分值"): "duplicate 指标编号 (P19)",
    ("WEIGHTS_NOT_SUM_PARENT", "指标", 121, "H 分值"): "unknown 一级指标 产出效果 (P20)",
}


@pytest.fixture(scope="module")
def reported() -> set[tuple[str, str | None, int | None, str | None]]:
    loaded = read_manifest(FIXTURE)
    assert loaded.manifest is None and not loaded.ok
    return {(f.code, f.location.sheet, f.location.row, f.location.column) for f in loaded.findings}


def test_at_least_fifteen_distinct_errors_are_seeded() -> None:
    assert len(SEEDED) >= 15
    assert len(set(SEEDED.values())) == len(SEEDED)


@pytest.mark.parametrize("error", SEEDED)
def test_seeded_error_is_reported_at_its_cell(reported, error: str) -> None:
    assert SEEDED[error] in reported


def test_nothing_else_is_reported(reported) -> None:
    assert reported == set(SEEDED.values()) | set(FOLLOW_ONS)


def test_fixture_matches_its_builder(tmp_path: Path) -> None:
    rebuilt = tmp_path / "rebuilt.xlsx"
    build(rebuilt)
    located = [(f.code, f.location.sheet, f.location.row, f.location.column, f.params)
               for f in read_manifest(rebuilt).findings]
    assert located == [(f.code, f.location.sheet, f.location.row, f.location.column, f.params)
                       for f in read_manifest(FIXTURE).findings]
