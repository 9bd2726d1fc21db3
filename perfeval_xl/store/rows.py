"""Engine results and findings as plain table rows (no session, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from perfeval_xl.findings import Finding
from perfeval_xl.model import ProjectResult


def project_row(submission_id: int, result: ProjectResult) -> dict[str, Any]:
    budget = result.budget
    evaluators = result.evaluators
    return {
        "submission_id": submission_id,
        "initial_budget": budget.initial_budget,
        "annual_budget": budget.annual_budget,
        "received": budget.received,
        "executed": budget.executed,
        "balance": budget.balance,
        "arrival_rate": budget.arrival_rate,
        "execution_rate": budget.execution_rate,
        "total": result.total,
        "grade": result.grade,
        "unfilled": result.unfilled,
        "evaluator_count": evaluators.count,
        "evaluator_mean": evaluators.mean,
        "evaluator_min": evaluators.minimum,
        "evaluator_max": evaluators.maximum,
    }


def fund_rows(submission_id: int, result: ProjectResult) -> list[dict[str, Any]]:
    return [
        {
            "submission_id": submission_id,
            "position": position,
            "source": fund.source,
            "initial_budget": fund.initial_budget,
            "annual_budget": fund.annual_budget,
            "received": fund.received,
            "executed": fund.executed,
            "balance": fund.balance,
            "arrival_rate": fund.arrival_rate,
            "execution_rate": fund.execution_rate,
        }
        for position, fund in enumerate(result.budget.sources, start=1)
    ]


def group_rows(submission_id: int, result: ProjectResult) -> list[dict[str, Any]]:
    return [
        {
            "submission_id": submission_id,
            "position": position,
            "path": list(group.path),
            "level": group.level,
            "name": group.name,
            "code": group.code,
            "weight": group.weight,
            "score": group.score,
            "rate": group.rate,
        }
        for position, group in enumerate(result.groups, start=1)
    ]


def indicator_rows(submission_id: int, result: ProjectResult) -> list[dict[str, Any]]:
    return [
        {
            "submission_id": submission_id,
            "indicator_id": ind.indicator_id,
            "position": position,
            "kind": ind.kind.value if ind.kind is not None else None,
            "weight": ind.weight,
            "target": ind.target,
            "actual": ind.actual,
            "rate": ind.rate,
            "score": ind.score,
            "band": ind.band,
            "met": ind.met,
            "not_applicable": ind.not_applicable,
        }
        for position, ind in enumerate(result.indicators, start=1)
    ]


def distinct_findings(*groups: Iterable[Finding]) -> list[Finding]:
    """The findings of all groups in order, each distinct finding once."""
    seen: set[str] = set()
    out: list[Finding] = []
    for group in groups:
        for item in group:
            key = item.model_dump_json()
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


def finding_row(finding_id: int, sha256: str, submission_id: int | None, item: Finding) -> dict[str, Any]:
    where = item.location
    return {
        "id": finding_id,
        "file_sha256": sha256,
        "submission_id": submission_id,
        "code": item.code,
        "severity": item.severity.value,
        "sheet": where.sheet,
        "cell": where.cell,
        "cell_row": where.row,
        "cell_column": where.column,
        "project_id": where.project_id,
        "indicator_id": where.indicator_id,
        "field": where.field,
        "params": dict(item.params),
    }
