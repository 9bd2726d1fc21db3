"""The batch and the projects expected back, read without validating indicators.

The collector needs only this (deadline, who must return what). Reading a large manifest
wholly (targets parsed, frameworks merged, weights checked) costs seconds and hundreds of
megabytes, and was done when the forms were generated; here the batch sheet and the
project rows are still typed and checked (required fields, unique ids).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from perfeval_xl.findings import Finding, Location, Severity, finding
from perfeval_xl.manifest.build import _batch, _typed, _unique_ids
from perfeval_xl.manifest.fields import PROJECTS
from perfeval_xl.manifest.load import ManifestError, read_raw_manifest
from perfeval_xl.model import Batch


class RosterProject(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    unit: str
    department: str


class Roster(BaseModel):
    model_config = ConfigDict(frozen=True)

    batch: Batch
    projects: tuple[RosterProject, ...]


def load_roster(path: str | Path) -> Roster:
    """The batch and its projects; ManifestError (with every finding) when those are not valid."""
    raw = read_raw_manifest(Path(path), tables=frozenset({PROJECTS.key}))
    findings: list[Finding] = list(raw.findings)
    batch = None if _fatal(findings) else _batch(raw, findings)
    typed = [(row, _typed(row, PROJECTS, findings)) for row in raw.rows(PROJECTS.key)]
    _unique_ids(typed, "id", "项目编号", findings)
    if not typed and not _fatal(findings):
        findings.append(finding("MANIFEST_FIELD_MISSING", Location(file=raw.source, sheet=PROJECTS.sheet),
                                field=f"{PROJECTS.sheet}（至少一个项目）"))
    if batch is None or _fatal(findings):
        raise ManifestError(findings)
    return Roster(batch=batch, projects=tuple(
        RosterProject(id=str(v["id"]), name=str(v["name"]), unit=str(v["unit"]), department=str(v["department"]))
        for _, v in typed))


def _fatal(findings: list[Finding]) -> bool:
    return any(f.severity in (Severity.REJECT, Severity.ERROR) for f in findings)
