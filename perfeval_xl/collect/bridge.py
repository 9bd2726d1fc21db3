"""Between the intake's reports and the store's records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.intake.report import FileReport
from perfeval_xl.integrity.register import RegisterEntry, RegisterIndex
from perfeval_xl.store import ArchivedFile, FileIntake, Outcome, Receipt, ReceivedFile, SubmissionIntake
from perfeval_xl.store import RegisterEntry as StoredEntry


def stored_entries(entries: Iterable[RegisterEntry]) -> Iterator[StoredEntry]:
    """The register as the store keeps it (every issued version), one entry at a time."""
    for e in entries:
        yield StoredEntry(batch_id=e.batch.batch_id, project_id=e.project_id, year=e.batch.year,
                          issued_version=e.issued_version, file_name=e.file, payload_hash=e.payload_hash,
                          key_id=e.key_id or "", project=e.project, profile=e.profile,
                          formulas=e.formulas, vba_hash=e.vba_hash)


def not_issued(report: FileReport, issued: RegisterIndex) -> list[Finding]:
    """A readable form of a project (or version) this batch's register never issued."""
    if report.project_id is None or report.outcome == "rejected":
        return []
    if report.issued_version in issued.versions(report.project_id):
        return []
    return [finding("COLLECT_NOT_ISSUED", Location(file=report.file, project_id=report.project_id),
                    project=report.project_id, version=report.issued_version or "")]


def file_intake(report: FileReport, inputs_json: str | None, archived: ArchivedFile, name: str,
                receipts: tuple[Receipt, ...], extra: list[Finding]) -> FileIntake:
    """One file's record: its submission (when a project could be read) or its file-level findings.
    `inputs_json`: the report's inputs as the worker serialised them (pipeline.iter_checked)."""
    findings = [f.at(file=name) for f in [*report.findings, *extra]]
    outcome = Outcome.of(findings)
    received = ReceivedFile(sha256=archived.sha256, original_name=name, size=archived.size,
                            format=report.format.value if report.format else None,
                            archive_path=archived.relative_path)
    if report.project_id is None or report.result is None and outcome is not Outcome.REJECTED:
        return FileIntake(file=received, outcome=outcome, findings=tuple(findings), receipts=receipts)
    submission = SubmissionIntake(
        project_id=report.project_id, batch_id=report.batch_id, issued_version=report.issued_version,
        outcome=outcome, inputs_json=inputs_json if outcome is not Outcome.REJECTED else None,
        result=report.result if outcome is not Outcome.REJECTED else None, findings=tuple(findings),
    )
    return FileIntake(file=received, outcome=outcome, submissions=(submission,), receipts=receipts)
