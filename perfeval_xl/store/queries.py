"""Reads: current results, indicator and group rows, findings, history, 未报送, closing counts.

Row queries return lists of plain dicts whose keys are the query's COLUMNS, in that
order; numbers come back as Decimal (never float). frames.py turns them into
DataFrames and exports.py into CSV files. `batch_id=None` means every batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal, TypeVar

from sqlalchemy import Select, and_, exists, func, not_, or_, select, true
from sqlalchemy.orm import Session, aliased

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.model import Project
from perfeval_xl.store.db import Store
from perfeval_xl.store.models import Outcome, RegisterEntry, SummaryCounts
from perfeval_xl.store.schema import (
    BatchRow,
    FileRow,
    FindingRow,
    GroupResultRow,
    IndicatorResultRow,
    ManifestProjectRow,
    ProjectResultRow,
    ReceiptRow,
    RegisterRow,
    RunRow,
    SubmissionRow,
)

Row = dict[str, Any]
Sub = SubmissionRow

RESULT_COLUMNS = (
    "batch_id", "project_id", "project_name", "unit", "department", "submission_id", "file_sha256", "original_name",
    "sender_unit", "received_at", "receipt_rank", "versions", "is_late", "needs_decision", "outcome",
    "issued_version", "total", "grade", "unfilled", "initial_budget", "annual_budget", "received", "executed",
    "balance", "arrival_rate", "execution_rate", "evaluator_count", "evaluator_mean", "evaluator_min",
    "evaluator_max",
)
INDICATOR_COLUMNS = (
    "batch_id", "project_id", "submission_id", "position", "indicator_id", "kind", "weight", "target", "actual",
    "rate", "score", "band", "met", "not_applicable",
)
GROUP_COLUMNS = (
    "batch_id", "project_id", "submission_id", "position", "path", "level", "name", "code", "weight", "score", "rate",
)
FINDING_COLUMNS = (
    "finding_id", "batch_id", "project_id", "submission_id", "file_sha256", "original_name", "file_outcome", "code",
    "severity", "sheet", "cell", "cell_row", "cell_column", "indicator_id", "field", "params",
)
HISTORY_COLUMNS = (
    "submission_id", "batch_id", "project_id", "receipt_rank", "file_sha256", "original_name", "sender_unit",
    "received_at", "collector_first_seen_at", "seen_seq", "first_seen_round", "outcome", "issued_version",
    "is_current", "superseded_by", "needs_decision", "decided", "is_late", "total", "grade",
)
MISSING_COLUMNS = ("batch_id", "project_id", "name", "unit", "department", "rejected_versions")

_RESULT_FIELDS = RESULT_COLUMNS[RESULT_COLUMNS.index("total"):]


_S = TypeVar("_S", bound=Select)


def _in_batch(stmt: _S, batch_id: str | None) -> _S:
    return stmt if batch_id is None else stmt.where(Sub.batch_id == batch_id)


def _first_receipts(session: Session, hashes: Iterable[str]) -> dict[str, tuple[str, dt.datetime]]:
    """Each file's earliest receipt: (sender unit, time)."""
    wanted = set(hashes)
    out: dict[str, tuple[str, dt.datetime]] = {}
    if not wanted:
        return out
    rows = session.execute(select(ReceiptRow.file_sha256, ReceiptRow.sender_unit, ReceiptRow.received_at)
                           .order_by(ReceiptRow.received_at, ReceiptRow.id))
    for sha256, sender, received_at in rows:
        if sha256 in wanted and sha256 not in out:
            out[sha256] = (sender, received_at)
    return out


def current_results(store: Store, batch_id: str | None = None) -> list[Row]:
    """One row per project with a current version: who sent it, when, and its scores."""
    versions = (select(Sub.batch_id, Sub.project_id, func.count().label("versions"))
                .group_by(Sub.batch_id, Sub.project_id).subquery())
    stmt = _in_batch(
        select(Sub.batch_id, Sub.project_id, ManifestProjectRow.name.label("project_name"), ManifestProjectRow.unit,
               ManifestProjectRow.department, Sub.id.label("submission_id"), Sub.file_sha256, FileRow.original_name,
               Sub.received_at, Sub.receipt_rank, versions.c.versions, Sub.is_late, Sub.needs_decision, Sub.outcome,
               Sub.issued_version, *(getattr(ProjectResultRow, name) for name in _RESULT_FIELDS))
        .join(FileRow, FileRow.sha256 == Sub.file_sha256)
        .join(versions, and_(versions.c.batch_id == Sub.batch_id, versions.c.project_id == Sub.project_id))
        .outerjoin(ProjectResultRow, ProjectResultRow.submission_id == Sub.id)
        .outerjoin(ManifestProjectRow, and_(ManifestProjectRow.batch_id == Sub.batch_id,
                                            ManifestProjectRow.project_id == Sub.project_id))
        .where(Sub.is_current)
        .order_by(Sub.batch_id, Sub.project_id), batch_id)
    with store.read() as session:
        rows = [dict(row) for row in session.execute(stmt).mappings()]
        senders = _first_receipts(session, (row["file_sha256"] for row in rows))
    for row in rows:
        row["sender_unit"] = senders.get(row["file_sha256"], ("", None))[0]
    return [{name: row[name] for name in RESULT_COLUMNS} for row in rows]


def indicator_rows(store: Store, batch_id: str | None = None, current_only: bool = True) -> list[Row]:
    """Indicator results, of current versions only unless `current_only` is False."""
    ind = IndicatorResultRow
    stmt = _in_batch(
        select(Sub.batch_id, Sub.project_id, ind.submission_id, ind.position, ind.indicator_id, ind.kind, ind.weight,
               ind.target, ind.actual, ind.rate, ind.score, ind.band, ind.met, ind.not_applicable)
        .join(Sub, Sub.id == ind.submission_id)
        .order_by(Sub.batch_id, Sub.project_id, ind.submission_id, ind.position), batch_id)
    if current_only:
        stmt = stmt.where(Sub.is_current)
    with store.read() as session:
        return [dict(row) for row in session.execute(stmt).mappings()]


def group_rows(store: Store, batch_id: str | None = None, current_only: bool = True) -> list[Row]:
    """Subtotals of the indicator tree (path joined with " / ")."""
    grp = GroupResultRow
    stmt = _in_batch(
        select(Sub.batch_id, Sub.project_id, grp.submission_id, grp.position, grp.path, grp.level, grp.name,
               grp.code, grp.weight, grp.score, grp.rate)
        .join(Sub, Sub.id == grp.submission_id)
        .order_by(Sub.batch_id, Sub.project_id, grp.submission_id, grp.position), batch_id)
    if current_only:
        stmt = stmt.where(Sub.is_current)
    with store.read() as session:
        rows = [dict(row) for row in session.execute(stmt).mappings()]
    for row in rows:
        row["path"] = " / ".join(row["path"])
    return rows


def _open(sub: Any) -> Any:
    """A version that needs looking at: the current one, or a rejected one nothing has replaced."""
    return or_(sub.is_current, and_(sub.outcome == Outcome.REJECTED.value, sub.superseded_by.is_(None)))


def findings(store: Store, batch_id: str | None = None, scope: Literal["open", "all"] = "open", *,
             unread_only: bool = False) -> list[Row]:
    """Findings; scope "open": those of current versions, of rejected files not yet replaced, and of
    files no project could be read from (`unread_only`: only the latter)."""
    own = aliased(Sub)
    stmt = (
        select(FindingRow.id.label("finding_id"), Sub.batch_id, func.coalesce(Sub.project_id, FindingRow.project_id)
               .label("project_id"), FindingRow.submission_id, FindingRow.file_sha256, FileRow.original_name,
               FileRow.outcome.label("file_outcome"), FindingRow.code, FindingRow.severity, FindingRow.sheet,
               FindingRow.cell, FindingRow.cell_row, FindingRow.cell_column, FindingRow.indicator_id,
               FindingRow.field, FindingRow.params)
        .join(FileRow, FileRow.sha256 == FindingRow.file_sha256)
        .outerjoin(Sub, Sub.id == FindingRow.submission_id)
        .order_by(FileRow.seen_seq, FindingRow.id)
    )
    file_level = FindingRow.submission_id.is_(None)
    in_batch = true() if batch_id is None else own.batch_id == batch_id
    if scope == "open":
        open_file = exists(select(own.id).where(own.file_sha256 == FindingRow.file_sha256, _open(own), in_batch))
        unread = not_(exists(select(own.id).where(own.file_sha256 == FindingRow.file_sha256)))
        file_ok = or_(open_file, unread) if batch_id is None else open_file
        stmt = stmt.where(or_(and_(file_level, file_ok), and_(not_(file_level), _open(Sub))))
    if unread_only:
        stmt = stmt.where(not_(exists(select(own.id).where(own.file_sha256 == FindingRow.file_sha256))))
    if batch_id is not None:
        stmt = stmt.where(or_(Sub.batch_id == batch_id, and_(file_level, exists(
            select(own.id).where(own.file_sha256 == FindingRow.file_sha256, own.batch_id == batch_id)))))
    with store.read() as session:  # the connection: the ORM's row handling doubles the cost of plain rows
        return [{name: row[name] for name in FINDING_COLUMNS}
                for row in session.connection().execute(stmt).mappings()]


def submission_history(store: Store, batch_id: str | None = None, project_id: str | None = None) -> list[Row]:
    """Every version of every project, in receipt order, with what became of it."""
    stmt = _in_batch(
        select(Sub.id.label("submission_id"), Sub.batch_id, Sub.project_id, Sub.receipt_rank, Sub.file_sha256,
               FileRow.original_name, Sub.received_at, FileRow.collector_first_seen_at, FileRow.seen_seq,
               FileRow.first_seen_round, Sub.outcome, Sub.issued_version, Sub.is_current, Sub.superseded_by,
               Sub.needs_decision, Sub.decided, Sub.is_late, ProjectResultRow.total, ProjectResultRow.grade)
        .join(FileRow, FileRow.sha256 == Sub.file_sha256)
        .outerjoin(ProjectResultRow, ProjectResultRow.submission_id == Sub.id)
        .order_by(Sub.batch_id, Sub.project_id, Sub.receipt_rank), batch_id)
    if project_id is not None:
        stmt = stmt.where(Sub.project_id == project_id)
    with store.read() as session:
        rows = [dict(row) for row in session.execute(stmt).mappings()]
        senders = _first_receipts(session, (row["file_sha256"] for row in rows))
    for row in rows:
        row["sender_unit"] = senders.get(row["file_sha256"], ("", None))[0]
    return [{name: row[name] for name in HISTORY_COLUMNS} for row in rows]


def missing_projects(store: Store, batch_id: str | None = None) -> list[Row]:
    """未报送: manifest projects without a current version (rejected_versions: returns sent back)."""
    mp = ManifestProjectRow
    same = and_(Sub.batch_id == mp.batch_id, Sub.project_id == mp.project_id)
    rejected = (select(func.count()).where(same, Sub.outcome == Outcome.REJECTED.value)
                .correlate(mp).scalar_subquery())
    stmt = (select(mp.batch_id, mp.project_id, mp.name, mp.unit, mp.department,
                   rejected.label("rejected_versions"))
            .where(not_(exists(select(Sub.id).where(same, Sub.is_current))))
            .order_by(mp.batch_id, mp.project_id))
    if batch_id is not None:
        stmt = stmt.where(mp.batch_id == batch_id)
    with store.read() as session:
        return [dict(row) for row in session.execute(stmt).mappings()]


def summary_counts(store: Store, batch_id: str | None = None) -> SummaryCounts:
    """The closing summary over the whole store (or one batch)."""
    files = select(FileRow.outcome, func.count()).group_by(FileRow.outcome)
    if batch_id is not None:
        files = files.where(exists(select(Sub.id).where(Sub.file_sha256 == FileRow.sha256, Sub.batch_id == batch_id)))
    with store.read() as session:
        by_outcome = {outcome: count for outcome, count in session.execute(files)}
        superseded = session.execute(_in_batch(select(func.count()).select_from(Sub).where(
            Sub.superseded_by.is_not(None), Sub.outcome != Outcome.REJECTED.value), batch_id)).scalar_one()
        late = session.execute(_in_batch(select(func.count()).select_from(Sub).where(Sub.is_late.is_(True)), batch_id)
                               ).scalar_one()
        undecided = session.execute(_in_batch(select(func.count()).select_from(Sub).where(
            Sub.needs_decision, Sub.is_current), batch_id)).scalar_one()
    return SummaryCounts(
        received=sum(by_outcome.values()),
        accepted=by_outcome.get(Outcome.ACCEPTED.value, 0),
        accepted_with_findings=by_outcome.get(Outcome.ACCEPTED_WITH_FINDINGS.value, 0),
        rejected=by_outcome.get(Outcome.REJECTED.value, 0),
        superseded=superseded,
        late=late,
        missing=len(missing_projects(store, batch_id)),
        needs_decision=undecided,
    )


def issued_entry(store: Store, batch_id: str, project_id: str, issued_version: int | None = None
                 ) -> RegisterEntry | None:
    """The register's entry for a project (its latest issued version unless one is named)."""
    stmt = (select(RegisterRow).where(RegisterRow.batch_id == batch_id, RegisterRow.project_id == project_id)
            .order_by(RegisterRow.issued_version.desc()).limit(1))
    if issued_version is not None:
        stmt = stmt.where(RegisterRow.issued_version == issued_version)
    with store.read() as session:
        row = session.execute(stmt).scalar()
        if row is None:
            return None
        return RegisterEntry(
            batch_id=row.batch_id, project_id=row.project_id, year=row.year, issued_version=row.issued_version,
            file_name=row.file_name, payload_hash=row.payload_hash, key_id=row.key_id,
            project=Project.model_validate_json(row.project_json),
            profile=ScoringProfile.model_validate_json(row.profile_json), formulas=row.formulas, vba_hash=row.vba_hash,
        )


def register_hashes(store: Store, batch_id: str) -> dict[tuple[str, int], str]:
    """(project id, issued version) → payload hash of every stored register entry of a batch."""
    with store.read() as session:
        return {(row.project_id, row.issued_version): row.payload_hash for row in session.execute(
            select(RegisterRow.project_id, RegisterRow.issued_version, RegisterRow.payload_hash)
            .where(RegisterRow.batch_id == batch_id))}


def last_completed_run(store: Store, command: str) -> dict[str, Any] | None:
    """The arguments of the newest run of `command` if it completed (None when it was interrupted)."""
    with store.read() as session:
        row = session.execute(select(RunRow.args, RunRow.status).where(RunRow.command == command)
                              .order_by(RunRow.id.desc()).limit(1)).first()
        return row.args if row is not None and row.status == "completed" else None


def batch_year(store: Store, batch_id: str) -> int | None:
    with store.read() as session:
        return session.execute(select(BatchRow.year).where(BatchRow.batch_id == batch_id)).scalar()
