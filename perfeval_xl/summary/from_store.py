"""The summary from the database alone: `perfeval summary --db URL` needs no other file.

Every figure is the stored one: each current submission's figures are read as stored
(store.figures), not recomputed, so the summary shows what the collector decided. The
project list is the manifest's (manifest_projects) with each project's definition as
issued to it (the register: indicator names, codes, categories), the grade names are
the issued profile's, and findings are the stored codes and parameters in the
catalogue's words.

问题清单 lists the open findings: those of current versions, of rejected returns not
yet replaced, and of files no project could be read from. 提交历史 lists every version;
a version's 收到时间 is its receipt-log time, else when the collector first saw it.

A batch of 10,000 projects holds 140,000 indicator rows: they are read as plain rows
(no ProjectResult or Project models rebuilt) and become records once; pandas is loaded
only when the DataFrames are asked for (summary_data_from_store).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from perfeval_xl.api import indicator_place, level1_scores
from perfeval_xl.findings import Finding
from perfeval_xl.store import Store, submission_history
from perfeval_xl.store.figures import (
    current_heads,
    current_indicator_figures,
    current_level1_groups,
    current_reasons,
)
from perfeval_xl.store.rebuild import finding_from_row
from perfeval_xl.store.stored import (
    batch_profile,
    expected_projects,
    issued_project_json,
    open_findings,
    stored_batch,
)
from perfeval_xl.summary.records import (
    REJECTED,
    FindingRecord,
    HistoryRecord,
    IndicatorRecord,
    MissingRecord,
    ProjectRecord,
    SummaryMeta,
    SummaryRecords,
)
from perfeval_xl.summary.rows import Submission, finding_row, history_rows, status_of

if TYPE_CHECKING:
    from perfeval_xl.summary.data import SummaryData

Row = Mapping[str, Any]


class _Mark(NamedTuple):
    """An issued indicator as the summary shows it."""

    id: str
    code: str | None
    path: tuple[str, ...]
    name: str
    target_text: str
    level1: str  # api.indicator_place
    path_text: str


@dataclass(frozen=True)
class _Definition:
    """What the summary shows of a project's definition as issued."""

    name: str
    unit: str
    department: str
    indicators: tuple[_Mark, ...]


def summary_data_from_store(store: Store, batch_id: str | None = None) -> SummaryData:
    """SummaryData of batch `batch_id` (default: the store's only batch; StoreError otherwise)."""
    from perfeval_xl.summary.data import SummaryData  # pandas: only for those who ask for the frames

    return SummaryData.from_records(summary_records_from_store(store, batch_id))


def summary_records_from_store(store: Store, batch_id: str | None = None) -> SummaryRecords:
    """The summary's records of batch `batch_id` (default: the store's only batch; StoreError otherwise)."""
    batch = stored_batch(store, batch_id)
    bid = batch.batch_id
    profile = batch_profile(store, bid)
    history = submission_history(store, bid)
    current = {row["project_id"]: row for row in history if row["is_current"]}
    # (version or None, finding, file name, project): the rows themselves are large
    opened = [(row["submission_id"], finding_from_row(row), row["original_name"], row["project_id"] or "")
              for row in open_findings(store, bid)]
    own: defaultdict[int, list[Finding]] = defaultdict(list)  # open findings by version
    for sid, finding, _file, _project in opened:
        if sid is not None:
            own[sid].append(finding)
    versions = {row["submission_id"]: _submission(row, own.get(row["submission_id"], ())) for row in history}
    del own
    heads, groups = current_heads(store, bid), current_level1_groups(store, bid)
    figures, reasons = current_indicator_figures(store, bid), current_reasons(store, bid)
    rejected = Counter(s.project_id for s in versions.values() if (s.status or status_of(s.findings)) == REJECTED)
    projects, indicators, findings, missing = [], [], [], []
    for pid, definition in _definitions(store, bid, current):
        sid = current[pid]["submission_id"] if pid in current else None
        head = heads.get(sid) if sid is not None else None
        if head is None:
            missing.append(MissingRecord(pid, definition.name, definition.unit, definition.department,
                                         rejected[pid]))
            continue
        sub = versions[sid]
        findings.extend(FindingRecord(**finding_row(f, sub.file, pid)) for f in sub.findings)
        # Figures and reasons are let go as they go into rows: a batch holds 140,000.
        marks = list(zip(definition.indicators, figures.pop(sid, ())))  # as the engine pairs them: by form order
        projects.append(ProjectRecord(**{
            "project_id": pid, "project_name": definition.name, "unit": definition.unit,
            "department": definition.department, **head,
            "level1": level1_scores(((m.path, m.name, f[5]) for m, f in marks), groups[sid]),
            "findings": len(sub.findings), "status": sub.status or status_of(sub.findings), "version": sub.version,
            "received_at": sub.received_at, "file": sub.file,
        }))
        given = reasons.pop(sid, {})
        indicators.extend(IndicatorRecord(pid, m.id, m.code, m.level1, m.path_text, m.name, f[0], m.target_text,
                                          *f[1:], given.get(m.id)) for m, f in marks)
    shown = {row["submission_id"] for row in current.values()}
    findings += [FindingRecord(**finding_row(f, file, project)) for sid, f, file, project in opened
                 if sid not in shown]
    status = {p.project_id: p.status for p in projects}
    current_versions = {pid: versions[row["submission_id"]] for pid, row in current.items()}
    meta = SummaryMeta(batch.year, bid, batch.bureau,
                       tuple(g.name for g in profile.grades) if profile else SummaryMeta.grades)
    return SummaryRecords(meta, projects, indicators, findings, missing,
                          [HistoryRecord(**row) for row in history_rows(list(versions.values()), current_versions,
                                                                        status)])


def _submission(row: Row, findings: Sequence[Finding]) -> Submission:
    return Submission(
        project_id=row["project_id"], file=row["original_name"], sha256=row["file_sha256"],
        version=row["receipt_rank"], received_at=row["received_at"] or row["collector_first_seen_at"],
        status=row["outcome"], superseded=row["superseded_by"] is not None, findings=tuple(findings),
    )


def _definitions(store: Store, batch_id: str, current: Mapping[str, Row]) -> Iterator[tuple[str, _Definition]]:
    """The manifest's projects, then any other project with a current version, by id, each with its
    definition as issued to the current version (else the latest issued) and the manifest's names."""
    expected = {row["project_id"]: row for row in expected_projects(store, batch_id)}
    issued = dict(_issued(store, batch_id, {pid: row["issued_version"] for pid, row in current.items()}))
    for pid in sorted(expected.keys() | current.keys()):
        definition = issued.get(pid, _Definition("", "", "", ()))
        if pid in expected:
            names = expected[pid]
            definition = _Definition(names["name"], names["unit"], names["department"], definition.indicators)
        yield pid, definition


def _issued(store: Store, batch_id: str, versions: Mapping[str, int | None]) -> Iterator[tuple[str, _Definition]]:
    """The register's definitions, keeping only what the summary shows (the texts are large). Forms
    of one batch repeat their texts and categories: each distinct one is held once."""
    shared: dict[Any, Any] = {}
    share = shared.setdefault  # share(v, v): the copy of v kept
    places: dict[tuple[tuple[str, ...], str], tuple[str, str]] = {}
    for pid, text in issued_project_json(store, batch_id, versions):
        project = json.loads(text)
        marks = []
        for i in project.get("indicators", ()):
            path, name, target = tuple(i.get("path", ())), i["name"], i.get("target_text", "")
            path, name, target = share(path, path), share(name, name), share(target, target)
            place = places.get((path, name)) or places.setdefault((path, name), indicator_place(path, name))
            marks.append(_Mark(i["id"], i.get("code"), path, name, target, *place))
        yield pid, _Definition(project["name"], project["unit"], project["department"], tuple(marks))
