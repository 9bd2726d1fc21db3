"""Read what units filled in (YAML/JSON, or the Excel inputs workbook) into ProjectInputs.

YAML/JSON layout: {projects: {PROJECT_ID: {indicators: {ID: {actual, tier, score,
reason, not_applicable}}, funds: {SOURCE: {received, executed}}, evaluators: [...],
stated: [...], overall_goal_actual, completion: [...], stated_totals: {...}}}}.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from perfeval_xl.engine.numbers import to_decimal
from perfeval_xl.findings import Finding, Location, finding
from perfeval_xl.manifest.text_reader import load_structured
from perfeval_xl.model import FundInput, Manifest, ProjectInputs


NUMBER_FIELDS = frozenset({"actual", "score", "received", "executed"})


def _number(value: object) -> object:
    """Numbers in a text file become Decimals ("98%" → 0.98); anything else stays as written."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return to_decimal(value)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("%", "％")):
            number = to_decimal(text[:-1])
            return number / 100 if number is not None else value
        number = to_decimal(text)
        return number if number is not None else value
    return value


def _clean(obj: object, key: str | None = None) -> object:
    if isinstance(obj, dict):
        return {k: _clean(v, str(k)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v, key) for v in obj]
    if key in NUMBER_FIELDS:
        return _number(obj)
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        return repr(obj)  # a text field written as a bare number in YAML ("text: 99.42")
    return obj


def read_inputs(path: str | Path, manifest: Manifest) -> tuple[dict[str, ProjectInputs], list[Finding]]:
    """Inputs per project id, and findings for anything that does not fit the manifest."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from perfeval_xl.manifest.inputs_excel import read_excel_inputs

        return read_excel_inputs(path, manifest)
    findings: list[Finding] = []
    try:
        data = load_structured(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        return {}, [finding("MANIFEST_UNREADABLE", Location(file=str(path)), detail=str(exc).splitlines()[0])]
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, dict):
        return {}, [finding("MANIFEST_UNREADABLE", Location(file=str(path)), detail="顶层应为 projects: {项目编号: ...}")]
    out: dict[str, ProjectInputs] = {}
    for pid, body in projects.items():
        pid = str(pid)
        loc = Location(file=str(path), column=f"projects.{pid}", project_id=pid)
        project = manifest.project(pid)
        if project is None:
            findings.append(finding("UNKNOWN_REFERENCE", loc, field="项目编号", value=pid, target="清单"))
            continue
        body = _clean(body or {})
        funds = body.pop("funds", {}) or {}
        if isinstance(funds, dict):
            body["funds"] = [FundInput(source=str(k), **(v or {})) for k, v in funds.items()]
        else:
            body["funds"] = funds
        try:
            inputs = ProjectInputs(project_id=pid, **body)
        except (ValidationError, TypeError) as exc:
            findings.append(finding("MANIFEST_FIELD_INVALID", loc, field=f"项目“{pid}”的填报数据", value="",
                                    detail=str(exc).splitlines()[0]))
            continue
        for ind_id in inputs.indicators:
            if project.indicator(ind_id) is None:
                findings.append(finding("UNKNOWN_REFERENCE", loc.model_copy(update={"indicator_id": ind_id}),
                                        field="指标编号", value=ind_id, target=f"项目“{pid}”"))
        out[pid] = inputs
    return out, findings
