"""What checking one returned file produces: a compact, picklable report.

The isolation layer pickles it from the worker to the parent, so it holds only what a
caller needs (`check` prints it, `collect` stores it): the file's identity, what its
`_meta` says, the findings, the inputs read and the engine's result. The result's own
findings are left out: they are in `findings`, placed on their sheet and cell.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, computed_field

from perfeval_xl.findings import Finding, Severity, worst_severity
from perfeval_xl.intake.models import FileFormat
from perfeval_xl.model import ProjectInputs, ProjectResult


class FileOutcome(StrEnum):
    """REFERENCE §4: a file's outcome is its worst finding's severity."""

    REJECTED = "rejected"  # a reject: send back, nothing consolidated
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"  # an error: accepted, the findings go back to the unit
    ACCEPTED = "accepted"  # warnings and notes at most


def outcome_of(worst: Severity | None) -> FileOutcome:
    if worst is Severity.REJECT:
        return FileOutcome.REJECTED
    if worst is Severity.ERROR:
        return FileOutcome.ACCEPTED_WITH_ERRORS
    return FileOutcome.ACCEPTED


class FileReport(BaseModel):
    """One returned file as checked."""

    model_config = ConfigDict(frozen=True)

    file: str
    sha256: str = ""  # of the bytes checked; "" when the path is no regular readable file
    size: int = 0
    format: FileFormat = FileFormat.UNKNOWN
    form_version: str | None = None  # as the file's _meta (or its document properties) states
    batch_id: str | None = None
    project_id: str | None = None
    issued_version: int | None = None
    findings: list[Finding] = []
    inputs: ProjectInputs | None = None  # read through the issued layout
    result: ProjectResult | None = None  # the engine's recomputation from `inputs` (findings left out)
    has_cached_values: bool | None = None  # None when the workbook was not read that far

    @computed_field  # type: ignore[prop-decorator]
    @property
    def worst(self) -> Severity | None:
        return worst_severity(self.findings)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def outcome(self) -> FileOutcome:
        return outcome_of(self.worst)


def report_parts(report: FileReport) -> tuple[str, str | None]:
    """The report as a check worker sends it: its JSON without the inputs, and the inputs' JSON
    (collect stores that text as it is: decoding it only to encode it again cost the collector
    a third of the report's decoding)."""
    inputs = report.inputs
    return report.model_dump_json(exclude={"inputs"}), inputs.model_dump_json() if inputs is not None else None


def without_findings(result: ProjectResult) -> ProjectResult:
    """The result as a report keeps it: its findings live, located, in the report."""
    indicators = tuple(r.model_copy(update={"findings": ()}) if r.findings else r for r in result.indicators)
    return result.model_copy(update={"findings": (), "indicators": indicators})
