"""`perfeval generate`: one workbook per project, in parallel, all or nothing.

Workbooks are written into a temporary folder beside the output and moved into place
only when every project succeeded, so an invalid manifest or a failure leaves
nothing half-written. Output is byte-identical for the same input.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.integrity.keys import load_private_key
from perfeval_xl.integrity.register import (
    RegisterEntry,
    default_register_path,
    latest_versions,
    read_register,
    register_line,
    write_register_lines,
)
from perfeval_xl.layout.flavour import FLAVOURS, NATIVE, Flavour
from perfeval_xl.manifest.build import LoadedManifest
from perfeval_xl.model import Batch, Manifest, Project, ProjectInputs
from perfeval_xl.model.framework import Framework
from perfeval_xl.writer.workbook import write_project
from perfeval_xl.writer.xlwings_template import XlwingsTemplateError, vba_project

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
CHUNK = 16


class GenerateError(Exception):
    """Generation refused or failed; nothing was written to the output folder."""


@dataclass(frozen=True)
class Job:
    batch: Batch
    profile: ScoringProfile
    frameworks: dict[str, Framework]
    projects: tuple[Project, ...]
    inputs: dict[str, ProjectInputs]
    previous: dict[str, RegisterEntry]
    key_path: str | None  # workers load the key themselves: key objects do not pickle
    flavour: Flavour = NATIVE
    vba_project: bytes | None = None


def workbook_name(project: Project, suffix: str = ".xlsx") -> str:
    """"P001_信息系统运行维护.xlsx": the id first, so files sort and match the list."""
    name = _UNSAFE.sub("_", project.name).strip("_.")[:60]
    return f"{project.id}_{name}{suffix}"


@dataclass(frozen=True)
class Issued:
    """What a worker sends back for one workbook: the register's key fields and its register line.

    The line is made in the worker: sending whole RegisterEntry objects (each carries the
    project, profile, framework and batch) back and serialising them in the parent was a
    serial step of ~2 ms per workbook.
    """

    project_id: str
    issued_version: int
    payload_hash: str
    file: str
    line: str


def _write_chunk(job: Job, folder: str) -> list[Issued]:
    keypair = load_private_key(Path(job.key_path)) if job.key_path else None
    out = []
    for project in job.projects:
        path = Path(folder) / workbook_name(project, job.flavour.suffix)
        entry = write_project(path, job.batch, project, job.profile, job.frameworks[project.framework],
                              job.inputs.get(project.id), keypair, job.previous.get(project.id),
                              flavour=job.flavour, vba_project=job.vba_project)
        out.append(Issued(entry.project_id, entry.issued_version, entry.payload_hash, entry.file,
                          register_line(entry)))
    return out


def _chunks(manifest: Manifest, size: int) -> Iterator[tuple[Project, ...]]:
    projects = manifest.projects
    for start in range(0, len(projects), size):
        yield projects[start:start + size]


def generate(
    loaded: LoadedManifest,
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

    Returns the workbook paths in manifest order. `inputs` prefill forms (simulated
    returns); `key_path` signs them with the batch's private key.
    `formulas` is the flavour: "native" (.xlsx) or "xlwings" (.xlsm, UDFs with native fallback).
    """
    if not loaded.ok or loaded.manifest is None or loaded.profile is None:
        raise GenerateError("清单有错误，未生成任何工作簿；请先运行 perfeval validate-manifest 查看。")
    flavour = FLAVOURS.get(formulas)
    if flavour is None:
        raise GenerateError(f"未知的公式类型 {formulas}；可用：{'、'.join(FLAVOURS)}")
    try:
        vba = vba_project() if flavour.macros else None
    except XlwingsTemplateError as exc:
        raise GenerateError(str(exc)) from exc
    manifest = loaded.manifest
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise GenerateError(f"输出位置 {out_dir} 是一个文件，不是文件夹。")
    if out_dir.exists() and any(out_dir.iterdir()) and not force:
        raise GenerateError(f"输出文件夹 {out_dir} 不为空；如需覆盖请加 --force。")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    register_path = register_path or default_register_path(out_dir)
    history = read_register(register_path)
    previous = latest_versions(history)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        entries = _run(manifest, loaded, staging, workers, inputs or {}, previous, key_path, progress, flavour, vba)
        _replace_dir(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    known = {(e.project_id, e.issued_version, e.payload_hash) for e in history}
    new = [e for e in entries if (e.project_id, e.issued_version, e.payload_hash) not in known]
    if new:
        write_register_lines(register_path, [register_line(e) for e in history] + [e.line for e in new])
    return [out_dir / e.file for e in entries]


def _run(
    manifest: Manifest,
    loaded: LoadedManifest,
    staging: Path,
    workers: int | None,
    inputs: dict[str, ProjectInputs],
    previous: dict[str, RegisterEntry],
    key_path: Path | None,
    progress: Callable[[int], None] | None,
    flavour: Flavour,
    vba: bytes | None,
) -> list[Issued]:
    frameworks = {p.framework: loaded.frameworks[p.framework] for p in manifest.projects}
    jobs = [
        Job(manifest.batch, loaded.profile, frameworks, chunk,
            {p.id: inputs[p.id] for p in chunk if p.id in inputs},
            {p.id: previous[p.id] for p in chunk if p.id in previous},
            str(key_path) if key_path else None, flavour, vba)
        for chunk in _chunks(manifest, CHUNK)
    ]
    workers = workers or os.cpu_count() or 1
    entries: list[Issued] = []
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            entries.extend(_write_chunk(job, str(staging)))
            if progress:
                progress(len(job.projects))
        return entries
    with _frozen_heap(), ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        for job, done in zip(jobs, pool.map(_write_chunk, jobs, [str(staging)] * len(jobs))):
            entries.extend(done)
            if progress:
                progress(len(job.projects))
    return entries


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Freeze the garbage collector's view of this process's objects while workers are forked.

    A forked worker inherits the whole loaded manifest (about 40 KB per project). Left
    as is, each worker's collector walks those millions of objects again and again,
    costing CPU and writing to their pages (which the kernel then copies). Frozen
    objects are never walked (the recipe of the `gc.freeze` documentation).
    """
    if gc.get_freeze_count():  # the caller manages freezing itself
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _replace_dir(staging: Path, out_dir: Path) -> None:
    """Move the finished folder into place; an old folder is removed only after the move."""
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.replace(out_dir, old / "previous")
        os.replace(staging, out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, out_dir)
