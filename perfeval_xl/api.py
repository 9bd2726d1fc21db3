"""The Python API for analysts: load a batch, score it, get pydantic objects or DataFrames.

    >>> from perfeval_xl.api import load_batch
    >>> batch = load_batch("samples/manifest.yaml", "samples/inputs.yaml")
    >>> batch.results["S000"].total
    Decimal('99.50')
    >>> frames = batch.frames()
    >>> frames.projects[["project_id", "total", "grade"]].head()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from perfeval_xl.engine.evaluate import evaluate_many
from perfeval_xl.engine.profile import ScoringProfile
from perfeval_xl.findings import Finding
from perfeval_xl.manifest import load_manifest
from perfeval_xl.manifest.inputs_reader import read_inputs
from perfeval_xl.model import Manifest, Project, ProjectInputs, ProjectResult

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class BatchFrames:
    projects: pd.DataFrame  # one row per project: budget, first-level scores, total, grade
    indicators: pd.DataFrame  # one row per indicator per project
    groups: pd.DataFrame  # one row per category (一级/二级…) per project
    findings: pd.DataFrame  # one row per finding, with its message


@dataclass(frozen=True)
class ScoredBatch:
    manifest: Manifest
    profile: ScoringProfile
    inputs: dict[str, ProjectInputs]
    results: dict[str, ProjectResult]
    input_findings: list[Finding]  # inputs that do not fit the manifest

    def frames(self, lang: str = "zh") -> BatchFrames:
        return to_frames(self.manifest, self.results, lang)


def load_batch(manifest: str | Path, inputs: str | Path | None = None) -> ScoredBatch:
    """Load and validate a manifest (raises ManifestError if invalid), read inputs, score every project."""
    loaded = load_manifest(manifest)
    assert loaded.manifest is not None and loaded.profile is not None
    given, problems = read_inputs(inputs, loaded.manifest) if inputs else ({}, [])
    projects = loaded.manifest.projects
    scored = evaluate_many(((p, given.get(p.id)) for p in projects), loaded.profile)
    results = {p.id: r for p, r in zip(projects, scored)}
    return ScoredBatch(loaded.manifest, loaded.profile, given, results, problems)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _same(value: Decimal | None) -> Decimal | None:
    return value


def first_level_scores(project: Project, result: ProjectResult) -> tuple[tuple[str, Decimal | None], ...]:
    """(name, score) of each first-level category in form order: a group's subtotal, or the score of
    an indicator that stands at the first level itself (预算执行率 on the national form)."""
    groups = {g.path[0]: g.score for g in result.groups if g.level == 1}
    return level1_scores(((ind.path, ind.name, r.score) for ind, r in zip(project.indicators, result.indicators)),
                         groups)


def indicator_place(path: Sequence[str], name: str) -> tuple[str, str]:
    """An indicator's first-level category (itself when it stands at the first level) and its path as
    "a/b"."""
    return (path[0] if path else name), "/".join(path)


def level1_scores(indicators: Iterable[tuple[Sequence[str], str, Decimal | None]],
                  groups: Mapping[str, Decimal | None]) -> tuple[tuple[str, Decimal | None], ...]:
    """first_level_scores from plain values: each indicator's (path, name, score) in form order and
    each first-level group's score by name."""
    out: dict[str, Decimal | None] = {}
    for path, name, score in indicators:
        first = indicator_place(path, name)[0]
        if first not in out:
            out[first] = groups.get(first) if path else score
    return tuple(out.items())


def to_frames(manifest: Manifest, results: dict[str, ProjectResult], lang: str = "zh",
              exact: bool = False) -> BatchFrames:
    """Flatten engine results into DataFrames: numbers as floats, or as the engine's Decimals when `exact`."""
    import pandas as pd  # here, not above: the summary from the database uses this module and never pandas

    _num = _same if exact else _float
    projects, indicators, groups, findings = [], [], [], []
    for project in manifest.projects:
        result = results.get(project.id)
        if result is None:
            continue
        row = {
            "project_id": project.id, "project": project.name, "unit": project.unit,
            "department": project.department, "framework": project.framework,
            "annual_budget": _num(result.budget.annual_budget), "executed": _num(result.budget.executed),
            "execution_rate": _num(result.budget.execution_rate), "total": _num(result.total),
            "grade": result.grade, "unfilled": result.unfilled, "findings": len(result.findings),
        }
        for name, score in first_level_scores(project, result):
            row[f"score:{name}"] = _num(score)
        for ind, r in zip(project.indicators, result.indicators):
            level1, path = indicator_place(ind.path, ind.name)
            indicators.append({
                "project_id": project.id, "indicator_id": ind.id, "code": ind.code,
                "level1": level1, "path": path, "name": ind.name,
                "kind": r.kind.value if r.kind else None, "target_text": ind.target_text, "weight": _num(r.weight),
                "target": _num(r.target), "actual": _num(r.actual), "rate": _num(r.rate), "score": _num(r.score),
                "band": r.band, "met": r.met, "not_applicable": r.not_applicable,
            })
        for group in result.groups:
            groups.append({"project_id": project.id, "path": "/".join(group.path), "level": group.level,
                           "name": group.name, "weight": _num(group.weight), "score": _num(group.score),
                           "rate": _num(group.rate)})
        for f in result.findings:
            findings.append({"project_id": project.id, "code": f.code, "severity": f.severity.value,
                             "indicator_id": f.location.indicator_id, "field": f.location.field,
                             "message": f.message(lang)})
        projects.append(row)
    return BatchFrames(pd.DataFrame(projects), pd.DataFrame(indicators), pd.DataFrame(groups), pd.DataFrame(findings))
