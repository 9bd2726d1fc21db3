"""The finding value object: a stable code, a severity, a location and parameters."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any, Iterable

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    """Outcome classes of REFERENCE §4, worst first."""

    REJECT = "reject"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.REJECT: 3, Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}
SEVERITY_LABELS = {Severity.REJECT: "退回", Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


class Location(BaseModel):
    """Where a finding points: a workbook cell, a manifest row/column, or an indicator."""

    model_config = ConfigDict(frozen=True)

    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    project_id: str | None = None
    indicator_id: str | None = None
    field: str | None = None  # which input of the indicator: actual, score, tier, reason, ...

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(self.sheet)
        if self.cell:
            parts.append(self.cell)
        elif self.row is not None:
            parts.append(f"row {self.row}" + (f", {self.column}" if self.column else ""))
        elif self.column:
            parts.append(self.column)
        if self.project_id and not parts:
            parts.append(self.project_id)
        if self.indicator_id:
            parts.append(self.indicator_id)
        return " / ".join(parts)


ParamValue = str | int | float | None


class Finding(BaseModel):
    """One problem (or note) found by a check. Checks return these; they never raise for bad data."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    location: Location = Location()
    params: dict[str, ParamValue] = {}

    def message(self, lang: str = "zh") -> str:
        from perfeval_xl.findings.catalogue import message

        return message(self.code, self.params, lang)

    def at(self, **where: Any) -> "Finding":
        """The same finding with more location fields filled (keeps fields already set)."""
        merged = {k: v for k, v in where.items() if getattr(self.location, k) is None}
        if not merged:
            return self
        return self.model_copy(update={"location": self.location.model_copy(update=merged)})


def _param(value: Any) -> ParamValue:
    if value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def finding(code: str, location: Location | None = None, **params: Any) -> Finding:
    """Build a finding; its severity comes from the catalogue entry for `code`."""
    from perfeval_xl.findings.catalogue import CATALOGUE

    entry = CATALOGUE[code]
    return Finding(
        code=code,
        severity=entry.severity,
        location=location or Location(),
        params={k: _param(v) for k, v in params.items()},
    )


def worst_severity(findings: Iterable[Finding]) -> Severity | None:
    worst: Severity | None = None
    for f in findings:
        if worst is None or f.severity.rank > worst.rank:
            worst = f.severity
    return worst
