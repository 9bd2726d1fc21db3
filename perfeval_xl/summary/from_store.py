"""The summary from the database alone: `perfeval summary --db URL` needs no other file.

Every figure is the stored one. Each current submission's ProjectResult is rebuilt
from the result tables (store.rebuild), not recomputed, so the summary shows what the
collector decided. The project list is the manifest's (manifest_projects) with each
project's definition as issued to it (the register: indicator names, codes, categories),
the grade names are the issued profile's, and findings are the stored codes and
parameters in the catalogue's words.

问题清单 lists the open findings: those of current versions, of rejected returns not
yet replaced, and of files no project could be read from. 提交历史 lists every version;
a version's 收到时间 is its receipt-log time, else when the collector first saw it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from perfeval_xl.findings import Finding
from perfeval_xl.model import Manifest, Project
from perfeval_xl.store import Store, submission_history
from perfeval_xl.store.rebuild import finding_from_row
from perfeval_xl.store.stored import (
    batch_profile,
    current_inputs,
    current_project_results,
    expected_projects,
    issued_projects,
    open_findings,
    stored_batch,
)
from perfeval_xl.summary.data import (
    FINDING_COLUMNS,
    Submission,
    SummaryData,
    finding_row,
    frame,
    summary_data_from_results,
)

Row = Mapping[str, Any]


def summary_data_from_store(store: Store, batch_id: str | None = None) -> SummaryData:
    """SummaryData of batch `batch_id` (default: the store's only batch; StoreError otherwise)."""
    batch = stored_batch(store, batch_id)
    bid = batch.batch_id
    history = submission_history(store, bid)
    current = {row["project_id"]: row for row in history if row["is_current"]}
    open_rows = open_findings(store, bid)
    own: defaultdict[int, list[Finding]] = defaultdict(list)  # open findings by version
    for row in open_rows:
        if row["submission_id"] is not None:
            own[row["submission_id"]].append(finding_from_row(row))
    versions = {row["submission_id"]: _submission(row, own.get(row["submission_id"], ())) for row in history}
    results = current_project_results(store, bid)
    inputs = current_inputs(store, bid)
    profile = batch_profile(store, bid)
    manifest = Manifest(batch=batch, projects=_projects(store, bid, current))
    data = summary_data_from_results(
        manifest,
        {pid: results[row["submission_id"]] for pid, row in current.items() if row["submission_id"] in results},
        inputs={pid: inputs[row["submission_id"]] for pid, row in current.items() if row["submission_id"] in inputs},
        current={pid: versions[row["submission_id"]] for pid, row in current.items()},
        history=list(versions.values()),
        grades=tuple(g.name for g in profile.grades) if profile else None,
    )
    shown = {row["submission_id"] for row in current.values()}
    others = [finding_row(finding_from_row(row), row["original_name"], row["project_id"] or "")
              for row in open_rows if row["submission_id"] not in shown]
    return replace(data, findings=frame([*data.findings.to_dict("records"), *others], FINDING_COLUMNS))


def _submission(row: Row, findings: Sequence[Finding]) -> Submission:
    return Submission(
        project_id=row["project_id"], file=row["original_name"], sha256=row["file_sha256"],
        version=row["receipt_rank"], received_at=row["received_at"] or row["collector_first_seen_at"],
        status=row["outcome"], superseded=row["superseded_by"] is not None, findings=tuple(findings),
    )


def _projects(store: Store, batch_id: str, current: Mapping[str, Row]) -> tuple[Project, ...]:
    """The manifest's projects, then any other project with a current version, each with its
    definition as issued to the current version (else the latest issued) and the manifest's names."""
    issued = issued_projects(store, batch_id, {pid: row["issued_version"] for pid, row in current.items()})
    expected = {row["project_id"]: row for row in expected_projects(store, batch_id)}
    projects = []
    for pid in sorted(expected.keys() | current.keys()):
        names = {k: expected[pid][k] for k in ("name", "unit", "department")} if pid in expected else {}
        definition = issued.get(pid)
        if definition is None:
            projects.append(Project(id=pid, **{"name": "", "unit": "", "department": "", **names}))
        else:
            projects.append(definition.model_copy(update=names))
    return tuple(projects)
