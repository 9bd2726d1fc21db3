"""What the summary is made from: a small, explicit data model of DataFrames.

`SummaryData` is the input of the summary workbook and its exports, as DataFrames;
the tables are built from its rows as records (`records()`, records.py), which is
what `perfeval summary` reads from the database without pandas. The collector's store
fills it (from_store.py); `summary_data_from_results` fills it from engine results
(the Python API, tests). Money is in 万元, rates are fractions
(0.95 = 95%), and amounts, rates and scores are Decimal (or None when blank), as
the engine and the store give them. Rows may come in any order (the tables sort),
except that one project's indicators come in the order of its form.

Columns (extra columns are allowed and ignored):

projects — one row per project with a current result
    project_id, project_name, unit (项目实施单位), department (主管部门): str
    annual_budget (全年预算数 A), executed (全年执行数 B): Decimal | None
    execution_rate (B/A, uncapped): Decimal | None
    level1: tuple of (first-level category name, score: Decimal | None), form order
    total: Decimal | None; grade: str | None; unfilled (blank required inputs): int
    findings (number of findings): int
    status: "accepted" | "accepted_with_findings" | "rejected" (see labels.STATUS_LABELS)
    version (which return of the project this is, 1 = first): int
    received_at: datetime | None; file (returned file name): str
indicators — one row per indicator per project
    project_id, indicator_id: str; code: str | None; level1, path ("a/b"), name: str
    kind: IndicatorKind value | None; target_text: str
    weight, target, actual, rate, score: Decimal | None; band: str | None
    met: bool | None; not_applicable: bool; reason (偏差原因, as returned): str | None
findings — every finding
    file, project_id: str | None; severity: Severity value; code: str
    sheet, cell: str | None; message (Chinese): str
missing — 未报送: projects of the batch without a current result
    project_id, project_name, unit, department: str; rejected (returns sent back): int
history — every submission, current or not
    file, sha256, project_id: str; version: int; received_at: datetime | None
    status: as in projects; superseded (a later version replaced it): bool
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from perfeval_xl.api import first_level_scores, to_frames
from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.model import Manifest, ProjectInputs, ProjectResult
from perfeval_xl.summary.records import (
    FINDING_COLUMNS,
    HISTORY_COLUMNS,
    INDICATOR_COLUMNS,
    MISSING_COLUMNS,
    PROJECT_COLUMNS,
    FindingRecord,
    HistoryRecord,
    IndicatorRecord,
    MissingRecord,
    ProjectRecord,
    REJECTED,
    SummaryMeta,
    SummaryRecords,
    latest,
)
from perfeval_xl.summary.rows import Submission, finding_row, history_rows, status_of

_TABLES = (("projects", PROJECT_COLUMNS, ProjectRecord), ("indicators", INDICATOR_COLUMNS, IndicatorRecord),
           ("findings", FINDING_COLUMNS, FindingRecord), ("missing", MISSING_COLUMNS, MissingRecord),
           ("history", HISTORY_COLUMNS, HistoryRecord))


@dataclass(frozen=True)
class SummaryData:
    meta: SummaryMeta
    projects: pd.DataFrame
    indicators: pd.DataFrame
    findings: pd.DataFrame
    missing: pd.DataFrame
    history: pd.DataFrame

    def __post_init__(self) -> None:
        for name, columns, _record in _TABLES:
            absent = [c for c in columns if c not in getattr(self, name).columns]
            if absent:
                raise ValueError(f"SummaryData.{name} lacks columns {absent}")

    @property
    def as_of(self) -> dt.datetime | None:
        """The latest receipt: the state of the collection the summary shows."""
        return latest([*self.history["received_at"], *self.projects["received_at"]])

    def records(self) -> SummaryRecords:
        """The tables as records (extra columns left out; values as the frames hold them)."""
        return SummaryRecords(self.meta, *(list(map(record._make, getattr(self, name)[list(columns)]
                                                    .itertuples(index=False, name=None)))
                                           for name, columns, record in _TABLES))

    @classmethod
    def from_records(cls, records: SummaryRecords) -> SummaryData:
        return cls(records.meta, *(pd.DataFrame(getattr(records, name), columns=list(columns), dtype=object)
                                   for name, columns, _record in _TABLES))


def frame(rows: Sequence[Mapping[str, object]], columns: Sequence[str]) -> pd.DataFrame:
    """A DataFrame with exactly `columns`, values kept as given (Decimals stay Decimals)."""
    return pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=list(columns), dtype=object)


def summary_data_from_results(
    manifest: Manifest,
    results: Mapping[str, ProjectResult],
    *,
    inputs: Mapping[str, ProjectInputs] | None = None,
    current: Mapping[str, Submission] | None = None,
    history: Sequence[Submission] = (),
    layouts: Mapping[str, WorkbookLayout] | None = None,
    grades: Sequence[str] | None = None,
) -> SummaryData:
    """SummaryData from engine results: projects of `manifest` without a result are 未报送.

    `current` says how each result arrived (file, version, time, status); `history`
    lists every submission (default: the current ones); `layouts` give the cell of
    each engine finding; `inputs` give the deviation reasons as returned.
    """
    current = current or {}
    known = {p.id for p in manifest.projects}
    results = {pid: r for pid, r in results.items() if pid in known}
    frames = to_frames(manifest, dict(results), exact=True)
    reasons = {(pid, iid): i.reason for pid, inp in (inputs or {}).items() for iid, i in inp.indicators.items()}
    indicators = [dict(row, reason=reasons.get((row["project_id"], row["indicator_id"])))
                  for row in frames.indicators.to_dict("records")]
    rejected = Counter(s.project_id for s in history if (s.status or status_of(s.findings)) == REJECTED)
    projects, findings, missing = [], [], []
    for project in manifest.projects:
        result = results.get(project.id)
        if result is None:
            missing.append({"project_id": project.id, "project_name": project.name, "unit": project.unit,
                            "department": project.department, "rejected": rejected[project.id]})
            continue
        sub = current.get(project.id, Submission(project.id))
        own = [*sub.findings, *result.findings]
        layout = (layouts or {}).get(project.id)
        findings.extend(finding_row(f, sub.file, project.id, layout) for f in own)
        budget = result.budget
        projects.append({
            "project_id": project.id, "project_name": project.name, "unit": project.unit,
            "department": project.department, "annual_budget": budget.annual_budget, "executed": budget.executed,
            "execution_rate": budget.execution_rate, "level1": first_level_scores(project, result),
            "total": result.total, "grade": result.grade, "unfilled": result.unfilled, "findings": len(own),
            "status": sub.status or status_of(own), "version": sub.version, "received_at": sub.received_at,
            "file": sub.file,
        })
    status = {p["project_id"]: p["status"] for p in projects}
    versions = history_rows(list(history) or [current.get(pid, Submission(pid)) for pid in status],
                            current, status)
    meta = SummaryMeta(manifest.batch.year, manifest.batch.batch_id, manifest.batch.bureau,
                       tuple(grades) if grades else SummaryMeta.grades)
    return SummaryData(meta, frame(projects, PROJECT_COLUMNS), frame(indicators, INDICATOR_COLUMNS),
                       frame(findings, FINDING_COLUMNS), frame(missing, MISSING_COLUMNS),
                       frame(versions, HISTORY_COLUMNS))
