"""The issuance register (every issued version kept) and the manifest's projects (未报送)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from perfeval_xl.model import Batch, Indicator, IndicatorKind, Manifest, Project
from perfeval_xl.store import (
    Outcome,
    RegisterEntry,
    Store,
    StoreError,
    import_manifest_projects,
    import_register,
    ingest_file,
    issued_entry,
    missing_projects,
    record_run_start,
    summary_counts,
)
from perfeval_xl.store.schema import AuditRow, BatchRow, ManifestProjectRow, RegisterRow
from tests.store.support import BATCH, dump, intake


def _project(project_id: str, target: str = "≥24次") -> Project:
    return Project(id=project_id, name=f"项目{project_id}", unit="信息中心", department="财政局",
                   indicators=(Indicator(id="I01", name="巡检次数", path=("产出指标", "数量指标"),
                                         weight=Decimal("10"), kind=IndicatorKind.POSITIVE, target_text=target),))


def _entry(project_id: str, version: int = 1, **changes: object) -> RegisterEntry:
    values = dict(batch_id=BATCH, project_id=project_id, year=2024, issued_version=version,
                  file_name=f"{project_id}_项目.xlsx", payload_hash=f"hash-{project_id}-{version}",
                  key_id="ed25519:0123456789abcdef", project=_project(project_id),
                  formulas={"绩效自评表!H12": "ROUND(MIN(F12/E12,1)*G12,2)"}, vba_hash=None)
    values.update(changes)
    return RegisterEntry.model_validate(values)


def test_register_import_is_idempotent_and_keeps_every_issued_version(store: Store) -> None:
    assert import_register(store, [_entry("P001"), _entry("P002")]).model_dump() == {
        "added": 2, "changed": 0, "unchanged": 0}
    before = dump(store)
    assert import_register(store, [_entry("P001"), _entry("P002")]).model_dump() == {
        "added": 0, "changed": 0, "unchanged": 2}
    assert dump(store) == before

    reissued = _entry("P001", 2, project=_project("P001", "≥30次"), payload_hash="hash-P001-2")
    assert import_register(store, [reissued]).added == 1
    with store.read() as s:
        assert s.execute(select(RegisterRow.project_id, RegisterRow.issued_version, RegisterRow.payload_hash)
                         .order_by(RegisterRow.project_id, RegisterRow.issued_version)).all() == [
            ("P001", 1, "hash-P001-1"), ("P001", 2, "hash-P001-2"), ("P002", 1, "hash-P002-1")]
        assert s.execute(select(AuditRow.action, AuditRow.entity_key).order_by(AuditRow.id)).all() == [
            ("register.imported", f"{BATCH}/P001/1"), ("register.imported", f"{BATCH}/P002/1"),
            ("register.imported", f"{BATCH}/P001/2")]
    latest = issued_entry(store, BATCH, "P001")
    assert latest == reissued
    assert latest is not None and latest.project.indicators[0].target_text == "≥30次"
    assert issued_entry(store, BATCH, "P001", 1) == _entry("P001")
    assert issued_entry(store, BATCH, "P999") is None


def test_an_issued_version_never_changes(store: Store) -> None:
    import_register(store, [_entry("P001")])
    before = dump(store)
    with pytest.raises(StoreError) as caught:
        import_register(store, [_entry("P003"), _entry("P001", payload_hash="forged")])
    assert caught.value.code == "STORE_REGISTER_CONFLICT"
    assert caught.value.message().startswith(
        f"下发登记中项目 P001（批次 {BATCH}）第 1 版的内容与数据库中已登记的不一致")
    assert dump(store) == before  # P003 of the same import was rolled back too


def _manifest(deadline: dt.datetime | None = None, *projects: Project) -> Manifest:
    return Manifest(batch=Batch(year=2024, batch_id=BATCH, bureau="某市财政局", deadline=deadline),
                    projects=projects or (_project("P001"), _project("P002"), _project("P003")))


def test_manifest_projects_are_upserted_and_changes_audited(store: Store) -> None:
    assert import_manifest_projects(store, _manifest()).model_dump() == {"added": 3, "changed": 0, "unchanged": 0}
    before = dump(store)
    assert import_manifest_projects(store, _manifest()).model_dump() == {"added": 0, "changed": 0, "unchanged": 3}
    assert dump(store) == before

    renamed = _project("P002").model_copy(update={"name": "项目P002（更名）"})
    counts = import_manifest_projects(store, _manifest(None, _project("P001"), renamed, _project("P003")))
    assert counts.model_dump() == {"added": 0, "changed": 1, "unchanged": 2}
    with store.read() as s:
        assert s.execute(select(BatchRow.batch_id, BatchRow.year, BatchRow.bureau, BatchRow.deadline)).all() == [
            (BATCH, 2024, "某市财政局", None)]
        assert s.execute(select(ManifestProjectRow.name).where(ManifestProjectRow.project_id == "P002")
                         ).scalar_one() == "项目P002（更名）"
        changed = s.execute(select(AuditRow.detail).where(AuditRow.action == "manifest.project_changed")).scalar_one()
        assert changed == {"before": {"name": "项目P002", "unit": "信息中心", "department": "财政局"},
                           "after": {"name": "项目P002（更名）", "unit": "信息中心", "department": "财政局"}}
        assert s.execute(select(func.count()).select_from(AuditRow)
                         .where(AuditRow.action == "manifest.project_added")).scalar_one() == 3


def test_missing_projects_are_those_without_a_current_version(store: Store) -> None:
    import_manifest_projects(store, _manifest(dt.datetime(2025, 3, 31, 23, 59, 59)))
    run_id = record_run_start(store, "collect")
    ingest_file(store, run_id, intake("P001.xlsx", "P001"))
    ingest_file(store, run_id, intake("P002.xlsx", "P002", outcome=Outcome.REJECTED))
    assert missing_projects(store) == [
        {"batch_id": BATCH, "project_id": "P002", "name": "项目P002", "unit": "信息中心", "department": "财政局",
         "rejected_versions": 1},
        {"batch_id": BATCH, "project_id": "P003", "name": "项目P003", "unit": "信息中心", "department": "财政局",
         "rejected_versions": 0},
    ]
    assert missing_projects(store, "other batch") == []
    assert summary_counts(store, BATCH).missing == 2
