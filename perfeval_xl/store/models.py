"""What callers hand to the store and get back: pydantic models at the API boundary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.findings import Finding, Severity, worst_severity
from perfeval_xl.model import Project, ProjectResult

Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def naive_local(value: dt.datetime) -> dt.datetime:
    """Times are stored as naive local wall-clock times; an aware time is converted first."""
    return value.astimezone().replace(tzinfo=None) if value.tzinfo is not None else value


class Outcome(StrEnum):
    """What became of a returned file (REFERENCE §4): its worst finding decides."""

    REJECTED = "rejected"
    ACCEPTED_WITH_FINDINGS = "accepted_with_findings"
    ACCEPTED = "accepted"

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Outcome:
        worst = worst_severity(findings)
        if worst is Severity.REJECT:
            return cls.REJECTED
        if worst is Severity.ERROR:
            return cls.ACCEPTED_WITH_FINDINGS
        return cls.ACCEPTED


OUTCOME_LABELS = {
    Outcome.REJECTED: "退回",
    Outcome.ACCEPTED_WITH_FINDINGS: "接收（有问题）",
    Outcome.ACCEPTED: "接收",
}


class Receipt(BaseModel):
    """A row of the bureau's receipt log: which file arrived from whom, and when."""

    model_config = ConfigDict(frozen=True)

    file_name: Annotated[str, Field(min_length=1)]
    sender_unit: str = ""
    received_at: dt.datetime

    @field_validator("received_at")
    @classmethod
    def _naive(cls, value: dt.datetime) -> dt.datetime:
        return naive_local(value)


class ReceivedFile(BaseModel):
    """A file as received and archived."""

    model_config = ConfigDict(frozen=True)

    sha256: Sha256
    original_name: Annotated[str, Field(min_length=1)]
    size: Annotated[int, Field(ge=0)]
    format: str | None = None  # sniffed kind: xlsx, xlsm, xls, ods, ...; None if unknown
    archive_path: str  # ArchivedFile.relative_path


class SubmissionIntake(BaseModel):
    """One project's return found in a file, as the intake read and scored it."""

    model_config = ConfigDict(frozen=True)

    project_id: Annotated[str, Field(min_length=1)]
    batch_id: str | None = None
    issued_version: int | None = None
    outcome: Outcome
    inputs_json: str | None = None  # ProjectInputs.model_dump_json(), stored as it is
    result: ProjectResult | None = None
    # Findings about this project beyond the result's own; the result's findings are
    # stored too, each distinct finding once.
    findings: tuple[Finding, ...] = ()


class FileIntake(BaseModel):
    """Everything the collector learnt about one received file."""

    model_config = ConfigDict(frozen=True)

    file: ReceivedFile
    outcome: Outcome
    submissions: tuple[SubmissionIntake, ...] = ()
    findings: tuple[Finding, ...] = ()  # about the file as a whole (gate, unknown project, ...)
    receipts: tuple[Receipt, ...] = ()  # receipt-log rows naming this file

    @model_validator(mode="after")
    def _one_submission_per_project(self) -> FileIntake:
        ids = [s.project_id for s in self.submissions]
        if len(ids) != len(set(ids)):
            raise ValueError(f"a file holds each project once; got {ids}")
        return self


IngestAction = Literal["new", "known", "receipt"]


class IngestResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    sha256: str
    action: IngestAction  # new: stored now; known: already stored; receipt: known, receipts added
    submission_ids: tuple[int, ...]


class RegisterEntry(BaseModel):
    """One issued workbook as the generator registered it."""

    model_config = ConfigDict(frozen=True)

    batch_id: Annotated[str, Field(min_length=1)]
    project_id: Annotated[str, Field(min_length=1)]
    year: int
    issued_version: Annotated[int, Field(ge=1)]
    file_name: str
    payload_hash: str
    key_id: str
    project: Project
    profile: ScoringProfile  # the scoring rules the form was issued with (grades, rounding, ...)
    formulas: dict[str, str] = {}  # "Sheet!A1" -> normalised formula text
    vba_hash: str | None = None


class ImportCounts(BaseModel):
    model_config = ConfigDict(frozen=True)

    added: int = 0
    changed: int = 0
    unchanged: int = 0


class SummaryCounts(BaseModel):
    """The closing summary: files by outcome, versions superseded or late, projects missing."""

    model_config = ConfigDict(frozen=True)

    received: int  # distinct files
    accepted: int
    accepted_with_findings: int
    rejected: int
    superseded: int  # earlier versions replaced by a later one
    late: int  # submissions received after the batch deadline
    missing: int  # manifest projects without a current submission (未报送)
    needs_decision: int  # projects whose current version awaits the bureau's decision


RunStatus = Literal["completed", "failed"]
