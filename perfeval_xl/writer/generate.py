"""`perfeval generate`: one workbook per project, in parallel, all or nothing.

Workbooks are written into a temporary folder beside the output and moved into place
only when every project succeeded, so an invalid manifest or a failure leaves
nothing half-written. Output is byte-identical for the same input.

Memory stays flat with the batch's size: a large manifest comes in chunks that the
workers validate (manifest.parts), the parent sends only a few chunks ahead to
spawned workers, and register lines wait on disk.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from perfeval_xl.atomic import atomic_writer
from perfeval_xl.integrity.keys import load_private_key
from perfeval_xl.integrity.register import (
    RegisterEntry,
    default_register_path,
    latest_versions,
    read_register,
    register_line,
)
from perfeval_xl.layout.flavour import FLAVOURS, NATIVE, Flavour
from perfeval_xl.manifest.build import LoadedManifest
from perfeval_xl.manifest.load import ManifestError
from perfeval_xl.manifest.parts import Chunk, InvalidChunk, ManifestParts, whole
from perfeval_xl.model import Project, ProjectInputs
from perfeval_xl.writer.workbook import write_project
from perfeval_xl.writer.xlwings_template import XlwingsTemplateError, vba_project

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
CHUNK = 16


class GenerateError(Exception):
    """Generation refused or failed; nothing was written to the output folder."""


@dataclass(frozen=True)
class Job:
    chunk: Chunk  # validated in the worker when it comes straight from the manifest file
    inputs: dict[str, ProjectInputs]
    previous: dict[str, RegisterEntry]
    key_path: str | None  # workers load the key themselves: key objects do not pickle
    lines: str  # where the worker writes the chunk's register lines
    flavour: Flavour = NATIVE
    vba_project: bytes | None = None


def workbook_name(project: Project, suffix: str = ".xlsx") -> str:
    """"P001_信息系统运行维护.xlsx": the id first, so files sort and match the list."""
    name = _UNSAFE.sub("_", project.name).strip("_.")[:60]
    return f"{project.id}_{name}{suffix}"


@dataclass(frozen=True)
class Issued:
    """What a worker sends back for one workbook: the register's key fields.

    Its register line (~18 KB: batch, profile, framework and project as issued) is made
    in the worker and written to the job's `lines` file: serialising RegisterEntry
    objects in the parent was a serial step of ~2 ms per workbook, and sending the lines
    through the parent grew its heap with the batch.
    """

    project_id: str
    issued_version: int
    payload_hash: str
    file: str


def _write_chunk(job: Job, folder: str) -> list[Issued]:
    chunk = job.chunk.load()
    keypair = load_private_key(Path(job.key_path)) if job.key_path else None
    out = []
    with open(job.lines, "wb") as lines:
        for project in chunk.projects:
            path = Path(folder) / workbook_name(project, job.flavour.suffix)
            entry = write_project(path, chunk.batch, project, chunk.profile, chunk.frameworks[project.framework],
                                  job.inputs.get(project.id), keypair, job.previous.get(project.id),
                                  flavour=job.flavour, vba_project=job.vba_project)
            lines.write((register_line(entry) + "\n").encode("utf-8"))
            out.append(Issued(entry.project_id, entry.issued_version, entry.payload_hash, entry.file))
    return out


def generate(
    manifest: LoadedManifest | ManifestParts,
    out_dir: Path,
    *,
    force: bool = False,
    workers: int | None = None,
    inputs: dict[str, ProjectInputs] | None = None,
    key_path: Path | None = None,
    register_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
    formulas: str = NATIVE.name,
) -> list[Path]:
    """Write every project's workbook into `out_dir` and record them in the issuance register.

    `manifest` is loaded whole, or read a part at a time (`manifest_parts`, for a large
    batch); an invalid one is reported before any other failure (GenerateError when it
    was loaded whole, else ManifestError with its findings), and nothing is written.
    Returns the workbook paths in manifest order. `inputs` prefill forms (simulated
    returns); `key_path` signs them with the batch's private key.
    `formulas` is the flavour: "native" (.xlsx) or "xlwings" (.xlsm, UDFs with native fallback).
    """
    if isinstance(manifest, LoadedManifest):
        if not manifest.ok or manifest.manifest is None or manifest.profile is None:
            raise GenerateError("清单有错误，未生成任何工作簿；请先运行 perfeval validate-manifest 查看。")
    parts = whole(manifest, CHUNK) if isinstance(manifest, LoadedManifest) else manifest
    try:
        return _generate(parts, Path(out_dir), force, workers, inputs or {}, key_path, register_path, progress,
                         formulas)
    except ManifestError:
        raise
    except Exception:
        parts.check()  # an invalid manifest is what is reported
        raise


def _generate(
    parts: ManifestParts,
    out_dir: Path,
    force: bool,
    workers: int | None,
    inputs: dict[str, ProjectInputs],
    key_path: Path | None,
    register_path: Path | None,
    progress: Callable[[int], None] | None,
    formulas: str,
) -> list[Path]:
    flavour = FLAVOURS.get(formulas)
    if flavour is None:
        raise GenerateError(f"未知的公式类型 {formulas}；可用：{'、'.join(FLAVOURS)}")
    try:
        vba = vba_project() if flavour.macros else None
    except XlwingsTemplateError as exc:
        raise GenerateError(str(exc)) from exc
    if out_dir.exists() and not out_dir.is_dir():
        raise GenerateError(f"输出位置 {out_dir} 是一个文件，不是文件夹。")
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise GenerateError(f"输出文件夹 {out_dir} 不为空；如需覆盖请加 --force。")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    register_path = register_path or default_register_path(out_dir)
    history = read_register(register_path)
    previous = latest_versions(history)
    known = {(e.project_id, e.issued_version, e.payload_hash) for e in history}
    files: list[str] = []
    ids: set[str] = set()
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    jobs = _jobs(parts, inputs, previous, str(key_path) if key_path else None, staging, flavour, vba)
    # New register lines wait on disk: at 10,000 workbooks they are ~185 MB.
    with tempfile.TemporaryFile(dir=out_dir.parent) as spool:
        new = 0

        def take(job: Job, issued: list[Issued]) -> None:
            nonlocal new
            with open(job.lines, "rb") as lines:
                for one, line in zip(issued, lines, strict=True):
                    if one.project_id in ids:
                        raise InvalidChunk(f"project id {one.project_id} is used twice")
                    ids.add(one.project_id)
                    files.append(one.file)
                    if (one.project_id, one.issued_version, one.payload_hash) not in known:
                        spool.write(line)
                        new += 1
            os.unlink(job.lines)
            if progress:
                progress(len(issued))

        try:
            _run(jobs, parts.count, staging, workers, take)
            _replace_dir(staging, out_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if new:
            with atomic_writer(register_path) as fh:
                for entry in history:
                    fh.write((register_line(entry) + "\n").encode("utf-8"))
                spool.seek(0)
                shutil.copyfileobj(spool, fh)
    return [out_dir / name for name in files]


def _jobs(
    parts: ManifestParts,
    inputs: dict[str, ProjectInputs],
    previous: dict[str, RegisterEntry],
    key_path: str | None,
    staging: Path,
    flavour: Flavour,
    vba: bytes | None,
) -> Iterator[Job]:
    for n, chunk in enumerate(parts.chunks()):
        ids = chunk.ids()
        yield Job(chunk, {i: inputs[i] for i in ids if i in inputs}, {i: previous[i] for i in ids if i in previous},
                  key_path, str(staging / f".register-{n:05d}.jsonl"), flavour, vba)


def _run(jobs: Iterator[Job], count: int, staging: Path, workers: int | None,
         take: Callable[[Job, list[Issued]], None]) -> None:
    """Write every job's workbooks, handing each job's results to `take` in job order.

    Workers are spawned, not forked: a forked worker would carry the parent's heap
    (which holds the parsed manifest) in its RSS. At most two jobs per worker are in
    flight, so the parent holds only those, never the whole batch.
    """
    workers = min(workers or os.cpu_count() or 1, count)
    if workers <= 1:
        for job in jobs:
            take(job, _write_chunk(job, str(staging)))
        return
    pending: deque[tuple[Job, Future[list[Issued]]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        try:
            for job in jobs:
                pending.append((job, pool.submit(_write_chunk, job, str(staging))))
                if len(pending) > 2 * workers:
                    done, future = pending.popleft()
                    take(done, future.result())
            while pending:
                done, future = pending.popleft()
                take(done, future.result())
        except BaseException:
            for _, future in pending:
                future.cancel()
            raise


def _replace_dir(staging: Path, out_dir: Path) -> None:
    """Move the finished folder into place; an old folder is removed only after the move."""
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.replace(out_dir, old / "previous")
        os.replace(staging, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out_dir)
