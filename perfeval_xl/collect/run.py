"""One collection run: archive every received file, check the new ones in isolated workers,
store them as their reports arrive (in folder order, a chunk of files per transaction),
export, and report what came in.

Re-running on the same folder adds a run record and changes nothing else: files are
known by their SHA-256. The originals are never written to; everything is read from
the archived copy.
"""

from __future__ import annotations

import base64
import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from perfeval_xl.collect.background import BackgroundWriter
from perfeval_xl.collect.bridge import file_intake, not_issued, stored_entries
from perfeval_xl.findings import Finding
from perfeval_xl.intake.isolation import IsolationLimits
from perfeval_xl.intake.pipeline import CheckOptions, iter_checked, start_check_workers
from perfeval_xl.integrity.register import RegisterIndex
from perfeval_xl.manifest.roster import Roster, load_roster
from perfeval_xl.store import (
    Archive,
    ArchivedFile,
    CollectorLock,
    FileIntake,
    KillPoints,
    Receipt,
    Store,
    StoreError,
    SummaryCounts,
    batch_year,
    export_findings,
    export_results,
    import_manifest_projects,
    import_register,
    ingest_files,
    known_hashes,
    last_completed_run,
    open_store,
    read_receipt_log,
    record_known_files,
    record_run_finish,
    record_run_start,
    register_hashes,
    sha256_file,
    summary_counts,
)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
SKIPPED_PREFIXES = (".", "~$")  # hidden files and Office lock files are not returns
STORE_CHUNK = 100  # files per transaction: a crash loses at most this much work, never half a file
ARCHIVE_CHUNK = 500  # files archived per filesystem sync
_YOUNG_THRESHOLD = 20_000  # allocations between young collections while checking (Python's default: 700)


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
    batch_id: str  # the manifest's batch
    files: int  # files in the folder
    new: int  # of which not seen before
    counts: SummaryCounts
    exports: list[Path] = field(default_factory=list)


def load_register(path: Path, batch_id: str) -> RegisterIndex:
    index = RegisterIndex(path)
    if batch_id not in index.batches:
        found = "、".join(sorted(index.batches)) or "（空）"
        raise CollectError(f"发放登记簿属于批次 {found}，与清单的批次 {batch_id} 不符。")
    return index


def returned_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise CollectError(f"回收文件夹 {folder} 不存在。")
    return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(SKIPPED_PREFIXES)),
                  key=lambda p: p.name)


def collect(options: CollectOptions, progress: Progress | None = None) -> CollectResult:
    """Archive, check and store the folder's new files; re-running on an unchanged folder only adds a run record.

    Overlapped where nothing depends on order: the manifest is read (in a child process)
    while the files are archived, and the imports and every store write run in a
    background thread while the workers check.
    """
    inputs = _input_hashes(options)
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
            last = last_completed_run(store, "collect") or {}
            unchanged = all(last.get(k) == v for k, v in inputs.items())
            with _RosterReader(None if unchanged else options.manifest) as roster_reader:
                known, fresh = _archive_all(store, archive, files, progress, roster_reader.raise_if_invalid,
                                            lambda: start_check_workers(_isolation(options)))
                roster = roster_reader.result()
            if roster is None:
                batch_id, issued = str(last["batch_id"]), None
                year = batch_year(store, batch_id)
            else:
                batch_id, year = roster.batch.batch_id, roster.batch.year
                issued = load_register(options.register, batch_id)  # the right register, before anything is stored
            run_id = record_run_start(store, "collect", {"returns": str(options.returns),
                                                         "receipts": str(options.receipts or ""),
                                                         "batch_id": batch_id, **inputs})
            actions: list[str] = []
            with _fewer_collections(), BackgroundWriter() as writer:
                if roster is not None and issued is not None:
                    writer.submit(import_manifest_projects, store, roster)
                    writer.submit(_import_register, store, issued, batch_id, run_id)
                for start in range(0, len(known), STORE_CHUNK):
                    part = known[start:start + STORE_CHUNK]
                    writer.submit(_record_known, store, run_id,
                                  [(sha, path.name, tuple(receipts.get(path.name, ()))) for path, sha in part], actions)
                if fresh:
                    issued = issued or load_register(options.register, batch_id)
                    _check_and_store(writer, store, run_id, options, issued, batch_id, year, fresh, receipts, progress)
            changed = not unchanged or any(action != "known" for action in actions)
            exports = [options.exports_dir / "results.csv", options.exports_dir / "findings.csv"]
            if changed or fresh or not all(path.is_file() for path in exports):
                export_results(store, exports[0], batch_id, killpoints=killpoints)
                # All batches: a broken file names no batch, and the bureau must still see why it was sent back.
                export_findings(store, exports[1], None, killpoints=killpoints)
            counts = summary_counts(store, batch_id)
            record_run_finish(store, run_id, "completed", counts)
    finally:
        store.close()
    return CollectResult(run_id=run_id, batch_id=batch_id, files=len(files), new=len(fresh),
                         counts=counts, exports=exports)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """While checking and storing: what is alive now (modules, the register index, the file
    lists) is left out of the cyclic collector's passes, and young objects are collected every
    20,000 allocations instead of 700. Each file's objects die by reference counting; the
    frequent passes only promoted them and walked the heap (~15% of this process's CPU at
    10,000 returns). Restored after."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(_YOUNG_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _record_known(store: Store, run_id: int, files: list[tuple[str, str, tuple[Receipt, ...]]],
                  actions: list[str]) -> None:
    actions.extend(result.action for result in record_known_files(store, run_id, files))


def _input_hashes(options: CollectOptions) -> dict[str, str]:
    """The manifest's and the register's SHA-256: when both equal the last run's, neither is read again."""
    if not options.manifest.is_file():
        raise CollectError(f"项目清单 {options.manifest} 不存在。")
    if not options.register.is_file():
        raise CollectError(f"发放登记簿 {options.register} 不存在（它由 perfeval generate 写在输出文件夹旁）。")
    return {"manifest_sha256": sha256_file(options.manifest)[0], "register_sha256": sha256_file(options.register)[0]}


class _RosterReader:
    """The manifest's roster, read in a one-shot child process while the parent archives.

    A child: parsing a large manifest peaks at hundreds of MB, which this process would
    otherwise keep through the whole run (freed memory stays mapped). One-shot, not a
    pool: it exits once its answer is taken, or when its send fails because this process
    died, so a killed collector leaves no idle child behind.
    """

    def __init__(self, manifest: Path | None) -> None:
        self._manifest = manifest
        self._process: BaseProcess | None = None
        self._answer: Connection | None = None
        self._roster: Roster | list[Finding] | None = None

    def __enter__(self) -> _RosterReader:
        if self._manifest is not None:
            context = get_context("spawn")
            self._answer, sender = context.Pipe(duplex=False)
            self._process = context.Process(target=_read_roster, args=(self._manifest, sender), daemon=True)
            self._process.start()
            sender.close()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._process is not None:
            if self._roster is None:
                self._process.kill()  # left early: its answer is not wanted
            self._process.join()
            assert self._answer is not None
            self._answer.close()

    def raise_if_invalid(self) -> None:
        """Stop early (between archive chunks) when the manifest already proved invalid."""
        if self._answer is not None and self._roster is None and self._answer.poll():
            self.result()

    def result(self) -> Roster | None:
        """The roster (None when the manifest is not read again); CollectError when it is invalid."""
        if self._answer is None:
            return None
        if self._roster is None:
            try:
                self._roster = self._answer.recv()
            except EOFError:
                raise CollectError("读取项目清单的子进程意外退出（内存不足？），本次运行未做任何改动。") from None
        roster = self._roster
        if not isinstance(roster, Roster):
            first = roster[0] if roster else None
            where = f"{first.location.describe()}：{first.message()}" if first else ""
            raise CollectError(f"清单有 {len(roster)} 处问题，第一处：{where}。"
                               "请运行 perfeval validate-manifest 查看全部。")
        return roster


def _read_roster(path: Path, answer: Connection) -> None:
    """Send the roster, or the findings that make it invalid (ManifestError itself does not pickle)."""
    from perfeval_xl.manifest import ManifestError

    try:
        result: Roster | list[Finding] = load_roster(path)
    except ManifestError as exc:
        result = exc.findings
    try:
        answer.send(result)
    except BrokenPipeError:
        pass  # the collector is gone
    answer.close()
    # No interpreter teardown (tenths of a second freeing modules): the collector waits for this exit.
    os._exit(0)


def _import_register(store: Store, issued: RegisterIndex, batch_id: str, run_id: int) -> None:
    """Store the register's entries not stored yet; a stored one issued again differently is a conflict."""
    stored = register_hashes(store, batch_id)
    for key, payload_hash in issued.payload_hashes.items():
        if key in stored and stored[key] != payload_hash:
            raise StoreError("STORE_REGISTER_CONFLICT", batch_id=batch_id, project_id=key[0], issued_version=key[1])
    new = (issued.entry(*key) for key in issued.payload_hashes if key not in stored)
    import_register(store, stored_entries(e for e in new if e is not None and e.batch.batch_id == batch_id), run_id)


def _archive_all(store: Store, archive: Archive, files: list[Path], progress: Progress | None,
                 between_chunks: Callable[[], None], before_copies: Callable[[], None],
                 ) -> tuple[list[tuple[Path, str]], list[tuple[Path, ArchivedFile]]]:
    """(path, sha256) of files already stored, (path, archived copy) of the others; `before_copies`
    is called first when there are others."""
    stored = known_hashes(store)
    archived_already = archive.contents()
    known: list[tuple[Path, str]] = []
    others: list[tuple[Path, str]] = []
    for path in files:
        try:
            sha256 = sha256_file(path)[0]
        except OSError as exc:
            raise StoreError("STORE_ARCHIVE_FAILED", name=path.name, path=archive.root,
                             detail=exc.strerror or str(exc)) from None
        if sha256 in stored and sha256 in archived_already:
            known.append((path, sha256))
        else:
            others.append((path, sha256))
    fresh: list[tuple[Path, ArchivedFile]] = []
    if others:
        before_copies()
    for start in range(0, len(others), ARCHIVE_CHUNK):
        between_chunks()
        part = others[start:start + ARCHIVE_CHUNK]
        chunk, hashes = [path for path, _ in part], [sha256 for _, sha256 in part]
        for path, archived in zip(chunk, archive.put_all(chunk, hashes)):
            if archived.sha256 in stored:
                known.append((path, archived.sha256))
            else:
                fresh.append((path, archived))
        if progress:
            progress("archive", len(known) + len(fresh), len(files))
    if progress and not others:
        progress("archive", len(files), len(files))
    position = {path: index for index, path in enumerate(files)}
    known.sort(key=lambda item: position[item[0]])  # folder order, as the run records them
    return known, fresh


def _check_and_store(writer: BackgroundWriter, store: Store, run_id: int, options: CollectOptions,
                     issued: RegisterIndex, batch_id: str, year: int | None, fresh: list[tuple[Path, ArchivedFile]],
                     receipts: dict[str, list[Receipt]], progress: Progress | None) -> None:
    """Check the new files in workers; the writer stores them in input order, a chunk per transaction."""
    check = CheckOptions(public_keys=_register_keys(issued.public_keys), expected_batch=batch_id,
                         expected_year=year, register_path=str(options.register.resolve()),
                         register_lines=issued.lines)  # indexed once here, not again by each worker
    reports = iter_checked([archived.path for _, archived in fresh], check,
                           progress=(lambda d, t: progress("check", d, t)) if progress else None,
                           isolation=_isolation(options))
    stored = 0

    def store_chunk(chunk: list[FileIntake]) -> None:
        nonlocal stored
        ingest_files(store, run_id, chunk)
        stored += len(chunk)
        if progress:
            progress("store", stored, len(fresh))

    chunk: list[FileIntake] = []
    submitted = 0
    for (path, archived), (report, inputs_json) in zip(fresh, reports):
        chunk.append(file_intake(report, inputs_json, archived, path.name, tuple(receipts.get(path.name, ())),
                                 not_issued(report, issued)))
        if len(chunk) == STORE_CHUNK or submitted + len(chunk) == len(fresh):
            writer.submit(store_chunk, chunk)
            submitted += len(chunk)
            chunk = []


def _isolation(options: CollectOptions) -> IsolationLimits | None:
    return IsolationLimits(workers=options.workers) if options.workers else None


def _register_keys(public_keys: dict[str, str]) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for key_id, text in public_keys.items():
        raw = base64.b64decode(text)
        Ed25519PublicKey.from_public_bytes(raw)  # a corrupt register fails here, not in a worker
        keys[key_id] = raw
    return keys
