"""The `perfeval check --json` document: its models (the published JSON Schema,
docs/check-report.schema.json, is generated from `CheckDocument`), how reports become
one, and the command's exit code.

Exit codes: 0 every file accepted with warnings or notes at most; 1 some file accepted
with errors; 3 some file rejected (2 stays typer's usage error).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from perfeval_xl.commands.render import Lang, describe_location
from perfeval_xl.findings import CATALOGUE, Finding, Location, Severity
from perfeval_xl.findings.model import ParamValue
from perfeval_xl.intake.models import FileFormat
from perfeval_xl.intake.report import FileOutcome, FileReport
from perfeval_xl.model import ProjectInputs, ProjectResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_REJECTED = 0, 1, 3
DOCUMENT_FORMAT = "perfeval-check-report"
DOCUMENT_VERSION = 1


class FindingView(BaseModel):
    """A finding as a person reads it, with its machine-readable parts."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    layer: str
    location: Location
    where: str  # "绩效自评 I7"; "" when the finding concerns the whole file
    message: str  # in the document's language, with what to do
    params: dict[str, ParamValue]


class FileView(BaseModel):
    model_config = ConfigDict(frozen=True)

    file: str
    sha256: str
    size: int
    format: FileFormat
    outcome: FileOutcome
    worst: Severity | None
    form_version: str | None
    batch_id: str | None
    project_id: str | None
    issued_version: int | None
    total: Decimal | None  # recomputed by the engine from the inputs read
    grade: str | None
    has_cached_values: bool | None
    findings: list[FindingView]
    inputs: ProjectInputs | None
    result: ProjectResult | None


class CheckSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    files: int
    rejected: int
    accepted_with_errors: int
    accepted: int
    findings: dict[Severity, int]
    exit_code: Literal[0, 1, 3]


class CheckDocument(BaseModel):
    """The whole `perfeval check --json` output."""

    model_config = ConfigDict(frozen=True)

    format: Literal["perfeval-check-report"] = DOCUMENT_FORMAT
    version: Literal[1] = DOCUMENT_VERSION
    lang: Lang
    summary: CheckSummary
    files: list[FileView]


def exit_code(reports: Sequence[FileReport]) -> Literal[0, 1, 3]:
    outcomes = {r.outcome for r in reports}
    if FileOutcome.REJECTED in outcomes:
        return EXIT_REJECTED
    if FileOutcome.ACCEPTED_WITH_ERRORS in outcomes:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def where(location: Location, lang: Lang) -> str:
    """The place inside the file ("" for the file as a whole: its name is said already)."""
    inside = location.model_copy(update={"file": None})
    return describe_location(inside, lang)


def finding_view(found: Finding, lang: Lang) -> FindingView:
    return FindingView(code=found.code, severity=found.severity, layer=CATALOGUE[found.code].layer,
                       location=found.location, where=where(found.location, lang),
                       message=found.message(lang.value), params=found.params)


def file_view(report: FileReport, lang: Lang) -> FileView:
    result = report.result
    return FileView(
        file=report.file, sha256=report.sha256, size=report.size, format=report.format, outcome=report.outcome,
        worst=report.worst, form_version=report.form_version, batch_id=report.batch_id,
        project_id=report.project_id, issued_version=report.issued_version,
        total=result.total if result else None, grade=result.grade if result else None,
        has_cached_values=report.has_cached_values,
        findings=[finding_view(f, lang) for f in report.findings],
        inputs=report.inputs, result=result,
    )


def summary(reports: Sequence[FileReport]) -> CheckSummary:
    outcomes = Counter(r.outcome for r in reports)
    severities = Counter(f.severity for r in reports for f in r.findings)
    return CheckSummary(
        files=len(reports),
        rejected=outcomes[FileOutcome.REJECTED],
        accepted_with_errors=outcomes[FileOutcome.ACCEPTED_WITH_ERRORS],
        accepted=outcomes[FileOutcome.ACCEPTED],
        findings={s: severities[s] for s in Severity},
        exit_code=exit_code(reports),
    )


def check_document(reports: Sequence[FileReport], lang: Lang) -> CheckDocument:
    return CheckDocument(lang=lang, summary=summary(reports), files=[file_view(r, lang) for r in reports])


def document_schema() -> dict:
    """The published JSON Schema of the document as serialised (docs/check-report.schema.json)."""
    schema = CheckDocument.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
