"""How submissions and findings become the summary's rows: shared by the engine path (data.py) and
the database path (from_store.py), neither of which needs pandas for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from perfeval_xl.findings import Finding, Severity, worst_severity
from perfeval_xl.layout.contract import WorkbookLayout
from perfeval_xl.layout.locate import finding_cell
from perfeval_xl.summary.records import ACCEPTED, ACCEPTED_WITH_FINDINGS, REJECTED


@dataclass(frozen=True)
class Submission:
    """How a project's return arrived (the collector's facts; defaults suit engine-only use)."""

    project_id: str
    file: str = ""
    sha256: str = ""
    version: int = 1
    received_at: dt.datetime | None = None
    status: str | None = None  # None: decided by the worst finding
    superseded: bool = False
    findings: tuple[Finding, ...] = field(default=())  # file-level findings (gate, integrity)


def status_of(findings: Sequence[Finding]) -> str:
    """REFERENCE §4: the worst finding decides what became of a return."""
    worst = worst_severity(findings)
    if worst is Severity.REJECT:
        return REJECTED
    return ACCEPTED_WITH_FINDINGS if worst is Severity.ERROR else ACCEPTED


def history_rows(submissions: Sequence[Submission], current: Mapping[str, Submission],
                 status: Mapping[str, str]) -> list[dict[str, object]]:
    """A current submission without a status of its own shows its project's; others their worst finding."""

    def status_in_history(s: Submission) -> str:
        if s.status:
            return s.status
        if s.project_id in status and current.get(s.project_id, Submission(s.project_id)) == s:
            return status[s.project_id]
        return status_of(s.findings)

    return [{"file": s.file, "sha256": s.sha256, "project_id": s.project_id, "version": s.version,
             "received_at": s.received_at, "status": status_in_history(s), "superseded": s.superseded}
            for s in submissions]


def finding_row(f: Finding, file: str, project_id: str,
                layout: WorkbookLayout | None = None) -> dict[str, object]:
    """A `findings` row: the finding's own file, project and cell unless it lacks them (`layout` places
    an engine finding without a cell)."""
    where = finding_cell(layout, f) if layout is not None else None
    sheet, cell = where if where else (f.location.sheet, f.location.cell)
    return {"file": f.location.file or file, "project_id": f.location.project_id or project_id,
            "severity": f.severity.value, "code": f.code, "sheet": sheet, "cell": cell, "message": f.message("zh")}
