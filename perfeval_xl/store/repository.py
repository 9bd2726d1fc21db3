"""Writes: run records, received files with their submissions, and the bureau's decisions.

Every function here is one transaction (the plural ones: one for all the items given). Call them only while holding the collector
lock (lock.CollectorLock): ids are assigned as max + 1 and an unfinished run is
taken to be an interrupted one.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, func, select, update

from perfeval_xl.store.db import Store
from perfeval_xl.store.errors import StoreError
from perfeval_xl.store.models import (
    FileIntake,
    IngestAction,
    IngestResult,
    Outcome,
    Receipt,
    RunStatus,
    SubmissionIntake,
    SummaryCounts,
)
from perfeval_xl.store.ordering import Candidate, Placement, place_only_version, reorder
from perfeval_xl.store.rows import distinct_findings, finding_row, fund_rows, group_rows, indicator_rows, project_row
from perfeval_xl.store.schema import (
    FileRow,
    FindingRow,
    FundResultRow,
    GroupResultRow,
    IndicatorResultRow,
    ProjectResultRow,
    ReceiptRow,
    RunFileRow,
    RunRow,
    SubmissionRow,
)
from perfeval_xl.store.txn import Txn, transaction

# Statements run once per stored version, built once (building them cost more than running them).
_ROUND = select(RunRow.round_no).where(RunRow.id == bindparam("run_id"))
_RECORDED = select(SubmissionRow.batch_id, SubmissionRow.project_id, SubmissionRow.file_sha256,
                   SubmissionRow.outcome, SubmissionRow.issued_version, SubmissionRow.receipt_rank,
                   SubmissionRow.is_current, SubmissionRow.needs_decision, SubmissionRow.is_late
                   ).where(SubmissionRow.id == bindparam("submission_id"))
# A version `reorder` places after its insert.
_UNPLACED = Placement(receipt_rank=0, is_current=False, superseded_by=None, needs_decision=False, is_late=None,
                      received_at=None)
_DECIDED = select(SubmissionRow.id).where(SubmissionRow.batch_id == bindparam("batch_id"),
                                          SubmissionRow.project_id == bindparam("project_id"), SubmissionRow.decided)

# --- runs ---------------------------------------------------------------------------


def record_run_start(store: Store, command: str, args: Mapping[str, Any] | None = None) -> int:
    """Open a run record and return its id.

    A run left `running` can only be one that was killed (the caller holds the lock): it
    is marked `interrupted`, and the new run continues its round. After a completed run
    a new round begins. Rounds decide which versions were "first seen in one run".
    """
    with transaction(store, None) as tx:
        last = tx.session.execute(
            select(RunRow.round_no, RunRow.status).order_by(RunRow.id.desc()).limit(1)).first()
        tx.session.execute(update(RunRow).where(RunRow.status == "running").values(status="interrupted"))
        if last is None:
            round_no = 1
        else:
            round_no = last.round_no + 1 if last.status == "completed" else last.round_no
        run_id = tx.new_ids(RunRow.id)
        tx.insert(RunRow, [{
            "id": run_id, "round_no": round_no, "command": command, "args": dict(args or {}),
            "status": "running", "actor": store.actor, "host": socket.gethostname(), "pid": os.getpid(),
            "counts": None, "collector_started_at": tx.now, "collector_finished_at": None,
        }])
    return run_id


def record_run_finish(store: Store, run_id: int, status: RunStatus = "completed",
                      counts: SummaryCounts | None = None) -> None:
    """Close a run record with its status and closing summary."""
    with transaction(store, run_id) as tx:
        tx.session.execute(update(RunRow).where(RunRow.id == run_id).values(
            status=status, collector_finished_at=tx.now,
            counts=counts.model_dump() if counts is not None else None))


# --- received files -----------------------------------------------------------------


def file_known(store: Store, sha256: str) -> bool:
    """True when this content is already stored (the collector then skips the intake)."""
    with store.read() as session:
        return session.get(FileRow, sha256) is not None


def known_hashes(store: Store) -> set[str]:
    """Every stored file's SHA-256: one query instead of one per file."""
    with store.read() as session:
        return set(session.execute(select(FileRow.sha256)).scalars())


def ingest_file(store: Store, run_id: int, intake: FileIntake) -> IngestResult:
    """Store one received file with its submissions, results, findings and audit rows, in one transaction.

    Idempotent by content hash: a file already stored changes nothing except that new
    receipt-log rows naming it are added (and the order of its project's versions
    recomputed). Either everything of the file is stored or nothing is.
    """
    return ingest_files(store, run_id, [intake])[0]


def ingest_files(store: Store, run_id: int, intakes: Sequence[FileIntake]) -> list[IngestResult]:
    """`ingest_file` for several files in one transaction (in order): all of them are stored or none."""
    results = []
    with transaction(store, run_id) as tx:
        stored = _stored_among(tx, [intake.file.sha256 for intake in intakes])
        versioned = _projects_with_versions(tx, {(sub.batch_id or "", sub.project_id)
                                                 for intake in intakes for sub in intake.submissions})
        for intake in intakes:
            sha256 = intake.file.sha256
            if sha256 in stored:
                known = _KnownFiles(tx, [sha256])
                results.append(_note_known(tx, known, sha256, intake.file.original_name, intake.receipts))
                continue
            ids = _store_new(tx, intake, versioned)
            stored.add(sha256)  # the same content twice in one chunk: the second is known
            _run_file(tx, sha256, intake.file.original_name, "new")
            results.append(IngestResult(sha256=sha256, action="new", submission_ids=ids))
    return results


def record_known_file(store: Store, run_id: int, sha256: str, file_name: str,
                      receipts: Iterable[Receipt] = ()) -> IngestResult:
    """Note that this run met an already stored file again (adding any new receipts)."""
    return record_known_files(store, run_id, [(sha256, file_name, tuple(receipts))])[0]


def record_known_files(store: Store, run_id: int,
                       files: Sequence[tuple[str, str, tuple[Receipt, ...]]]) -> list[IngestResult]:
    """`record_known_file` for (sha256, file name, receipts) of several files, in one transaction."""
    with transaction(store, run_id) as tx:
        known = _KnownFiles(tx, [sha256 for sha256, _, _ in files])
        return [_note_known(tx, known, sha256, file_name, receipts) for sha256, file_name, receipts in files]


def decide_current(store: Store, submission_id: int, run_id: int | None = None) -> None:
    """The bureau's choice among versions flagged needs_decision: make this one current."""
    with transaction(store, run_id) as tx:
        row = tx.session.execute(
            select(SubmissionRow.batch_id, SubmissionRow.project_id, SubmissionRow.needs_decision)
            .where(SubmissionRow.id == submission_id)).first()
        if row is None:
            raise StoreError("STORE_NOT_FOUND", submission_id=submission_id)
        if not row.needs_decision:
            raise StoreError("STORE_DECISION_NOT_NEEDED", submission_id=submission_id, project_id=row.project_id)
        tx.session.execute(update(SubmissionRow).where(SubmissionRow.id == submission_id).values(decided=True))
        tx.audit("submission.decided", "submissions", str(submission_id),
                 batch_id=row.batch_id, project_id=row.project_id)
        reorder(tx, row.batch_id, row.project_id)


_IN_LIMIT = 500  # values per IN (...): well inside SQLite's and PostgreSQL's parameter limits


def _in_parts(values: Iterable[str]) -> Iterator[list[str]]:
    """The distinct values, sorted, a query's IN list at a time."""
    wanted = sorted(set(values))
    for start in range(0, len(wanted), _IN_LIMIT):
        yield wanted[start:start + _IN_LIMIT]


def _stored_among(tx: Txn, hashes: Iterable[str]) -> set[str]:
    stored: set[str] = set()
    for part in _in_parts(hashes):
        stored.update(tx.session.execute(select(FileRow.sha256).where(FileRow.sha256.in_(part))).scalars())
    return stored


class _KnownFiles:
    """What noting stored files again needs, read in two queries for all of them."""

    def __init__(self, tx: Txn, hashes: Sequence[str]) -> None:
        self.receipts: dict[str, set[tuple[Any, ...]]] = {sha256: set() for sha256 in hashes}
        self.submissions: dict[str, list[Any]] = {}
        for part in _in_parts(hashes):
            stored = _stored_among(tx, part)
            if len(stored) < len(part):
                raise ValueError(f"file {min(set(part) - stored)} is not stored; use ingest_file")
            for row in tx.session.execute(
                    select(ReceiptRow.file_sha256, ReceiptRow.file_name, ReceiptRow.sender_unit,
                           ReceiptRow.received_at).where(ReceiptRow.file_sha256.in_(part))):
                self.receipts[row.file_sha256].add((row.file_name, row.sender_unit, row.received_at))
            for row in tx.session.execute(
                    select(SubmissionRow.id, SubmissionRow.batch_id, SubmissionRow.project_id,
                           SubmissionRow.file_sha256).where(SubmissionRow.file_sha256.in_(part))
                    .order_by(SubmissionRow.id)):
                self.submissions.setdefault(row.file_sha256, []).append(row)


def _note_known(tx: Txn, known: _KnownFiles, sha256: str, file_name: str,
                receipts: Iterable[Receipt]) -> IngestResult:
    added = _add_receipts(tx, sha256, receipts, known.receipts[sha256])
    projects = known.submissions.get(sha256, [])
    if added:
        for row in projects:
            reorder(tx, row.batch_id, row.project_id)
    action: IngestAction = "receipt" if added else "known"
    _run_file(tx, sha256, file_name, action)
    return IngestResult(sha256=sha256, action=action, submission_ids=tuple(row.id for row in projects))


def _add_receipts(tx: Txn, sha256: str, receipts: Iterable[Receipt], stored: set[tuple[Any, ...]]) -> int:
    """Add the receipts not in `stored` (the file's stored receipt keys, updated here)."""
    added = 0
    for receipt in receipts:
        key = (receipt.file_name, receipt.sender_unit, receipt.received_at)
        if key in stored:
            continue
        stored.add(key)
        receipt_id = tx.new_ids(ReceiptRow.id)
        tx.insert(ReceiptRow, [{"id": receipt_id, "file_sha256": sha256, "file_name": receipt.file_name,
                                "sender_unit": receipt.sender_unit, "received_at": receipt.received_at}])
        tx.audit("receipt.recorded", "receipts", str(receipt_id), file_sha256=sha256, file_name=receipt.file_name,
                 sender_unit=receipt.sender_unit, received_at=receipt.received_at.isoformat())
        added += 1
    return added


def _store_new(tx: Txn, intake: FileIntake, versioned: set[tuple[str, str]]) -> tuple[int, ...]:
    """Store a new file; `versioned` holds the (batch, project) pairs with a stored version (updated here)."""
    received = intake.file
    round_no = tx.remember(("round", tx.run_id), lambda: tx.session.execute(_ROUND, {"run_id": tx.run_id}).scalar())
    if round_no is None:
        raise ValueError(f"run {tx.run_id} is not recorded; call record_run_start first")
    seen_seq = tx.new_ids(FileRow.seen_seq)
    tx.insert(FileRow, [{
        "sha256": received.sha256, "size": received.size, "format": received.format,
        "original_name": received.original_name, "archive_path": received.archive_path,
        "outcome": intake.outcome.value, "seen_seq": seen_seq, "first_seen_round": round_no,
        "collector_first_seen_at": tx.now,
    }])
    tx.audit("file.received", "files", received.sha256, original_name=received.original_name,
             size=received.size, outcome=intake.outcome.value)
    _add_receipts(tx, received.sha256, intake.receipts, set())  # a new file has no receipts yet
    receipt_time = min((r.received_at for r in intake.receipts), default=None)
    stored: list[tuple[int, SubmissionIntake, Placement | None]] = []
    for sub in intake.submissions:
        key = (sub.batch_id or "", sub.project_id)
        submission_id = tx.new_ids(SubmissionRow.id)
        placement = None
        if key not in versioned:  # its project's only version: placed without reading anything back
            placement = place_only_version(tx, key[0], Candidate(
                id=submission_id, rejected=sub.outcome is Outcome.REJECTED, receipt_time=receipt_time,
                first_seen=tx.now, seen_seq=seen_seq, round_no=round_no, decided=False))
            versioned.add(key)
        _store_submission(tx, received.sha256, sub, submission_id, placement)
        stored.append((submission_id, sub, placement))
    ids = tuple(submission_id for submission_id, _, _ in stored)
    _store_findings(tx, received.sha256, None, intake.findings)
    fresh = frozenset(ids)
    for _, sub, placement in stored:
        if placement is None:
            if sub.outcome is not Outcome.REJECTED:
                _reset_decisions(tx, sub.batch_id or "", sub.project_id)
            reorder(tx, sub.batch_id or "", sub.project_id, fresh)
    for submission_id, sub, placement in stored:
        _audit_recorded(tx, submission_id, received.sha256, sub, placement)
    return ids


def _projects_with_versions(tx: Txn, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for part in _in_parts(project_id for _, project_id in keys):
        found.update(tuple(row) for row in tx.session.execute(
            select(SubmissionRow.batch_id, SubmissionRow.project_id).distinct()
            .where(SubmissionRow.project_id.in_(part))))
    return found & keys


def _reset_decisions(tx: Txn, batch_id: str, project_id: str) -> None:
    """A new version reopens the bureau's earlier choice for the project (it may be undecidable too)."""
    decided = tx.session.execute(_DECIDED, {"batch_id": batch_id, "project_id": project_id}).scalars().all()
    for submission_id in decided:
        tx.session.execute(update(SubmissionRow).where(SubmissionRow.id == submission_id).values(decided=False))
        tx.audit("submission.decision_reset", "submissions", str(submission_id), batch_id=batch_id,
                 project_id=project_id)


def _store_submission(tx: Txn, sha256: str, sub: SubmissionIntake, submission_id: int,
                      placement: Placement | None) -> None:
    """Insert a version: placed already when it is its project's only one, else by `reorder` afterwards."""
    where = placement or _UNPLACED
    tx.insert(SubmissionRow, [{
        "id": submission_id, "file_sha256": sha256, "project_id": sub.project_id, "batch_id": sub.batch_id or "",
        "issued_version": sub.issued_version, "outcome": sub.outcome.value,
        "inputs_json": sub.inputs_json,
        "received_at": where.received_at, "receipt_rank": where.receipt_rank, "is_late": where.is_late,
        "is_current": where.is_current, "superseded_by": where.superseded_by,
        "needs_decision": where.needs_decision, "decided": False,
    }])
    result = sub.result
    if result is not None:
        tx.insert(ProjectResultRow, [project_row(submission_id, result)])
        tx.insert(FundResultRow, fund_rows(submission_id, result))
        tx.insert(GroupResultRow, group_rows(submission_id, result))
        tx.insert(IndicatorResultRow, indicator_rows(submission_id, result))
    _store_findings(tx, sha256, submission_id, distinct_findings(
        sub.findings, result.findings if result is not None else ()))


def _store_findings(tx: Txn, sha256: str, submission_id: int | None, findings: Iterable[Any]) -> None:
    items = list(findings)
    if not items:
        return
    first = tx.new_ids(FindingRow.id, len(items))
    tx.insert(FindingRow, [finding_row(first + offset, sha256, submission_id, item)
                           for offset, item in enumerate(items)])


def _audit_recorded(tx: Txn, submission_id: int, sha256: str, sub: SubmissionIntake,
                    placement: Placement | None) -> None:
    if placement is None:
        detail = tx.session.execute(_RECORDED, {"submission_id": submission_id}).one()._asdict()
    else:  # the columns of _RECORDED, in its order, as just inserted
        detail = {"batch_id": sub.batch_id or "", "project_id": sub.project_id, "file_sha256": sha256,
                  "outcome": sub.outcome.value, "issued_version": sub.issued_version,
                  "receipt_rank": placement.receipt_rank, "is_current": placement.is_current,
                  "needs_decision": placement.needs_decision, "is_late": placement.is_late}
    tx.audit("submission.recorded", "submissions", str(submission_id), **detail)


def _run_file(tx: Txn, sha256: str, file_name: str, action: IngestAction) -> None:
    position = tx.next_value("run_files.position", lambda: (tx.session.execute(
        select(func.max(RunFileRow.position)).where(RunFileRow.run_id == tx.run_id)).scalar() or 0) + 1)
    tx.insert(RunFileRow, [{"run_id": tx.run_id, "position": position, "file_sha256": sha256,
                            "file_name": file_name, "action": action}])
