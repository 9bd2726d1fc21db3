"""Feedback for every open returned file, from the database and the collector's archive alone.

An open file is one whose version is current, or a rejected return nothing has
replaced yet, or a file no project could be read from. Each such file with a finding
above info gets `write_feedback` on its ARCHIVED copy (checked against its SHA-256
first; the unit's original is never at hand): an annotated copy, or the 退回通知 for a
rejected one. Outputs are named after the file as the unit sent it; two open files
sent under one name are told apart by the start of their SHA-256.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfeval_xl.feedback import Feedback, FeedbackError, LetterInfo, write_feedback
from perfeval_xl.findings import Finding, Severity
from perfeval_xl.model import Batch
from perfeval_xl.store import Store, StoreError, sha256_file
from perfeval_xl.store.rebuild import finding_from_row
from perfeval_xl.store.stored import expected_projects, open_findings, received_files, stored_batch


@dataclass(frozen=True)
class FileFeedback:
    file: str  # as the unit sent it
    project_id: str | None
    outcome: str  # the file's stored outcome
    findings: int  # its open findings above info
    feedback: Feedback | None  # what was written; None when nothing could be (see error)
    error: str | None = None  # Chinese


def feedback_from_store(store: Store, archive_root: Path, out_dir: Path,
                        batch_id: str | None = None) -> list[FileFeedback]:
    """Write the feedback of batch `batch_id` (default: the store's only batch) into `out_dir`,
    one file at a time in the order the collector first saw them. FeedbackError when `archive_root`
    is no folder; a file missing from it or damaged is reported in its FileFeedback."""
    if not archive_root.is_dir():
        raise FeedbackError(f"归档文件夹 {archive_root} 不存在；请用 --archive 指定 perfeval collect 使用的归档文件夹。")
    batch = stored_batch(store, batch_id)
    by_file: dict[str, list[Finding]] = {}
    for row in open_findings(store, batch.batch_id):
        by_file.setdefault(row["file_sha256"], []).append(finding_from_row(row))
    wanted = {sha: found for sha, found in by_file.items() if any(_worth_sending(f) for f in found)}
    files = received_files(store, wanted)
    projects = {row["project_id"]: row for row in expected_projects(store, batch.batch_id)}
    used: set[str] = set()
    out: list[FileFeedback] = []
    for sha, file in files.items():  # first-seen order
        found = wanted[sha]
        name = _unique_name(file["original_name"], sha, used)
        project_id = next((f.location.project_id for f in found if f.location.project_id), None)
        letter = _letter(batch, file, projects.get(project_id or "", {}), project_id)
        shown = sum(f.severity.rank > Severity.INFO.rank for f in found)
        archived = archive_root / file["archive_path"]
        try:
            _check_archived(archived, file["archive_path"], sha)
            written = write_feedback(archived, found, out_dir, letter=letter, name=name)
        except (StoreError, FeedbackError) as exc:
            error = exc.message() if isinstance(exc, StoreError) else str(exc)
            out.append(FileFeedback(file["original_name"], project_id, file["outcome"], shown, None, error))
            continue
        out.append(FileFeedback(file["original_name"], project_id, file["outcome"], shown, written))
    return out


def _check_archived(path: Path, relative: str, sha256: str) -> None:
    if not path.is_file():
        raise FeedbackError(f"归档中找不到该文件（{relative}）")
    if sha256_file(path)[0] != sha256:
        raise StoreError("STORE_ARCHIVE_CORRUPT", path=path)


def _unique_name(name: str, sha256: str, used: set[str]) -> str:
    """`name`, or `name` with the start of the SHA-256 when an earlier open file had that name."""
    path = Path(name)
    chosen = name if path.stem not in used else f"{path.stem}_{sha256[:8]}{path.suffix}"
    used.add(Path(chosen).stem)
    return chosen


def _letter(batch: Batch, file: Mapping[str, Any], project: Mapping[str, Any], project_id: str | None) -> LetterInfo:
    """The 退回通知's addressee: the project's unit, else whoever sent the file (receipt log)."""
    return LetterInfo(bureau=batch.bureau, year=batch.year, unit=project.get("unit") or file["sender_unit"],
                      project_id=project_id or "", project_name=project.get("name", ""),
                      received_at=file["received_at"])


def _worth_sending(f: Finding) -> bool:
    """Errors and rejects always; a warning only when it points at a cell the unit can act on
    (a file-level signal such as "re-saved by another application" alone is no reason to write back)."""
    return f.severity.rank >= Severity.ERROR.rank or (f.severity is Severity.WARNING and f.location.cell is not None)
