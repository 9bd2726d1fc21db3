"""Imports of what the bureau issued: the issuance register and the manifest's projects.

Both are idempotent (importing the same content again changes nothing) and one
transaction each. An issued version never changes: a register row that differs from
the stored one for the same (batch, project, version) is refused. Manifest projects
are upserted; a changed deadline recomputes the late flags of the batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select, update

from perfeval_xl.model import Manifest
from perfeval_xl.manifest.roster import Roster
from perfeval_xl.store.db import Store
from perfeval_xl.store.errors import StoreError
from perfeval_xl.store.models import ImportCounts, RegisterEntry, naive_local
from perfeval_xl.store.ordering import reorder
from perfeval_xl.store.schema import BatchRow, ManifestProjectRow, RegisterRow, SubmissionRow
from perfeval_xl.store.txn import transaction

_REGISTER_FIELDS = ("year", "file_name", "payload_hash", "key_id", "project_json", "profile_json", "formulas",
                    "vba_hash")
_PROJECT_FIELDS = ("name", "unit", "department")


def import_register(store: Store, entries: Iterable[RegisterEntry], run_id: int | None = None) -> ImportCounts:
    """Add the register's issued files; every re-issued version is kept beside the earlier ones."""
    added: set[tuple[str, str, int]] = set()
    unchanged = 0
    with transaction(store, run_id) as tx:
        stored_keys: dict[str, set[tuple[str, str, int]]] = {}  # per batch, read once
        for entry in entries:
            key = (entry.batch_id, entry.project_id, entry.issued_version)
            values = {
                "year": entry.year, "file_name": entry.file_name, "payload_hash": entry.payload_hash,
                "key_id": entry.key_id, "project_json": entry.project.model_dump_json(),
                "profile_json": entry.profile.model_dump_json(), "formulas": dict(entry.formulas),
                "vba_hash": entry.vba_hash,
            }
            if entry.batch_id not in stored_keys:
                stored_keys[entry.batch_id] = {(row.batch_id, row.project_id, row.issued_version) for row in
                                               tx.session.execute(_STORED_KEYS, {"batch_id": entry.batch_id})}
            if key in added or key in stored_keys[entry.batch_id]:
                # Compared with the row as stored (one imported earlier in this call included): a repeat is rare.
                if tx.session.execute(_STORED_VALUES, dict(zip(_KEY, key))).one()._asdict() != values:
                    raise StoreError("STORE_REGISTER_CONFLICT", batch_id=key[0], project_id=key[1],
                                     issued_version=key[2])
                unchanged += 1
                continue
            added.add(key)
            tx.insert(RegisterRow, [{**dict(zip(_KEY, key)), "collector_imported_at": tx.now, **values}])
            tx.audit("register.imported", "register", "/".join(map(str, key)), file_name=entry.file_name,
                     payload_hash=entry.payload_hash)
            if len(added) % _REGISTER_ROWS_HELD == 0:
                tx.flush()  # an entry's row is ~20 KB: held to the end, 10,000 would be 200 MB (and peak RSS stays)
    return ImportCounts(added=len(added), unchanged=unchanged)


_KEY = ("batch_id", "project_id", "issued_version")
_REGISTER_ROWS_HELD = 100
_STORED_KEYS = select(RegisterRow.batch_id, RegisterRow.project_id, RegisterRow.issued_version).where(
    RegisterRow.batch_id == bindparam("batch_id"))
_STORED_VALUES = select(*(getattr(RegisterRow, name) for name in _REGISTER_FIELDS)).where(
    *(getattr(RegisterRow, name) == bindparam(name) for name in _KEY))


def import_manifest_projects(store: Store, manifest: Manifest | Roster, run_id: int | None = None) -> ImportCounts:
    """Record the batch (deadline) and the projects expected back, for late flags and 未报送."""
    batch = manifest.batch
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    with transaction(store, run_id) as tx:
        deadline = naive_local(batch.deadline) if batch.deadline is not None else None
        batch_values = {"year": batch.year, "bureau": batch.bureau, "deadline": deadline}
        stored = tx.session.execute(select(BatchRow.year, BatchRow.bureau, BatchRow.deadline)
                                    .where(BatchRow.batch_id == batch.batch_id)).first()
        if stored is None:
            tx.insert(BatchRow, [{"batch_id": batch.batch_id, **batch_values}])
            tx.audit("batch.recorded", "batches", batch.batch_id, **_jsonable(batch_values))
        elif stored._asdict() != batch_values:
            tx.session.execute(update(BatchRow).where(BatchRow.batch_id == batch.batch_id).values(**batch_values))
            tx.audit("batch.changed", "batches", batch.batch_id, before=_jsonable(stored._asdict()),
                     after=_jsonable(batch_values))
            if stored.deadline != deadline:
                projects = tx.session.execute(select(SubmissionRow.project_id).distinct()
                                              .where(SubmissionRow.batch_id == batch.batch_id)
                                              .order_by(SubmissionRow.project_id)).scalars().all()
                for project_id in projects:
                    reorder(tx, batch.batch_id, project_id)
        existing = {
            row.project_id: row._asdict()
            for row in tx.session.execute(
                select(ManifestProjectRow.project_id, *(getattr(ManifestProjectRow, f) for f in _PROJECT_FIELDS))
                .where(ManifestProjectRow.batch_id == batch.batch_id))
        }
        for project in manifest.projects:
            values = {"name": project.name, "unit": project.unit, "department": project.department}
            before = existing.get(project.id)
            key = f"{batch.batch_id}/{project.id}"
            if before is None:
                tx.insert(ManifestProjectRow, [{"batch_id": batch.batch_id, "project_id": project.id, **values}])
                tx.audit("manifest.project_added", "manifest_projects", key, **values)
                counts["added"] += 1
            elif {f: before[f] for f in _PROJECT_FIELDS} != values:
                tx.session.execute(update(ManifestProjectRow).where(
                    ManifestProjectRow.batch_id == batch.batch_id, ManifestProjectRow.project_id == project.id)
                    .values(**values))
                tx.audit("manifest.project_changed", "manifest_projects", key,
                         before={f: before[f] for f in _PROJECT_FIELDS}, after=values)
                counts["changed"] += 1
            else:
                counts["unchanged"] += 1
    return ImportCounts(**counts)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}
