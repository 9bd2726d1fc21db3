"""Which version of a project is current: receipt order, history, late and needs-decision flags.

Order of a project's versions: by receipt time from the bureau's receipt log when the
file has one, otherwise by the time the collector first saw the file (a file can only
have been received before the collector saw it); ties, and files seen in one pass,
by the collector's first-seen sequence. The file's modified time is never used.

- The latest version that was not rejected is current (a rejected file is sent back
  and consolidates nothing, so it never displaces an accepted one).
- Every version points to the next non-rejected version after it (superseded_by).
- Two non-rejected versions first seen in the same round, one of them without a
  receipt time, cannot be ordered for certain: when that involves the current
  version, all of them are flagged needs_decision until the bureau decides (or a
  receipt log settles it). A decided version moves after its undecidable peers.
- Late: received (receipt time, else first seen) after the batch deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select, update

from perfeval_xl.store.models import Outcome
from perfeval_xl.store.schema import BatchRow, FileRow, ReceiptRow, SubmissionRow
from perfeval_xl.store.txn import Txn


@dataclass(frozen=True)
class Candidate:
    id: int
    rejected: bool
    receipt_time: dt.datetime | None
    first_seen: dt.datetime
    seen_seq: int
    round_no: int
    decided: bool

    @property
    def received(self) -> dt.datetime:
        return self.receipt_time if self.receipt_time is not None else self.first_seen

    def uncertain_with(self, other: Candidate) -> bool:
        """True when the order of the two is not known for certain."""
        return (not self.rejected and not other.rejected and self.round_no == other.round_no
                and (self.receipt_time is None or other.receipt_time is None))


@dataclass(frozen=True)
class Placement:
    receipt_rank: int
    is_current: bool
    superseded_by: int | None
    needs_decision: bool
    is_late: bool | None
    received_at: dt.datetime | None


def place(candidates: Sequence[Candidate], deadline: dt.datetime | None) -> dict[int, Placement]:
    """Placement of every version of one project (pure)."""
    ordered = sorted(candidates, key=lambda c: (c.received, c.seen_seq, c.id))
    for chosen in [c for c in ordered if c.decided]:
        peers = [c for c in ordered if c is chosen or c.uncertain_with(chosen)]
        if peers[-1] is not chosen:
            ordered.remove(chosen)
            ordered.insert(ordered.index(peers[-1]) + 1, chosen)
    live = [c for c in ordered if not c.rejected]
    current = live[-1] if live else None
    undecided: set[int] = set()
    if current is not None:
        peers = [c for c in live if c is current or c.uncertain_with(current)]
        if len(peers) > 1 and not any(c.decided for c in peers):
            undecided = {c.id for c in peers}
    out: dict[int, Placement] = {}
    for index, cand in enumerate(ordered):
        successor = next((c.id for c in ordered[index + 1:] if not c.rejected), None)
        out[cand.id] = Placement(
            receipt_rank=index + 1,
            is_current=cand is current,
            superseded_by=successor,
            needs_decision=cand.id in undecided,
            is_late=None if deadline is None else cand.received > deadline,
            received_at=cand.receipt_time,
        )
    return out


_FIELDS = ("receipt_rank", "is_current", "superseded_by", "needs_decision", "is_late", "received_at")


def _versions_statement() -> Any:
    sub = SubmissionRow
    mine = (sub.batch_id == bindparam("batch_id"), sub.project_id == bindparam("project_id"))
    files = select(sub.file_sha256).where(*mine)
    first_receipt = (select(ReceiptRow.file_sha256, func.min(ReceiptRow.received_at).label("t"))
                     .where(ReceiptRow.file_sha256.in_(files)).group_by(ReceiptRow.file_sha256).subquery())
    return (select(sub.id, sub.outcome, sub.decided, sub.file_sha256, *(getattr(sub, name) for name in _FIELDS),
                   FileRow.collector_first_seen_at, FileRow.seen_seq, FileRow.first_seen_round,
                   first_receipt.c.t.label("receipt_time"))
            .join(FileRow, FileRow.sha256 == sub.file_sha256)
            .outerjoin(first_receipt, first_receipt.c.file_sha256 == sub.file_sha256)
            .where(*mine))


# Built once: constructing these expressions cost more than running them (once per stored version).
_VERSIONS = _versions_statement()
_DEADLINE = select(BatchRow.deadline).where(BatchRow.batch_id == bindparam("batch_id"))


def reorder(tx: Txn, batch_id: str, project_id: str, fresh: frozenset[int] = frozenset()) -> None:
    """Recompute the placement of a project's versions and write what changed.

    Changes are audited, except on `fresh` submissions (inserted in this transaction,
    whose audit row records their initial placement).
    """
    session = tx.session
    sub = SubmissionRow
    rows = session.execute(_VERSIONS, {"batch_id": batch_id, "project_id": project_id}).all()
    deadline = batch_deadline(tx, batch_id)
    placements = place([
        Candidate(id=row.id, rejected=row.outcome == Outcome.REJECTED, receipt_time=row.receipt_time,
                  first_seen=row.collector_first_seen_at, seen_seq=row.seen_seq, round_no=row.first_seen_round,
                  decided=row.decided)
        for row in rows
    ], deadline)
    changes: list[tuple[int, str, dict[str, Any]]] = []
    for row in rows:
        new = placements[row.id]
        diff = {name: getattr(new, name) for name in _FIELDS if getattr(row, name) != getattr(new, name)}
        if diff:
            changes.append((row.id, row.file_sha256, diff))
    # Clear a current flag before setting another: the partial unique index checks each statement.
    changes.sort(key=lambda change: change[2].get("is_current") is not False)
    where = {"batch_id": batch_id, "project_id": project_id}
    for submission_id, sha256, diff in changes:
        session.execute(update(sub).where(sub.id == submission_id).values(**diff))
        if submission_id not in fresh:
            _audit(tx, str(submission_id), diff, file_sha256=sha256, **where)


def batch_deadline(tx: Txn, batch_id: str) -> dt.datetime | None:
    return tx.remember(("deadline", batch_id),
                       lambda: tx.session.execute(_DEADLINE, {"batch_id": batch_id}).scalar())


def place_only_version(tx: Txn, batch_id: str, candidate: Candidate) -> Placement:
    """The placement of a project's only version, from the values in hand: `reorder` would
    read back just this one candidate."""
    return place([candidate], batch_deadline(tx, batch_id))[candidate.id]


def _audit(tx: Txn, key: str, diff: dict[str, Any], **where: str) -> None:
    if "is_current" in diff:
        tx.audit("submission.current" if diff["is_current"] else "submission.not_current", "submissions", key,
                 **where)
    if "superseded_by" in diff:
        tx.audit("submission.superseded", "submissions", key, superseded_by=diff["superseded_by"], **where)
    if "needs_decision" in diff:
        tx.audit("submission.needs_decision" if diff["needs_decision"] else "submission.decision_settled",
                 "submissions", key, **where)
    if "is_late" in diff:
        tx.audit("submission.late", "submissions", key, is_late=diff["is_late"], **where)
