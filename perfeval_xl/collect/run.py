"""One collection run: archive every received file, check the new ones in isolated workers,
store each in its own transaction, export, and report what came in.

Re-running on the same folder adds a run record and changes nothing else: files are
known by their SHA-256. The originals are never written to; everything is read from
the archived copy.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from perfeval_xl.collect.bridge import file_intake, not_issued, stored_entries
from perfeval_xl.intake.isolation import IsolationLimits
from perfeval_xl.intake.pipeline import CheckOptions, check_files
from perfeval_xl.integrity.register import RegisterIndex
from perfeval_xl.manifest import load_manifest
from perfeval_xl.model import Manifest
from perfeval_xl.store import (
    Archive,
    ArchivedFile,
    CollectorLock,
    KillPoints,
    Receipt,
    SummaryCounts,
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

Progress = Callable[[str, int, int], None]  # (stage, done, total)
SKIPPED_PREFIXES = (".", "~$")  # hidden files and Office lock files are not returns


class CollectError(Exception):
    """The run cannot start (bad manifest or register, another collector running)."""


@dataclass(frozen=True)
class CollectOptions:
    returns: Path
    manifest: Path
    register: Path
    work: Path = Path("collect-work")  # database, archive and exports, unless given separately
    receipts: Path | None = None
    db_url: str | None = None
    archive: Path | None = None
    workers: int | None = None

    @property
    def database(self) -> str:
        return self.db_url or f"sqlite:///{(self.work / 'perfeval.db').resolve()}"

    @property
    def archive_dir(self) -> Path:
        return self.archive or self.work / "archive"

    @property
    def exports_dir(self) -> Path:
        return self.work / "exports"


@dataclass
class CollectResult:
    run_id: int
    files: int  # files in the folder
    new: int  # of which not seen before
    counts: SummaryCounts
    exports: list[Path] = field(default_factory=list)


def load_register(path: Path, manifest: Manifest) -> RegisterIndex:
    if not path.is_file():
        raise CollectError(f"发放登记簿 {path} 不存在（它由 perfeval generate 写在输出文件夹旁）。")
    index = RegisterIndex(path)
    if manifest.batch.batch_id not in index.batches:
        found = "、".join(sorted(index.batches)) or "（空）"
        raise CollectError(f"发放登记簿属于批次 {found}，与清单的批次 {manifest.batch.batch_id} 不符。")
    return index


def returned_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise CollectError(f"回收文件夹 {folder} 不存在。")
    return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(SKIPPED_PREFIXES)),
                  key=lambda p: p.name)


def collect(options: CollectOptions, progress: Progress | None = None) -> CollectResult:
    from perfeval_xl.manifest import ManifestError

    try:
        manifest = load_manifest(options.manifest).manifest
    except ManifestError as exc:
        raise CollectError(f"清单有错误：{exc}") from exc
    assert manifest is not None
    issued = load_register(options.register, manifest)
    files = returned_files(options.returns)
    receipts: dict[str, list[Receipt]] = {}
    if options.receipts is not None:
        for receipt in read_receipt_log(options.receipts):
            receipts.setdefault(receipt.file_name, []).append(receipt)

    options.work.mkdir(parents=True, exist_ok=True)
    killpoints = KillPoints.from_env()
    store = open_store(options.database, killpoints=killpoints)
    archive = Archive(options.archive_dir, killpoints=killpoints)
    try:
        with CollectorLock(store, archive.root):
            archive.clean_incoming()
            run_id = record_run_start(store, "collect", {"returns": str(options.returns),
                                                         "receipts": str(options.receipts or "")})
            import_manifest_projects(store, manifest, run_id)
            import_register(store, stored_entries(e for e in issued.entries()
                                                  if e.batch.batch_id == manifest.batch.batch_id), run_id)
            fresh: list[tuple[Path, ArchivedFile]] = []
            for done, path in enumerate(files, start=1):
                archived = archive.put(path)
                mine = tuple(receipts.get(path.name, ()))
                if file_known(store, archived.sha256):
                    record_known_file(store, run_id, archived.sha256, path.name, mine)
                else:
                    fresh.append((path, archived))
                if progress:
                    progress("archive", done, len(files))
            check = CheckOptions(public_keys=_register_keys(issued.public_keys), expected_batch=manifest.batch.batch_id,
                                 expected_year=manifest.batch.year, register_path=str(options.register.resolve()))
            isolation = IsolationLimits(workers=options.workers) if options.workers else None
            reports = check_files([archived.path for _, archived in fresh], check,
                                  progress=(lambda d, t: progress("check", d, t)) if progress else None,
                                  isolation=isolation)
            for done, ((path, archived), report) in enumerate(zip(fresh, reports), start=1):
                intake = file_intake(report, archived, path.name, tuple(receipts.get(path.name, ())),
                                     not_issued(report, issued))
                ingest_file(store, run_id, intake)
                if progress:
                    progress("store", done, len(fresh))
            exports = [options.exports_dir / "results.csv", options.exports_dir / "findings.csv"]
            export_results(store, exports[0], manifest.batch.batch_id, killpoints=killpoints)
            # All batches: a broken file names no batch, and the bureau must still see why it was sent back.
            export_findings(store, exports[1], None, killpoints=killpoints)
            counts = summary_counts(store, manifest.batch.batch_id)
            record_run_finish(store, run_id, "completed", counts)
    finally:
        store.close()
    return CollectResult(run_id=run_id, files=len(files), new=len(fresh), counts=counts, exports=exports)


def _register_keys(public_keys: dict[str, str]) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for key_id, text in public_keys.items():
        raw = base64.b64decode(text)
        Ed25519PublicKey.from_public_bytes(raw)  # a corrupt register fails here, not in a worker
        keys[key_id] = raw
    return keys
