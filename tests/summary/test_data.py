"""SummaryData: built from engine results, with the columns it documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from perfeval_xl.api import ScoredBatch
from perfeval_xl.engine.numbers import div
from perfeval_xl.layout.build import build_layout
from perfeval_xl.manifest.library import load_framework
from perfeval_xl.summary import (
    FINDING_COLUMNS,
    HISTORY_COLUMNS,
    INDICATOR_COLUMNS,
    MISSING_COLUMNS,
    PROJECT_COLUMNS,
    Submission,
    summary_data_from_results,
)
from perfeval_xl.summary.aggregate import by_department
from tests.summary.conftest import NOT_RETURNED, START, Collected


def test_frames_have_the_documented_columns(collected: Collected) -> None:
    data = collected.data
    assert tuple(data.projects.columns) == PROJECT_COLUMNS
    assert tuple(data.indicators.columns) == INDICATOR_COLUMNS
    assert tuple(data.findings.columns) == FINDING_COLUMNS
    assert tuple(data.missing.columns) == MISSING_COLUMNS
    assert tuple(data.history.columns) == HISTORY_COLUMNS
    with pytest.raises(ValueError, match=r"projects lacks columns \['grade'\]"):
        replace(data, projects=data.projects.drop(columns=["grade"]))


def test_projects_keep_exact_figures_and_status(collected: Collected) -> None:
    rows = {r["project_id"]: r for r in collected.data.projects.to_dict("records")}
    s002 = rows["S002"]
    assert s002["level1"] == (("预算执行率", Decimal("8.29")), ("产出指标", Decimal("50.00")),
                              ("效益指标", Decimal("28.00")), ("满意度指标", Decimal("10.00")))
    assert s002["execution_rate"] == collected.results["S002"].budget.execution_rate
    assert rows["S000"]["status"] == "accepted" and rows["S001"]["status"] == "accepted_with_findings"
    assert rows["P004"]["version"] == 2 and rows["P004"]["received_at"] == collected.current["P004"].received_at
    assert set(NOT_RETURNED).isdisjoint(rows)


def test_missing_projects_and_their_rejected_returns(collected: Collected) -> None:
    missing = collected.data.missing.set_index("project_id")
    assert list(missing.index) == list(NOT_RETURNED)
    assert missing.loc["P010", "rejected"] == 1 and missing.loc["P020", "rejected"] == 0
    assert collected.data.as_of == max(s.received_at for s in collected.history)


def test_history_status_of_a_current_return_is_its_projects(collected: Collected) -> None:
    history = collected.data.history
    s001 = history[history.project_id == "S001"].iloc[0]
    assert s001["status"] == "accepted_with_findings" and not s001["superseded"]


def test_defaults_for_engine_only_use(batch: ScoredBatch) -> None:
    data = summary_data_from_results(batch.manifest, batch.results)
    assert len(data.projects) == len(batch.manifest.projects) and data.missing.empty
    assert list(data.history["project_id"]) == list(data.projects["project_id"])
    assert data.as_of is None and set(data.projects["version"]) == {1}
    assert data.indicators["reason"].isna().all()


def test_findings_get_their_cell_from_the_layout(batch: ScoredBatch) -> None:
    project = batch.manifest.project("P004")
    layout = build_layout(batch.manifest.batch, project, batch.profile, load_framework(project.framework))
    sub = Submission("P004", "P004.xlsx", received_at=START)
    data = summary_data_from_results(batch.manifest, {"P004": batch.results["P004"]}, current={"P004": sub},
                                     layouts={"P004": layout})
    row = data.findings[data.findings.code == "REASON_MISSING"].iloc[0]
    assert (row["file"], row["sheet"], row["cell"]) == ("P004.xlsx", "绩效自评", layout.locate(
        "ind:P004-01:reason")[1].ref)
    assert row["message"].startswith("「长寿津贴发放人数」")


def test_weighted_rate_counts_projects_stating_both_figures(collected: Collected) -> None:
    data = collected.data
    projects = data.projects.copy()
    first = projects.index[projects.project_id == "P001"][0]
    projects.at[first, "executed"] = None
    rows = {g.name: g for g in by_department(replace(data, projects=projects))}
    education = [r for pid, r in collected.results.items()
                 if collected.batch.manifest.project(pid).department == "示例市教育局" and pid != "P001"]
    stating = sum(r.budget.annual_budget for r in education)
    assert rows["示例市教育局"].execution_rate == div(sum(r.budget.executed for r in education), stating)
    assert rows["示例市教育局"].annual_budget == stating + collected.results["P001"].budget.annual_budget
    assert isinstance(data.as_of, dt.datetime)
