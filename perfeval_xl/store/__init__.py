"""The collector's store: archive, database, single-instance lock, reads, pandas API and CSV exports.

A library the collector calls; it reads no workbooks itself. Typical use:

    killpoints = KillPoints.from_env()
    store = open_store("sqlite:///collect/perfeval.db", killpoints=killpoints)
    archive = Archive(Path("collect/archive"), killpoints=killpoints)
    with CollectorLock(store, archive.root):
        archive.clean_incoming()
        run_id = record_run_start(store, "collect", {"folder": "returns"})
        import_manifest_projects(store, manifest, run_id)
        import_register(store, register_entries, run_id)
        for path in sorted(files):
            archived = archive.put(path)
            if file_known(store, archived.sha256):
                record_known_file(store, run_id, archived.sha256, path.name, receipts_for(path))
            else:
                ingest_file(store, run_id, intake_of(archived))   # intake reads archived.path
        record_run_finish(store, run_id, "completed", summary_counts(store))
        export_results(store, out / "results.csv", killpoints=killpoints)

`frames` (pandas) is imported on demand: `from perfeval_xl.store import frames`.
"""

from perfeval_xl.store.archive import Archive, ArchivedFile, sha256_file
from perfeval_xl.store.atomic import atomic_writer, write_atomic
from perfeval_xl.store.db import Store, open_store
from perfeval_xl.store.errors import LockBusy, StoreError
from perfeval_xl.store.exports import export_findings, export_results
from perfeval_xl.store.imports import import_manifest_projects, import_register
from perfeval_xl.store.killpoints import KillPoints
from perfeval_xl.store.lock import CollectorLock, LockInfo
from perfeval_xl.store.models import (
    FileIntake,
    ImportCounts,
    IngestResult,
    Outcome,
    Receipt,
    ReceivedFile,
    RegisterEntry,
    SubmissionIntake,
    SummaryCounts,
)
from perfeval_xl.store.queries import (
    batch_year,
    current_results,
    findings,
    group_rows,
    indicator_rows,
    issued_entry,
    last_completed_run,
    missing_projects,
    register_hashes,
    submission_history,
    summary_counts,
)
from perfeval_xl.store.receipts import read_receipt_log
from perfeval_xl.store.repository import (
    decide_current,
    file_known,
    ingest_file,
    ingest_files,
    known_hashes,
    record_known_file,
    record_known_files,
    record_run_finish,
    record_run_start,
)

__all__ = [
    "Archive", "ArchivedFile", "atomic_writer", "batch_year", "CollectorLock", "current_results",
    "decide_current", "export_findings", "export_results", "file_known", "FileIntake", "findings", "group_rows",
    "import_manifest_projects", "import_register", "ImportCounts", "indicator_rows", "ingest_file",
    "ingest_files", "IngestResult", "issued_entry", "KillPoints", "known_hashes", "last_completed_run",
    "LockBusy", "LockInfo", "missing_projects", "open_store", "Outcome", "read_receipt_log", "Receipt",
    "ReceivedFile", "record_known_file", "record_known_files", "record_run_finish", "record_run_start",
    "register_hashes", "RegisterEntry", "sha256_file", "Store", "StoreError", "submission_history",
    "SubmissionIntake", "summary_counts", "SummaryCounts", "write_atomic",
]
