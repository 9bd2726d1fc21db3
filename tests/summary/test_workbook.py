"""The summary workbook: its figures agree with the engine, text stays text, charts have data, same bytes."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from xml.etree import ElementTree
from collections import defaultdict
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from perfeval_xl.summary import SummaryData, write_summary
from perfeval_xl.summary import workbook
from perfeval_xl.summary.charts import NO_DATA
from perfeval_xl.summary.rowsheet import RowSheet, write_cells
from perfeval_xl.summary.workbook import summary_bytes
from tests.summary.conftest import HOSTILE_FILE, HOSTILE_REASONS, NOT_RETURNED, Collected
from tests.support.xlsx_read import cell_values, parts, sheet_names, sheet_rows, worksheet_parts

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEETS = ["汇总", "按部门", "等级分布", "指标明细", "问题清单", "未报送清单", "提交历史"]


@pytest.fixture(scope="module")
def summary(collected: Collected, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_summary(collected.data, tmp_path_factory.mktemp("summary") / "summary.xlsx")


def _close(value: object, expected: Decimal | None) -> bool:
    if expected is None:
        return value in (None, "")
    return isinstance(value, float) and value == pytest.approx(float(expected), rel=1e-12, abs=1e-12)


def test_sheets_in_order(summary: Path) -> None:
    assert sheet_names(summary) == SHEETS


def test_project_rows_agree_with_the_engine(summary: Path, collected: Collected) -> None:
    rows = {row["项目编号"]: row for row in sheet_rows(summary, "汇总")}
    assert set(rows) == set(collected.results)
    for pid, result in collected.results.items():
        row = rows[pid]
        project = collected.batch.manifest.project(pid)
        assert (row["项目名称"], row["项目实施单位"], row["主管部门"]) == (project.name, project.unit, project.department)
        assert _close(row["总分"], result.total) and row["等级"] == (result.grade or "")
        assert _close(row["全年预算数（万元）"], result.budget.annual_budget)
        assert _close(row["全年执行数（万元）"], result.budget.executed)
        assert _close(row["执行率"], result.budget.execution_rate)
        assert row["问题数"] == len(result.findings)
        for group in result.groups:
            if group.level == 1:
                assert _close(row[f"得分：{group.name}"], group.score), (pid, group.name)
        assert row["文件名"] == collected.current[pid].file
        assert row["报送版本"] == (2 if pid == "P004" else 1)
    assert rows["S002"]["得分：预算执行率"] == 8.29  # a first-level indicator of its own on the national form
    assert rows["P001"]["文件名"] == HOSTILE_FILE


def test_department_figures_recomputed_from_results(summary: Path, collected: Collected) -> None:
    by_dept: dict[str, list] = defaultdict(list)
    for pid, result in collected.results.items():
        by_dept[collected.batch.manifest.project(pid).department].append(result)
    rows = {row["主管部门"]: row for row in sheet_rows(summary, "按部门")}
    assert list(rows)[-1] == "合计"
    for dept, results in by_dept.items():
        row = rows[dept]
        budget = sum(r.budget.annual_budget for r in results)
        executed = sum(r.budget.executed for r in results)
        mean = (sum(r.total for r in results) / len(results)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert row["报送项目数"] == len(results)
        assert _close(row["全年预算数合计（万元）"], budget) and _close(row["全年执行数合计（万元）"], executed)
        assert _close(row["加权执行率"], executed / budget)
        assert _close(row["平均分"], mean)
        for grade in "优良中差":
            assert row[grade] == sum(r.grade == grade for r in results)
    missing = {collected.batch.manifest.project(p).department for p in NOT_RETURNED}
    assert all(rows[d]["未报送数"] >= 1 for d in missing)
    total = rows["合计"]
    assert total["报送项目数"] == len(collected.results) and total["未报送数"] == len(NOT_RETURNED)
    assert _close(total["全年预算数合计（万元）"], sum(r.budget.annual_budget for r in collected.results.values()))


def test_grade_distribution(summary: Path, collected: Collected) -> None:
    rows = {row["等级"]: row for row in sheet_rows(summary, "等级分布") if row["等级"]}
    grades = [r.grade for r in collected.results.values()]
    for grade in "优良中差":
        assert rows[grade]["项目数"] == grades.count(grade)
        assert rows[grade]["占比"] == pytest.approx(grades.count(grade) / len(grades))
    assert rows["未评级"]["项目数"] == grades.count(None)


def test_indicator_rows_missing_and_history(summary: Path, collected: Collected) -> None:
    indicators = sheet_rows(summary, "指标明细")
    assert len(indicators) == sum(len(r.indicators) for r in collected.results.values())
    p001 = [row for row in indicators if row["项目编号"] == "P001"]
    result = collected.results["P001"]
    assert [row["指标编号"] for row in p001] == [r.indicator_id for r in result.indicators]
    for row, r in zip(p001, result.indicators):
        assert _close(row["得分"], r.score) and _close(row["分值"], r.weight)
    assert [row["偏差原因分析及改进措施"] for row in p001[1:1 + len(HOSTILE_REASONS)]] == list(HOSTILE_REASONS)
    assert [row["项目编号"] for row in sheet_rows(summary, "未报送清单")] == sorted(
        NOT_RETURNED, key=lambda p: (collected.batch.manifest.project(p).department, p))
    history = sheet_rows(summary, "提交历史")
    assert len(history) == len(collected.history)
    p004 = [(row["报送版本"], row["已被新版本替代"]) for row in history if row["项目编号"] == "P004"]
    assert p004 == [(1, "是"), (2, "否")]
    assert [row["处理结果"] for row in history if row["项目编号"] == "P010"] == ["退回"]


def test_findings_listed_with_their_messages(summary: Path, collected: Collected) -> None:
    rows = sheet_rows(summary, "问题清单")
    expected = sorted((pid, f.code, f.message("zh")) for pid, r in collected.results.items() for f in r.findings)
    assert sorted((row["项目编号"], row["问题代码"], row["问题说明"]) for row in rows) == expected
    assert {row["文件名"] for row in rows if row["项目编号"] == "P004"} == {"P004_自评表.xlsx"}


def test_no_formula_anywhere_and_returned_text_stays_text(summary: Path) -> None:
    xml = parts(summary)
    sheets = worksheet_parts(summary)
    assert all("<f>" not in body and "<f " not in body for body in sheets.values())
    shared = {t.text for t in ElementTree.fromstring(xml["xl/sharedStrings.xml"]).iter(f"{{{MAIN_NS}}}t")}
    assert {*HOSTILE_REASONS, HOSTILE_FILE} <= shared
    # Formula-looking text carries Excel's quote prefix, so editing the cell keeps it text.
    quoted = {i for i, xf in enumerate(re.findall(r"<xf [^>]*>", xml["xl/styles.xml"].split("<cellXfs")[1]))
              if 'quotePrefix="1"' in xf}
    reasons = re.findall(r'<c r="R\d+" s="(\d+)" t="s"', sheets["指标明细"])
    assert quoted and any(int(s) in quoted for s in reasons)


_SERIES_REF = re.compile(r"<c:(cat|val|xVal|yVal)>.*?<c:f>(.*?)</c:f>", re.S)


def _chart_ranges(summary: Path) -> list[list[tuple[str, str, str]]]:
    charts = sorted(n for n in parts(summary) if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
    out = []
    for name in charts:
        series = re.findall(r"<c:ser>.*?</c:ser>", parts(summary)[name], re.S)
        refs = []
        for ser in series:
            for role, ref in _SERIES_REF.findall(ser):
                sheet, _, rng = ref.rpartition("!")
                refs.append((role, sheet.strip("'"), rng.replace("$", "")))
        out.append(refs)
    return out


def test_every_chart_series_points_at_data(summary: Path) -> None:
    charts = _chart_ranges(summary)
    assert len(charts) == 4
    for refs in charts:
        assert any(role in ("val", "yVal") for role, _, _ in refs)
        for role, sheet, rng in refs:
            first, last = rng.split(":")
            assert int(re.sub(r"\D", "", first)) <= int(re.sub(r"\D", "", last))
            values = cell_values(summary, sheet, rng)
            assert values, (sheet, rng)
            if role in ("val", "yVal", "xVal"):
                assert any(isinstance(v, (int, float)) for v in values), (sheet, rng)
    dept_chart = next(refs for refs in charts if any(s == "按部门" for _, s, _ in refs))
    assert "合计" not in cell_values(summary, "按部门", dept_chart[0][2])


def test_without_projects_no_chart_and_a_note(collected: Collected, tmp_path: Path) -> None:
    data = collected.data
    empty = SummaryData(data.meta, data.projects.iloc[0:0], data.indicators.iloc[0:0], data.findings.iloc[0:0],
                        data.missing, data.history.iloc[0:0])
    path = write_summary(empty, tmp_path / "empty.xlsx")
    assert not any(n.startswith("xl/charts/") for n in parts(path))
    notes = [v for v in cell_values(path, "等级分布", "E2:N21") if v]
    assert notes == [NO_DATA] * 4
    assert len(sheet_rows(path, "未报送清单")) == len(NOT_RETURNED)


def test_same_bytes_for_the_same_data_in_any_row_order(collected: Collected) -> None:
    data = collected.data
    rng = random.Random(7)

    def shuffled(frame: pd.DataFrame) -> pd.DataFrame:
        order = list(range(len(frame)))
        rng.shuffle(order)
        return frame.iloc[order].reset_index(drop=True)

    shuffled_data = replace(data, projects=shuffled(data.projects), missing=shuffled(data.missing),
                            history=shuffled(data.history), findings=shuffled(data.findings))
    first = summary_bytes(data)
    assert summary_bytes(data) == first
    assert summary_bytes(shuffled_data) == first


def test_row_sheets_write_the_bytes_xlsxwriter_alone_gives(collected: Collected,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    rows_whole = summary_bytes(collected.data)

    def cell_by_cell(ws: Worksheet, row: int, cells: list[tuple[object, Format]]) -> None:
        for col, (value, fmt) in enumerate(cells):
            if value is None:
                ws.write_blank(row, col, None, fmt)
            elif isinstance(value, str):
                ws.write_string(row, col, value, fmt)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(row, col, value, fmt)
            else:
                ws.write_number(row, col, value, fmt)

    monkeypatch.setattr(workbook, "RowSheet", Worksheet)
    monkeypatch.setattr(workbook, "write_cells", cell_by_cell)
    assert summary_bytes(collected.data) == rows_whole


def test_long_tables_continue_on_further_sheets(collected: Collected, tmp_path: Path) -> None:
    path = write_summary(collected.data, tmp_path / "split.xlsx", max_rows=50)
    names = sheet_names(path)
    indicator_sheets = [n for n in names if re.fullmatch(r"指标明细\d*", n)]
    total = len(collected.data.indicators)
    assert len(indicator_sheets) == -(-total // 49) and indicator_sheets[1] == "指标明细2"
    rows = [row for name in indicator_sheets for row in sheet_rows(path, name)]
    assert all(len(sheet_rows(path, n)) == 49 for n in indicator_sheets[:-1])
    single = sheet_rows(write_summary(collected.data, tmp_path / "whole.xlsx"), "指标明细")
    assert rows == single
    assert names.index("指标明细") < names.index(indicator_sheets[-1]) < names.index("问题清单")
    assert "按部门2" not in names  # aggregates never split


def test_sheet_setup_frozen_filtered_landscape_a4(summary: Path) -> None:
    for name, body in worksheet_parts(summary).items():
        assert 'state="frozen"' in body and 'ySplit="1"' in body, name
        assert "<autoFilter ref=" in body, name
        assert 'paperSize="9"' in body and 'orientation="landscape"' in body, name
        assert '<pageSetUpPr fitToPage="1"/>' in body, name
    assert 'xSplit="4"' in worksheet_parts(summary)["汇总"]


def test_written_atomically(collected: Collected, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "summary.xlsx"
    target.write_bytes(b"previous")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("perfeval_xl.atomic.os.replace", broken)
    with pytest.raises(OSError):
        write_summary(collected.data, target)
    assert target.read_bytes() == b"previous" and sorted(p.name for p in tmp_path.iterdir()) == ["summary.xlsx"]
    monkeypatch.undo()
    write_summary(collected.data, target)
    assert target.read_bytes() == summary_bytes(collected.data)


def test_a_row_sheet_takes_rows_top_to_bottom_each_once() -> None:
    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    ws = book.add_worksheet(None, RowSheet)
    fmt = book.add_format()
    write_cells(ws, 0, [("a", fmt), (1.0, fmt)])
    for row in (0, 2):
        with pytest.raises(ValueError, match="out of order"):
            write_cells(ws, row, [("b", fmt)])
    write_cells(ws, 1, [("b", fmt)])
    book.close()
