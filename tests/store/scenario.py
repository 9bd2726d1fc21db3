"""A small batch used by the read and export tests: resubmission, rejection, lateness, a missing project."""

from __future__ import annotations

import datetime as dt

from perfeval_xl.findings import Location, finding
from perfeval_xl.model import Batch, Manifest, Project
from perfeval_xl.store import (
    Outcome,
    Store,
    import_manifest_projects,
    ingest_file,
    record_run_finish,
    record_run_start,
    summary_counts,
)
from tests.store.support import BATCH, intake, reason_missing

DEADLINE = dt.datetime(2025, 3, 31, 23, 59, 59)
OVER = finding("OVER_ACHIEVEMENT", Location(sheet="绩效自评表", cell="F13", indicator_id="I02"),
               indicator="=HYPERLINK(\"http://x\")", rate="130%", threshold="1.2")
FORGED = finding("SIGNATURE_INVALID", Location(sheet="_meta"))
UNSIGNED = finding("SIGNATURE_MISSING")


def manifest() -> Manifest:
    projects = tuple(Project(id=f"P00{n}", name=name, unit=unit, department="市财政局")
                     for n, name, unit in [(1, "信息系统运维", "信息中心"), (2, "道路养护", "=cmd|' /C calc'!A0"),
                                           (3, "农田水利", "水务局"), (4, "图书采购", "图书馆")])
    return Manifest(batch=Batch(year=2024, batch_id=BATCH, bureau="某市财政局", deadline=DEADLINE),
                    projects=projects)


def collect(store: Store) -> None:
    """One run over five files; P004 never arrives."""
    import_manifest_projects(store, manifest())
    run_id = record_run_start(store, "collect")
    for received in [
        intake("P001_v1.xlsx", "P001", findings=[OVER], receipts=[("信息中心", "2025-03-01 09:00")]),
        intake("P001_v2.xlsx", "P001", outcome=Outcome.ACCEPTED_WITH_FINDINGS, findings=[reason_missing()],
               scores=("-0.5", "10"), receipts=[("信息中心", "2025-03-03 09:00")]),
        intake("P002.xlsx", "P002", outcome=Outcome.REJECTED, findings=[FORGED],
               receipts=[("道路养护中心", "2025-03-02 09:00")]),
        intake("P003.xlsx", "P003", receipts=[("@水务局", "2025-04-02 16:30")], issued_version=2),
        intake("乱码.xlsx", None, outcome=Outcome.REJECTED, file_findings=[UNSIGNED]),
    ]:
        ingest_file(store, run_id, received)
    record_run_finish(store, run_id, "completed", summary_counts(store))
