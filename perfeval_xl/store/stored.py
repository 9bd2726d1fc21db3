"""Reads of what the collector stored: the batch, the issued definitions and profile, the open
findings and the received files (the current figures: figures.py).

What the summary and the feedback are made from when all the bureau has is the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from sqlalchemy import select

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.model import Batch
from perfeval_xl.store.db import Store
from perfeval_xl.store.errors import StoreError
from perfeval_xl.store.queries import findings
from perfeval_xl.store.schema import (
    BatchRow,
    FileRow,
    ManifestProjectRow,
    ReceiptRow,
    RegisterRow,
)

Row = dict[str, Any]

_BATCH = 500  # rows fetched at a time where each row holds a large text


def stored_batch(store: Store, batch_id: str | None = None) -> Batch:
    """The batch `batch_id`, or the only batch of the store; StoreError when there is none to choose."""
    with store.read() as session:
        rows = session.execute(select(BatchRow).order_by(BatchRow.batch_id)).scalars().all()
        known = [row.batch_id for row in rows]
        if not rows:
            raise StoreError("STORE_NO_BATCH")
        if batch_id is None and len(rows) > 1:
            raise StoreError("STORE_BATCH_AMBIGUOUS", batches="、".join(known))
        row = rows[0] if batch_id is None else next((r for r in rows if r.batch_id == batch_id), None)
        if row is None:
            raise StoreError("STORE_BATCH_UNKNOWN", batch_id=batch_id, batches="、".join(known))
        return Batch(year=row.year, batch_id=row.batch_id, bureau=row.bureau, deadline=row.deadline)


def expected_projects(store: Store, batch_id: str) -> list[Row]:
    """The manifest's projects of the batch (project_id, name, unit, department), by id."""
    mp = ManifestProjectRow
    with store.read() as session:
        return [dict(row) for row in session.execute(
            select(mp.project_id, mp.name, mp.unit, mp.department).where(mp.batch_id == batch_id)
            .order_by(mp.project_id)).mappings()]


def issued_project_json(store: Store, batch_id: str, versions: Mapping[str, int | None]) -> Iterator[tuple[str, str]]:
    """(project_id, Project.model_dump_json text) of each registered project's definition as issued: the
    version `versions` names when the register holds it, otherwise the latest. By project id, one text
    at a time (the texts of a large batch are large)."""
    chosen: dict[str, int] = {}
    with store.read() as session:
        for project_id, version in session.execute(
                select(RegisterRow.project_id, RegisterRow.issued_version).where(RegisterRow.batch_id == batch_id)
                .order_by(RegisterRow.project_id, RegisterRow.issued_version)):
            held = chosen.get(project_id)
            if held is None or held != versions.get(project_id):
                chosen[project_id] = version
        for project_id, version, text in session.connection().execute(  # the session would fetch them all at once
                select(RegisterRow.project_id, RegisterRow.issued_version, RegisterRow.project_json)
                .where(RegisterRow.batch_id == batch_id).order_by(RegisterRow.project_id, RegisterRow.issued_version)
                .execution_options(yield_per=_BATCH)):
            if chosen[project_id] == version:
                yield project_id, text


def batch_profile(store: Store, batch_id: str) -> ScoringProfile | None:
    """The scoring rules of the batch: the profile most projects' latest issued forms carry (a batch is
    issued under one profile; a re-issue under other rules counts once per project). None: nothing issued."""
    latest: dict[str, str] = {}
    shared: dict[str, str] = {}  # one copy of each distinct text (a batch has one or a few)
    with store.read() as session:
        for project_id, text in session.connection().execute(
                select(RegisterRow.project_id, RegisterRow.profile_json).where(RegisterRow.batch_id == batch_id)
                .order_by(RegisterRow.project_id, RegisterRow.issued_version).execution_options(yield_per=_BATCH)):
            latest[project_id] = shared.setdefault(text, text)
    if not latest:
        return None
    counts = Counter(latest.values())
    text = min(counts, key=lambda t: (-counts[t], t))
    return ScoringProfile.model_validate_json(text)


def open_findings(store: Store, batch_id: str) -> list[Row]:
    """queries.findings(scope="open") of the batch, plus those of files no project could be read from
    (a corrupt file, a CSV renamed .xlsx): they belong to no batch, so every batch shows them."""
    rows = findings(store, batch_id, "open") + findings(store, None, "open", unread_only=True)
    return sorted(rows, key=lambda row: row["finding_id"])


def received_files(store: Store, hashes: Collection[str]) -> dict[str, Row]:
    """sha256 -> original_name, archive_path, outcome, sender_unit and received_at (the earliest
    receipt-log line naming the file; else "" and the time the collector first saw it)."""
    wanted = set(hashes)
    with store.read() as session:
        files = [dict(row) for row in session.execute(
            select(FileRow.sha256, FileRow.original_name, FileRow.archive_path, FileRow.outcome,
                   FileRow.collector_first_seen_at).order_by(FileRow.seen_seq)).mappings() if row["sha256"] in wanted]
        receipts: dict[str, tuple[str, Any]] = {}
        for sha256, sender, received_at in session.execute(
                select(ReceiptRow.file_sha256, ReceiptRow.sender_unit, ReceiptRow.received_at)
                .order_by(ReceiptRow.received_at, ReceiptRow.id)):
            if sha256 in wanted:
                receipts.setdefault(sha256, (sender, received_at))
    for row in files:
        row["sender_unit"], row["received_at"] = receipts.get(row["sha256"], ("", row["collector_first_seen_at"]))
    return {row["sha256"]: row for row in files}
