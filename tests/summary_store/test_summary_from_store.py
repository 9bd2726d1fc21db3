"""The summary written from the database alone: every figure is the stored one and the engine's,
returned text stays text, charts have data, the same state gives the same bytes, 未报送 is complete."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from perfeval_xl.api import first_level_scores
from perfeval_xl.engine.evaluate import evaluate
from perfeval_xl.engine.numbers import round_half_up
from perfeval_xl.findings import message
from perfeval_xl.store import (
    current_results,
    findings,
    group_rows,
    indicator_rows,
    issued_entry,
    missing_projects,
    submission_history,
)
from perfeval_xl.store.schema import IndicatorResultRow, ProjectResultRow
from perfeval_xl.summary import write_summary
from perfeval_xl.summary.from_store import summary_data_from_store, summary_records_from_store
from perfeval_xl.summary.tables import STATUS_LABELS
from perfeval_xl.summary.workbook import summary_bytes
from tests.summary_store.conftest import Collected, SampleReturns
from tests.summary_store.support import BATCH, like_stored, opened, stored_inputs, written
from tests.support.xlsx_read import cell_values, parts, sheet_names, sheet_rows, worksheet_parts

REJECTED_STORIES = ("tampered", "truncated", "not_workbook")


@pytest.fixture(scope="session")
def summary(collected: Collected, tmp_path_factory: pytest.TempPathFactory) -> Path:
    with opened(collected.db_url) as store:
        return write_summary(summary_data_from_store(store), tmp_path_factory.mktemp("summary") / "汇总.xlsx")


def test_sheets(summary: Path) -> None:
    assert sheet_names(summary) == ["汇总", "按部门", "等级分布", "指标明细", "问题清单", "未报送清单", "提交历史"]


def test_project_figures_equal_the_database_and_the_engine(collected: Collected, summary: Path) -> None:
    with opened(collected.db_url) as store:
        db = {row["project_id"]: row for row in current_results(store, BATCH)}
        inputs = stored_inputs(store)
        groups = {(row["project_id"], row["path"]): row["score"] for row in group_rows(store, BATCH)
                  if row["level"] == 1}
        scores = {(row["project_id"], row["indicator_id"]): row["score"] for row in indicator_rows(store, BATCH)}
        counts = Counter(row["submission_id"] for row in findings(store, BATCH))
        issued = {pid: issued_entry(store, BATCH, pid, row["issued_version"]) for pid, row in db.items()}
    rows = {row["项目编号"]: row for row in sheet_rows(summary, "汇总")}
    returned = {r.project_id for r in collected.returns.simulated if r.story.kind not in REJECTED_STORIES}
    assert set(rows) == set(db) == returned and len(rows) == 22
    figures = (("全年预算数（万元）", "annual_budget"), ("全年执行数（万元）", "executed"),
               ("执行率", "execution_rate"), ("总分", "total"))
    for pid, stored in db.items():
        row, entry = rows[pid], issued[pid]
        assert entry is not None
        engine = evaluate(entry.project, inputs[stored["submission_id"]], entry.profile)
        for header, name in figures:
            assert row[header] == written(stored[name]), (pid, header)
            engine_value = engine.total if name == "total" else getattr(engine.budget, name)
            assert stored[name] == like_stored(engine_value, getattr(ProjectResultRow, name)), (pid, name)
        assert row["等级"] == stored["grade"] == engine.grade
        for name, score in first_level_scores(entry.project, engine):
            in_db = groups.get((pid, name))
            if in_db is None:  # an indicator standing at the first level (预算执行率 on the national form)
                in_db = next(scores[pid, i.id] for i in entry.project.indicators if not i.path and i.name == name)
            assert row[f"得分：{name}"] == written(in_db) == written(like_stored(score, ProjectResultRow.total))
        assert row["问题数"] == counts[stored["submission_id"]]
        assert row["状态"] == STATUS_LABELS[stored["outcome"]]
        assert (row["报送版本"], row["文件名"]) == (stored["receipt_rank"], stored["original_name"])
    assert rows["P009"]["报送版本"] == 2 and not rows["P009"]["文件名"].endswith("_初稿.xlsx")


def test_indicator_figures_equal_the_database_and_the_engine(collected: Collected, summary: Path) -> None:
    with opened(collected.db_url) as store:
        db = {(row["project_id"], row["indicator_id"]): row for row in indicator_rows(store, BATCH)}
        inputs = stored_inputs(store)
        current = {row["project_id"]: row for row in current_results(store, BATCH)}
        engines = {}
        for pid, row in current.items():
            entry = issued_entry(store, BATCH, pid, row["issued_version"])
            assert entry is not None
            engines[pid] = evaluate(entry.project, inputs[row["submission_id"]], entry.profile)
    rows = [row for name in sheet_names(summary) if re.fullmatch(r"指标明细\d*", name)
            for row in sheet_rows(summary, name)]
    assert len(rows) == len(db) > 200
    fields = (("分值", "weight"), ("目标值", "target"), ("实际完成值", "actual"), ("完成率", "rate"), ("得分", "score"))
    for row in rows:
        key = (row["项目编号"], row["指标编号"])
        stored = db[key]
        engine = engines[key[0]].indicator(key[1])
        assert engine is not None
        for header, name in fields:
            assert row[header] == written(stored[name]), (key, header)
            assert stored[name] == like_stored(getattr(engine, name), getattr(IndicatorResultRow, name)), (key, name)
        assert row["达成目标"] == {True: "是", False: "否", None: ""}[stored["met"]]
        assert row["档次"] == (stored["band"] or "")


def test_departments_sum_the_stored_figures(collected: Collected, summary: Path) -> None:
    with opened(collected.db_url) as store:
        by_department = defaultdict(list)
        for row in current_results(store, BATCH):
            by_department[row["department"]].append(row)
        missing = Counter(row["department"] for row in missing_projects(store, BATCH))
    rows = {row["主管部门"]: row for row in sheet_rows(summary, "按部门")}
    assert set(rows) == set(by_department) | set(missing) | {"合计"}
    for name, projects in by_department.items():
        row = rows[name]
        a = sum(p["annual_budget"] for p in projects)
        b = sum(p["executed"] for p in projects)
        totals = [p["total"] for p in projects]
        assert (row["报送项目数"], row["未报送数"]) == (len(projects), missing[name])
        assert row["全年预算数合计（万元）"] == written(a) and row["全年执行数合计（万元）"] == written(b)
        assert row["加权执行率"] == written(b / a)
        assert row["平均分"] == written(round_half_up(sum(totals) / len(totals), 2))
    assert rows["合计"]["报送项目数"] == 22 and rows["合计"]["未报送数"] == 5


def test_grades_are_those_of_the_issued_profile(collected: Collected, summary: Path) -> None:
    with opened(collected.db_url) as store:
        grades = Counter(row["grade"] for row in current_results(store, BATCH))
        profile = issued_entry(store, BATCH, "P001")
        assert profile is not None
    rows = sheet_rows(summary, "等级分布")
    names = [g.name for g in profile.profile.grades]
    assert [row["等级"] for row in rows] == [*names, "未评级"]
    assert [row["项目数"] for row in rows] == [*(grades[g] for g in names), grades[None]]
    assert sum(row["项目数"] for row in rows) == 22


def test_a_reason_starting_with_equals_is_text_and_no_cell_is_a_formula(collected: Collected,
                                                                         summary: Path) -> None:
    pid = collected.returns.story("formula_text").project_id
    reasons = [row["偏差原因分析及改进措施"] for row in sheet_rows(summary, "指标明细") if row["项目编号"] == pid]
    hostile = [r for r in reasons if isinstance(r, str) and r.startswith("=")]
    assert hostile == ['=HYPERLINK("http://example.invalid","点击查看")']
    for name, body in worksheet_parts(summary).items():
        assert "<f>" not in body and "<f " not in body, name
    assert 'quotePrefix="1"' in parts(summary)["xl/styles.xml"]


def _chart_series(summary: Path) -> list[list[tuple[str, str, str]]]:
    """Per chart: (role, sheet, range) of every category and value reference of its series."""
    xml = parts(summary)
    out = []
    for name in sorted(n for n in xml if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
        refs = []
        for series in re.findall(r"<c:ser>.*?</c:ser>", xml[name], re.S):
            for role, ref in re.findall(r"<c:(cat|val|xVal|yVal)>.*?<c:f>(.*?)</c:f>", series, re.S):
                sheet, _, cells = ref.rpartition("!")
                refs.append((role, sheet.strip("'"), cells.replace("$", "")))
        out.append(refs)
    return out


def test_every_chart_has_series_over_non_empty_data(summary: Path) -> None:
    charts = _chart_series(summary)
    assert len(charts) == 4
    for refs in charts:
        assert any(role in ("val", "yVal") for role, _, _ in refs)
        for role, sheet, cells in refs:
            values = cell_values(summary, sheet, cells)
            assert values, (sheet, cells)
            if role == "cat":
                assert all(v not in (None, "") for v in values), (sheet, cells)
            else:  # a department whose projects all failed to arrive has no mean: a blank bar
                assert any(isinstance(v, (int, float)) and v for v in values), (sheet, cells)


def test_the_same_state_gives_the_same_bytes_on_either_database(collected: Collected,
                                                               collected_sqlite: Collected, summary: Path) -> None:
    with opened(collected.db_url) as store:
        again = summary_bytes(summary_data_from_store(store, BATCH))
    assert again == summary.read_bytes()
    with opened(collected_sqlite.db_url) as store:  # SQLite and PostgreSQL hold the same state
        assert summary_bytes(summary_data_from_store(store)) == again


def test_the_records_give_the_bytes_the_frames_give(collected_sqlite: Collected, summary: Path) -> None:
    with opened(collected_sqlite.db_url) as store:
        records = summary_records_from_store(store)
        data = summary_data_from_store(store)
    assert summary_bytes(records) == summary_bytes(data) == summary.read_bytes()
    assert summary_bytes(data.records()) == summary_bytes(type(data).from_records(records)) == summary.read_bytes()


def test_the_command_never_loads_pandas(collected_sqlite: Collected, tmp_path: Path) -> None:
    code = ("import sys; from perfeval_xl.commands.summary_cmd import write_summary_from_db; "
            f"write_summary_from_db({collected_sqlite.db_url!r}, {str(tmp_path / 'x.xlsx')!r}); "
            "print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "[]"


def test_missing_lists_every_project_without_a_current_version(collected: Collected, summary: Path) -> None:
    returns: SampleReturns = collected.returns
    with opened(collected.db_url) as store:
        manifest_ids = {row["project_id"] for row in submission_history(store, BATCH)} | {
            row["project_id"] for row in missing_projects(store, BATCH)}
        stored = {row["project_id"]: row["rejected_versions"] for row in missing_projects(store, BATCH)}
    never_sent = {f"P{n:03d}" for n in range(1, 25)} | {"S000", "S001", "S002"}
    never_sent -= {r.project_id for r in returns.simulated}
    refused = {r.project_id for r in returns.simulated if r.story.kind in REJECTED_STORIES}
    rows = {row["项目编号"]: row for row in sheet_rows(summary, "未报送清单")}
    assert set(rows) == set(stored) == never_sent | refused == {"P003", "P005", "P011", "P013", "P021"}
    assert manifest_ids <= never_sent | {r.project_id for r in returns.simulated}
    tampered = returns.story("tampered").project_id
    assert {pid: row["被退回次数"] for pid, row in rows.items()} == {**{pid: 0 for pid in rows}, tampered: 1}
    assert all(rows[pid]["被退回次数"] == stored[pid] for pid in rows)


def test_history_keeps_every_version(collected: Collected, summary: Path) -> None:
    rows = [row for row in sheet_rows(summary, "提交历史")]
    assert len(rows) == 24  # every file a project could be read from
    p009 = sorted((row["报送版本"], row["文件名"], row["已被新版本替代"]) for row in rows if row["项目编号"] == "P009")
    assert p009 == [(1, "P009_农村饮水安全巩固提升工程_初稿.xlsx", "是"), (2, "P009_农村饮水安全巩固提升工程.xlsx", "否")]
    received = {r.file: r.received for r in collected.returns.simulated}
    assert all(row["收到时间"] == received[row["文件名"]] for row in rows)  # the receipt log's times


def test_findings_are_the_open_ones_in_the_catalogue_words(collected: Collected, summary: Path) -> None:
    with opened(collected.db_url) as store:
        stored = findings(store, BATCH)
        unread = [row for row in findings(store) if row["submission_id"] is None and row["batch_id"] is None]
    rows = sheet_rows(summary, "问题清单")
    expected = Counter((r["original_name"], r["code"], r["sheet"] or "", r["cell"] or "",
                        message(r["code"], r["params"])) for r in [*stored, *unread])
    assert Counter((row["文件名"], row["问题代码"], row["工作表"], row["单元格"], row["问题说明"]) for row in rows) == expected
    codes = {(row["文件名"][:4], row["问题代码"]) for row in rows}
    assert {("P005", "LOCKED_CELL_CHANGED"), ("P011", "GATE_ZIP_CORRUPT"), ("P013", "GATE_NOT_WORKBOOK"),
            ("P007", "REASON_MISSING")} <= codes
    assert not any(row["文件名"].endswith("_初稿.xlsx") for row in rows)  # superseded: history only


def test_batch_and_exact_numbers(collected: Collected) -> None:
    with opened(collected.db_url) as store:
        data = summary_data_from_store(store)
    assert (data.meta.batch_id, data.meta.year, data.meta.bureau) == (BATCH, 2024, "示例市财政局")
    assert {type(v) for v in data.projects["total"]} == {Decimal}  # never through float before the cell
