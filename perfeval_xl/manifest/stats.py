"""Counts over a validated manifest, for `validate-manifest --stats`: what a batch holds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from perfeval_xl.engine import resolve_project
from perfeval_xl.manifest.build import LoadedManifest
from perfeval_xl.model import IndicatorKind


@dataclass(frozen=True)
class ManifestStats:
    projects: int
    indicators: int
    frameworks: Counter[str]  # framework id -> projects
    kinds: Counter[IndicatorKind]  # resolved kind -> indicators
    departments: Counter[str]  # 主管部门 -> projects
    units: Counter[str]  # 计量单位 -> indicators ("" when none)
    target_texts: Counter[str]  # distinct 年度指标值 -> indicators using it


def manifest_stats(loaded: LoadedManifest) -> ManifestStats | None:
    """None when the manifest did not validate (there is no model to count)."""
    if loaded.manifest is None or loaded.profile is None:
        return None
    kinds: Counter[IndicatorKind] = Counter()
    units: Counter[str] = Counter()
    targets: Counter[str] = Counter()
    for project in loaded.manifest.projects:
        default_kind = loaded.frameworks[project.framework].default_kind
        for resolved in resolve_project(project, loaded.profile, default_kind):
            kinds[resolved.kind] += 1
            units[resolved.indicator.unit or ""] += 1
            if resolved.indicator.target_text:
                targets[resolved.indicator.target_text] += 1
    projects = loaded.manifest.projects
    return ManifestStats(
        projects=len(projects),
        indicators=sum(len(p.indicators) for p in projects),
        frameworks=Counter(p.framework for p in projects),
        kinds=kinds,
        departments=Counter(p.department for p in projects),
        units=units,
        target_texts=targets,
    )
