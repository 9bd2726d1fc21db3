"""A collector stand-in for the crash test, driving the store exactly as `perfeval collect` will.

    python -m tests.store.mini_collector URL ARCHIVE RETURNS RECEIPTS OUT

The "workbooks" are JSON files ({"project", "outcome", "scores", "findings", "pad"}), read
from their archived copy; anything else is rejected as unsigned. Honours
PERFEVAL_KILL_AT / PERFEVAL_KILL_LOG (perfeval_xl.store.killpoints). Prints READY once
it holds the lock and has opened its run.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from perfeval_xl.findings import Location, finding
from perfeval_xl.model import Batch, Manifest, Project
from perfeval_xl.store import (
    Archive,
    ArchivedFile,
    CollectorLock,
    FileIntake,
    KillPoints,
    Outcome,
    Receipt,
    ReceivedFile,
    RegisterEntry,
    SubmissionIntake,
    export_findings,
    export_results,
    file_known,
    import_manifest_projects,
    import_register,
    ingest_file,
    open_store,
    read_receipt_log,
    record_known_file,
    record_run_finish,
    record_run_start,
    summary_counts,
)
from tests.store.support import BATCH, project_result

PROJECTS = [f"P{n:03d}" for n in range(1, 12)]
DEADLINE = dt.datetime(2025, 3, 31, 23, 59, 59)


def manifest() -> Manifest:
    return Manifest(batch=Batch(year=2024, batch_id=BATCH, bureau="某市财政局", deadline=DEADLINE),
                    projects=tuple(Project(id=p, name=f"项目{p}", unit=f"单位{p}", department="市财政局")
                                   for p in PROJECTS))


def register() -> list[RegisterEntry]:
    return [RegisterEntry(batch_id=BATCH, project_id=p.id, year=2024, issued_version=1, file_name=f"{p.id}.xlsx",
                          payload_hash=f"payload-{p.id}", key_id="ed25519:0123456789abcdef", project=p)
            for p in manifest().projects]


def intake_of(archived: ArchivedFile, name: str, receipts: tuple[Receipt, ...]) -> FileIntake:
    received = ReceivedFile(sha256=archived.sha256, original_name=name, size=archived.size, format="xlsx",
                            archive_path=archived.relative_path)
    try:
        content = json.loads(archived.path.read_bytes())
    except ValueError:
        return FileIntake(file=received, outcome=Outcome.REJECTED, receipts=receipts,
                          findings=(finding("SIGNATURE_MISSING", Location(file=name)),))
    outcome = Outcome(content.get("outcome", "accepted"))
    found = tuple(finding(code, Location(sheet="绩效自评表", cell="I12", indicator_id="I01"),
                          indicator="受益人数", score="8", weight="10")
                  for code in content.get("findings", []))
    result = project_result(content["project"], content["scores"]) if outcome is not Outcome.REJECTED else None
    submission = SubmissionIntake(project_id=content["project"], batch_id=BATCH, issued_version=1, outcome=outcome,
                                  result=result, findings=found)
    return FileIntake(file=received, outcome=outcome, submissions=(submission,), receipts=receipts)


def main(url: str, archive_dir: str, returns_dir: str, receipts_csv: str, out_dir: str) -> int:
    killpoints = KillPoints.from_env()
    store = open_store(url, killpoints=killpoints)
    archive = Archive(Path(archive_dir), killpoints=killpoints)
    receipts: dict[str, list[Receipt]] = {}
    for receipt in read_receipt_log(Path(receipts_csv)):
        receipts.setdefault(receipt.file_name, []).append(receipt)
    with CollectorLock(store, archive.root, wait=30):
        archive.clean_incoming()
        run_id = record_run_start(store, "collect", {"returns": returns_dir})
        print("READY", flush=True)
        import_manifest_projects(store, manifest(), run_id)
        import_register(store, register(), run_id)
        for path in sorted(Path(returns_dir).iterdir()):
            archived = archive.put(path)
            mine = tuple(receipts.get(path.name, ()))
            if file_known(store, archived.sha256):
                record_known_file(store, run_id, archived.sha256, path.name, mine)
            else:
                ingest_file(store, run_id, intake_of(archived, path.name, mine))
        export_results(store, Path(out_dir) / "results.csv", killpoints=killpoints)
        export_findings(store, Path(out_dir) / "findings.csv", scope="all", killpoints=killpoints)
        record_run_finish(store, run_id, "completed", summary_counts(store))
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
